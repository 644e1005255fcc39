import t from 'tap';
import { MemoryStore, type StoreChange } from '../../src/store/memory-store.js';

// Change tracking for delta queries (odata/delta/): only collections someone tracks record
// changes; each key keeps its last change with the stamps of its changed properties; a rolled-back
// transaction takes its records back; and the changes the data log hears replay to the same
// tracking, stamps included, so delta tokens outlive a `--data` restart.

function observed(): { store: MemoryStore; changes: StoreChange[] } {
  const store = new MemoryStore();
  const changes: StoreChange[] = [];
  store.observe((change) => changes.push(change));
  return { store, changes };
}

const user = (key: string, name = key) => ({ type: 'ns.user', key, properties: { id: key, name, city: 'Oslo' } });

t.test('an untracked store records nothing and its changes carry no stamp', async (t) => {
  const { store, changes } = observed();
  store.insertMember('users', user('a'));
  store.update(store.getMember('users', 'a')!, { id: 'a', name: 'A', city: 'Oslo' });
  store.delete("users('a')");
  t.equal(store.changeStamp, 0);
  t.equal(store.tracking('users'), undefined);
  t.notOk(changes.some((c) => 'stamp' in c), 'no change carries a stamp');
  t.notOk('tracking' in store.snapshot(), 'a snapshot without tracking has none');
});

t.test('a tracked collection keeps the last change per key, with the stamps of changed properties', async (t) => {
  const { store } = observed();
  store.insertMember('users', user('old'));
  const tracked = store.track('users');
  t.equal(store.track('users'), tracked, 'tracking again is the same tracking');
  store.insertMember('users', user('new'));
  store.insertMember('groups', user('g'));
  store.update(store.getMember('users', 'old')!, { id: 'old', name: 'renamed', city: 'Oslo' });
  store.update(store.getMember('users', 'old')!, { id: 'old', name: 'renamed', city: 'Oslo' });
  store.delete("users('new')");
  t.same([...tracked.changes.keys()], ['new', 'old']);
  t.match(tracked.changes.get('old'), { created: 0, deleted: false, props: { name: tracked.since + 2 } });
  t.notOk('city' in tracked.changes.get('old')!.props, 'an unchanged property is not a change');
  t.match(tracked.changes.get('new'), { created: tracked.since + 1, deleted: true, stamp: store.changeStamp });
  t.equal(store.tracking('groups'), undefined, 'an untracked collection records nothing');
});

t.test('a rolled-back transaction takes its tracking records back (a $batch change set)', async (t) => {
  const store = new MemoryStore();
  store.insertMember('users', user('a'));
  const tracked = store.track('users');
  const transaction = store.begin();
  store.insertMember('users', user('b'));
  store.update(store.getMember('users', 'a')!, { id: 'a', name: 'x', city: 'Oslo' });
  store.delete("users('a')");
  transaction.rollback();
  t.equal(tracked.changes.size, 0, 'nothing recorded');
  const untracked = store.begin();
  store.track('groups');
  untracked.rollback();
  t.equal(store.tracking('groups'), undefined, 'a tracking started in a rolled-back transaction is undone');
});

t.test('the logged changes replay to the same tracking, stamps included, across rolled-back gaps', async (t) => {
  const { store, changes } = observed();
  store.insertMember('users', user('a'));
  store.track('users');
  store.insertMember('users', user('b'));
  const rolledBack = store.begin();
  store.insertMember('users', user('x'));
  store.update(store.getMember('users', 'a')!, { id: 'a', name: 'y', city: 'Oslo' });
  rolledBack.rollback();
  store.update(store.getMember('users', 'a')!, { id: 'a', name: 'A', city: 'Bergen' });
  store.insertMember("users('b')/notes", user('n'));
  store.track("users('b')/notes");
  store.delete("users('b')");
  const replayed = new MemoryStore();
  for (const change of changes) replayed.apply(change);
  t.same(replayed.snapshot().tracking, store.snapshot().tracking, 'same tracking, same stamps');
  t.equal(replayed.changeStamp, store.changeStamp);
  t.match(replayed.tracking("users('b')/notes")?.changes.get('n'), { deleted: true }, 'a tracked collection below a deleted entity: its members deleted');
  const restored = new MemoryStore();
  restored.restore(JSON.parse(JSON.stringify(store.snapshot())));
  t.same(restored.snapshot().tracking, store.snapshot().tracking, 'a snapshot keeps the tracking');
  t.equal(restored.tracking('users')?.id, store.tracking('users')?.id);
});

t.test('stamps a rolled-back transaction used are logged: a token issued after it stays below every later change, after a replay too', async (t) => {
  const { store, changes } = observed();
  store.track('users');
  const rolledBack = store.begin();
  store.insertMember('users', user('x'));
  store.insertMember('users', user('y'));
  rolledBack.rollback();
  const issued = store.changeStamp;
  t.equal(issued, store.tracking('users')!.since + 2, 'the undone changes used their stamps');
  t.match(changes[changes.length - 1], { op: 'stamp', stamp: issued });
  const replayed = new MemoryStore();
  for (const change of changes) replayed.apply(change);
  t.equal(replayed.changeStamp, issued, 'a replay reaches the same stamp');
  replayed.insertMember('users', user('z'));
  t.ok(replayed.tracking('users')!.changes.get('z')!.stamp > issued, 'a change after the token is after it');
  const quiet = observed();
  quiet.store.track('users');
  quiet.store.begin().rollback();
  t.notOk(quiet.changes.some((c) => c.op === 'stamp'), 'a rollback that used no stamp logs nothing');
});

t.test('clear (a reset) drops the tracking: tokens of before are tokens of nothing', async (t) => {
  const store = new MemoryStore();
  const before = store.track('users');
  store.clear();
  t.equal(store.tracking('users'), undefined);
  const after = store.track('users');
  t.not(after.id, before.id);
  t.ok(after.since > before.since, 'stamps go on');
});
