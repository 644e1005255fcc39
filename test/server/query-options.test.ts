import t from 'tap';
import { assertODataError, BETA_APP, startServer, type Client, type TapTest } from '../helpers/server.js';

// Reading with system query options (OData 4.01 URL Conventions §5) on the bundled beta service.

const DEVICES = `${BETA_APP}/deviceStatuses`;

interface Device { deviceName: string; errorCode: number; installState: string; lastSyncDateTime: string; osVersion: string | null; userName: string | null }

const DEVICE_ROWS: Device[] = [
  { deviceName: 'alpha', errorCode: 10, installState: 'installed', lastSyncDateTime: '2026-01-15T10:00:00Z', osVersion: '17.1', userName: 'Ann' },
  { deviceName: 'bravo', errorCode: 20, installState: 'failed', lastSyncDateTime: '2026-02-15T10:00:00+02:00', osVersion: null, userName: 'Bob' },
  { deviceName: 'charlie', errorCode: 30, installState: 'notApplicable', lastSyncDateTime: '2026-03-15T10:00:00Z', osVersion: '16.0', userName: "O'Neil" },
  { deviceName: 'delta', errorCode: -5, installState: 'unknown', lastSyncDateTime: '2025-12-31T23:30:00-01:00', osVersion: '17.2', userName: null },
  { deviceName: 'Echo', errorCode: 20, installState: 'failed', lastSyncDateTime: '2026-02-01T00:00:00Z', osVersion: '17.1', userName: 'eve' },
];

async function withDevices(t: TapTest): Promise<Client> {
  const client = await startServer(t);
  // The fixture's own device status is removed so that the rows above are the whole collection.
  t.equal((await client.delete(`${DEVICES}/66666666-6666-4666-8666-666666666666`)).status, 204);
  for (const row of DEVICE_ROWS) t.equal((await client.post(DEVICES, { id: row.deviceName, ...row })).status, 201);
  return client;
}

const names = (response: { body: { value: { deviceName?: string; id?: string }[] } }) => response.body.value.map((e) => e.deviceName ?? e.id);
const get = (client: Client, query: string) => client.get(`${DEVICES}?${query}`);

t.test('$filter: comparisons, logic, arithmetic, null, in, enums, functions, dates', async (t) => {
  const client = await withDevices(t);
  const cases: [string, string[]][] = [
    ["$filter=deviceName eq 'alpha'", ['alpha']],
    ['$filter=errorCode gt 15 and errorCode le 30', ['bravo', 'charlie', 'Echo']],
    ['$filter=errorCode lt 0 or errorCode ge 30', ['charlie', 'delta']],
    ["$filter=not (installState eq 'failed')", ['alpha', 'charlie', 'delta']],
    ['$filter=errorCode add 5 eq 25', ['bravo', 'Echo']],
    ['$filter=errorCode mul 2 sub 10 gt 45', ['charlie']],
    ['$filter=errorCode div 3 eq 6', ['bravo', 'Echo']],
    ['$filter=errorCode divby 4 eq 5', ['bravo', 'Echo']],
    ['$filter=errorCode mod 20 eq 10', ['alpha', 'charlie']],
    ['$filter=-errorCode eq 5', ['delta']],
    ['$filter=osVersion eq null', ['bravo']],
    ['$filter=osVersion ne null and userName eq null', ['delta']],
    ['$filter=osVersion gt null', []],
    ["$filter=deviceName in ('alpha','Echo','zulu')", ['alpha', 'Echo']],
    ["$filter=installState eq 'failed'", ['bravo', 'Echo']],
    ["$filter=installState eq microsoft.graph.resultantAppState'failed'", ['bravo', 'Echo']],
    ["$filter=installState eq graph.resultantAppState'failed'", ['bravo', 'Echo']],
    ["$filter=installState in ('unknown', 'notApplicable')", ['charlie', 'delta']],
    ["$filter=installState gt 'failed'", ['delta']], // by member value: unknown=99 > failed=2 > installed=1 > notApplicable=-1
    ["$filter=startswith(deviceName,'a') or endswith(deviceName,'o')", ['alpha', 'bravo', 'Echo']],
    ["$filter=contains(tolower(deviceName),'e')", ['charlie', 'delta', 'Echo']],
    ["$filter=toupper(deviceName) eq 'ECHO'", ['Echo']],
    ["$filter=indexof(deviceName,'ar') eq 2", ['charlie']],
    ['$filter=length(deviceName) eq 4', ['Echo']],
    ["$filter=trim(concat(' ', deviceName)) eq 'alpha'", ['alpha']],
    ["$filter=substring(deviceName,1) eq 'lpha' or substring(deviceName,0,2) eq 'de'", ['alpha', 'delta']],
    ["$filter=userName eq 'O''Neil'", ['charlie']],
    ['$filter=lastSyncDateTime lt 2026-02-01T00:00:00Z', ['alpha', 'delta']],
    // 2026-02-15T10:00:00+02:00 is 08:00Z: instants are compared, not strings.
    ['$filter=lastSyncDateTime eq 2026-02-15T08:00:00Z', ['bravo']],
    ['$filter=year(lastSyncDateTime) eq 2025', ['delta']],
    ['$filter=month(lastSyncDateTime) eq 2 and day(lastSyncDateTime) eq 15 and hour(lastSyncDateTime) eq 10', ['bravo']],
    ['$filter=minute(lastSyncDateTime) eq 30 and second(lastSyncDateTime) eq 0', ['delta']],
    ["$filter=(errorCode eq 20 or errorCode eq 30) and (installState eq 'failed')", ['bravo', 'Echo']],
    ['$filter=true', ['alpha', 'bravo', 'charlie', 'delta', 'Echo']],
  ];
  for (const [query, expected] of cases) {
    const response = await get(client, query.replace(/ /g, '%20').replace(/'/g, '%27'));
    t.equal(response.status, 200, query);
    t.same(names(response), expected, query);
  }
});

t.test('$filter errors are a 400 naming the option and the position', async (t) => {
  const client = await withDevices(t);
  const cases: [string, RegExp][] = [
    ['$filter=colour eq 1', /Could not find a property named 'colour' on type 'microsoft\.graph\.mobileAppInstallStatus' at position 1/],
    ["$filter=errorCode eq 'ten'", /'eq' cannot compare 'Edm\.Int32' with 'Edm\.String' at position 11/],
    ['$filter=deviceName add 1 eq 2', /'add' needs numbers/],
    ["$filter=installState eq 'sideways'", /'sideways' is not a member of the enum type 'microsoft\.graph\.resultantAppState'/],
    ["$filter=installState eq microsoft.graph.complianceStatus'error'", /cannot compare/],
    ['$filter=errorCode', /The \$filter expression needs a boolean/],
    ['$filter=(errorCode eq 1', /Expected '\)' but found the end of the expression/],
    ['$filter=errorCode eq 1)', /Unexpected '\)'/],
    ['$filter=errorCode eq', /Expected an operand/],
    ["$filter=deviceName eq 'open", /Unterminated string literal/],
    ['$filter=frobnicate(deviceName)', /Unknown function 'frobnicate'/],
    ['$filter=startswith(deviceName)', /'startswith' cannot take \(Edm\.String\)/],
    ['$filter=app/displayName eq null', /navigation property 'app' cannot be used/],
    ['$filter=lastSyncDateTime lt 2026-02-30T00:00:00Z', /not a valid DateTimeOffset/],
    ['$filter=errorCode eq 1 eq 2', /Unexpected 'eq'/],
    ['$filter=deviceName eq #', /Unexpected character '#'/],
  ];
  for (const [query, message] of cases) {
    const response = await get(client, query.replace(/ /g, '%20').replace(/'/g, '%27').replace(/#/g, '%23'));
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.target, '$filter', `${query}: target`);
    t.match(response.body.error.message, message, query);
  }
});

t.test('hostile filters are a fast 400: 10,000 levels deep, 100 KB long', async (t) => {
  const client = await withDevices(t);
  const deep = `${'('.repeat(10_000)}errorCode eq 1${')'.repeat(10_000)}`;
  const nested = await get(client, `$filter=${encodeURIComponent(deep)}`);
  assertODataError(t, nested, 400, 'BadRequest');
  t.match(nested.body.error.message, /nested more than 100 levels/);
  const nots = await get(client, `$filter=${encodeURIComponent(`${'not '.repeat(10_000)}true`)}`);
  assertODataError(t, nots, 400, 'BadRequest');
  const negations = await get(client, `$filter=${encodeURIComponent(`${'-'.repeat(10_000)}errorCode eq 1`)}`);
  assertODataError(t, negations, 400, 'BadRequest');
  const many = Array.from({ length: 1001 }, (_, i) => `errorCode eq ${i}`).join(' or ');
  const wide = await get(client, `$filter=${encodeURIComponent(many)}`);
  assertODataError(t, wide, 400, 'BadRequest');
  t.match(wide.body.error.message, /more than 1000 terms/);
  const long = Array.from({ length: 6000 }, (_, i) => `errorCode eq ${i}`).join(' or ');
  t.ok(long.length > 100_000, 'over 100 KB');
  const tooLong = await get(client, `$filter=${encodeURIComponent(long)}`);
  assertODataError(t, tooLong, 400, 'BadRequest');
  t.match(tooLong.body.error.message, /at most 32768/, 'refused before parsing');
  const longString = await get(client, `$filter=${encodeURIComponent(`deviceName eq '${'x'.repeat(100_000)}'`)}`);
  assertODataError(t, longString, 400, 'BadRequest');
  t.equal(longString.body.error.target, '$filter');
  const fine = Array.from({ length: 200 }, (_, i) => `errorCode eq ${i}`).join(' or ');
  t.same(names(await get(client, `$filter=${encodeURIComponent(fine)}`)), ['alpha', 'bravo', 'charlie', 'Echo'], '200 alternatives are fine');
});

t.test('$orderby: several keys, asc/desc, nulls first ascending and last descending', async (t) => {
  const client = await withDevices(t);
  t.same(names(await get(client, '$orderby=errorCode')), ['delta', 'alpha', 'bravo', 'Echo', 'charlie'], 'ties keep creation order');
  t.same(names(await get(client, '$orderby=errorCode%20desc,deviceName%20asc')), ['charlie', 'Echo', 'bravo', 'alpha', 'delta'], 'ordinal: upper case first');
  t.same(names(await get(client, '$orderby=osVersion')), ['bravo', 'charlie', 'alpha', 'Echo', 'delta']);
  t.same(names(await get(client, '$orderby=osVersion%20desc')), ['delta', 'alpha', 'Echo', 'charlie', 'bravo']);
  t.same(names(await get(client, '$orderby=lastSyncDateTime')), ['delta', 'alpha', 'Echo', 'bravo', 'charlie'], 'by instant');
  t.same(names(await get(client, '$orderby=installState')), ['charlie', 'alpha', 'bravo', 'Echo', 'delta'], 'enums by member value');
  t.same(names(await get(client, '$orderby=length(deviceName),deviceName')), ['Echo', 'alpha', 'bravo', 'delta', 'charlie']);
  assertODataError(t, await get(client, '$orderby=nope'), 400, 'BadRequest');
  assertODataError(t, await get(client, '$orderby=errorCode%20sideways'), 400, 'BadRequest');
});

t.test('$top, $skip, $count and /$count', async (t) => {
  const client = await withDevices(t);
  t.same(names(await get(client, '$orderby=deviceName&$top=2')), ['Echo', 'alpha']);
  t.same(names(await get(client, '$orderby=deviceName&$skip=3')), ['charlie', 'delta']);
  t.same(names(await get(client, '$orderby=deviceName&$skip=1&$top=2')), ['alpha', 'bravo']);
  t.same(names(await get(client, '$top=0')), []);
  const counted = await get(client, "$filter=installState%20eq%20'failed'&$count=true&$top=1");
  t.equal(counted.body['@odata.count'], 2, 'the count ignores $top');
  t.same(Object.keys(counted.body), ['@odata.context', '@odata.count', 'value']);
  t.equal((await get(client, '$count=false')).body['@odata.count'], undefined);
  const count = await client.get(`${DEVICES}/$count`);
  t.equal(count.status, 200);
  t.match(count.headers['content-type'], /^text\/plain/);
  t.equal(count.text, '5');
  t.equal((await client.get(`${DEVICES}/$count?$filter=errorCode%20eq%2020`)).text, '2');
  for (const [query, option] of [['$top=-1', '$top'], ['$top=abc', '$top'], ['$skip=abc', '$skip'], ['$skip=1.5', '$skip'], ['$count=yes', '$count'], ['$top=', '$top']]) {
    const response = await get(client, query);
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.target, option, `${query} names ${option}`);
  }
});

t.test('system query options are case-insensitive and the $ is optional; unknown ones are 400', async (t) => {
  const client = await withDevices(t);
  t.same(names(await get(client, '$ORDERBY=deviceName&$Top=1')), ['Echo']);
  t.same(names(await get(client, 'orderby=deviceName&top=1')), ['Echo']);
  t.same(names(await get(client, 'orderby=deviceName&top=1&custom=ignored')), ['Echo'], 'custom options are ignored');
  const unknown = await get(client, '$frobnicate=1');
  assertODataError(t, unknown, 400, 'BadRequest');
  t.equal(unknown.body.error.target, '$frobnicate');
  assertODataError(t, await get(client, '$top=1&$TOP=2'), 400, 'BadRequest');
  assertODataError(t, await get(client, '$search=alpha'), 400, 'BadRequest');
  assertODataError(t, await get(client, '$filter=%E0%A4%A'), 400, 'BadRequest');
  assertODataError(t, await client.get(`${DEVICES}/alpha?$top=1`), 400, 'BadRequest');
  t.equal((await client.get(`${DEVICES}/alpha?$select=deviceName`)).body.deviceName, 'alpha');
});

t.test('$select: validated names, *, and the context URL says what was selected', async (t) => {
  const client = await withDevices(t);
  const selected = await get(client, '$select=deviceName,errorCode&$top=1');
  t.same(selected.body.value[0], { '@odata.type': '#microsoft.graph.mobileAppInstallStatus', '@odata.etag': selected.body.value[0]['@odata.etag'], deviceName: 'alpha', errorCode: 10 });
  t.match(selected.body['@odata.context'], /\/deviceStatuses\(deviceName,errorCode\)$/);
  const star = await get(client, '$select=*&$top=1');
  t.equal(Object.keys(star.body.value[0]).length, 15, 'all properties');
  t.match(star.body['@odata.context'], /\/deviceStatuses$/);
  const entity = await client.get(`${DEVICES}/bravo?$select=userName`);
  t.match(entity.body['@odata.context'], /\/deviceStatuses\(userName\)\/\$entity$/);
  t.same(Object.keys(entity.body), ['@odata.context', '@odata.type', '@odata.etag', 'userName']);
  const bad = await get(client, '$select=deviceName,colour');
  assertODataError(t, bad, 400, 'BadRequest');
  t.equal(bad.body.error.target, '$select');
});

t.test('server-driven paging: every entity exactly once, in a stable order, following nextLinks', async (t) => {
  const client = await startServer(t, { pageSize: 7 });
  const url = `${BETA_APP}/userStatuses`;
  for (let i = 0; i < 40; i++) t.equal((await client.post(url, { id: `u${String(i).padStart(2, '0')}`, installedDeviceCount: i % 5 })).status, 201);
  const collect = async (first: string, headers?: Record<string, string>) => {
    const seen: string[] = [];
    let next: string | undefined = first;
    let pages = 0;
    while (next && pages < 50) {
      const response = await client.get(next.replace('http://localhost:80', ''), headers);
      t.equal(response.status, 200);
      seen.push(...response.body.value.map((e: { id: string }) => e.id));
      next = response.body['@odata.nextLink'];
      if (next) t.match(next, /^http:\/\/localhost:80\/beta\/.*\$skiptoken=[A-Za-z0-9_-]+$/);
      pages++;
    }
    return { seen, pages };
  };
  const all = await collect(url);
  t.equal(all.pages, 6, '41 entities in pages of 7');
  t.equal(all.seen.length, 41);
  t.equal(new Set(all.seen).size, 41, 'no entity twice');
  const ordered = await collect(`${url}?$orderby=installedDeviceCount%20desc,id&$count=true`);
  t.equal(new Set(ordered.seen).size, 41);
  t.same(ordered.seen.slice(0, 3), ['u04', 'u09', 'u14']);
  const filtered = await collect(`${url}?$filter=installedDeviceCount%20eq%203&$top=5`);
  t.same(filtered.seen, ['u03', 'u08', 'u13', 'u18', 'u23'], '$top holds across pages');
  const small = await client.get(url, { prefer: 'odata.maxpagesize=3' });
  t.equal(small.body.value.length, 3);
  t.equal(small.headers['preference-applied'], 'odata.maxpagesize=3');
  const skipped = await collect(`${url}?$skip=38`);
  t.same(skipped.seen, ['u37', 'u38', 'u39']);

  // Entities added and removed while paging do not make others appear twice or vanish.
  const first = await client.get(url);
  await client.delete(`${url}/u00`);
  await client.post(url, { id: 'late' });
  const rest = await collect(first.body['@odata.nextLink']);
  t.same([...first.body.value.map((e: { id: string }) => e.id), ...rest.seen].filter((id) => id !== 'u00' && id !== 'late'), all.seen.filter((id) => id !== 'u00'));
  assertODataError(t, await client.get(`${url}?$skiptoken=garbage`), 400, 'BadRequest');
});
