import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseEdmx } from '../../src/edm/build-model.js';
import { writeEdmx } from '../../src/edm/write-edmx.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Every action and function of a model is read (bound and unbound, each overload), with the
// container's imports; the EDMX writer gives them back.

const XML = readFileSync(path.join(REPO_ROOT, 'test', 'models', 'operations.xml'), 'utf8');

t.test('bound and unbound operations, every overload, and the imports', async (t) => {
  const model = parseEdmx(XML);
  t.same(model.operations.map((o) => o.name), ['Discount', 'Archive', 'Approve', 'Recolor', 'Describe', 'Describe', 'ShippingQuote', 'CategoryOf', 'Self', 'Cheap', 'Summary', 'Tags', 'Palette']);
  t.same(model.operations.filter((o) => o.name === 'Describe').map((o) => o.parameters.map((p) => p.name)), [['Style'], ['Style', 'Language']], 'both overloads kept');
  t.same(model.unboundOperations.map((o) => `${o.kind} ${o.name}`), [
    'action ResetAll', 'action Report', 'action Unlisted', 'function Sum', 'function Sum', 'function Search', 'function Featured', 'function Addresses', 'function Hidden',
  ]);
  const search = model.unboundOperations.find((o) => o.name === 'Search');
  t.match(search, { composable: true, returnType: { type: 'test.ops.Product', typeKind: 'entity', collection: true } });
  t.match(search?.parameters[1], { name: 'Colors', type: 'test.ops.Color', typeKind: 'enum', collection: true, nullable: true });
  t.same(model.container.functionImports.SearchProducts, { name: 'SearchProducts', function: 'test.ops.Search', entitySet: 'Products', includeInServiceDocument: true });
  t.same(model.container.functionImports.Sum, { name: 'Sum', function: 'test.ops.Sum', includeInServiceDocument: false }, 'an alias-qualified name resolved');
  t.same(model.container.actionImports.Report, { name: 'Report', action: 'test.ops.Report' });
  t.equal(model.operations.find((o) => o.name === 'CategoryOf')?.entitySetPath, 'product/Category');
});

t.test('written back as EDMX and read again, the same model', async (t) => {
  const model = parseEdmx(XML);
  t.same(parseEdmx(writeEdmx(model)), model);
});

t.test('an import must name an unbound operation of its kind and an entity set of the container', async (t) => {
  const broken = (from: string, to: string) => () => parseEdmx(XML.replace(from, to));
  t.throws(broken('Function="ops.Sum"', 'Function="ops.Nothing"'), /FunctionImport 'Sum': names no unbound function 'ops\.Nothing'/);
  t.throws(broken('Action="ops.ResetAll"', 'Action="ops.Sum"'), /ActionImport 'ResetAll': names no unbound action/);
  t.throws(broken('Function="ops.Featured" EntitySet="Products"', 'Function="ops.Featured" EntitySet="Nowhere"'), /FunctionImport 'Featured': EntitySet 'Nowhere'/);
  t.throws(broken('<ActionImport Name="ResetAll"', '<ActionImport Name="Products"'), /duplicate name/);
});
