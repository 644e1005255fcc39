import t from 'tap';
import { MemoryStore } from '../../src/store/memory-store.js';

// A `$batch` atomicity group rolls back through MemoryStore.begin(): every write records its own
// inverse, so a rollback must leave the store exactly as it was (what a dump shows), whatever
// mix of creates, updates, deletes of whole subtrees and link changes the group made.

function seeded(): MemoryStore {
  const store = new MemoryStore();
  for (const key of ['a', 'b', 'c']) store.insertMember('apps', { type: 'app', key, properties: { id: key, n: 1 } });
  store.insertMember("apps('b')/statuses", { type: 'status', key: 's1', properties: { id: 's1' } });
  store.putSingle("apps('b')/owner", { type: 'user', key: 'o', properties: { id: 'o' } });
  store.addLink("apps('a')/related", 'c', "apps('c')");
  store.addLink("apps('c')/related", 'b', "apps('b')");
  return store;
}

const state = (store: MemoryStore) => {
  const { entities, links } = store.snapshot();
  return { entities: entities.map(({ path, properties, version }) => ({ path, properties, version })), links, size: store.size, order: store.list('apps').map((e) => e.key) };
};

t.test('a rollback undoes creates, updates, deletes of subtrees and link changes, in place', async (t) => {
  const store = seeded();
  const before = state(store);
  const transaction = store.begin();
  store.insertMember('apps', { type: 'app', key: 'd', properties: { id: 'd' } });
  store.update(store.getMember('apps', 'a')!, { id: 'a', n: 2 });
  store.delete("apps('b')");
  store.addLink("apps('a')/related", 'd', "apps('d')");
  store.addLink("apps('a')/related", 'c', "apps('d')");
  store.removeLink("apps('c')/related", 'b');
  store.putSingle("apps('a')/owner", { type: 'user', key: 'p', properties: { id: 'p' } });
  t.not(state(store), before);
  transaction.rollback();
  t.same(state(store), before, 'entities, versions, links, size and collection order as before');
  t.equal(store.get("apps('b')/statuses('s1')")?.properties.id, 's1', 'a contained entity of a deleted parent is back');
  t.same(store.linked("apps('c')/related").map((e) => e.key), ['b'], 'links into a deleted entity are back');
  store.delete("apps('b')");
  t.equal(store.get("apps('b')/owner"), undefined, 'after a rollback the store behaves as usual');
});

t.test('a commit keeps every change; one transaction at a time', async (t) => {
  const store = seeded();
  const transaction = store.begin();
  t.throws(() => store.begin(), /already open/);
  store.insertMember('apps', { type: 'app', key: 'd', properties: { id: 'd' } });
  transaction.commit();
  transaction.rollback();
  t.equal(store.getMember('apps', 'd')?.key, 'd', 'a rollback after the commit changes nothing');
  const next = store.begin();
  store.delete("apps('d')");
  next.rollback();
  t.same(store.list('apps').map((e) => e.key), ['a', 'b', 'c', 'd'], 'a deleted member comes back in creation order');
});
