import t from 'tap';
import type { BatchOutcome, BatchPart, BatchPartResult } from '../../src/odata/batch/batch-part.js';
import { readHeaderBlock } from '../../src/odata/batch/http-message.js';
import { multipartBatch } from '../../src/odata/batch/multipart-batch.js';
import { boundaryOf, splitParts } from '../../src/odata/batch/multipart-scanner.js';
import { ERROR_CATALOG, ODataError } from '../../src/odata/errors.js';
import type { ODataResponse } from '../../src/odata/exchange.js';

// The multipart batch format on its own (Protocol 4.0 §11.7, 4.01 §11.7.7; RFC 2046 §5.1):
// what read() makes of the bodies real clients send, what write() sends back, and the 400 every
// malformed body gets. How parts run is the runner's business and is tested with it.

const CRLF = '\r\n';
const crlf = (...lines: string[]) => lines.join(CRLF);
const lf = (...lines: string[]) => lines.join('\n');

const SAP_BOUNDARY = 'batch_6f6e1a2c-1d3e-4a57-9b0c-2d2f5f6a7b8c';
const SAP_CHANGESET = 'changeset_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SAP_ID_1 = '3a9b7c1e-5d2f-4e8a-b6c4-1f0e9d8c7b6a';
const SAP_ID_2 = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';

/** A batch as SAP Cloud SDK 4.x serialises one: Content-Id in change sets only, a blank line after each body, CRLF. */
const SAP_BODY = crlf(
  `--${SAP_BOUNDARY}`,
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'GET /beta/deviceAppManagement/mobileApps?$top=2 HTTP/1.1',
  'Content-Type: application/json',
  'Accept: application/json',
  '',
  '',
  `--${SAP_BOUNDARY}`,
  `Content-Type: multipart/mixed; boundary=${SAP_CHANGESET}`,
  '',
  `--${SAP_CHANGESET}`,
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  `Content-Id: ${SAP_ID_1}`,
  '',
  'POST /beta/deviceAppManagement/mobileApps HTTP/1.1',
  'Content-Type: application/json',
  'Accept: application/json',
  '',
  '{"@odata.type":"#microsoft.graph.webApp","displayName":"Wiki"}',
  '',
  `--${SAP_CHANGESET}`,
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  `Content-Id: ${SAP_ID_2}`,
  '',
  "DELETE /beta/deviceAppManagement/mobileApps('x') HTTP/1.1",
  'Content-Type: application/json',
  'Accept: application/json',
  'If-Match: W/"1"',
  '',
  '',
  '',
  `--${SAP_CHANGESET}--`,
  `--${SAP_BOUNDARY}--`,
  '',
);

function part(fields: Partial<BatchPart> & Pick<BatchPart, 'id' | 'method' | 'url'>): BatchPart {
  return { headers: {}, bodyText: undefined, dependsOn: [], ...fields };
}

function readError(body: string | Buffer, contentType: string): ODataError {
  try {
    multipartBatch.read(body, contentType);
  } catch (error) {
    if (error instanceof ODataError) return error;
    throw error;
  }
  throw new Error('read() accepted the body');
}

t.test('a batch as SAP Cloud SDK sends it: requests, a change set sharing one atomicity group, Content-Id as the id (Protocol 4.01 §11.7.7.1)', async (t) => {
  const parts = multipartBatch.read(SAP_BODY, `multipart/mixed; boundary=${SAP_BOUNDARY}`);
  t.same(parts, [
    part({ id: '#1', method: 'GET', url: '/beta/deviceAppManagement/mobileApps?$top=2', headers: { 'content-type': 'application/json', accept: 'application/json' } }),
    part({
      id: SAP_ID_1, method: 'POST', url: '/beta/deviceAppManagement/mobileApps', atomicityGroup: 'changeset#1',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      bodyText: '{"@odata.type":"#microsoft.graph.webApp","displayName":"Wiki"}',
    }),
    part({
      id: SAP_ID_2, method: 'DELETE', url: "/beta/deviceAppManagement/mobileApps('x')", atomicityGroup: 'changeset#1',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'if-match': 'W/"1"' },
    }),
  ]);
  t.equal(parts[0]?.atomicityGroup, undefined, 'a request outside a change set has no group');
});

t.test('a batch as @odata/client 2.x sends it: each write in its own change set without Content-ID, a GET without headers', async (t) => {
  const outer = 'b7d6a2e4-9c1f-4e3a-8b5d-0f2e4c6a8b1d';
  const changeSetA = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
  const changeSetB = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
  const body = crlf(
    `--${outer}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
    'GET mobileApps HTTP/1.1', '', '', '',
    `--${outer}`, `Content-Type: multipart/mixed; boundary=${changeSetA}`, '',
    `--${changeSetA}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
    'POST mobileApps HTTP/1.1', 'Content-Type: application/json', '', '{"displayName":"A"}', '',
    `--${changeSetA}--`,
    `--${outer}`, `Content-Type: multipart/mixed; boundary=${changeSetB}`, '',
    `--${changeSetB}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
    "PATCH mobileApps('a') HTTP/1.1", 'Content-Type: application/json', '', '{"displayName":"B"}', '',
    `--${changeSetB}--`,
    `--${outer}--`,
  );
  t.same(multipartBatch.read(Buffer.from(body), `multipart/mixed; boundary=${outer}`), [
    part({ id: '#1', method: 'GET', url: 'mobileApps' }),
    part({ id: '#2', method: 'POST', url: 'mobileApps', atomicityGroup: 'changeset#1', headers: { 'content-type': 'application/json' }, bodyText: '{"displayName":"A"}' }),
    part({ id: '#3', method: 'PATCH', url: "mobileApps('a')", atomicityGroup: 'changeset#2', headers: { 'content-type': 'application/json' }, bodyText: '{"displayName":"B"}' }),
  ], 'one group per change set, positions as ids');
});

t.test('bare LF line endings (@odata/client 1.x) read as CRLF does (RFC 2046 §5.1.1 asks for CRLF; clients differ)', async (t) => {
  const lfBody = lf(
    '--b1', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
    'GET mobileApps HTTP/1.1', 'Accept: application/json', '', '',
    '--b1', 'Content-Type: multipart/mixed; boundary=c1', '',
    '--c1', 'Content-Type: application/http', 'Content-ID: 1', '',
    'POST mobileApps HTTP/1.1', 'Content-Type: application/json', '', '{"a":1}',
    '--c1--', '--b1--',
  );
  const fromLf = multipartBatch.read(lfBody, 'multipart/mixed; boundary=b1');
  t.same(fromLf, multipartBatch.read(lfBody.replace(/\n/g, CRLF), 'multipart/mixed; boundary=b1'), 'the same parts');
  t.same(fromLf.map((p) => [p.id, p.method, p.bodyText]), [['#1', 'GET', undefined], ['1', 'POST', '{"a":1}']]);
});

t.test("the protocol's Example 101: a GET without HTTP version, a change set with Content-IDs 1 and 2, $1 left as written", async (t) => {
  const body = crlf(
    '--batch_36522ad7', 'Content-Type: application/http', '',
    "GET /service/Customers('ALFKI')", 'Host: host', '', '',
    '--batch_36522ad7', 'Content-Type: multipart/mixed; boundary=changeset_77162fcd', '',
    '--changeset_77162fcd', 'Content-Type: application/http', 'Content-ID: 1', '',
    'POST /service/Customers HTTP/1.1', 'Host: host', 'Content-Type: application/json', '', '{"ID":"POIUY"}',
    '--changeset_77162fcd', 'Content-Type: application/http', 'Content-ID: 2', '',
    'POST $1/Orders HTTP/1.1', 'Host: host', 'Content-Type: application/json', '', '{"ID":1}',
    '--changeset_77162fcd--',
    '--batch_36522ad7', 'Content-Type: application/http', '',
    'GET /service/Products HTTP/1.1', 'Host: host', '', '',
    '--batch_36522ad7--',
  );
  const parts = multipartBatch.read(body, 'multipart/mixed; boundary=batch_36522ad7');
  t.same(parts.map((p) => [p.id, p.method, p.url, p.atomicityGroup]), [
    ['#1', 'GET', "/service/Customers('ALFKI')", undefined],
    ['1', 'POST', '/service/Customers', 'changeset#1'],
    ['2', 'POST', '$1/Orders', 'changeset#1'],
    ['#4', 'GET', '/service/Products', undefined],
  ], "the unnamed GET at position 1 is '#1', so '$1' can only mean the part whose Content-ID is 1");
  t.equal(parts[0]?.headers.host, 'host');
});

t.test('a quoted boundary, preamble, epilogue, padding after delimiters and an upper-case parameter name (RFC 2046 §5.1.1)', async (t) => {
  const body = crlf(
    'This preamble is ignored.', '--b:2 x', 'Content-Type: application/http', '',
    'GET a HTTP/1.1', '', '',
    '--b:2 x  \t', 'content-type: APPLICATION/HTTP; msgtype=request', '',
    'DELETE b HTTP/1.1', '', '',
    '--b:2 x-- ', 'The epilogue is ignored too.', '--b:2 x', 'Content-Type: text/plain', '',
  );
  const parts = multipartBatch.read(body, 'Multipart/Mixed; charset=utf-8; Boundary="b:2 x"');
  t.same(parts.map((p) => `${p.method} ${p.url}`), ['GET a', 'DELETE b']);
});

t.test('the boundary inside a body does not end the part unless it is a whole delimiter line', async (t) => {
  const json = '{"note":"--bnd is not a delimiter here","also":"x\\n--bnd-more"}';
  const body = crlf('--bnd', 'Content-Type: application/http', '', 'POST a HTTP/1.1', '', json, '--bndX', '--bnd--');
  const [only] = multipartBatch.read(body, 'multipart/mixed; boundary=bnd');
  t.equal(only?.bodyText, `${json}${CRLF}--bndX`, "'--bndX' continues the body: the boundary must be followed by '--', spaces or a line break");
});

t.test('Content-Length, counted in bytes, bounds the body; without one the body runs to the delimiter less its line breaks', async (t) => {
  const body = crlf(
    '--b', 'Content-Type: application/http', '', 'POST a HTTP/1.1', 'Content-Length: 15', '', '{"name":"Zoë"}', 'trailing noise',
    '--b', 'Content-Type: application/http', '', 'POST b HTTP/1.1', 'Content-Length: ###', '', '{"x":1}', '', '',
    '--b--',
  );
  const parts = multipartBatch.read(Buffer.from(body, 'utf8'), 'multipart/mixed; boundary=b');
  t.equal(parts[0]?.bodyText, '{"name":"Zoë"}', '15 bytes for 14 characters: ë is two');
  t.equal(parts[1]?.bodyText, '{"x":1}', 'a Content-Length that is not a number is not used');
});

t.test('header lines: repeated names joined, folded lines continued, names in lower case', async (t) => {
  const body = crlf('--b', 'Content-Type: application/http', '', 'GET a HTTP/1.1', 'Prefer: return=minimal', 'PREFER: odata.maxpagesize=5', 'X-Long: one', '\ttwo', '', '', '--b--');
  const [only] = multipartBatch.read(body, 'multipart/mixed; boundary=b');
  t.same(only?.headers, { prefer: 'return=minimal, odata.maxpagesize=5', 'x-long': 'one two' });
});

t.test('an empty batch is no parts', async (t) => {
  t.same(multipartBatch.read('--b--\r\n', 'multipart/mixed; boundary=b'), []);
});

/** A malformed body, the error it must answer, and the words that say why. */
const MALFORMED: [string, string, string | Buffer, keyof typeof ERROR_CATALOG, RegExp][] = [
  ['no boundary parameter', 'multipart/mixed', '--b--', 'malformedBatch', /no boundary parameter/],
  ['an empty boundary', 'multipart/mixed; boundary=""', '----', 'malformedBatch', /no boundary parameter/],
  ['a boundary over 70 characters', `multipart/mixed; boundary=${'x'.repeat(71)}`, `--${'x'.repeat(71)}--`, 'malformedBatch', /1 to 70 printable/],
  ['another media type', 'application/json', '{}', 'malformedBatch', /multipart\/mixed, not 'application\/json'/],
  ['no delimiter at all', 'multipart/mixed; boundary=b', 'GET a HTTP/1.1', 'malformedBatch', /no closing delimiter '--b--'/],
  ['a body cut before its closing delimiter', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', '', 'GET a HTTP/1.1', ''), 'malformedBatch', /no closing delimiter/],
  ['a change set cut before its closing delimiter', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: application/http', '', 'POST a HTTP/1.1', '', '{}', '--b--'), 'malformedBatch', /the change set in batch part 1 has no closing delimiter '--c--'/],
  ['a part that is not application/http', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: text/plain', '', 'hello', '--b--'), 'malformedBatch', /batch part 1 has Content-Type 'text\/plain'/],
  ['a part without Content-Type', 'multipart/mixed; boundary=b', crlf('--b', '', 'GET a HTTP/1.1', '--b--'), 'malformedBatch', /batch part 1 has no Content-Type/],
  ['a change set without boundary', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: multipart/mixed', '', '--b--'), 'malformedBatch', /change set in batch part 1 has no boundary/],
  ['a request line without URL', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', '', 'GET', '--b--'), 'malformedBatch', /does not start with a request line/],
  ['a request line with a bad version', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', '', 'GET a HTTX/1.1', '--b--'), 'malformedBatch', /request line 'METHOD url HTTP\/1.1': 'GET a HTTX\/1.1'/],
  ['a request line with a word too many', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', '', 'GET a b HTTP/1.1', '--b--'), 'malformedBatch', /does not start with a request line/],
  ['a part with no request at all', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', '', '--b--'), 'malformedBatch', /batch part 1 does not start with a request line/],
  ['a header line without colon', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', '', 'GET a HTTP/1.1', 'Accept application/json', '', '--b--'), 'malformedBatch', /header line that is not 'Name: value'/],
  ['a change set inside a change set', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: multipart/mixed; boundary=d', '', '--d--', '--c--', '--b--'), 'batchInvalid', /part 1 of the change set in batch part 1 is a change set inside a change set/],
  ['a $batch part', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', '', 'POST /beta/$batch HTTP/1.1', '', '--b--'), 'batchInvalid', /is itself a \$batch request/],
  ['a percent-encoded $batch part in a change set', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: application/http', '', 'POST https://h/beta/%24batch?x=1 HTTP/1.1', '', '--c--', '--b--'), 'batchInvalid', /is itself a \$batch request/],
  ['a GET in a change set', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: application/http', 'Content-ID: 1', '', 'GET a HTTP/1.1', '', '--c--', '--b--'), 'batchInvalid', /is a GET; a change set groups data modification and action requests only/],
  ['a Content-ID that is not a request id', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', 'Content-ID: <1@host>', '', 'GET a HTTP/1.1', '--b--'), 'batchInvalid', /Content-ID '<1@host>'; a request id is/],
  ['a Content-ID used twice', 'multipart/mixed; boundary=b', crlf('--b', 'Content-Type: application/http', 'Content-ID: x', '', 'GET a HTTP/1.1', '--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: application/http', 'Content-ID: x', '', 'DELETE a HTTP/1.1', '--c--', '--b--'), 'batchInvalid', /part 1 of the change set in batch part 2 has Content-ID 'x', which an earlier part has/],
];

t.test('every malformed body answers an OData 400 from the catalog, never a crash (Protocol 4.01 §11.7.7.1, RFC 2046 §5.1.1)', async (t) => {
  for (const [what, contentType, body, name, message] of MALFORMED) {
    const error = readError(body, contentType);
    t.equal(error.status, ERROR_CATALOG[name].status, `${what}: status ${ERROR_CATALOG[name].status}`);
    t.equal(error.code, ERROR_CATALOG[name].code, `${what}: code ${ERROR_CATALOG[name].code}`);
    t.match(error.message, name === 'malformedBatch' ? /^The batch request body cannot be read: / : /^The batch request is invalid: /, `${what}: raised as ${name}`);
    t.match(error.message, message, `${what}: says why`);
  }
});

/** Milliseconds read() takes. */
function timeRead(body: Buffer, contentType: string): number {
  const started = performance.now();
  try {
    multipartBatch.read(body, contentType);
  } catch (error) {
    if (!(error instanceof ODataError)) throw error;
  }
  return performance.now() - started;
}

t.test('pathological bodies stay linear: many parts, very long lines, boundary look-alikes everywhere', async (t) => {
  const request = crlf('--b', 'Content-Type: application/http', '', 'GET a HTTP/1.1', '', '');
  const manyParts = Buffer.from(`${request.repeat(100_000)}${CRLF}--b--`);
  t.equal(multipartBatch.read(manyParts, 'multipart/mixed; boundary=b').length, 100_000, '100,000 parts, 5.7 MB');
  const longLine = Buffer.from(crlf('--b', 'Content-Type: application/http', '', `GET ${'a'.repeat(4_000_000)} HTTP/1.1`, '', '--b--'));
  const lookAlikes = Buffer.from(crlf('--b', 'Content-Type: application/http', '', 'POST a HTTP/1.1', '', '\n--b+'.repeat(800_000), '--b--'));
  const unclosedLookAlikes = Buffer.from(`--${'x'.repeat(70)}\r\n${`\r\n--${'x'.repeat(69)}`.repeat(50_000)}`);
  const manyParameters = `multipart/mixed; ${'charset;'.repeat(30_000)}boundary=b`;
  t.equal(multipartBatch.read('--b--', manyParameters).length, 0, 'a Content-Type with 30,000 valueless parameters still names its boundary');
  const budget = 5_000; // a quadratic scan of any of these takes hours, a linear one well under a second
  t.ok(timeRead(manyParts, 'multipart/mixed; boundary=b') < budget, 'many parts');
  t.ok(timeRead(longLine, 'multipart/mixed; boundary=b') < budget, 'a 4 MB request line');
  t.ok(timeRead(lookAlikes, 'multipart/mixed; boundary=b') < budget, '800,000 boundary look-alikes at line starts');
  t.ok(timeRead(unclosedLookAlikes, `multipart/mixed; boundary=${'x'.repeat(70)}`) < budget, 'near-miss boundaries and no closing delimiter');
  t.ok(timeRead(Buffer.from('--b--'), manyParameters) < budget, 'a Content-Type of 240 KB');
});

// --- write ---

function response(status: number, headers: Record<string, string> = {}, body?: string | Buffer): ODataResponse {
  return { status, headers, body };
}

function result(id: string, status: number, fields: { group?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): BatchPartResult {
  const batchPart = part({ id, method: 'POST', url: 'x' });
  if (fields.group !== undefined) batchPart.atomicityGroup = fields.group;
  return { part: batchPart, response: response(status, fields.headers, fields.body) };
}

/** The written body with its generated boundaries replaced by B and C1, C2... in order. */
function normalised(written: { contentType: string; body: string | Buffer }): string {
  const text = written.body.toString();
  const outer = /boundary=(batchresponse_[0-9a-f-]{36})$/.exec(written.contentType)?.[1];
  if (outer === undefined) throw new Error(`unexpected Content-Type ${written.contentType}`);
  const inner = [...new Set(text.match(/changesetresponse_[0-9a-f-]{36}/g) ?? [])];
  return inner.reduce((out, boundary, index) => out.replaceAll(boundary, `C${index + 1}`), text.replaceAll(outer, 'B'));
}

t.test('write: one application/http part per result, a change set nested, CRLF throughout (Protocol 4.01 §11.7.7.5)', async (t) => {
  const outcome: BatchOutcome = {
    results: [
      result('#1', 200, { headers: { 'OData-Version': '4.0', 'content-type': 'application/json', Connection: 'keep-alive', 'Transfer-Encoding': 'chunked' }, body: '{"value":[]}' }),
      result('1', 201, { group: 'changeset#1', headers: { Location: 'http://h/beta/a(1)', 'content-type': 'application/json' }, body: '{"id":"é"}' }),
      result('2', 204, { group: 'changeset#1', headers: { 'OData-Version': '4.0' } }),
    ],
    failedGroups: new Map(),
  };
  const written = multipartBatch.write(outcome);
  t.match(written.contentType, /^multipart\/mixed; boundary=batchresponse_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.equal(typeof written.body, 'string', 'text bodies give a text batch');
  t.equal(normalised(written), crlf(
    '--B', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
    'HTTP/1.1 200 OK', 'OData-Version: 4.0', 'content-type: application/json', 'Content-Length: 12', '', '{"value":[]}',
    '--B', 'Content-Type: multipart/mixed; boundary=C1', '',
    '--C1', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', 'Content-ID: 1', '',
    'HTTP/1.1 201 Created', 'Location: http://h/beta/a(1)', 'content-type: application/json', 'Content-Length: 11', '', '{"id":"é"}',
    '--C1', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', 'Content-ID: 2', '',
    'HTTP/1.1 204 No Content', 'OData-Version: 4.0', '', '',
    '--C1--',
    '--B--', '',
  ), 'hop-by-hop headers dropped, Content-Length in bytes, Content-ID only where the request had one');
  t.notMatch(written.body.toString(), /[^\r]\n/, 'no bare LF');
});

t.test('write: a failed change set is answered by its failing response alone, in its place (Protocol 4.0 §11.7.4)', async (t) => {
  const failure = result('b', 400, { group: 'changeset#1', headers: { 'content-type': 'application/json' }, body: '{"error":{"code":"BadRequest"}}' });
  const outcome: BatchOutcome = {
    results: [
      result('a', 424, { group: 'changeset#1' }),
      failure,
      result('#3', 200, { body: 'ok' }),
      result('c', 201, { group: 'changeset#2', body: '{}' }),
    ],
    failedGroups: new Map([['changeset#1', failure]]),
  };
  t.equal(normalised(multipartBatch.write(outcome)), crlf(
    '--B', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', 'Content-ID: b', '',
    'HTTP/1.1 400 Bad Request', 'content-type: application/json', 'Content-Length: 31', '', '{"error":{"code":"BadRequest"}}',
    '--B', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
    'HTTP/1.1 200 OK', 'Content-Length: 2', '', 'ok',
    '--B', 'Content-Type: multipart/mixed; boundary=C1', '',
    '--C1', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', 'Content-ID: c', '',
    'HTTP/1.1 201 Created', 'Content-Length: 2', '', '{}',
    '--C1--',
    '--B--', '',
  ));
});

t.test('write: a binary body ($value) is sent byte for byte; an empty outcome is an empty multipart', async (t) => {
  const bytes = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
  const written = multipartBatch.write({ results: [result('#1', 200, { headers: { 'content-type': 'application/octet-stream' }, body: bytes })], failedGroups: new Map() });
  t.ok(Buffer.isBuffer(written.body), 'a Buffer when a body is one');
  const body = written.body as Buffer;
  const head = Buffer.from('Content-Length: 6\r\n\r\n');
  const at = body.indexOf(head) + head.length;
  t.same(body.subarray(at, at + 6), bytes);
  t.equal(normalised(multipartBatch.write({ results: [], failedGroups: new Map() })), '--B--\r\n');
});

t.test('round trip: what write() sends reads back, part by part, as the responses given (RFC 2046 §5.1.1 framing)', async (t) => {
  const parts = multipartBatch.read(SAP_BODY, `multipart/mixed; boundary=${SAP_BOUNDARY}`);
  const bodies = ['{"value":[{"id":"1"}]}', '{"id":"2","displayName":"Wiki"}', undefined];
  const results = parts.map((batchPart, index): BatchPartResult => ({ part: batchPart, response: response(index === 2 ? 204 : 200 + index, { 'content-type': 'application/json' }, bodies[index]) }));
  const written = multipartBatch.write({ results, failedGroups: new Map() });
  const bytes = Buffer.from(written.body);
  const top = splitParts(bytes, boundaryOf(written.contentType, 'response'), 'response');
  t.equal(top.length, 2, 'the GET, then the change set');
  const first = readHeaderBlock(bytes, top[0].start, top[0].end, 'first');
  t.equal(first.headers.get('content-type'), 'application/http');
  t.equal(bytes.toString('utf8', first.bodyStart, top[0].end), crlf('HTTP/1.1 200 OK', 'content-type: application/json', 'Content-Length: 22', '', bodies[0] ?? ''));
  const changeSet = readHeaderBlock(bytes, top[1].start, top[1].end, 'change set');
  const inner = bytes.subarray(changeSet.bodyStart, top[1].end);
  const innerParts = splitParts(inner, boundaryOf(changeSet.headers.get('content-type') ?? '', 'change set'), 'change set');
  t.same(innerParts.map((range) => readHeaderBlock(inner, range.start, range.end, 'inner').headers.get('content-id')), [SAP_ID_1, SAP_ID_2], 'Content-IDs echoed in order');
  t.match(inner.toString('utf8', innerParts[1].start, innerParts[1].end), /\r\n\r\nHTTP\/1\.1 204 No Content\r\ncontent-type: application\/json\r\n\r\n$/);
});
