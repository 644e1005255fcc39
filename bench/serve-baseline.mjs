// Child process of server-bench.mjs: the bare-Fastify baseline each edmock scenario is measured
// against. Every route does the least its scenario needs: echo a JSON body, return a constant
// entity or page, return the same static XML edmock serves.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const entity = {
  '@odata.context': 'http://127.0.0.1/beta/$metadata#deviceAppManagement/mobileApps(\'page\')/userStatuses/$entity',
  '@odata.type': '#microsoft.graph.userAppInstallStatus', '@odata.etag': 'W/"1-1"', id: 'u000001', userName: 'user 1',
  userPrincipalName: 'user1@contoso.example', installedDeviceCount: 1, failedDeviceCount: 7919, notInstalledDeviceCount: 1,
};
const { '@odata.context': _c, ...item } = entity;
const page = (n) => ({ '@odata.context': 'http://127.0.0.1/beta/$metadata#x', value: Array.from({ length: n }, () => item) });
const page10 = page(10);
const page100 = page(100);
const xml = readFileSync(new URL('../generated/beta/metadata.xml', import.meta.url), 'utf8');
// The whole Graph metadata, for the runs against it (BENCH_GRAPH; the same size as what edmock serves).
const graphXml = process.env.BENCH_GRAPH ? readFileSync(process.env.BENCH_GRAPH, 'utf8') : xml;

const app = Fastify();
app.post('/echo', async (request, reply) => reply.code(201).send(request.body));
app.patch('/echo', async (request, reply) => reply.code(204).send());
app.get('/entity', async () => entity);
app.get('/page10', async () => page10);
app.get('/page100', async () => page100);
app.get('/metadata', async (request, reply) => reply.header('content-type', 'application/xml').send(xml));
app.get('/metadata-graph', async (request, reply) => reply.header('content-type', 'application/xml').send(graphXml));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ address });
// server-bench.mjs asks for the CPU time used so far, to count it per request.
process.on('message', (message) => { if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() }); });
process.once('SIGINT', () => { void app.close().then(() => process.exit(0)); });
