import t from 'tap';
import { bearer } from '../helpers/bearer-token.js';
import { assertODataError, BETA_APP, startServer, type Client, type TapTest } from '../helpers/server.js';
import { readThrottleConfig } from '../../src/toolkit/throttle-config.js';
import type { ThrottleRuleInput } from '../../src/toolkit/throttle-rules.js';
import { Throttle } from '../../src/toolkit/throttle.js';

// Throttling limits as Microsoft Graph applies them (learn.microsoft.com/graph/throttling-limits):
// "Any request can be evaluated against multiple limits, depending on the scope of the limit (per
// app across all tenants, per tenant for all apps, per app per tenant ...) ... The first limit to
// be reached triggers throttling behavior." A refusal is 429 TooManyRequests with Retry-After in
// seconds (learn.microsoft.com/graph/throttling). Time is the test's clock: no test waits.

const APPS = '/beta/deviceAppManagement/mobileApps';
const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
const OTHER_TENANT = 'aaaaaaaa-0000-4000-8000-000000000002';
const token = (appid: string, tid = TENANT) => ({ authorization: bearer({ appid, tid }) });

/** A server with these rules and a clock the test moves (`clock.now` in milliseconds). */
async function throttled(t: TapTest, rules: ThrottleRuleInput[]): Promise<{ client: Client; clock: { now: number } }> {
  const clock = { now: 1_000_000 };
  const client = await startServer(t, { throttle: { rules, clock: () => clock.now } });
  return { client, clock };
}

const statuses = async (client: Client, count: number, url: string, headers?: Record<string, string>): Promise<number[]> => {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await client.get(url, headers)).status);
  return seen;
};

t.test('per application per tenant: each appid has its own budget; the refusal is Graph\'s 429 with Retry-After', async (t) => {
  const { client, clock } = await throttled(t, [{ name: 'apps', paths: ['/deviceAppManagement/mobileApps**'], scope: 'app+tenant', limit: 2, windowSeconds: 10 }]);
  t.same(await statuses(client, 3, APPS, token('app-a')), [200, 200, 429]);
  t.same(await statuses(client, 2, APPS, token('app-b')), [200, 200], 'another application of the same tenant counts on its own');
  t.same(await statuses(client, 1, APPS, token('app-a', OTHER_TENANT)), [200], 'the same application in another tenant counts on its own');
  const refused = await client.get(BETA_APP, token('app-a'));
  assertODataError(t, refused, 429, 'TooManyRequests');
  t.equal(refused.headers['retry-after'], '10', 'whole seconds until the oldest counted request leaves the window');
  t.equal(refused.body.error.target, 'apps', 'target names the limit');
  t.match(refused.body.error.message, /2 requests per 10 seconds per application per tenant/);
  t.equal(refused.headers['x-ms-throttle-scope'], `Tenant_Application/ReadWrite/app-a/${TENANT}`, 'Graph\'s scope header: <Scope>/<Limit>/<ApplicationId>/<TenantId>');
  clock.now += 9_999;
  t.equal((await client.get(APPS, token('app-a'))).headers['retry-after'], '1', 'rounded up, never 0');
  clock.now += 1;
  t.same(await statuses(client, 3, APPS, token('app-a')), [200, 200, 429], 'refused requests were not counted: a whole window again');
});

t.test('per tenant: the applications of one tenant share the budget', async (t) => {
  const { client } = await throttled(t, [{ name: 'tenant', scope: 'tenant', limit: 3, windowSeconds: 20 }]);
  t.same(await statuses(client, 2, APPS, token('app-a')), [200, 200]);
  t.same(await statuses(client, 2, APPS, token('app-b')), [200, 429]);
  const refused = await client.get(APPS, token('app-c'));
  t.equal(refused.status, 429);
  t.equal(refused.headers['x-ms-throttle-scope'], `Tenant/ReadWrite/app-c/${TENANT}`);
  t.same(await statuses(client, 1, APPS, token('app-a', OTHER_TENANT)), [200], 'another tenant has its own');
});

t.test('per application across tenants, and requests without a token count as the anonymous application and tenant', async (t) => {
  const { client } = await throttled(t, [{ name: 'app', scope: 'app', limit: 2, windowSeconds: 10 }]);
  t.same(await statuses(client, 1, APPS, token('app-a')), [200]);
  t.same(await statuses(client, 2, APPS, token('app-a', OTHER_TENANT)), [200, 429], 'one budget across tenants');
  t.same(await statuses(client, 3, APPS), [200, 200, 429], 'no token');
  t.same(await statuses(client, 1, APPS, { authorization: 'Bearer not-a-jwt' }), [429], 'an unreadable token is anonymous too');
  const v2 = { authorization: bearer({ azp: 'app-v2', tid: TENANT }) };
  t.same(await statuses(client, 3, APPS, v2), [200, 200, 429], 'a v2 token names its application in azp');
});

t.test('per family: paths and methods choose what a limit counts, and every limit that applies is checked', async (t) => {
  const { client } = await throttled(t, [
    { name: 'apps-writes', paths: ['/deviceAppManagement/mobileApps**'], methods: ['POST', 'PATCH', 'DELETE'], scope: 'app+tenant', limit: 1, windowSeconds: 20 },
    { name: 'configs', paths: ['/deviceAppManagement/mobileAppConfigurations**'], scope: 'app+tenant', limit: 1, windowSeconds: 5 },
  ]);
  const headers = token('app-a');
  t.same(await statuses(client, 3, APPS, headers), [200, 200, 200], 'reads are not in the writes family');
  t.equal((await client.request('DELETE', `${APPS}/no-such-app`, undefined, headers)).status, 404, 'a write counts whatever its answer');
  const write = await client.request('DELETE', BETA_APP, undefined, headers);
  t.equal(write.status, 429);
  t.equal(write.headers['retry-after'], '20');
  t.equal(write.headers['x-ms-throttle-scope'], `Tenant_Application/Write/app-a/${TENANT}`);
  t.same(await statuses(client, 2, '/beta/deviceAppManagement/mobileAppConfigurations', headers), [200, 429], 'another family, its own limit');
  t.same(await statuses(client, 2, '/v1.0/deviceAppManagement/mobileAppConfigurations', headers), [429, 429], 'paths are below the service root: both versions are one family');
  t.same(await statuses(client, 2, '/beta/deviceAppManagement', headers), [200, 200], 'outside every family: never throttled');
  t.same(await statuses(client, 1, '/beta/$metadata', headers), [200], '$metadata needs no token and is not counted');
});

t.test('Retry-After follows the sliding window; a cost takes several units', async (t) => {
  const { client, clock } = await throttled(t, [{
    name: 'units', paths: ['/deviceAppManagement/**'], scope: 'app+tenant', limit: 4, windowSeconds: 10,
    costs: [{ methods: ['GET'], paths: ['/deviceAppManagement/mobileApps'], cost: 2 }],
  }]);
  const headers = token('app-a');
  t.equal((await client.get(APPS, headers)).status, 200, 't=0: 2 units');
  clock.now += 3_000;
  t.equal((await client.get(BETA_APP, headers)).status, 200, 't=3 s: 1 unit');
  clock.now += 3_000;
  t.equal((await client.get(BETA_APP, headers)).status, 200, 't=6 s: 1 unit, 4 of 4 used');
  clock.now += 1_500;
  const small = await client.get(BETA_APP, headers);
  t.equal(small.status, 429);
  t.equal(small.headers['retry-after'], '3', 't=7.5 s: the request at t=0 leaves at t=10 s, 2.5 s rounded up');
  t.match(small.body.error.message, /4 units per 10 seconds/);
  clock.now += 2_500;
  t.equal((await client.get(APPS, headers)).status, 200, 't=10 s: 2 units free, a 2-unit request fits');
  const big = await client.get(APPS, headers);
  t.equal(big.headers['retry-after'], '6', 'a 2-unit request waits for 2 units to leave: t=3 s frees 1 at t=13 s, not enough; t=6 s frees the 2nd at t=16 s');
});

t.test('with --auth, the claims the token check read are the ones counted', async (t) => {
  const clock = { now: 0 };
  const client = await startServer(t, { auth: true, throttle: { rules: [{ name: 'one', scope: 'app+tenant', limit: 1, windowSeconds: 10 }], clock: () => clock.now } });
  const future = Math.floor(Date.now() / 1000) + 3600;
  const a = { authorization: bearer({ appid: 'app-a', tid: TENANT, exp: future }) };
  t.equal((await client.get(APPS)).status, 401, 'the token check comes first, and a 401 is not counted');
  t.same(await statuses(client, 2, APPS, a), [200, 429]);
  t.same(await statuses(client, 1, APPS, { authorization: bearer({ appid: 'app-b', tid: TENANT, exp: future }) }), [200]);
});

t.test('$batch: each part counts on its own, the envelope not at all, and the batch stays 200', async (t) => {
  // learn.microsoft.com/graph/throttling: "Requests in a batch are evaluated individually against
  // throttling limits ... The batch itself succeeds with a status code of 200 (OK)."
  const { client } = await throttled(t, [{ name: 'apps', paths: ['/deviceAppManagement/**'], scope: 'app+tenant', limit: 2, windowSeconds: 30 }]);
  const headers = token('app-a');
  const requests = ['1', '2', '3'].map((id) => ({ id, method: 'GET', url: '/deviceAppManagement/mobileApps' }));
  const response = await client.post('/beta/$batch', { requests }, headers);
  t.equal(response.status, 200);
  const parts = response.body.responses as { id: string; status: number; headers: Record<string, string>; body?: any }[];
  t.same(parts.map((p) => p.status), [200, 200, 429]);
  const refused = parts[2];
  t.equal(refused?.headers['Retry-After'], '30', 'the part carries Retry-After, to retry that request alone');
  t.equal(refused?.body.error.code, 'TooManyRequests');
  t.match((await client.get('/_edmock/throttle')).body.counters, [{ name: 'apps', key: `app-a/${TENANT}`, used: 2, limit: 2 }], 'two parts counted, the envelope not');
  const again = await client.post('/beta/$batch', { requests: [{ id: 'x', method: 'GET', url: '/deviceAppManagement/mobileApps' }] }, headers);
  t.equal(again.status, 200, 'an envelope is never refused');
  t.equal(again.body.responses[0].status, 429);
  t.same(await statuses(client, 1, APPS, token('app-b')), [200], 'parts count for the caller of the batch');
});

t.test('path globs: any case, keys in either spelling, wildcards in the first segment', (t) => {
  const throttle = new Throttle(() => 0);
  const limit = (paths: string[]) => ({ name: paths.join(' '), paths, scope: 'global' as const, limit: 1, windowSeconds: 60 });
  throttle.use(readThrottleConfig({ rules: [limit(['/users(*)']), limit(['/users/*']), limit(['/device*/mobileApps']), limit(['/me']), limit(['/**/owners'])] }, 'test'));
  const caller = { app: 'a', tenant: 't' };
  const limited = (path: string): string[] => {
    throttle.resetCounters();
    throttle.check('GET', path, caller);
    return throttle.describe().counters.map((c) => c.name);
  };
  t.same(limited("/Users('x')"), ['/users(*)'], 'a key in parentheses, whatever the case');
  t.same(limited('/users/x'), ['/users/*'], 'a key as a segment');
  t.same(limited('/DeviceAppManagement/mobileApps'), ['/device*/mobileApps'], 'a wildcard in the first segment');
  t.same(limited('/me'), ['/me']);
  t.same(limited('/me/messages'), [], 'an exact path is only itself');
  t.same(limited('/groups/g/owners'), ['/**/owners']);
  t.same(limited('/usersx'), []);
  t.end();
});

t.test('a token whose appid or tid cannot stand in a header still gets its 429 in the OData shape, the names percent-encoded in x-ms-throttle-scope', async (t) => {
  // The claims are read unverified and may hold anything; an answer header may hold only visible
  // ASCII (RFC 9110 §5.5), and bad input is never a 500.
  const { client } = await throttled(t, [{ name: 'apps', scope: 'app+tenant', limit: 1, windowSeconds: 10 }]);
  const odd = token('app\r\nX-Injected: 1', 'tenant ☃');
  t.equal((await client.get(APPS, odd)).status, 200);
  const refused = await client.get(APPS, odd);
  assertODataError(t, refused, 429, 'TooManyRequests');
  t.equal(refused.headers['x-ms-throttle-scope'], 'Tenant_Application/ReadWrite/app%0D%0AX-Injected:%201/tenant%20%E2%98%83');
  t.notOk('x-injected' in refused.headers, 'no header of the token\'s making');
});

t.test('a path rule counts the request however its URL is spelled: percent-encoded letters, doubled leading slashes', async (t) => {
  // RFC 3986 §6.2.2.2: percent-encoded unreserved characters are the characters themselves, and
  // edmock serves `/%64eviceAppManagement` and `//deviceAppManagement` as the same resource; a
  // rule on its path must count them, or a spelling would escape the limit.
  const { client } = await throttled(t, [{ name: 'apps', paths: ['/deviceAppManagement/mobileApps**'], scope: 'global', limit: 1, windowSeconds: 10 }]);
  t.equal((await client.get(APPS)).status, 200);
  for (const spelling of ['/beta/%64eviceAppManagement/mobileApps', '/beta//deviceAppManagement/mobileApps', '/beta/deviceAppManagement/mobile%41pps']) {
    assertODataError(t, await client.get(spelling), 429, 'TooManyRequests');
  }
});
