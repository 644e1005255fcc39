import { parentPort, workerData } from 'node:worker_threads';
import { foldLogs, type CompactionJob } from './compaction.js';

// The worker thread of a `--data` compaction (compaction.ts): folds the logs, answers with the
// size of the snapshot it wrote, or with why it could not.

const { job, temporary } = workerData as { job: CompactionJob; temporary: string };
try {
  parentPort?.postMessage({ bytes: await foldLogs(job, temporary) });
} catch (error) {
  parentPort?.postMessage({ error: (error as Error).message });
}
