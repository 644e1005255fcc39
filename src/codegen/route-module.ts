import type { CreateRoutes, HandledRoute, HttpMethod, Operation, RouteEntry } from '../contract/routes.js';

// The route table rendered as an ES module (routes.mjs): its default export takes the shared
// operations and returns every route with a named handler that calls its operation. Routes are
// sorted by URL pattern and method, so a metadata change shows up as a local, readable diff.

const METHOD_ORDER: Record<HttpMethod, number> = { GET: 0, POST: 1, PATCH: 2, PUT: 3, DELETE: 4 };

const byPatternThenMethod = (a: RouteEntry, b: RouteEntry): number =>
  a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : METHOD_ORDER[a.method] - METHOD_ORDER[b.method];

// Runs of characters that cannot be part of an identifier. An EDM name is made of characters
// valid in a JavaScript identifier (CSDL XML §17.2 SimpleIdentifier), format characters aside,
// which are dropped like the pattern's punctuation. ASCII patterns (nearly all) take the fast way.
const NOT_IDENTIFIER_ASCII = /[^A-Za-z0-9_]+/g;
const NOT_IDENTIFIER = /[^\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}]+/gu;
const ASCII = /^\p{ASCII}*$/u;

/**
 * `<operation>_<words of the pattern>`: `read_deviceAppManagement`,
 * `removeRef_microsoft_graph_mobileApp_userStatuses_id_ref`. Prefixed by the operation, it is never
 * a reserved word. A function bound to a collection gets `collection` after its binding type.
 */
export function handlerBaseName(route: RouteEntry): string {
  const pattern = route.pattern.replace('[]>', '>collection');
  const words = pattern.replace(ASCII.test(pattern) ? NOT_IDENTIFIER_ASCII : NOT_IDENTIFIER, '_').replace(/^_|_$/g, '');
  return `${route.operation}_${words}`;
}

const sameRoute = (a: RouteEntry, b: RouteEntry): boolean =>
  a.pattern === b.pattern && a.method === b.method && a.source === b.source && a.kind === b.kind && a.operation === b.operation && a.type === b.type;

/**
 * The routes to emit, sorted, each with a unique handler name. Overloaded functions give identical
 * entries (same target, method and operation): one handler answers them all. Sorting puts them
 * among the routes of the same pattern and method, so only those are compared.
 */
export function namedRoutes(routes: RouteEntry[]): { route: RouteEntry; name: string }[] {
  const names = new Set<string>();
  const result: { route: RouteEntry; name: string }[] = [];
  let samePatternFrom = 0;
  for (const route of [...routes].sort(byPatternThenMethod)) {
    const first = result[samePatternFrom]?.route;
    if (!first || first.pattern !== route.pattern || first.method !== route.method) samePatternFrom = result.length;
    else if (result.slice(samePatternFrom).some((emitted) => sameRoute(emitted.route, route))) continue;
    const base = handlerBaseName(route);
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}_${n}`;
    names.add(name);
    result.push({ route, name });
  }
  return result;
}

const operationLocal = (operation: Operation): string => `${operation}Operation`;

function routeCode({ route, name }: { route: RouteEntry; name: string }): string {
  const s = JSON.stringify;
  return `    {
      pattern: ${s(route.pattern)}, method: ${s(route.method)}, operation: ${s(route.operation)},
      source: ${s(route.source)}, kind: ${s(route.kind)}, type: ${s(route.type)},
      handler: function ${name}(request) { return ${operationLocal(route.operation)}(request); },
    },`;
}

/** The text of routes.mjs for a route table, under the given header line. */
export function emitRouteModule(routes: RouteEntry[], notice: string): string {
  const named = namedRoutes(routes);
  const operations = [...new Set(named.map(({ route }) => route.operation))].sort();
  return [
    `// ${notice}`,
    '//',
    '// The routes of the service. A request is resolved to a target (source and kind) and looked up',
    '// here with its method; the handler of the route calls the shared operation edmock passes in.',
    '',
    '/** @param {{ operations: Record<string, (request: object) => object> }} runtime */',
    'export default function createRoutes({ operations }) {',
    ...operations.map((operation) => `  const ${operationLocal(operation)} = operations.${operation};`),
    '  return [',
    ...named.map(routeCode),
    '  ];',
    '}',
    '',
  ].join('\n');
}

/**
 * What the module's default export does, without its text: the same routes, in the same order,
 * with handlers of the same names calling the same operations. `--metadata` uses it: compiling
 * the text of a large model's module (5 MB for the whole Graph metadata) would cost its start
 * 0.7 s and 120 MiB. A test holds the two equal for the bundled services.
 */
export function routesInMemory(routes: RouteEntry[]): CreateRoutes {
  const named = namedRoutes(routes);
  return <Handler>({ operations }: { operations: Record<Operation, Handler> }): HandledRoute<Handler>[] =>
    named.map(({ route, name }) => {
      const operation = operations[route.operation] as unknown as (request: unknown) => unknown;
      // A computed method name gives the function its name, as the module's `function name()` does.
      const handler = { [name]: (request: unknown) => operation(request) }[name] as unknown as Handler;
      return { ...route, handler };
    });
}
