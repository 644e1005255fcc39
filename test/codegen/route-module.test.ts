import t from 'tap';
import { emitRouteModule, handlerBaseName, namedRoutes } from '../../src/codegen/route-module.js';
import type { CreateRoutes, Operation, RouteEntry } from '../../src/contract/routes.js';

const entry = (pattern: string, method: RouteEntry['method'], operation: RouteEntry['operation'], source = 'x'): RouteEntry =>
  ({ pattern, method, operation, source, kind: 'operation', type: 'ns.t' });

t.test('handler names are the operation and the words of the pattern', async (t) => {
  t.equal(handlerBaseName(entry('/mobileApps/{id}/{property}/$value', 'GET', 'readPropertyValue')), 'readPropertyValue_mobileApps_id_property_value');
  t.equal(handlerBaseName(entry('<ns.app>/users/{id}/$ref', 'DELETE', 'removeRef')), 'removeRef_ns_app_users_id_ref');
  t.equal(handlerBaseName(entry('<ns.app[]>/ns.delta', 'GET', 'invoke')), 'invoke_ns_app_collection_ns_delta', 'a collection binding is named');
  t.equal(handlerBaseName(entry('/Bücher/{id}', 'GET', 'read')), 'read_Bücher_id', 'letters beyond ASCII are kept');
});

t.test('routes are sorted, overloads share one handler, and colliding names stay unique', async (t) => {
  const routes = [
    entry('/b', 'POST', 'create'),
    entry('<ns.a_b>/c', 'GET', 'invoke', 'ns.a_b/c'),
    entry('<ns.a>/b_c', 'GET', 'invoke', 'ns.a/b_c'),
    entry('/b', 'GET', 'list'),
    entry('<ns.a>/b_c', 'GET', 'invoke', 'ns.a/b_c'), // an overload: the same route again
  ];
  const named = namedRoutes(routes);
  t.same(named.map(({ route, name }) => `${route.method} ${route.pattern} ${name}`), [
    'GET /b list_b',
    'POST /b create_b',
    'GET <ns.a>/b_c invoke_ns_a_b_c',
    'GET <ns.a_b>/c invoke_ns_a_b_c_2',
  ]);
  t.same(namedRoutes([...routes].reverse()).map(({ name }) => name), named.map(({ name }) => name), 'input order does not matter');
});

t.test('the emitted module runs: each handler calls the operation it names', async (t) => {
  const text = emitRouteModule([entry('/b', 'GET', 'list'), entry('/b/{id}', 'DELETE', 'delete')], 'Generated for a test.');
  t.match(text, /^\/\/ Generated for a test\.\n/);
  const { default: createRoutes } = (await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`)) as { default: CreateRoutes };
  const calls: string[] = [];
  const operation = (name: string) => (request: string) => { calls.push(`${name}(${request})`); return name; };
  const operations = { list: operation('list'), delete: operation('delete') } as Partial<Record<Operation, (request: string) => string>>;
  const routes = createRoutes({ operations: operations as Record<Operation, (request: string) => string> });
  t.same(routes.map((r) => [r.handler.name, r.pattern, r.method, r.kind, r.source, r.type]), [
    ['list_b', '/b', 'GET', 'operation', 'x', 'ns.t'],
    ['delete_b_id', '/b/{id}', 'DELETE', 'operation', 'x', 'ns.t'],
  ]);
  t.equal(routes[1].handler('r1'), 'delete');
  t.same(calls, ['delete(r1)']);
});

t.test('--metadata builds in memory exactly the routes the generated module makes', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const { pathToFileURL } = await import('node:url');
  const { parseEdmx } = await import('../../src/edm/build-model.js');
  const { buildRouteTable } = await import('../../src/codegen/route-table.js');
  const { routesInMemory } = await import('../../src/codegen/route-module.js');
  const calls: string[] = [];
  const operations = new Proxy({}, { get: (_target, name: string) => (request: unknown) => { calls.push(`${name} ${String(request)}`); return name; } }) as Record<Operation, (request: unknown) => unknown>;
  for (const service of ['beta', 'v1.0']) {
    const module = (await import(pathToFileURL(`generated/${service}/routes.mjs`).href)) as { default: CreateRoutes };
    const generated = module.default({ operations });
    const inMemory = routesInMemory(buildRouteTable(parseEdmx(await readFile(`metadata/${service}.xml`, 'utf8'), service)))({ operations });
    const shape = (routes: typeof generated) => routes.map(({ handler, ...route }) => ({ ...route, name: handler.name }));
    t.ok(generated.length > 50, `${service}: the module has its routes`);
    t.same(shape(inMemory), shape(generated), `${service}: same routes, order and handler names`);
    calls.length = 0;
    t.equal(inMemory[3].handler('r'), generated[3].operation, 'a handler calls its operation');
    t.same(calls, [`${generated[3].operation} r`]);
  }
});
