import { connect } from 'node:net';
import type { FastifyInstance, InjectOptions } from 'fastify';
import t from 'tap';
import { createMockServer } from '../../src/server/mock-server.js';
import { startServer, startServerWithEdmx } from '../helpers/server.js';
import { CORPUS, RAW_CORPUS, type CorpusCase, type Step } from './corpus.js';
import { breach, send, type Answer } from './harness.js';
import { TYPED_EDMX } from './typed-model.js';

// The corpus replayed as plain tests: each input the issue names (and each the fuzz suite found)
// gets the answer it must, and like every fuzz input a 2xx or a catalog error within the
// deadline. A case still `open` has todo assertions, naming the line of work that closes it.

const servers = new Map<CorpusCase['server'], Promise<FastifyInstance>>();

/** One server per kind, shared by the cases (their ids do not collide), closed at the end. */
function serverFor(kind: CorpusCase['server']): Promise<FastifyInstance> {
  let server = servers.get(kind);
  if (!server) {
    const start = kind === 'typed' ? startServerWithEdmx(t, TYPED_EDMX) : startServer(t, kind === 'auth' ? { auth: true } : {});
    server = start.then((client) => client.app);
    servers.set(kind, server);
  }
  return server;
}

function injectOptions(step: Step): InjectOptions {
  const payload = step.bytes ? Buffer.from(step.bytes) : step.body;
  const headers = payload === undefined ? step.headers ?? {} : { 'content-type': 'application/json', ...step.headers };
  return { method: step.method, url: step.url, headers, ...(payload === undefined ? {} : { payload }) };
}

for (const entry of CORPUS) {
  t.test(`${entry.owner}: ${entry.finding}`, async (t) => {
    const app = await serverFor(entry.server);
    const todo = entry.open === undefined ? {} : { todo: `the ${entry.open} branch` };
    for (const step of entry.setup ?? []) {
      const done = await send(app, injectOptions(step));
      t.ok(done !== 'hang' && done !== 'reset' && done.status < 300, `setup ${step.method} ${step.url}`);
    }
    const answer = await send(app, injectOptions(entry.request));
    t.equal(breach(answer, entry.request.method), undefined, 'a 2xx or a catalog error, in time', todo);
    if (answer === 'hang' || answer === 'reset') return;
    const { expect } = entry;
    const statuses = Array.isArray(expect.status) ? expect.status : [expect.status];
    t.ok(statuses.includes(answer.status), `status ${statuses.join(' or ')} (got ${answer.status}: ${answer.text.slice(0, 200)})`, todo);
    if (expect.code !== undefined) t.equal(codeOf(answer), expect.code, `error code ${expect.code}`, todo);
    for (const text of expect.contains ?? []) t.ok(answer.text.includes(text), `the body has ${text}`, todo);
    for (const text of expect.lacks ?? []) t.notOk(answer.text.includes(text), `the body has no ${text}`, todo);
    if (expect.location) t.match(answer.headers.location, expect.location, 'Location', todo);
  });
}

function codeOf(answer: Answer): unknown {
  try {
    return (JSON.parse(answer.text) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return undefined;
  }
}

/** Sends bytes over a socket and reads until the server closes it (or the deadline). */
function exchange(port: number, text: string, deadlineMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); resolve(received); }, deadlineMs);
    socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => { clearTimeout(timer); resolve(received); });
    socket.write(text);
  });
}

t.test('protocol edges over a raw socket', async (t) => {
  const mock = await createMockServer();
  t.teardown(() => mock.close());
  const port = Number(new URL(await mock.listen()).port);
  for (const entry of RAW_CORPUS) {
    const todo = entry.open === undefined ? {} : { todo: `the ${entry.open} branch` };
    const answer = await exchange(port, entry.text.replaceAll('{port}', String(port)));
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1]);
    const statuses = Array.isArray(entry.status) ? entry.status : [entry.status];
    t.ok(statuses.includes(status), `${entry.owner}: ${entry.finding}: status ${statuses.join(' or ')} (got ${answer.split('\r\n')[0] || 'nothing'})`, todo);
    for (const text of entry.contains ?? []) t.ok(answer.includes(text.replaceAll('{port}', String(port))), `the answer has ${text}`, todo);
    for (const text of entry.lacks ?? []) t.notOk(answer.includes(text), `the answer has no ${text}`, todo);
    if (entry.location !== undefined) {
      // Header names are case-insensitive (RFC 9110 §5.1).
      const location = /^location: *(.*)$/im.exec(answer.split('\r\n\r\n')[0] ?? '')?.[1] ?? '';
      t.ok(location.startsWith(entry.location.replaceAll('{port}', String(port))), `Location ${location} names the listening address`, todo);
    }
  }
});
