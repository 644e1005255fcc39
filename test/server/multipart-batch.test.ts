import t from 'tap';
import { APP_ID, startServer, type Client } from '../helpers/server.js';

// Multipart batches over HTTP (Protocol 4.01 §11.7): the same runner as JSON batches, so these
// tests cover what is the multipart format's own: change sets committing all or nothing, `$1`
// inside a change set, stopping at the first failure unless continue-on-error, and the answer's
// shape. The format itself (reading, writing, malformed bodies) is test/odata/multipart-batch.test.ts.

const CRLF = '\r\n';
const WEB_APP = { '@odata.type': '#microsoft.graph.webApp', displayName: 'Multipart app', appUrl: 'https://example.com' };
const APPS = '/beta/deviceAppManagement/mobileApps';

/** An application/http part; `id` its Content-ID. */
function httpPart(requestLine: string, options: { id?: string; headers?: string[]; body?: unknown } = {}): string[] {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (options.id !== undefined) lines.push(`Content-ID: ${options.id}`);
  lines.push('', `${requestLine} HTTP/1.1`, ...(options.headers ?? []));
  if (options.body !== undefined) lines.push('Content-Type: application/json', '', JSON.stringify(options.body));
  else lines.push('', '');
  return lines;
}

function changeSet(boundary: string, parts: string[][]): string[] {
  const lines = [`Content-Type: multipart/mixed; boundary=${boundary}`, ''];
  for (const part of parts) lines.push(`--${boundary}`, ...part);
  lines.push(`--${boundary}--`);
  return lines;
}

function batchBody(parts: string[][]): string {
  const lines: string[] = [];
  for (const part of parts) lines.push('--batch_b', ...part);
  lines.push('--batch_b--', '');
  return lines.join(CRLF);
}

interface PartAnswer {
  status: number;
  contentId: string | undefined;
  headers: Record<string, string>;
  body: string;
  /** The parts of a change set's answer. */
  changeSet?: PartAnswer[];
}

/** A multipart answer read back: what a client's batch parser sees. */
function readAnswer(text: string, contentType: string): PartAnswer[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1] ?? '';
  const chunks = text.split(`--${boundary}`).slice(1, -1);
  return chunks.map((chunk) => {
    const [head = '', ...rest] = chunk.replace(/^\r\n/, '').split('\r\n\r\n');
    const partHeaders = headerMap(head);
    if (/^multipart\/mixed/.test(partHeaders['content-type'] ?? '')) {
      return { status: 0, contentId: undefined, headers: partHeaders, body: '', changeSet: readAnswer(rest.join('\r\n\r\n'), partHeaders['content-type']) };
    }
    const [statusBlock = '', ...body] = rest;
    const [statusLine = '', ...headerLines] = statusBlock.split('\r\n');
    return { status: Number(statusLine.split(' ')[1]), contentId: partHeaders['content-id'], headers: headerMap(headerLines.join('\r\n')), body: body.join('\r\n\r\n').replace(/\r\n$/, '') };
  });
}

function headerMap(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

async function send(client: Client, parts: string[][], headers: Record<string, string> = {}) {
  const response = await client.request('POST', '/beta/$batch', batchBody(parts), { 'content-type': 'multipart/mixed; boundary=batch_b', ...headers });
  return { response, answers: response.status === 200 ? readAnswer(response.text, String(response.headers['content-type'])) : [] };
}

async function appCount(client: Client): Promise<number> {
  return Number((await client.get(`${APPS}/$count`)).text);
}

t.test('Protocol §11.7: a multipart batch answers 200 multipart/mixed, one application/http part per request', async (t) => {
  const client = await startServer(t);
  const alone = await client.get(`${APPS}/${APP_ID}?$select=displayName`);
  const { response, answers } = await send(client, [
    httpPart(`GET deviceAppManagement/mobileApps/${APP_ID}?$select=displayName`),
    httpPart(`GET /beta/deviceAppManagement/mobileApps/${APP_ID}?$select=displayName`),
  ]);
  t.equal(response.status, 200);
  t.match(response.headers['content-type'], /^multipart\/mixed; boundary=batchresponse_[0-9a-f-]+$/, 'the boundary last and unquoted, as SAP and @odata/client read it');
  t.equal(answers.length, 2);
  for (const answer of answers) {
    t.equal(answer.status, 200);
    t.same(JSON.parse(answer.body), alone.body, 'the body a part answers is the body the request answers alone');
  }
});

t.test('Protocol §11.7.4: a change set commits all or nothing, and $<Content-ID> names what it created', async (t) => {
  const client = await startServer(t);
  const before = await appCount(client);
  const ok = await send(client, [changeSet('cs_1', [
    httpPart('POST deviceAppManagement/mobileApps', { id: '1', body: WEB_APP }),
    httpPart('PATCH $1', { id: '2', body: { '@odata.type': '#microsoft.graph.webApp', displayName: 'Renamed in the change set' } }),
  ])]);
  const [set] = ok.answers;
  t.same(set?.changeSet?.map((a) => [a.contentId, a.status]), [['1', 201], ['2', 204]], 'answers nested in a change set, Content-IDs echoed');
  const createdId = JSON.parse(set?.changeSet?.[0]?.body ?? '{}').id as string;
  t.equal((await client.get(`${APPS}/${createdId}`)).body.displayName, 'Renamed in the change set');
  t.equal(await appCount(client), before + 1);

  const failed = await send(client, [changeSet('cs_2', [
    httpPart('POST deviceAppManagement/mobileApps', { id: 'a', body: WEB_APP }),
    httpPart('POST deviceAppManagement/mobileApps', { id: 'b', body: { ...WEB_APP, appUrl: 7 } }),
  ])]);
  t.equal(failed.answers.length, 1);
  t.equal(failed.answers[0]?.changeSet, undefined, 'a failed change set is answered by one response in its place');
  t.equal(failed.answers[0]?.status, 400);
  t.equal(failed.answers[0]?.contentId, 'b', 'the response of the request that failed');
  t.equal(await appCount(client), before + 1, 'the change set left nothing behind');
});

t.test('Protocol §11.7.7.4: processing stops at the first failure unless Prefer: odata.continue-on-error', async (t) => {
  const client = await startServer(t);
  const parts = [httpPart('GET deviceAppManagement/mobileApps/missing'), httpPart('GET deviceAppManagement')];
  const stopped = await send(client, parts);
  t.same(stopped.answers.map((a) => a.status), [404], 'the error response is the last part');
  const going = await send(client, parts, { prefer: 'odata.continue-on-error' });
  t.same(going.answers.map((a) => a.status), [404, 200]);
  t.equal(going.response.headers['preference-applied'], 'odata.continue-on-error');
});

t.test('a malformed multipart batch is an OData 400, and multipart anywhere but $batch a 415', async (t) => {
  const client = await startServer(t);
  const truncated = await client.request('POST', '/beta/$batch', '--batch_b\r\nContent-Type: application/http\r\n\r\nGET deviceAppManagement HTTP/1.1\r\n', { 'content-type': 'multipart/mixed; boundary=batch_b' });
  t.equal(truncated.status, 400);
  t.equal(truncated.body.error.code, 'BadRequest');
  t.match(truncated.body.error.message, /closing delimiter/);
  const noBoundary = await client.request('POST', '/beta/$batch', 'x', { 'content-type': 'multipart/mixed' });
  t.equal(noBoundary.status, 400);
  t.match(noBoundary.body.error.message, /boundary/);
  const small = await startServer(t, { bodyLimit: 512 });
  const tooBig = await small.request('POST', '/beta/$batch', batchBody([httpPart('POST deviceAppManagement/mobileApps', { body: { ...WEB_APP, description: 'x'.repeat(1000) } })]), { 'content-type': 'multipart/mixed; boundary=batch_b' });
  t.equal(tooBig.status, 413, 'a multipart body over --body-limit');
  t.equal(tooBig.body.error.code, 'RequestEntityTooLarge');
  const elsewhere = await client.request('POST', APPS, batchBody([httpPart('GET deviceAppManagement')]), { 'content-type': 'multipart/mixed; boundary=batch_b' });
  t.equal(elsewhere.status, 415);
  t.equal(elsewhere.body.error.code, 'UnsupportedMediaType');
});
