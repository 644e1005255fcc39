// Child process of server-bench.mjs: edmock on the bundled services, with a large collection for
// the query scenarios. Prints its address when ready.
import { createServer } from '../dist/src/server/create-server.js';
import { createEntity } from '../dist/src/odata/operations/deep-insert.js';
import { resolvePath } from '../dist/src/odata/path/resolve-path.js';

const app = await createServer({ pageSize: 100 });
const beta = app.edmock.services.find((s) => s.prefix === '/beta');
const load = (path, count) => {
  const target = resolvePath(beta.service, beta.store, path);
  for (let i = 0; i < count; i++) {
    createEntity(beta.service, beta.store, target.collectionPath, target.type, {
      id: `u${String(i).padStart(6, '0')}`, userName: `user ${i}`, userPrincipalName: `user${i}@contoso.example`,
      installedDeviceCount: i % 10, failedDeviceCount: (i * 7919) % 1000, notInstalledDeviceCount: i % 3,
    });
  }
};
createEntity(beta.service, beta.store, 'deviceAppManagement/mobileApps', 'microsoft.graph.mobileApp', { '@odata.type': '#microsoft.graph.webApp', id: 'big' });
createEntity(beta.service, beta.store, 'deviceAppManagement/mobileApps', 'microsoft.graph.mobileApp', { '@odata.type': '#microsoft.graph.webApp', id: 'page' });
load('/deviceAppManagement/mobileApps/big/userStatuses', Number(process.env.BENCH_ENTITIES ?? 100_000));
load('/deviceAppManagement/mobileApps/page/userStatuses', 200);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ address });
// Profiling runs stop the server with SIGINT so that --cpu-prof can write its profile.
process.once('SIGINT', () => { void app.close().then(() => process.exit(0)); });
