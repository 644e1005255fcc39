import t from 'tap';
import type { EdmModel, EdmProperty } from '../../src/edm/model.js';
import { sampleKeyValue, sampleValue, seededRandom, type ValueShape } from '../../src/odata/sample-values.js';

// Values made up for generated data fit every facet and annotation the model states. The model is
// built here, as the EDMX reader would give it.

const model: EdmModel = {
  namespaces: ['T'], aliases: {}, entityTypes: {}, operations: [], unboundOperations: [],
  complexTypes: {
    'T.Shape': { kind: 'complex', name: 'Shape', qualifiedName: 'T.Shape', abstract: true, open: false, properties: [], navigationProperties: [], derivedTypes: ['T.Circle'] },
    'T.Circle': {
      kind: 'complex', name: 'Circle', qualifiedName: 'T.Circle', baseType: 'T.Shape', abstract: false, open: false, navigationProperties: [], derivedTypes: [],
      properties: [
        { name: 'Radius', type: 'Edm.Int32', typeKind: 'primitive', collection: false, nullable: false, declaredBy: 'T.Circle' },
        { name: 'Area', type: 'Edm.Double', typeKind: 'primitive', collection: false, nullable: false, declaredBy: 'T.Circle', annotations: { 'Org.OData.Core.V1.Computed': true } },
      ],
    },
  },
  enumTypes: {
    'T.Colour': { name: 'Colour', qualifiedName: 'T.Colour', underlyingType: 'Edm.Int32', isFlags: false, members: [{ name: 'Red', value: 0 }, { name: 'Blue', value: 1 }] },
    'T.Access': { name: 'Access', qualifiedName: 'T.Access', underlyingType: 'Edm.Int32', isFlags: true, members: [{ name: 'None', value: 0 }, { name: 'Read', value: 1 }, { name: 'Write', value: 2 }, { name: 'Admin', value: 4 }] },
  },
  container: { name: 'C', namespace: 'T', entitySets: {}, singletons: {}, actionImports: {}, functionImports: {} },
};

const shape = (type: string, extra: Partial<EdmProperty & ValueShape> = {}): ValueShape =>
  ({ type, typeKind: type.startsWith('Edm.') ? 'primitive' : model.enumTypes[type] ? 'enum' : 'complex', collection: false, nullable: false, ...extra });

/** 300 values of a shape, from a fixed seed. */
function draws(of: ValueShape, seed = 7): unknown[] {
  const random = seededRandom(seed);
  return Array.from({ length: 300 }, () => sampleValue(model, of, random));
}

const V = 'Org.OData.Validation.V1.';

t.test('Nullable, MaxLength, Precision and Scale', async (t) => {
  t.ok(draws(shape('Edm.String')).every((v) => typeof v === 'string'), 'not nullable: never null');
  t.ok(draws(shape('Edm.String', { nullable: true })).some((v) => v === null), 'nullable: null now and then');
  t.ok(draws(shape('Edm.String', { maxLength: 4 })).every((v) => typeof v === 'string' && v.length <= 4), 'MaxLength');
  for (const v of draws(shape('Edm.Decimal', { precision: 5, scale: 2 }))) {
    const [whole, fraction = ''] = String(v).replace('-', '').split('.');
    if ((whole).replace(/^0$/, '').length > 3 || fraction.length > 2) t.fail(`${String(v)} exceeds Precision=5, Scale=2`);
  }
  t.ok(draws(shape('Edm.Int64')).every((v) => Number.isSafeInteger(v)), 'Int64 as a JSON number a double holds');
});

t.test('Validation.Minimum and Maximum, exclusive bounds included', async (t) => {
  const closed = draws(shape('Edm.Int32', { annotations: { [`${V}Minimum`]: 10, [`${V}Maximum`]: 12 } }));
  t.same([...new Set(closed)].sort(), [10, 11, 12]);
  const open = draws(shape('Edm.Int32', { annotations: { [`${V}Minimum`]: 10, [`${V}Maximum`]: 12, [`${V}Minimum@${V}Exclusive`]: true, [`${V}Maximum@${V}Exclusive`]: true } }));
  t.same([...new Set(open)], [11]);
  const decimals = draws(shape('Edm.Decimal', { scale: 1, annotations: { [`${V}Minimum`]: '0.5', [`${V}Maximum`]: 1 } }));
  t.ok(decimals.every((v) => typeof v === 'number' && v >= 0.5 && v <= 1), 'a Decimal bound written as a string');
  t.ok(draws(shape('Edm.Byte')).every((v) => typeof v === 'number' && v >= 0 && v <= 255), 'the type range when nothing is stated');
});

t.test('Pattern, AllowedValues, enums and flags', async (t) => {
  const serials = draws(shape('Edm.String', { annotations: { [`${V}Pattern`]: '^[A-Z]{2}-\\d{4}$' } }));
  t.ok(serials.every((v) => /^[A-Z]{2}-\d{4}$/.test(v as string)), 'every string matches the pattern');
  const guarded = draws(shape('Edm.String', { annotations: { [`${V}Pattern`]: '^a{100000}$' } }));
  t.ok(guarded.every((v) => typeof v === 'string' && v.length < 100), 'a huge repetition falls back to plain text');
  const looked = draws(shape('Edm.String', { annotations: { [`${V}Pattern`]: '^(?=.*\\d)[a-c0-1]{3}$' } }));
  t.ok(looked.filter((v) => /^(?=.*\d)[a-c0-1]{3}$/.test(v as string)).length > 250, 'lookaheads are checked against the output');
  const allowed = draws(shape('Edm.String', { annotations: { [`${V}AllowedValues`]: [{ Value: 'left' }, { Value: 'right' }] } }));
  t.same([...new Set(allowed)].sort(), ['left', 'right']);
  t.same([...new Set(draws(shape('T.Colour')))].sort(), ['Blue', 'Red']);
  const flags = draws(shape('T.Access')) as string[];
  t.ok(flags.every((v) => /^(Read|Write|Admin)(,(Read|Write|Admin))*$/.test(v) && new Set(v.split(',')).size === v.split(',').length), 'flags: distinct non-zero members');
  t.ok(flags.some((v) => v.includes(',')), 'flags combine members');
});

t.test('complex values: a concrete type for an abstract one, Computed members left out; spatial values in GeoJSON', async (t) => {
  const [value] = draws(shape('T.Shape')) as Record<string, unknown>[];
  t.equal(value?.['@odata.type'], '#T.Circle');
  t.type(value?.Radius, 'number');
  t.notOk(Object.hasOwn(value ?? {}, 'Area'), 'Core.Computed: not sent in a create');
  const point = draws(shape('Edm.GeographyPoint', { srid: 4269 }))[0] as { type: string; coordinates: number[]; crs: unknown };
  t.equal(point.type, 'Point');
  t.ok(Math.abs(point.coordinates[0]) <= 180 && Math.abs(point.coordinates[1]) <= 90);
  t.same(point.crs, { type: 'name', properties: { name: 'EPSG:4269' } }, 'an SRID other than the default is named');
});

t.test('key values are distinct per index, and end where the type has no more', async (t) => {
  const random = seededRandom(1);
  const ints = Array.from({ length: 5 }, (_, i) => sampleKeyValue(model, shape('Edm.Int32'), i, random));
  t.same(ints, [1, 2, 3, 4, 5]);
  t.equal(sampleKeyValue(model, shape('Edm.Boolean'), 2, random), undefined);
  t.equal(sampleKeyValue(model, shape('Edm.Byte'), 255, random), undefined, 'a Byte key counts 1 to 255');
  t.equal(sampleKeyValue(model, shape('Edm.Date'), 31, random), '2000-02-01');
  t.equal(sampleKeyValue(model, shape('Edm.String', { maxLength: 3 }), 40, random), 'k14');
});

t.test('the same seed gives the same values; another seed others', async (t) => {
  const circle = shape('T.Circle');
  t.same(draws(circle, 3), draws(circle, 3));
  t.not(JSON.stringify(draws(circle, 3)), JSON.stringify(draws(circle, 4)));
});
