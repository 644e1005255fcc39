import { parentPort, workerData } from 'node:worker_threads';
import { createServer } from '../../src/server/create-server.js';

// Runs one glob against one long path in a worker thread, so that the test can stop it from
// outside when the match never ends (a backtracking matcher blocks its event loop for good).
// workerData: { glob, path, through: 'journal' | 'fault' }. Posts 'ready' once the server is up
// and the path recorded (or the rule added), so that loading modules does not count against
// the deadline; then the status of the answer that needs the match.

interface Job { glob: string; path: string; through: 'journal' | 'fault' }

const { glob, path, through } = workerData as Job;
const app = await createServer();
let status: number;
if (through === 'journal') {
  await app.inject({ method: 'GET', url: path });
  parentPort?.postMessage('ready');
  status = (await app.inject({ method: 'GET', url: `/_edmock/journal?path=${encodeURIComponent(glob)}` })).statusCode;
} else {
  const rule = await app.inject({ method: 'POST', url: '/_edmock/faults', payload: { fault: 'throttle', path: glob } });
  parentPort?.postMessage('ready');
  status = rule.statusCode === 201 ? (await app.inject({ method: 'GET', url: path })).statusCode : rule.statusCode;
}
await app.close();
parentPort?.postMessage(status);
