import path from 'node:path';
import t from 'tap';
import type { EdmUnboundOperation } from '../../src/edm/model.js';
import { loadServiceFromEdmx } from '../../src/mock/load-service.js';
import type { OperationCall, OperationRequest, UserHandlers } from '../../src/odata/handlers/handler.js';
import { invokeOperation } from '../../src/odata/operations/invoke.js';
import { resolvePath } from '../../src/odata/path/resolve-path.js';
import { parsePreferences } from '../../src/odata/prefer.js';
import { parseQueryOptions } from '../../src/odata/query/query-options.js';
import { negotiateFormat } from '../../src/odata/response-format.js';
import { JsonText } from '../../src/odata/response-json.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The one point where operations ask a user's handlers (request.userHandlers.operation): it is
// given the overload called, the checked parameters and the binding; the value it answers is the
// result, checked against the return type; no answer leaves the result to edmock.

/** Handlers for operations only, from a function that returns a result or undefined for none. */
const answering = (answer: (operation: EdmUnboundOperation, call: OperationCall) => unknown): UserHandlers => ({
  operation: (operation, call) => {
    const value = answer(operation, call);
    return value === undefined ? undefined : { value };
  },
  hooks: () => undefined,
});

const MODEL = path.join(REPO_ROOT, 'test', 'models', 'operations.xml');

async function setup() {
  const service = await loadServiceFromEdmx(MODEL);
  const store = new MemoryStore();
  store.insertMember('Products', { type: 'test.ops.Product', key: '1', properties: { Id: 1, Name: 'Hammer', Price: 9.5, Color: 'Red' } }, true);
  const call = (url: string, body: unknown, userHandlers?: UserHandlers) => {
    const [pathPart = '', rawQuery = ''] = url.split('?');
    const query = parseQueryOptions(rawQuery);
    const request: OperationRequest = {
      service, store, resolved: resolvePath(service, store, pathPart, query), body, bodyFormat: {}, baseUrl: 'http://mock', prefix: '', path: pathPart,
      query, rawQuery, format: negotiateFormat(undefined, undefined, undefined), prefer: parsePreferences(undefined),
      preconditions: { ifMatch: undefined, ifNoneMatch: undefined }, pageSize: 100, sessionId: '', ...(userHandlers ? { userHandlers } : {}),
    };
    const result = invokeOperation(request);
    const json = result.body instanceof JsonText ? JSON.parse(result.body.text) : result.body;
    return { status: result.status, body: json };
  };
  return { call };
}

t.test('a handler answers in place of edmock, told the operation, the parameters and the binding entity', async (t) => {
  const { call } = await setup();
  const seen: { operation: EdmUnboundOperation; context: OperationCall }[] = [];
  const handlers = answering((operation, context) => {
    seen.push({ operation, context });
    return operation.name === 'Describe' ? `described in ${String(context.parameters.Style)}` : undefined;
  });
  const described = call("/Products(1)/ops.Describe(Style='verse')", undefined, handlers);
  t.same(described, { status: 200, body: { '@odata.context': 'http://mock/$metadata#Edm.String', value: 'described in verse' } });
  t.equal(seen[0]?.operation.qualifiedName, 'test.ops.Describe');
  t.same(seen[0]?.operation.parameters.map((p) => p.name), ['Style'], 'the overload called');
  t.same(seen[0]?.context.parameters, { Style: 'verse' });
  t.equal((seen[0]?.context.binding as { key: string }).key, '1', 'the binding entity');
  const approved = call('/Products(1)/ops.Approve', { Note: 'ok' }, handlers);
  t.same(approved.body.value, true, 'undefined: edmock answers');
  t.same(seen[1]?.context.parameters, { Note: 'ok' }, 'an action is told its body parameters');
  const sum = call('/Sum(A=2,B=3)', undefined, answering((_operation, context) => Number(context.parameters.A) + Number(context.parameters.B)));
  t.same(sum.body.value, 5, 'an import');
});

t.test('a handler\'s value is checked against the return type; invalid parameters never reach it', async (t) => {
  const { call } = await setup();
  let calls = 0;
  const wrong = answering(() => { calls++; return 42; });
  t.throws(() => call("/Products(1)/ops.Describe(Style='x')", undefined, wrong), { status: 500, code: 'HandlerFailed', message: /returned a value that is not a string/ });
  const refused = (() => {
    try {
      call('/Products(1)/ops.Discount', { Percent: 'x' }, wrong);
    } catch (error) {
      return error as { status?: number; target?: string };
    }
    return undefined;
  })();
  t.match(refused, { status: 400, target: 'Percent' }, 'a 400 naming the parameter, before the handler');
  t.equal(calls, 1);
  const entities = call('/Products/ops.Cheap()', undefined, answering(() => [{ Id: 5, Name: 'Made up' }]));
  t.same(entities.body, { '@odata.context': 'http://mock/$metadata#Collection(test.ops.Product)', value: [{ Id: 5, Name: 'Made up' }] });
  t.equal(call('/Products(1)/ops.Archive', undefined, answering(() => 'ignored')).status, 204, 'no return type: 204 whatever it returns');
});
