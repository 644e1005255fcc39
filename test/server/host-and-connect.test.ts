import { connect } from 'node:net';
import { Writable } from 'node:stream';
import t from 'tap';
import { createServer, type CreateServerOptions } from '../../src/server/create-server.js';
import { assertODataError, BETA_APP, GUID, startServer, type TapTest } from '../helpers/server.js';

// Requests a client library would not send but a socket can: HTTP/1.0 without Host, HTTP/1.1
// without Host, CONNECT. Each gets an answer in the OData shape, and absolute URLs never lose
// their authority. And a documented 501 is a warning in the log, not an error with a stack.

const USER_STATUSES = `${BETA_APP}/userStatuses`;

async function listening(t: TapTest, options: CreateServerOptions = {}) {
  const app = await createServer(options);
  t.teardown(() => app.close());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: Number(new URL(address).port) };
}

interface RawResponse {
  statusLine: string;
  headers: Map<string, string>;
  body: string;
}

/** Writes `text` as is, and reads until the server closes the connection. */
function exchange(port: number, text: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (chunk) => { data += chunk.toString(); });
    socket.on('end', () => {
      const split = data.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = data.slice(0, split).split('\r\n');
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ statusLine, headers, body: data.slice(split + 4) });
    });
    socket.on('error', reject);
  });
}

t.test('HTTP/1.0 without Host: context URLs and Location name the address the client reached', async (t) => {
  const { port } = await listening(t);
  const origin = `http://127.0.0.1:${port}`;
  const body = '{"userName":"Old client"}';
  const created = await exchange(port, `POST ${USER_STATUSES} HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  t.match(created.statusLine, /^HTTP\/1\.[01] 201 /);
  t.match(created.headers.get('location'), new RegExp(`^${origin}/beta/deviceAppManagement/mobileApps\\('`));
  const entity = JSON.parse(created.body);
  t.match(entity['@odata.context'], new RegExp(`^${origin}/beta/\\$metadata#`));
  const root = await exchange(port, 'GET /beta/ HTTP/1.0\r\n\r\n');
  t.equal(JSON.parse(root.body)['@odata.context'], `${origin}/beta/$metadata`);
  const admin = await exchange(port, 'GET /_edmock HTTP/1.0\r\n\r\n');
  t.equal(JSON.parse(admin.body).services[0].metadata, `${origin}/beta/$metadata`, 'the admin API too');
});

t.test('HTTP/1.1 without Host: a 400 in the OData shape (RFC 9112 §3.2), journaled', async (t) => {
  const { app, port } = await listening(t);
  const response = await exchange(port, `GET ${USER_STATUSES} HTTP/1.1\r\nclient-request-id: no-host\r\nConnection: close\r\n\r\n`);
  t.match(response.statusLine, /^HTTP\/1\.1 400 /);
  t.match(response.headers.get('content-type'), /^application\/json/);
  t.equal(response.headers.get('odata-version'), '4.0');
  t.match(response.headers.get('request-id'), GUID);
  const { error } = JSON.parse(response.body);
  t.match(error, { code: 'BadRequest', target: 'Host', message: /must carry a Host header/, innerError: { 'client-request-id': 'no-host' } });
  const journal = await app.inject('/_edmock/journal');
  t.match(JSON.parse(journal.body).value, [{ method: 'GET', url: USER_STATUSES, status: 400, error: { code: 'BadRequest' } }]);
  const withHost = await exchange(port, `GET ${USER_STATUSES} HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n`);
  t.match(withHost.statusLine, /^HTTP\/1\.1 200 /, 'with a Host it is served');
  t.match(JSON.parse(withHost.body)['@odata.context'], /^http:\/\/example\.test\/beta\/\$metadata#/);
});

t.test('CONNECT gets a 405 in the OData shape with an empty Allow, and the connection closes', async (t) => {
  const { port } = await listening(t);
  const response = await exchange(port, 'CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: graph.microsoft.com:443\r\nclient-request-id: tunnel-1\r\n\r\n');
  t.match(response.statusLine, /^HTTP\/1\.1 405 Method Not Allowed$/);
  t.equal(response.headers.get('allow'), '', 'the target allows no method');
  t.equal(response.headers.get('connection'), 'close');
  t.equal(response.headers.get('odata-version'), '4.0');
  t.equal(response.headers.get('client-request-id'), 'tunnel-1');
  const { error } = JSON.parse(response.body);
  t.match(error, { code: 'MethodNotAllowed', message: /CONNECT graph\.microsoft\.com:443: this server is not a proxy/, innerError: { 'request-id': GUID } });
  t.equal(Number(response.headers.get('content-length')), Buffer.byteLength(response.body));
});

t.test('a documented 501 is logged as a warning naming the request, without a stack', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
  const client = await startServer(t, { logger: { level: 'info', stream } });
  assertODataError(t, await client.get('/beta/$crossjoin(a)'), 501, 'NotImplemented');
  const logged = lines.filter((line) => line.level === 40);
  t.equal(logged.length, 1, 'one warning');
  t.match(logged[0], { method: 'GET', url: '/beta/$crossjoin(a)', reqId: GUID, msg: /\$crossjoin' is not implemented/ });
  t.notOk(logged[0] && 'err' in logged[0], 'no error object, so no stack');
  t.equal(lines.filter((line) => (line.level as number) >= 50).length, 0, 'nothing at error level');
});
