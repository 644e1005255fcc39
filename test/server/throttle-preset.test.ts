import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { GRAPH_THROTTLE_PRESET } from '../../src/toolkit/throttle-preset.js';
import { readThrottleConfig } from '../../src/toolkit/throttle-config.js';
import { Throttle } from '../../src/toolkit/throttle.js';
import { bearer } from '../helpers/bearer-token.js';
import { serveCli } from '../helpers/cli-server.js';
import { assertODataError, startServer, type Client } from '../helpers/server.js';

// `--throttle graph`: the limits of "Microsoft Graph service-specific throttling limits"
// (learn.microsoft.com/graph/throttling-limits, 2025-01-14). Intune: "POST, PUT, DELETE, PATCH |
// 200 requests per 20 seconds [per tenant for all apps] | 100 requests per 20 seconds [per app per
// tenant]", twice that for the devices family. Identity and access: "application+tenant pair | S:
// 3,500 ResourceUnits per 10 seconds", `GET users` costing 2.

const token = (appid: string, tid = 'tenant-1') => ({ authorization: bearer({ appid, tid }) });

async function writes(client: Client, url: string, count: number, headers: Record<string, string>): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const status = (await client.request('DELETE', url, undefined, headers)).status;
    seen.set(status, (seen.get(status) ?? 0) + 1);
  }
  return seen;
}

t.test('the preset is a valid configuration, named for its source', async (t) => {
  const checked = readThrottleConfig({ preset: 'graph' }, 'test');
  t.equal(checked, GRAPH_THROTTLE_PRESET);
  t.match(checked.source, /learn\.microsoft\.com\/graph\/throttling-limits \(2025-01-14\)/);
  t.doesNotThrow(() => readThrottleConfig({ rules: GRAPH_THROTTLE_PRESET.rules }, 'copy'), 'its rules pass the same checks as a file\'s');
  t.match(GRAPH_THROTTLE_PRESET.rules.find((r) => r.name === 'graph/global/app'), { scope: 'app', limit: 130_000, windowSeconds: 10 });
});

t.test('Intune applications: 100 writes per 20 s per app per tenant, 200 per tenant; reads go on', async (t) => {
  const clock = { now: 0 };
  const client = await startServer(t, { throttle: { preset: 'graph', clock: () => clock.now } });
  const app = '/beta/deviceAppManagement/mobileApps/no-such-app';
  t.same([...await writes(client, app, 100, token('app-a'))], [[404, 100]], '100 writes pass (and are counted whatever they answer)');
  const refused = await client.request('DELETE', app, undefined, token('app-a'));
  assertODataError(t, refused, 429, 'TooManyRequests');
  t.equal(refused.body.error.target, 'intune-applications/write/app+tenant');
  t.equal(refused.headers['retry-after'], '20');
  t.equal((await client.get('/beta/deviceAppManagement/mobileApps', token('app-a'))).status, 200, 'reads have their own, larger limit');
  t.same([...await writes(client, '/v1.0/deviceAppManagement/mobileApps/x', 100, token('app-b'))], [[404, 100]], 'another application: its own 100');
  const tenantFull = await client.request('DELETE', app, undefined, token('app-c'));
  t.equal(tenantFull.status, 429);
  t.equal(tenantFull.body.error.target, 'intune-applications/write/tenant', 'the tenant\'s 200 are used up by the two applications');
  t.same([...await writes(client, app, 1, token('app-c', 'tenant-2'))], [[404, 1]], 'another tenant is not affected');
  clock.now += 20_000;
  t.same([...await writes(client, app, 1, token('app-a'))], [[404, 1]], 'after the window, room again');
});

t.test('Intune devices: twice the writes, a family of its own', async (t) => {
  const client = await startServer(t, { throttle: { preset: 'graph', clock: () => 0 } });
  t.same([...await writes(client, '/beta/deviceManagement/managedDevices/x', 201, token('app-a'))], [[404, 200], [429, 1]]);
  t.same([...await writes(client, '/beta/deviceAppManagement/mobileApps/x', 1, token('app-a'))], [[404, 1]], 'the applications family counts apart');
});

t.test('identity and access: resource units per app and tenant, GET /users costing 2', (t) => {
  const throttle = new Throttle(() => 0);
  throttle.configure({ preset: 'graph' }, 'test');
  const caller = { app: 'app-a', tenant: 'tenant-1' };
  let passed = 0;
  while (throttle.check('GET', '/users', caller) === undefined) passed++;
  t.equal(passed, 1750, '3,500 ResourceUnits per 10 seconds at 2 a request');
  t.match(throttle.check('GET', '/users', caller), { status: 429, target: 'directory/resource-units/app+tenant', headers: { 'Retry-After': '10' } });
  t.equal(throttle.check('GET', '/users', { ...caller, tenant: 'tenant-2' }), undefined, 'per application and tenant pair');
  t.equal(throttle.check('GET', '/deviceAppManagement/mobileApps', caller), undefined, 'Intune is another service');
  t.end();
});

t.test('serve --throttle graph and --throttle FILE; a bad file stops the start', async (t) => {
  const preset = await serveCli(t, ['--throttle', 'graph']);
  const body = await (await fetch(`${preset.url}/_edmock/throttle`)).json() as { source: string };
  t.match(body.source, /^preset graph: /);
  const dir = t.testdir();
  const good = path.join(dir, 'limits.json');
  await writeFile(good, JSON.stringify({ rules: [{ name: 'one', scope: 'global', limit: 1, windowSeconds: 60 }] }));
  const limited = await serveCli(t, ['--throttle', good]);
  t.equal((await fetch(`${limited.url}/v1.0/deviceAppManagement`)).status, 200);
  const refused = await fetch(`${limited.url}/v1.0/deviceAppManagement`);
  t.equal(refused.status, 429);
  t.equal(refused.headers.get('retry-after'), '60');
  const bad = path.join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ rules: [{ name: 'one', scope: 'user', limit: 1, windowSeconds: 60 }] }));
  await t.rejects(serveCli(t, ['--throttle', bad]), { message: /--throttle .*bad\.json: Invalid throttle configuration: rules\/0: 'scope' is one of/ });
});
