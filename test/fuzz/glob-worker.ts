import { parentPort, workerData } from 'node:worker_threads';
import { createServer } from '../../src/server/create-server.js';

// Runs one glob against one long path in a worker thread, so that the test can stop it from
// outside when the match never ends (a backtracking matcher blocks its event loop for good).
// workerData: { glob, path }. Before each step it posts 'ready', so that loading modules and
// setting up do not count against the deadline; after it, the status of the answer that needed
// the match: first a journal filter over the recorded path, then a request under a fault rule.

interface Job { glob: string; path: string }

const { glob, path } = workerData as Job;
const app = await createServer();
await app.inject({ method: 'GET', url: path });
parentPort?.postMessage('ready');
const journal = await app.inject({ method: 'GET', url: `/_edmock/journal?path=${encodeURIComponent(glob)}` });
parentPort?.postMessage(journal.statusCode);
const rule = await app.inject({ method: 'POST', url: '/_edmock/faults', payload: { fault: 'throttle', path: glob } });
parentPort?.postMessage('ready');
parentPort?.postMessage(rule.statusCode === 201 ? (await app.inject({ method: 'GET', url: path })).statusCode : rule.statusCode);
await app.close();
