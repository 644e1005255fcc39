import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { MemoryStore, type StoreChange } from '../../src/store/memory-store.js';
import { foldLogs } from '../../src/toolkit/compaction.js';
import { encodeHeader, encodeRecord } from '../../src/toolkit/log-records.js';
import { logPath, readDataFile, saveSnapshot } from '../../src/toolkit/persistence.js';

// A `--data` compaction folds the logs into a new snapshot: the change tracking of delta queries
// (started by a logged `track`, stamped in the logged changes) is folded with the entities, so a
// delta token issued before a compaction is still good after it and after a restart from it.

t.test('a compaction folds the change tracking into the snapshot, as the live store has it', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'store.json');
  const live = new MemoryStore();
  live.insertMember('users', { type: 'ns.user', key: 'a', properties: { id: 'a', name: 'A' } });
  saveSnapshot(file, new Map([['/v1.0', live]]), 1);
  const changes: StoreChange[] = [];
  live.observe((change) => changes.push(change));
  live.track('users');
  live.insertMember('users', { type: 'ns.user', key: 'b', properties: { id: 'b', name: 'B' } });
  const rolledBack = live.begin();
  live.insertMember('users', { type: 'ns.user', key: 'x', properties: { id: 'x' } });
  rolledBack.rollback();
  live.update(live.getMember('users', 'a')!, { id: 'a', name: 'renamed' });
  live.delete("users('b')");
  writeFileSync(logPath(file, 1), encodeHeader() + changes.map((c) => encodeRecord('/v1.0', c)).join(''));
  const temporary = path.join(dir, 'folded.json');
  await foldLogs({ file, from: 1, to: 1 }, temporary);
  t.match(readFileSync(temporary, 'utf8'), /"tracking"/);
  const folded = (await readDataFile(temporary))?.services.get('/v1.0');
  t.same(folded?.tracking, JSON.parse(JSON.stringify(live.snapshot().tracking)), 'the same tracking, stamps included');
  const restarted = new MemoryStore();
  restarted.restore(folded!);
  t.equal(restarted.tracking('users')?.id, live.tracking('users')?.id, 'the same tracking id: tokens stay good');
  t.equal(restarted.changeStamp, live.changeStamp);
});

t.test('a snapshot whose tracking is incomplete stops the start, the file untouched', async (t) => {
  const file = path.join(t.testdir(), 'store.json');
  const text = JSON.stringify({ format: 'edmock-store', version: 2, log: 0, services: { '/v1.0': { sequence: 0, entities: [], links: [], tracking: { stamp: 'x' } } } });
  writeFileSync(file, text);
  await t.rejects(readDataFile(file), /the change tracking \(delta queries\) of '\/v1\.0' is incomplete/);
  t.equal(readFileSync(file, 'utf8'), text);
});
