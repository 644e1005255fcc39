import t from 'tap';
import type { TapTest } from '../helpers/server.js';
import { EntityKey } from '../../src/odata/entity-key.js';
import { keyLiteral } from '../../src/odata/key-literals.js';
import { entityPath, splitMemberPath } from '../../src/store/store-paths.js';

// The key codec on its own: what it writes reads back to the same store key, and the store path
// it makes splits back into the collection and that key, for every literal form.

const single = (type: string) => new EntityKey([{ name: 'k', path: ['k'], type, literal: keyLiteral(type) }]);

/** Predicate -> store key -> predicate -> store path -> store key: one value all the way. */
function roundTrip(t: TapTest, key: EntityKey, storeKey: string, predicate: string): void {
  t.equal(key.predicate(storeKey), predicate, `${storeKey} is written ${predicate}`);
  t.equal(key.readPredicate(decodeURIComponent(predicate.slice(1, -1)), 'set'), storeKey, `${predicate} reads back`);
  t.same(splitMemberPath(entityPath('a(1)/set', storeKey, key.predicate(storeKey))), { collectionPath: 'a(1)/set', key: storeKey }, `${predicate} as a store path`);
}

t.test('Edm.Double and Edm.Single keys (a tolerant load serves them): decimal, exponent, NaN and INF literals', async (t) => {
  const double = single('Edm.Double');
  roundTrip(t, double, '2.25', '(2.25)');
  roundTrip(t, double, '1e+21', '(1e%2B21)');
  roundTrip(t, double, 'INF', '(INF)');
  t.equal(double.readPredicate('1E21', 'set'), '1e+21');
  t.equal(double.readPredicate('2.250', 'set'), '2.25');
  t.same(double.storeKeyOf({ k: -Infinity }), { key: '-INF' });
  t.throws(() => double.readPredicate("'2.25'", 'set'), /without quotes/);
  t.throws(() => double.readPredicate('1e999', 'set'), /out of the range/);
  const float = single('Edm.Single');
  roundTrip(t, float, '1.5', '(1.5)');
  t.same(float.storeKeyOf({ k: 1.5 }), { key: '1.5' });
});

t.test('every other literal form writes what it reads', async (t) => {
  roundTrip(t, single('Edm.Decimal'), '-0.05', '(-0.05)');
  t.equal(single('Edm.Decimal').readPredicate('-5e-2', 'set'), '-0.05');
  roundTrip(t, single('Edm.DateTimeOffset'), '2020-01-02T10:00:00+01:00', '(2020-01-02T10:00:00%2B01:00)');
  roundTrip(t, single('Edm.Duration'), 'P1D', "(duration'P1D')");
  roundTrip(t, single('Edm.String'), "a'b(c)/d", "('a''b(c)%2Fd')");
  roundTrip(t, single('Edm.Int64'), '-9223372036854775808', '(-9223372036854775808)');
  const color = { name: 'Color', qualifiedName: 'ns.Color', underlyingType: 'Edm.Int32', isFlags: true, members: [{ name: 'Red', value: 1 }, { name: 'Blue', value: 2 }] };
  const flags = new EntityKey([{ name: 'k', path: ['k'], type: 'ns.Color', literal: keyLiteral('ns.Color', color, ['a.Color']) }]);
  roundTrip(t, flags, 'Red,Blue', "(ns.Color'Red,Blue')");
  t.equal(flags.readPredicate("a.Color'Blue,Red'", 'set'), 'Red,Blue', 'flags in declared order, by alias');
  t.equal(flags.readPredicate("'2'", 'set'), 'Blue', "4.01's bare form with the member's value");
});

t.test('a composite key: store key in key order, read in any order, paths that split back', async (t) => {
  const key = new EntityKey([
    { name: 'a', path: ['a'], type: 'Edm.Int32', literal: keyLiteral('Edm.Int32') },
    { name: 'b', path: ['Info', 'B'], type: 'Edm.String', literal: keyLiteral('Edm.String') },
  ]);
  t.same(key.storeKeyOf({ a: 1, Info: { B: "x,y'z" } }), { key: "a=1,b='x,y''z'" });
  t.match(key.storeKeyOf({ a: 1, Info: {} }), { missing: { name: 'b' } });
  roundTrip(t, key, "a=1,b='x,y''z'", "(a=1,b='x,y''z')");
  roundTrip(t, key, "a=1,b='a/b (c)+d'", "(a=1,b='a%2Fb%20(c)%2Bd')");
  t.equal(key.readPredicate("b='q',a=01", 'set'), "a=1,b='q'");
  t.throws(() => key.readPredicate("a=1", 'set'), /'b' of 'set' is missing/);
  t.throws(() => key.readSegment('1', 'set'), /not as a segment/);
});
