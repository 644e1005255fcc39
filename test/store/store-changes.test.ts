import t from 'tap';
import { MemoryStore, type StoreChange } from '../../src/store/memory-store.js';

// What MemoryStore.observe reports is what `--data` logs and replays: one change per operation
// (a delete's subtree, a replaced singleton and the undo steps of a rollback are not changes of
// their own), a transaction's changes only when it commits, and a replay through apply() that
// rebuilds the same store, ETag numbers included.

function observed(): { store: MemoryStore; changes: StoreChange[] } {
  const store = new MemoryStore();
  const changes: StoreChange[] = [];
  store.observe((change) => changes.push(change));
  return { store, changes };
}

function replayed(changes: StoreChange[]): MemoryStore {
  const store = new MemoryStore();
  for (const change of changes) store.apply(change);
  return store;
}

t.test('each operation is one change, and replaying them rebuilds the same store', async (t) => {
  const { store, changes } = observed();
  for (const key of ['a', 'b', 'c']) store.insertMember('apps', { type: 'app', key, properties: { id: key } });
  store.insertMember("apps('b')/statuses", { type: 'status', key: 's1', properties: { id: 's1' } });
  store.putSingle("apps('b')/owner", { type: 'user', key: 'o', properties: { id: 'o' } });
  store.putSingle("apps('b')/owner", { type: 'user', key: 'o2', properties: { id: 'o2' } });
  store.addLink("apps('a')/related", 'b', "apps('b')");
  store.addLink("apps('c')/related", 'a', "apps('a')");
  store.update(store.getMember('apps', 'c')!, { id: 'c', n: 2 });
  store.removeLink("apps('c')/related", 'a');
  store.delete("apps('b')");
  t.same(changes.map((c) => c.op), ['insert', 'insert', 'insert', 'insert', 'single', 'single', 'link', 'link', 'update', 'unlink', 'delete'],
    'a replaced singleton and a deleted subtree (its status, owner and the link to it) are one change each');
  const copy = replayed(changes);
  t.same(copy.snapshot(), store.snapshot(), 'the same entities, versions, sequence numbers and links');
  t.equal(copy.size, store.size);
  t.same(copy.getLinks("apps('a')/related"), new Map(), 'the link to the deleted entity went with it');
  store.clear();
  t.same(changes.at(-1), { op: 'clear' });
});

t.test("a transaction's changes are reported when it commits, never when it rolls back", async (t) => {
  const { store, changes } = observed();
  store.insertMember('apps', { type: 'app', key: 'a', properties: { id: 'a' } });
  const undone = store.begin();
  store.insertMember('apps', { type: 'app', key: 'x', properties: { id: 'x' } });
  store.delete("apps('a')");
  t.equal(changes.length, 1, 'held while the transaction is open');
  undone.rollback();
  t.equal(changes.length, 1, 'a rollback reports nothing, its undo steps included');
  const kept = store.begin();
  store.insertMember('apps', { type: 'app', key: 'y', properties: { id: 'y' } });
  store.update(store.getMember('apps', 'a')!, { id: 'a', n: 2 });
  kept.commit();
  t.same(changes.map((c) => c.op), ['insert', 'insert', 'update']);
  const copy = replayed(changes);
  t.same(copy.list('apps').map((e) => [e.key, e.version, e.seq]), store.list('apps').map((e) => [e.key, e.version, e.seq]), 'the numbers a rollback used up are skipped in the copy too');
});

t.test('apply() refuses an update of an entity that is not there; restore() refuses an observed store', async (t) => {
  t.throws(() => new MemoryStore().apply({ op: 'update', path: "apps('a')", properties: {}, version: 2 }), /an update of apps\('a'\), which is not there/);
  const { store } = observed();
  t.throws(() => store.restore({ sequence: 0, entities: [], links: [] }), /restore\(\) is for a store no one observes/);
});

t.test('listeners hear committed changes beside the data log, deletes with their type, and stop when they unlisten', async (t) => {
  const { store, changes } = observed();
  const heard: StoreChange[] = [];
  const unlisten = store.listen((change) => heard.push(change));
  store.insertMember('apps', { type: 'ns.app', key: 'a', properties: { id: 'a' } });
  const rolledBack = store.begin();
  store.insertMember('apps', { type: 'ns.app', key: 'x', properties: { id: 'x' } });
  rolledBack.rollback();
  store.delete("apps('a')");
  t.same(heard.map((c) => c.op), ['insert', 'delete'], 'a rolled-back insert is heard by no one');
  t.same(heard, changes, 'the data log heard the same');
  t.equal((heard[1] as { type?: string }).type, 'ns.app');
  unlisten();
  store.insertMember('apps', { type: 'ns.app', key: 'b', properties: { id: 'b' } });
  t.equal(heard.length, 2, 'nothing after unlisten');
  t.equal(changes.length, 3, 'the data log still hears');
});

t.test('a store with only a listener can still be restored (a reset), the data log alone forbids it', async (t) => {
  const store = new MemoryStore();
  store.listen(() => undefined);
  store.restore({ sequence: 0, entities: [], links: [] });
  store.observe(() => undefined);
  t.throws(() => store.restore({ sequence: 0, entities: [], links: [] }));
});
