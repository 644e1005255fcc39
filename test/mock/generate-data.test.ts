import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import t from 'tap';
import { parseServeOptions } from '../../src/cli/serve-options.js';
import { generateData } from '../../src/mock/generate-data.js';
import { loadServiceFromEdmx } from '../../src/mock/load-service.js';
import { createSingletons } from '../../src/mock/seed-data.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { APP_ID, CONFIG_ID, CONFIG_USER_STATUS_ID, startServer, type Client } from '../helpers/server.js';

// `--generate` on a model of our own (test/models/generate.xml) and on the bundled service.

const MODEL = path.resolve(import.meta.dirname, '../../../test/models/generate.xml');

async function fixtureText(seed: number): Promise<string> {
  const service = await loadServiceFromEdmx(MODEL);
  const store = new MemoryStore();
  createSingletons(service, store);
  return JSON.stringify(generateData(service, store, { count: 5, seed }).fixtures);
}

t.test('the same seed gives the same bytes; another seed other data', async (t) => {
  const first = await fixtureText(9);
  t.equal(await fixtureText(9), first);
  t.not(await fixtureText(10), first);
});

const count = async (client: Client, url: string) => (await client.get(`${url}/$count`)).text;

t.test('a server with --generate 5: five per set and per containment navigation, every link resolves', async (t) => {
  const client = await startServer(t, { services: [{ prefix: '/rail', metadataFile: MODEL }], generate: { count: 5 } });
  for (const set of ['Lines', 'Depots', 'Trains']) t.equal(await count(client, `/rail/${set}`), '5', `${set}/$count`);
  t.equal(await count(client, '/rail/Operator/Notices'), '5', "the singleton's containment");
  const lines = (await client.get('/rail/Lines?$expand=Stations($expand=Platforms),Timetable')).body.value as Record<string, any>[];
  t.equal(lines.flatMap((l) => l.Stations).length, 5, 'five stations dealt over the lines');
  t.equal(lines.flatMap((l) => l.Stations.flatMap((s: any) => s.Platforms)).length, 5, 'and five platforms, two levels down');
  t.ok(lines.every((l) => l.Timetable !== null), 'a single-valued containment under each parent');
  const trains = new Set(((await client.get('/rail/Trains')).body.value as { TrainId: number }[]).map((x) => x.TrainId));
  const depots = new Set(((await client.get('/rail/Depots')).body.value as { DepotId: string }[]).map((x) => x.DepotId));
  for (const line of lines) {
    const depot = await client.get(`/rail/Lines('${line.Code}')/Depot`);
    t.equal(depot.status, 200, `Lines('${line.Code}')/Depot is linked`);
    t.ok(depots.has(depot.body.DepotId), 'to a depot of Depots');
    const fleet = (await client.get(`/rail/Lines('${line.Code}')/Fleet`)).body.value as { TrainId: number }[];
    t.ok(fleet.length > 0 && fleet.every((train) => trains.has(train.TrainId)), 'the fleet are trains of Trains');
  }
  const sleepers = (await client.get('/rail/Trains/Rail.Ops.SleeperTrain')).body.value as { TrainId: number }[];
  t.ok(sleepers.length > 0, 'the derived type is generated too');
  const partner = await client.get(`/rail/Trains(${sleepers[0].TrainId})/Rail.Ops.SleeperTrain/Partner`);
  t.equal(partner.status, 200, 'a binding through a type cast is linked');
  t.equal((await client.get('/rail/Operator/HeadOffice')).status, 200, "the singleton's binding");
});

t.test('generate-data writes a fixture file that loads into the store --generate makes', async (t) => {
  const dir = t.testdir();
  const service = await loadServiceFromEdmx(MODEL);
  const store = new MemoryStore();
  createSingletons(service, store);
  const file = path.join(dir, 'rail.json');
  await writeFile(file, JSON.stringify(generateData(service, store, { count: 3, seed: 4 }).fixtures));
  const generated = await startServer(t, { services: [{ prefix: '/rail', metadataFile: MODEL }], generate: { count: 3, seed: 4 } });
  const loaded = await startServer(t, { services: [{ prefix: '/rail', metadataFile: MODEL, fixturesFile: file }] });
  const dump = async (client: Client) => (await client.get('/_edmock/dump')).body;
  t.same(await dump(loaded), await dump(generated));
});

t.test('the bundled service keeps its hand-written dataset and adds the generated one', async (t) => {
  const client = await startServer(t, { generate: { count: 2 } });
  t.equal((await client.get(`/v1.0/deviceAppManagement/mobileApps/${APP_ID}`)).status, 200);
  t.equal((await client.get(`/v1.0/deviceAppManagement/mobileAppConfigurations/${CONFIG_ID}/userStatuses/${CONFIG_USER_STATUS_ID}`)).status, 200);
  t.ok(Number(await count(client, '/v1.0/deviceAppManagement/mobileApps')) >= 3, 'two generated beside the fixture');
  const reset = await client.post('/_edmock/reset', {});
  t.ok(reset.status < 300, 'reset');
  t.ok(Number(await count(client, '/v1.0/deviceAppManagement/mobileApps')) >= 3, 'a reset brings the generated data back');
});

t.test('serve --fixtures FILE gives the --metadata service that startup data; misuse is a usage error', async (t) => {
  const file = path.join(t.testdir(), 'rail.json');
  const parsed = parseServeOptions(['--metadata', MODEL, '--fixtures', file], '.');
  t.not(parsed, 'help');
  t.same(parsed === 'help' ? undefined : parsed.services, [{ prefix: '', metadataFile: MODEL, fixturesFile: file }]);
  const prefixed = parseServeOptions(['--metadata', `/rail=${MODEL}`, '--fixtures', `/rail=${file}`], '.');
  t.same(prefixed === 'help' ? undefined : prefixed.services, [{ prefix: '/rail', metadataFile: MODEL, fixturesFile: file }]);
  t.throws(() => parseServeOptions(['--fixtures', file], '.'), /--fixtures goes with --metadata/);
  t.throws(() => parseServeOptions(['--metadata', MODEL, '--fixtures', `/other=${file}`], '.'), /no --metadata service is mounted at '\/other'/);
  t.throws(() => parseServeOptions(['--metadata', MODEL, '--fixtures', file, '--no-fixtures'], '.'), /contradict/);
});
