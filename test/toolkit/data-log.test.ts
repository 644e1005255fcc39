import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { createServer } from '../../src/server/create-server.js';
import { createMockServer, type MockServer } from '../../src/server/mock-server.js';
import type { StoreChange } from '../../src/store/memory-store.js';
import type { DataSync } from '../../src/toolkit/data-log.js';
import { encodeHeader, encodeRecord, readLogText } from '../../src/toolkit/log-records.js';
import { logGenerations, logPath } from '../../src/toolkit/persistence.js';
import { BETA_APP, type TapTest } from '../helpers/server.js';
import { crashImage } from '../helpers/crash-image.js';

// --data's write-ahead log: its records read back as written, a record cut short at the end is
// left out and a damaged one elsewhere is refused; a write is in the log when it is answered;
// what a rolled-back change set or load wrote never reaches it; the log is compacted while
// writes go on, and a restart from what is on disk at any moment holds every answered write.

const USER_STATUSES = `${BETA_APP}/userStatuses`;
const JSON_HEADERS = { 'content-type': 'application/json' };

const insert = (key: string, properties: Record<string, unknown> = {}): StoreChange => ({
  op: 'insert', collection: 'things', path: `things('${key}')`, type: 'ns.thing', key, properties: { id: key, ...properties }, seq: 1,
});

t.test('log records: what is written reads back, Int64 beyond 2^53 and line breaks in strings included', async (t) => {
  const changes: StoreChange[] = [
    insert('a', { big: 9007199254740993n, text: 'two\nlines "quoted"' }),
    { op: 'update', path: "things('a')", properties: { id: 'a', n: 2 }, version: 2 },
    { op: 'link', navigation: "things('a')/friends", key: 'b', target: "things('b')" },
    { op: 'unlink', navigation: "things('a')/friends", key: 'b' },
    { op: 'delete', path: "things('a')" },
    { op: 'clear' },
  ];
  const text = encodeHeader() + changes.map((c) => encodeRecord('/svc', c)).join('');
  t.equal(text.split('\n').length, changes.length + 2, 'one line a record, after the header');
  const read = readLogText(text, true);
  t.same(read.records, changes.map((change) => ({ store: '/svc', change })));
  t.equal((read.records[0]?.change as unknown as { properties: { big: unknown } }).properties.big, 9007199254740993n, 'the digits kept');
  t.equal(read.tornTail, false);
  t.same(readLogText('', true), { records: [], tornTail: false }, 'a log made and never written to');
  t.same(readLogText(encodeHeader().slice(0, 10), true), { records: [], tornTail: true }, 'a log whose header a crash cut short');
});

t.test('log records: a record cut short is left out at the end of the last log, refused anywhere else', async (t) => {
  const whole = encodeHeader() + encodeRecord('', insert('a')) + encodeRecord('', insert('b'));
  const cut = whole.slice(0, -7);
  const read = readLogText(cut, true);
  t.same(read.records.map((r) => (r.change as { key: string }).key), ['a'], 'the whole records only');
  t.equal(read.tornTail, true);
  t.throws(() => readLogText(cut, false), /ends in the middle of a record/, 'a log that was closed must be whole');

  const lines = whole.split('\n');
  const garble = (index: number) => lines.map((line, i) => (i === index ? line.replace('"a"', '"x"').replace('"b"', '"y"') : line)).join('\n');
  t.same(readLogText(garble(2), true).records.length, 1, 'the last whole line garbled (what a crash can leave too): left out');
  t.throws(() => readLogText(garble(1), true), /record 1 \(line 2\) is damaged/, 'a damaged record before others: refused');
  t.throws(() => readLogText(garble(2), false), /record 2 \(line 3\) is damaged/);
  t.throws(() => readLogText(`${whole.split('\n').slice(1).join('\n')}`, true), /it is not an edmock log/, 'a log without its header');
  const otherVersion = '{"format":"edmock-log","version":2}';
  const header = `${(await import('node:zlib')).crc32(otherVersion).toString(16).padStart(8, '0')} ${otherVersion}\n`;
  t.throws(() => readLogText(header, true), /log format version 2, this edmock reads 1/);
});

async function create(mock: MockServer, id: string): Promise<number> {
  return (await mock.inject({ method: 'POST', url: USER_STATUSES, headers: JSON_HEADERS, payload: JSON.stringify({ id, userName: id }) })).statusCode;
}

const APPS = '/beta/deviceAppManagement/mobileApps';

async function createApp(mock: MockServer, id: string): Promise<number> {
  return (await mock.inject({ method: 'POST', url: APPS, headers: JSON_HEADERS, payload: JSON.stringify({ '@odata.type': '#microsoft.graph.webApp', id, displayName: id }) })).statusCode;
}

async function keysAfterRestart(t: TapTest, file: string, fixtures = true): Promise<Set<string>> {
  const mock = await createMockServer({ dataFile: file, fixtures });
  t.teardown(() => mock.close());
  const snapshot = mock.dump()['/beta'];
  return new Set(snapshot?.entities.map((e) => e.key));
}

for (const sync of ['group', 'always'] as DataSync[]) {
  t.test(`--data-sync ${sync}: a write is in the log when it is answered, and a restart from a crash holds it`, async (t) => {
    const dir = t.testdir();
    const file = path.join(dir, 'store.json');
    const mock = await createMockServer({ dataFile: file, dataSync: sync });
    t.teardown(() => mock.close());
    t.same(logGenerations(file), [1], 'one log, opened at startup beside the snapshot');
    t.equal(await create(mock, 'first'), 201);
    t.match(readFileSync(logPath(file, 1), 'utf8'), /"op":"insert".*"key":"first"/, 'logged before the answer');
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => create(mock, `many-${i}`)));
    t.same(new Set(statuses), new Set([201]));
    t.equal((await mock.inject({ method: 'DELETE', url: `${USER_STATUSES}/many-3` })).statusCode, 204);
    const patched = await mock.inject({ method: 'PATCH', url: `${USER_STATUSES}/many-4`, headers: JSON_HEADERS, payload: '{"userName":"patched"}' });
    t.equal(patched.statusCode, 204);
    const image = crashImage(file, path.join(dir, 'crash'));
    const restarted = await createMockServer({ dataFile: image });
    t.teardown(() => restarted.close());
    const entities = restarted.dump()['/beta']?.entities ?? [];
    const keys = new Set(entities.map((e) => e.key));
    t.ok(keys.has('first') && keys.has('many-29') && !keys.has('many-3'), 'creates and the delete replayed');
    t.equal(entities.find((e) => e.key === 'many-4')?.properties.userName, 'patched', 'the update replayed');
    t.equal(entities.find((e) => e.key === 'many-4')?.version, 2, 'with its version: the ETag is the one answered');
  });
}

t.test('a rolled-back change set and a failed load never reach the log; a committed change set does', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'store.json');
  const mock = await createMockServer({ dataFile: file });
  t.teardown(() => mock.close());
  const part = (id: string, body: object) => ({ id, method: 'POST', url: USER_STATUSES, atomicityGroup: 'g', headers: JSON_HEADERS, body });
  const rolledBack = await mock.inject({ method: 'POST', url: '/beta/$batch', headers: JSON_HEADERS, payload: JSON.stringify({ requests: [part('1', { id: 'undone' }), part('2', { id: 'bad', notAProperty: 1 })] }) });
  t.equal(rolledBack.statusCode, 200);
  t.same(JSON.parse(rolledBack.body).responses.map((r: { status: number }) => r.status).sort(), [400, 424], 'the group failed');
  const committed = await mock.inject({ method: 'POST', url: '/beta/$batch', headers: JSON_HEADERS, payload: JSON.stringify({ requests: [part('1', { id: 'kept-1' }), part('2', { id: 'kept-2' })] }) });
  t.same(JSON.parse(committed.body).responses.map((r: { status: number }) => r.status), [201, 201]);
  const load = await mock.inject({ method: 'POST', url: '/_edmock/fixtures', headers: JSON_HEADERS, payload: JSON.stringify({ [USER_STATUSES]: [{ id: 'loaded-undone' }, { id: 'x', notAProperty: 1 }] }) });
  t.equal(load.statusCode, 400);
  const log = readFileSync(logPath(file, 1), 'utf8');
  t.notMatch(log, /undone/, 'nothing of what was undone');
  t.match(log, /kept-1[\s\S]*kept-2/);
  const keys = await keysAfterRestart(t, crashImage(file, path.join(dir, 'crash')));
  t.ok(keys.has('kept-1') && keys.has('kept-2') && !keys.has('undone') && !keys.has('loaded-undone'));
});

t.test('a reset is logged: after a crash the store is the startup dataset again', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'store.json');
  const mock = await createMockServer({ dataFile: file });
  t.teardown(() => mock.close());
  t.equal(await create(mock, 'before-reset'), 201);
  t.equal((await mock.inject({ method: 'POST', url: '/_edmock/reset' })).statusCode, 204);
  t.equal(await create(mock, 'after-reset'), 201);
  const keys = await keysAfterRestart(t, crashImage(file, path.join(dir, 'crash')));
  t.ok(!keys.has('before-reset') && keys.has('after-reset'));
  t.ok(keys.has('44444444-4444-4444-8444-444444444444'), 'the startup dataset is there');
});

t.test('the log is compacted while writes go on; a restart from any moment holds every answered write', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'store.json');
  // 1 byte: a compaction as soon as the log outgrows the snapshot, which starts nearly empty.
  const mock = await createMockServer({ dataFile: file, dataCompactBytes: 1, fixtures: false });
  t.teardown(() => mock.close());
  const answered: string[] = [];
  const images: { file: string; answered: number }[] = [];
  const snapshotLog = () => (JSON.parse(readFileSync(file, 'utf8')) as { log: number }).log;
  // Rounds of writes until several compactions are done (a worker thread takes a moment to start).
  let round = 0;
  for (; round < 20 || (snapshotLog() < 3 && round < 200); round++) {
    const ids = Array.from({ length: 25 }, (_, i) => `r${round}-${i}`);
    const statuses = await Promise.all(ids.map((id) => createApp(mock, id)));
    ids.forEach((id, i) => { if (statuses[i] === 201) answered.push(id); });
    if (round % 5 === 4) images.push({ file: crashImage(file, path.join(dir, `crash-${round}`)), answered: answered.length });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.equal(answered.length, round * 25, 'every create answered 201');
  // The last compaction may still be on its way: wait for it (the snapshot holds the logs before the newest one).
  for (let i = 0; i < 100 && logGenerations(file).length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(snapshotLog() >= 3, `compacted several times (the snapshot holds the logs before ${snapshotLog()})`);
  t.same(logGenerations(file), [snapshotLog()], 'the folded logs are gone');
  t.match(readFileSync(file, 'utf8'), /"r0-0"/, 'the snapshot holds the early writes');
  for (const image of images) {
    const keys = await keysAfterRestart(t, image.file, false);
    const missing = answered.slice(0, image.answered).filter((id) => !keys.has(id));
    t.same(missing, [], `a restart from the files as they were after ${image.answered} writes`);
  }
  const keys = await keysAfterRestart(t, crashImage(file, path.join(dir, 'crash-end')), false);
  t.same(answered.filter((id) => !keys.has(id)), [], 'and after the compaction');
});

t.test('at startup a cut-short last record is left out; a damaged one before others stops the start, the files untouched', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'store.json');
  const mock = await createMockServer({ dataFile: file });
  t.teardown(() => mock.close());
  for (const id of ['one', 'two', 'three']) t.equal(await create(mock, id), 201);

  const torn = crashImage(file, path.join(dir, 'torn'));
  appendFileSync(logPath(torn, 1), encodeRecord('/beta', insert('half')).slice(0, 40));
  const leftover = `${torn}.4242.compact.1.tmp`;
  writeFileSync(leftover, '{"half a snapshot');
  const keys = await keysAfterRestart(t, torn);
  t.ok(keys.has('one') && keys.has('three'), 'what was whole is back');
  t.notOk(existsSync(leftover), 'a temporary snapshot a crash left is removed');

  const damaged = crashImage(file, path.join(dir, 'damaged'));
  const text = readFileSync(logPath(damaged, 1), 'utf8');
  writeFileSync(logPath(damaged, 1), text.replace('"userName":"two"', '"userName":"TWO"'));
  await t.rejects(createServer({ dataFile: damaged }), /store\.json\.1\.log: record 2 \(line 3\) is damaged\. The file was left as it is/);
  t.equal(readFileSync(logPath(damaged, 1), 'utf8'), text.replace('"userName":"two"', '"userName":"TWO"'), 'left as it was');

  const gap = crashImage(file, path.join(dir, 'gap'));
  writeFileSync(logPath(gap, 3), encodeHeader());
  await t.rejects(createServer({ dataFile: gap }), /the log store\.json\.2\.log is missing \(store\.json\.3\.log is there\)/);
});
