import t from 'tap';
import { parseServeOptions } from '../../src/cli/serve-options.js';
import { createServer } from '../../src/server/create-server.js';
import { BETA_APP, startServer } from '../helpers/server.js';

// What the journal may keep: a prefix of each body (marked as cut), a total across every
// session, and a number of sessions. Large rejected bodies once stayed in the journal whole.

const USER_STATUSES = `${BETA_APP}/userStatuses`;
/** A body the service refuses (an Int32 given a long string), about `size` bytes long. */
const rejected = (size: number, fill = 'x') => `{"installedDeviceCount":"${fill.repeat(size - 30)}"}`;

interface Entry { body?: string; bodyTruncated?: boolean; bodySize?: number; status: number; error?: { message: string; details: { message: string }[] } }

t.test('a body over the journal body limit is kept as its first bytes, marked as cut with its size', async (t) => {
  const client = await startServer(t, { journalBodyLimit: 1000 });
  const long = rejected(5000);
  t.equal((await client.request('POST', USER_STATUSES, long)).status, 400);
  const small = '{"userName":"A"}';
  t.equal((await client.request('POST', USER_STATUSES, small)).status, 201);
  const [cut, whole] = (await client.get('/_edmock/journal')).body.value as Entry[];
  t.equal(cut?.body, long.slice(0, 1000), 'the first 1000 bytes');
  t.equal(cut?.bodyTruncated, true);
  t.equal(cut?.bodySize, Buffer.byteLength(long));
  t.ok((cut?.error?.message.length ?? Infinity) <= 1001, 'the error quoting the value is cut too');
  t.ok((cut?.error?.details[0]?.message.length ?? Infinity) <= 1001);
  t.equal(whole?.body, small);
  t.notOk(whole && 'bodyTruncated' in whole, 'a body within the limit is whole and unmarked');
  t.notOk(whole && 'bodySize' in whole);
});

t.test('a cut never splits a character: the prefix is valid text, at most the limit in UTF-8 bytes', async (t) => {
  const client = await startServer(t, { journalBodyLimit: 1001 });
  const body = rejected(3000, 'é'); // two bytes each: byte 1001 is inside a character
  await client.request('POST', USER_STATUSES, body);
  const [entry] = (await client.get('/_edmock/journal')).body.value as Entry[];
  const kept = entry?.body ?? '';
  t.ok(Buffer.byteLength(kept) <= 1001 && Buffer.byteLength(kept) >= 999);
  t.ok(body.startsWith(kept), 'a prefix of what was sent');
  t.notOk(kept.includes('\uFFFD'), 'no broken character');
  t.equal(entry?.bodySize, Buffer.byteLength(body));
});

t.test('many large rejected bodies across sessions: what the journals keep stays under the total bound', async (t) => {
  const maxBytes = 1024 * 1024;
  const client = await startServer(t, { journalMaxBytes: maxBytes });
  const body = rejected(512 * 1024);
  let highest = 0;
  for (let i = 0; i < 60; i++) {
    const response = await client.request('POST', USER_STATUSES, body, { 'x-edmock-session': `suite-${i % 4}` });
    t.equal(response.status, 400);
    highest = Math.max(highest, client.app.edmock.sessions.journalBytes);
  }
  t.ok(highest <= maxBytes, `at most ${maxBytes} bytes kept (highest: ${highest})`);
  t.ok(highest > maxBytes / 2, 'and the bound is what limits them, not a loss of every entry');
  const newest = (await client.get('/_edmock/journal', { 'x-edmock-session': 'suite-3' })).body.value as Entry[];
  t.ok(newest.length >= 1, 'the newest entries stay');
  t.equal(newest.at(-1)?.bodySize, Buffer.byteLength(body));
  const oldest = (await client.get('/_edmock/journal', { 'x-edmock-session': 'suite-0' })).body.value as Entry[];
  t.ok(oldest.length < 15, 'the oldest gave way');
});

t.test('the default bounds: 100 rejected 1 MB bodies keep about 100 x 64 KiB, not 100 MB', async (t) => {
  const client = await startServer(t);
  const body = rejected(1024 * 1024);
  for (let i = 0; i < 100; i++) await client.request('POST', USER_STATUSES, body);
  const bytes = client.app.edmock.sessions.journalBytes;
  // Body, and the error message and detail quoting the value: each cut at 64 KiB.
  t.ok(bytes <= 100 * (3 * 65536 + 4096), `kept: ${bytes} bytes`);
  t.equal((await client.get('/_edmock/journal')).body.value.length, 100, 'every entry is still listed');
});

t.test('ending a session, clearing or resetting a journal gives its bytes back', async (t) => {
  const client = await startServer(t);
  const body = rejected(100_000);
  await client.request('POST', USER_STATUSES, body, { 'x-edmock-session': 'a' });
  await client.request('POST', USER_STATUSES, body, { 'x-edmock-session': 'b' });
  await client.request('POST', USER_STATUSES, body);
  const { sessions } = client.app.edmock;
  const all = sessions.journalBytes;
  t.equal((await client.delete('/_edmock/sessions/a')).status, 204);
  t.ok(sessions.journalBytes < all && sessions.journalBytes > 0);
  await client.request('DELETE', '/_edmock/journal', undefined, { 'x-edmock-session': 'b' });
  await client.request('POST', '/_edmock/reset', undefined);
  t.equal(sessions.journalBytes, 0);
});

t.test('a request still running when its session ends leaves nothing in the journals', async (t) => {
  const client = await startServer(t);
  const slow = { 'x-edmock-session': 'slow', 'x-edmock-fault': 'latency=300' };
  const running = client.request('POST', USER_STATUSES, rejected(100_000), slow);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await client.delete('/_edmock/sessions/slow')).status, 204);
  t.equal((await running).status, 400, 'it is still answered');
  t.equal(client.app.edmock.sessions.journalBytes, 0);
});

t.test('past max sessions, a new session ends the least recently used one', async (t) => {
  const client = await startServer(t, { maxSessions: 2 });
  const as = (id: string) => ({ 'x-edmock-session': id });
  t.equal((await client.post(USER_STATUSES, { userName: 'only in a' }, as('a'))).status, 201);
  await client.get(USER_STATUSES, as('b'));
  await client.get(USER_STATUSES, as('a')); // a is now the most recently used
  await client.get(USER_STATUSES, as('c')); // b gives way
  t.equal((await client.get('/_edmock/journal', as('a'))).body.value.length, 2, "a kept its journal (its POST and GET)");
  t.equal((await client.get(USER_STATUSES, as('a'))).body.value.length, 2, 'and its data');
  t.equal((await client.get('/_edmock/journal', as('b'))).body.value.length, 0, 'b starts over');
  t.equal((await client.delete('/_edmock/sessions/c')).status, 404, 'c gave way to b');
});

t.test('bounds: options and flags', async (t) => {
  await t.rejects(createServer({ maxSessions: 0 }), /maxSessions: 0 is not a whole number of 1 or more/);
  await t.rejects(createServer({ journalMaxBytes: -1 }), /journalMaxBytes: -1/);
  await t.rejects(createServer({ journalBodyLimit: 1.5 }), /journalBodyLimit: 1.5/);
  t.match(parseServeOptions(['--journal-body-limit', '0', '--journal-max-bytes', '1000', '--max-sessions', '5'], '.'), { journalBodyLimit: 0, journalMaxBytes: 1000, maxSessions: 5 });
  t.match(parseServeOptions([], '.'), { journalBodyLimit: 65536, journalMaxBytes: 64 * 1024 * 1024, maxSessions: 1000 });
  t.throws(() => parseServeOptions(['--max-sessions', '0'], '.'), /--max-sessions: '0' is not a positive whole number/);
});
