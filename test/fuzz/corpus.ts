import { APP_ID, BETA_APP } from '../helpers/server.js';

// Every concrete input issue 12 (hardening) names, and those the fuzz suite found, each with the
// answer it must get. corpus.test.ts replays them as plain tests. `open` names the line of work
// that will give the expected answer while today's answer differs: the case's assertions are
// todo until then, and `open` goes when that work is merged.
//
// The marker cases carry a run of 16 digits: only such bodies take the BigInt reading today.
//
// Not here: the durability findings (writes acknowledged then lost on SIGKILL) are not a request
// but a kill; their test kills a server mid-stream and counts.

export type Owner = 'bounds' | 'auth' | 'typed' | 'fuzz';

export interface Step {
  method: string;
  url: string;
  /** JSON text as sent (a string: numbers beyond a double are written as they are). */
  body?: string;
  /** Bytes as sent, for a body that is not UTF-8. */
  bytes?: number[];
  headers?: Record<string, string>;
}

export interface Expected {
  status: number | number[];
  /** The OData error code, for an error status. */
  code?: string;
  /** Texts the body must contain. */
  contains?: string[];
  /** Texts the body must not contain. */
  lacks?: string[];
  /** A pattern the Location header must match. */
  location?: RegExp;
}

export interface CorpusCase {
  /** The finding, in the words or the fuzz report's. */
  finding: string;
  owner: Owner;
  /** Set while the expected answer is not given yet. */
  open?: string;
  /** Which server: the bundled services, the bundled ones with `--auth`, or the typed model of typed-model.ts. */
  server: 'bundled' | 'auth' | 'typed';
  /** Requests made first (each must get a 2xx). */
  setup?: Step[];
  request: Step;
  expect: Expected;
}

/** An unsigned JWT: the mock reads claims and checks no signature. */
export function token(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.unsigned`;
}

const GRAPH = 'https://graph.microsoft.com';
const hourFromNow = () => Math.floor(Date.now() / 1000) + 3600;
const bearer = (claims: Record<string, unknown>) => ({ authorization: `Bearer ${token(claims)}` });
const ADMIN_TOKEN_LESS = 'with --auth, the admin API answers anyone';

const json = (value: unknown) => JSON.stringify(value);
const WEB_APP = { '@odata.type': '#microsoft.graph.webApp', displayName: 'deep', publishingState: 'published' };

export const CORPUS: CorpusCase[] = [
  // --auth covers every door
  ...([['GET', '/_edmock/dump'], ['GET', '/_edmock/journal'], ['POST', '/_edmock/reset'], ['POST', '/_edmock/fixtures'], ['POST', '/_edmock/faults'], ['DELETE', '/_edmock/faults']] as const)
    .map(([method, url]): CorpusCase => ({
      finding: ADMIN_TOKEN_LESS, owner: 'auth', server: 'auth',
      request: { method, url, ...(method === 'POST' ? { body: url.endsWith('faults') ? json({ fault: 'error' }) : '{}' } : {}) },
      expect: { status: 401, code: 'InvalidAuthenticationToken' },
    })),
  {
    finding: 'a deep insert creates nested entities without checking the scopes their own paths require', owner: 'auth', server: 'auth',
    request: { method: 'POST', url: '/beta/deviceAppManagement/mobileApps', headers: bearer({ scp: 'User.Read', aud: GRAPH }),
      body: json({ ...WEB_APP, userStatuses: [{ userName: 'nested', installedDeviceCount: 1, failedDeviceCount: 0, notInstalledDeviceCount: 0 }] }) },
    expect: { status: 403, code: 'Authorization_RequestDenied' },
  },
  { finding: '`exp` must be a number', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: `${BETA_APP}/userStatuses`, headers: bearer({ aud: GRAPH, exp: '1000000' }) }, expect: { status: 401, code: 'InvalidAuthenticationToken' } },
  { finding: '`nbf` in the future is a 401', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: `${BETA_APP}/userStatuses`, headers: bearer({ aud: GRAPH, nbf: hourFromNow() }) }, expect: { status: 401, code: 'InvalidAuthenticationToken' } },
  { finding: '`nbf` must be a number', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: `${BETA_APP}/userStatuses`, headers: bearer({ aud: GRAPH, nbf: 'soon' }) }, expect: { status: 401, code: 'InvalidAuthenticationToken' } },
  { finding: '`aud` must match the configured audience', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: `${BETA_APP}/userStatuses`, headers: bearer({ aud: 'https://example.com' }) }, expect: { status: 401, code: 'InvalidAuthenticationToken' } },
  { finding: 'an empty payload is a 401', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: `${BETA_APP}/userStatuses`, headers: bearer({}) }, expect: { status: 401, code: 'InvalidAuthenticationToken' } },
  { finding: 'a token for the default audience is accepted', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: `${BETA_APP}/userStatuses`, headers: bearer({ aud: GRAPH, exp: hourFromNow() }) }, expect: { status: 200 } },
  { finding: 'a token for the Graph application id as audience is accepted', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: `${BETA_APP}/userStatuses`, headers: bearer({ aud: '00000003-0000-0000-c000-000000000000' }) }, expect: { status: 200 } },
  { finding: 'Graph serves $metadata without a token', owner: 'auth', server: 'auth',
    request: { method: 'GET', url: '/beta/$metadata' }, expect: { status: 200 } },
  { finding: 'a $batch without a token is refused', owner: 'auth', server: 'auth',
    request: { method: 'POST', url: '/beta/$batch', body: json({ requests: [{ id: '1', method: 'GET', url: `/deviceAppManagement/mobileApps/${APP_ID}` }] }) },
    expect: { status: 401, code: 'InvalidAuthenticationToken' } },

  // Availability and memory (the journal's memory is measured by bench/hostile.mjs)
  { finding: 'a body over the 4 MiB limit is refused', owner: 'bounds', server: 'bundled',
    request: { method: 'POST', url: `${BETA_APP}/userStatuses`, body: json({ userName: 'x'.repeat(4 * 1024 * 1024) }) },
    expect: { status: 413, code: 'RequestEntityTooLarge' } },
  { finding: 'a 4 MB body under the limit is refused by validation, and answered at once', owner: 'bounds', server: 'bundled',
    request: { method: 'POST', url: `${BETA_APP}/userStatuses`, body: json({ nosuch: 'x'.repeat(4 * 1024 * 1024 - 64) }) },
    expect: { status: 400, code: 'BadRequest' } },

  // Typed values exact
  { finding: 'the BigInt marker: a JSON string "\\u0000int:7" is accepted as an Int32 7', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"m1","int32":"\\u0000int:7","big":1234567890123456}' }, expect: { status: 400, code: 'BadRequest' } },
  { finding: 'the BigInt marker: a valid string property with that text is refused', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"m2","text":"\\u0000int:7","big":1234567890123456}' }, expect: { status: 201, contains: ['"text":"\\u0000int:7"'] } },
  { finding: '$filter on Int64 beyond 2^53: `big eq 9007199254740993` returns the row holding ...992', owner: 'typed', server: 'typed',
    setup: [{ method: 'POST', url: '/things', body: '{"id":"lo","big":9007199254740992}' }, { method: 'POST', url: '/things', body: '{"id":"hi","big":9007199254740993}' }],
    request: { method: 'GET', url: '/things?$filter=big%20eq%209007199254740993&$select=id' }, expect: { status: 200, contains: ['"id":"hi"'], lacks: ['"id":"lo"'] } },
  { finding: '$filter on Int64: `big ge 9223372036854775807` misses Int64.MaxValue', owner: 'typed', server: 'typed',
    setup: [{ method: 'POST', url: '/things', body: '{"id":"max","big":9223372036854775807}' }],
    request: { method: 'GET', url: '/things?$filter=big%20ge%209223372036854775807&$select=id' }, expect: { status: 200, contains: ['"id":"max"'] } },
  { finding: 'Decimal: honour Scale (400 when exceeded)', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"d1","price":1.23456}' }, expect: { status: 400, code: 'BadRequest' } },
  { finding: 'Decimal: honour Precision (400 when exceeded)', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"d2","price":123456789012345.1234}' }, expect: { status: 400, code: 'BadRequest' } },
  { finding: 'Decimal: keep the digits sent (`99999999999999.9999` is stored as `100000000000000`)', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"d3","amount":99999999999999.9999}' }, expect: { status: 201, contains: ['"amount":99999999999999.9999'] } },
  { finding: '`9007199254740993.0` for an Int64 is refused or kept exact, never rounded', owner: 'typed', server: 'typed',
    // The issue allows either; the server keeps it exact (an integral decimal literal is that integer).
    request: { method: 'POST', url: '/things', body: '{"id":"i1","big":9007199254740993.0}' }, expect: { status: 201, contains: ['"big":9007199254740993,'] } },
  { finding: 'Single beyond its range (`1e39`) is a 400', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"s1","single":1e39}' }, expect: { status: 400, code: 'BadRequest' } },
  { finding: '`1e400` is reported as that literal, not as `null`', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"e1","int32":1e400}' }, expect: { status: 400, code: 'BadRequest', contains: ['1e400'] } },
  { finding: 'Dates: calendar-valid only (`2026-02-29` is accepted today)', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"t1","day":"2026-02-29"}' }, expect: { status: 400, code: 'BadRequest' } },
  { finding: 'a $filter literal `2026-13-01` is a 400, not an empty list', owner: 'typed', server: 'typed',
    request: { method: 'GET', url: '/things?$filter=day%20eq%202026-13-01' }, expect: { status: 400, code: 'BadRequest' } },
  { finding: 'Binary must be base64url', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":"b1","bytes":"AA+/"}' }, expect: { status: 400, code: 'BadRequest' } },
  { finding: 'GUID keys are case-insensitive (`gids(abcdef01-...)` finds `ABCDEF01-...`)', owner: 'typed', server: 'typed',
    setup: [{ method: 'POST', url: '/gids', body: '{"id":"ABCDEF01-0000-4000-8000-000000000001"}' }],
    request: { method: 'GET', url: '/gids(abcdef01-0000-4000-8000-000000000001)' }, expect: { status: 200 } },
  { finding: 'GUID comparisons are case-insensitive', owner: 'typed', server: 'typed',
    setup: [{ method: 'POST', url: '/gids', body: '{"id":"ABCDEF01-0000-4000-8000-000000000002"}' }],
    request: { method: 'GET', url: '/gids?$filter=id%20eq%20abcdef01-0000-4000-8000-000000000002' }, expect: { status: 200, contains: ['"id":"ABCDEF01-0000-4000-8000-000000000002"'] } },
  { finding: 'a request body in a charset other than UTF-8 is a 415 (`charset=iso-8859-1` stores `caf\\uFFFD`)', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', headers: { 'content-type': 'application/json;charset=iso-8859-1' }, bytes: [...Buffer.from('{"id":"c1","text":"caf'), 0xe9, ...Buffer.from('"}')] },
    expect: { status: 415, code: 'UnsupportedMediaType' } },
  // Found by the fuzz suite (typed values)
  { finding: 'a wide integer sent for a String key is reported as the literal \'0\'', owner: 'typed', server: 'typed',
    request: { method: 'POST', url: '/things', body: '{"id":9007199254740993}' }, expect: { status: 400, code: 'BadRequest', contains: ['9007199254740993'] } },
  // Found by the fuzz suite and fixed with it: 500s
  { finding: 'an integer beyond 2^53 inside a value of the wrong type was a 500', owner: 'fuzz', server: 'bundled',
    request: { method: 'POST', url: '/beta/deviceAppManagement/mobileApps', body: '{"@odata.type":"#microsoft.graph.webApp","displayName":{"":{"":9007199254740992}}}' },
    expect: { status: 400, code: 'BadRequest' } },
  { finding: 'an integer beyond 2^53 sent for a key property was a 500', owner: 'fuzz', server: 'typed',
    setup: [{ method: 'POST', url: '/things', body: '{"id":"seed"}' }],
    request: { method: 'PATCH', url: "/things('seed')", body: '{"id":123456789012345678901234567890}' }, expect: { status: 400, code: 'BadRequest' } },
];

/** Globs the issue names: a journal filter or fault rule path against a long recorded path. */
export const PATHOLOGICAL_GLOBS = { glob: '/beta/*a*a*a*a*b', path: `/beta/${'a'.repeat(3000)}` };

/** Request texts sent over a raw socket (protocol edges); `{port}` is the listening port. */
export interface RawCase {
  finding: string;
  owner: Owner;
  open?: string;
  /** The request bytes, as text. */
  text: string;
  /** What the answer must be: its status line's code (one of them), and texts it must (not) contain. */
  status: number | number[];
  contains?: string[];
  lacks?: string[];
  /** What the Location header must start with. */
  location?: string;
}

export const RAW_CORPUS: RawCase[] = [
  { finding: 'HTTP/1.0 without Host writes `http:///beta/...` into context URLs and Location', owner: 'bounds',
    text: 'POST /beta/deviceAppManagement/mobileAppCategories HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{"displayName":"x"}',
    status: 201, location: 'http://127.0.0.1:{port}/beta/', lacks: ['http:///'] },
  { finding: 'HTTP/1.1 without Host gets Node\'s empty 400: answer in the OData shape', owner: 'bounds',
    text: 'GET /beta/$metadata HTTP/1.1\r\nConnection: close\r\n\r\n', status: 400, contains: ['"error":{', '"code":"BadRequest"'] },
  { finding: '`CONNECT` gets an answer, not a dropped socket', owner: 'bounds',
    text: 'CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n', status: [400, 405, 501], contains: ['"error":{'] },
];
