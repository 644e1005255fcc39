import AjvModule from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import t from 'tap';
import { inlineRuntimeHelpers } from '../../src/codegen/standalone-helpers.js';

const Ajv = AjvModule.default;
const standaloneCode = standaloneModule.default;

type Validate = (data: unknown) => boolean;

// A schema that makes Ajv reach for its runtime helpers: a long enum (checked in a loop with
// `equal`) and a maximum length (counted with `ucs2length`).
const members = Array.from({ length: 250 }, (_, i) => `member${i}`);
const schema = { $id: 'urn:edmock:test', type: 'object', properties: { state: { enum: members }, name: { type: 'string', maxLength: 2 } } };

async function validatorFrom(code: string): Promise<Validate> {
  const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { check: Validate };
  return module.check;
}

t.test('the runtime helpers Ajv requires are written into the module, with the same results', async (t) => {
  const ajv = new Ajv({ code: { source: true, esm: true, lines: true } });
  ajv.addSchema(schema);
  const code = standaloneCode(ajv, { check: 'urn:edmock:test' });
  t.match(code, /require\("ajv\/dist\/runtime\/equal"\)/, 'Ajv asks for equal');
  t.match(code, /require\("ajv\/dist\/runtime\/ucs2length"\)/, 'Ajv asks for ucs2length');
  const inlined = inlineRuntimeHelpers(code);
  t.notMatch(inlined, /require\(/);
  const check = await validatorFrom(inlined);
  const reference = ajv.getSchema('urn:edmock:test')!;
  const samples = [
    { state: 'member249' }, { state: 'member250' }, { state: ['member1'] }, { state: null },
    { name: 'ab' }, { name: 'abc' }, { name: '😀😀' }, { name: '😀😀😀' }, { name: '\ud83d\ud83d' },
  ];
  for (const sample of samples) t.equal(check(sample), reference(sample), JSON.stringify(sample));
});

t.test('a helper edmock does not provide fails the generation, not a request', async (t) => {
  t.throws(() => inlineRuntimeHelpers('const f = require("ajv/dist/runtime/uri").default;'), /runtime helper 'uri'/);
  t.throws(() => inlineRuntimeHelpers('const f = require("fast-uri");'), /still require/);
});
