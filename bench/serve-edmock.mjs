// Child process of server-bench.mjs: an edmock server holding a page-sized collection ('page',
// 200 entities) and, with BENCH_ENTITIES, a large one ('big') for the $filter scenarios. Prints
// its address when ready. BENCH_SERVICE picks what it serves:
//   beta  (default) the bundled beta service; userAppInstallStatus under mobileApps/{id}/userStatuses
//   v1.0  the bundled v1.0 service; managedDeviceMobileAppConfigurationUserStatus under
//         mobileAppConfigurations/{id}/userStatuses
//   graph the whole Microsoft Graph v1.0 metadata (BENCH_GRAPH), generated in memory at startup,
//         with the same collection as v1.0
// BENCH_DATA=<file> keeps the default session in that data file (--data), synced as
// BENCH_DATA_SYNC says (group or always).
import { createServer } from '../dist/src/server/create-server.js';
import { createEntity } from '../dist/src/odata/handlers/deep-insert.js';
import { resolvePath } from '../dist/src/odata/path/resolve-path.js';

const kind = process.env.BENCH_SERVICE ?? 'beta';
const SETUPS = {
  beta: {
    prefix: '/beta',
    parents: 'deviceAppManagement/mobileApps',
    parentType: 'microsoft.graph.mobileApp',
    parent: (id) => ({ '@odata.type': '#microsoft.graph.webApp', id }),
    child: (i) => ({
      id: `u${String(i).padStart(6, '0')}`, userName: `user ${i}`, userPrincipalName: `user${i}@contoso.example`,
      installedDeviceCount: i % 10, failedDeviceCount: (i * 7919) % 1000, notInstalledDeviceCount: i % 3,
    }),
  },
  v1: {
    prefix: '/v1.0',
    parents: 'deviceAppManagement/mobileAppConfigurations',
    parentType: 'microsoft.graph.managedDeviceMobileAppConfiguration',
    parent: (id) => ({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', id, displayName: id }),
    child: (i) => ({
      id: `u${String(i).padStart(6, '0')}`, userDisplayName: `user ${i}`, userPrincipalName: `user${i}@contoso.example`,
      devicesCount: i % 10, status: i % 2 ? 'compliant' : 'unknown', lastReportedDateTime: '2026-01-06T08:00:00Z',
    }),
  },
};
const setup = kind === 'beta' ? SETUPS.beta : SETUPS.v1;
const services = kind === 'graph' ? [{ prefix: '/v1.0', metadataFile: process.env.BENCH_GRAPH }] : undefined;
const data = process.env.BENCH_DATA ? { dataFile: process.env.BENCH_DATA, dataSync: process.env.BENCH_DATA_SYNC ?? 'group' } : {};
const app = await createServer({ pageSize: 100, ...(services ? { services } : {}), ...(process.env.BENCH_JOURNAL ? { journalSize: Number(process.env.BENCH_JOURNAL) } : {}), ...data });
const mounted = app.edmock.services.find((s) => s.prefix === setup.prefix);
const { service, store } = mounted;
const load = (parentId, count) => {
  createEntity(service, store, setup.parents, setup.parentType, setup.parent(parentId));
  const target = resolvePath(service, store, `/${setup.parents}/${parentId}/userStatuses`);
  for (let i = 0; i < count; i++) createEntity(service, store, target.collectionPath, target.type, setup.child(i));
};
load('page', 200);
const big = Number(process.env.BENCH_ENTITIES ?? 0);
if (big > 0) load('big', big);
// With --data: the entities loaded above are in the snapshot and the log starts empty, as after a
// restart from a data file holding them (not 100,000 logged creates waiting to be compacted).
app.edmock.dataLog?.checkpoint();
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ address, rss: process.memoryUsage().rss });
// Profiling runs stop the server with SIGINT so that --cpu-prof can write its profile.
// server-bench.mjs asks for the CPU time used so far, to count it per request.
process.on('message', (message) => { if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() }); });
process.once('SIGINT', () => { void app.close().then(() => process.exit(0)); });
