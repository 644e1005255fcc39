import t from 'tap';
import { createMockServer } from '../../src/server/mock-server.js';
import { bearer } from '../helpers/bearer-token.js';
import { assertODataError, startServer } from '../helpers/server.js';

// The admin API of throttling limits: GET what is in force and counted, PUT replaces the rules
// (every counter back to zero), DELETE removes them, DELETE .../counters starts the windows
// afresh. Limits are the server's: Graph counts an application's requests wherever they come
// from, so a session header changes nothing.

const APPS = '/beta/deviceAppManagement/mobileApps';
const A = { authorization: bearer({ appid: 'app-a', tid: 'tenant-1' }) };
const RULE = { name: 'apps', paths: ['/deviceAppManagement/mobileApps**'], scope: 'app+tenant', limit: 1, windowSeconds: 60 };

t.test('a server starts without limits; PUT, GET, DELETE counters and DELETE round trip', async (t) => {
  const client = await startServer(t);
  t.same((await client.get('/_edmock/throttle')).body, { source: null, rules: [], counters: [] }, 'nothing in force by default');
  t.same([(await client.get(APPS, A)).status, (await client.get(APPS, A)).status], [200, 200]);
  const put = await client.request('PUT', '/_edmock/throttle', { rules: [RULE] });
  t.equal(put.status, 200);
  t.same(put.body, { source: 'PUT /_edmock/throttle', rules: [RULE], counters: [] });
  t.equal((await client.get(APPS, A)).status, 200);
  t.equal((await client.get(APPS, { ...A, 'x-edmock-session': 'suite-2' })).status, 429, 'another session, the same application: one budget');
  t.same((await client.get('/_edmock/throttle', { 'x-edmock-session': 'suite-2' })).body.counters, [{ name: 'apps', key: 'app-a/tenant-1', used: 1, limit: 1 }]);
  t.equal((await client.delete('/_edmock/throttle/counters')).status, 204);
  t.same((await client.get('/_edmock/throttle')).body.counters, [], 'counters reset, rules kept');
  t.same([(await client.get(APPS, A)).status, (await client.get(APPS, A)).status], [200, 429]);
  t.equal((await client.request('PUT', '/_edmock/throttle', { rules: [{ ...RULE, limit: 2 }] })).status, 200);
  t.same([(await client.get(APPS, A)).status, (await client.get(APPS, A)).status, (await client.get(APPS, A)).status], [200, 200, 429], 'new rules start from zero');
  t.equal((await client.delete('/_edmock/throttle')).status, 204);
  t.same((await client.get('/_edmock/throttle')).body, { source: null, rules: [], counters: [] });
  t.equal((await client.get(APPS, A)).status, 200, 'no limits any more');
  t.ok((await client.get('/_edmock')).body.endpoints.includes('PUT /_edmock/throttle'), 'listed among the endpoints');
});

t.test('a bad configuration is a 400 naming what is wrong, and leaves the rules in force as they were', async (t) => {
  const client = await startServer(t);
  await client.request('PUT', '/_edmock/throttle', { rules: [RULE] });
  const cases: [unknown, string][] = [
    [[RULE], 'configuration'],
    [{ rule: [RULE] }, 'configuration/rule'],
    [{ rules: [{ ...RULE, scope: 'user' }] }, 'rules/0/scope'],
    [{ rules: [{ ...RULE, limit: 0 }] }, 'rules/0/limit'],
    [{ rules: [{ ...RULE, windowSeconds: 1.5 }] }, 'rules/0/windowSeconds'],
    [{ rules: [{ ...RULE, paths: ['deviceAppManagement/**'] }] }, 'rules/0/paths'],
    [{ rules: [{ ...RULE, methods: ['G E T'] }] }, 'rules/0/methods'],
    [{ rules: [{ ...RULE, cost: 2 }] }, 'rules/0/cost'],
    [{ rules: [{ ...RULE, costs: [{ cost: 1, path: '/x' }] }] }, 'rules/0/costs/0/path'],
    [{ rules: [{ ...RULE, windw: 10 }] }, 'rules/0/windw'],
    [{ rules: [RULE, RULE] }, 'rules/1/name'],
    [{ preset: 'azure' }, 'preset'],
    [{ preset: 'graph', rules: [] }, 'preset'],
  ];
  for (const [body, target] of cases) {
    const response = await client.request('PUT', '/_edmock/throttle', body);
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.target, target, JSON.stringify(body));
  }
  t.same((await client.get('/_edmock/throttle')).body.rules, [RULE], 'unchanged');
});

t.test('the preset over the admin API; createMockServer({ throttle }) with a bad rule fails before serving', async (t) => {
  const client = await startServer(t);
  const put = await client.request('PUT', '/_edmock/throttle', { preset: 'graph' });
  t.equal(put.status, 200);
  t.match(put.body.source, /^preset graph: Microsoft Graph service-specific throttling limits, learn\.microsoft\.com\/graph\/throttling-limits/);
  t.ok(put.body.rules.some((rule: { name: string }) => rule.name === 'intune-devices/write/app+tenant'));
  await t.rejects(createMockServer({ throttle: { rules: [{ ...RULE, scope: 'user' as 'app' }] } }), { status: 400, code: 'BadRequest', target: 'rules/0/scope' });
});
