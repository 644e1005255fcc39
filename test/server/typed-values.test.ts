import t from 'tap';
import { TYPED_VALUE_CASES, TYPED_VALUES_EDMX, TYPED_VALUES_SEED, UPPER_GUID, type TypedValueCase } from '../corpus/typed-values.js';
import { assertODataError, startServerWithEdmx, type Client, type TapTest } from '../helpers/server.js';

// Typed values exact: every input of the corpus (test/corpus/typed-values.ts) answered as its
// row says, grouped by the rule it checks; then what the rows cannot say (values read back).

async function seeded(t: TapTest): Promise<Client> {
  const c = await startServerWithEdmx(t, TYPED_VALUES_EDMX);
  for (const { url, body } of TYPED_VALUES_SEED) {
    const created = await c.request('POST', url, body);
    if (created.status !== 201) throw new Error(`seed ${body}: ${created.status} ${created.text}`);
  }
  return c;
}

const messages = (error: { message: string; details?: { message: string }[] }) => [error.message, ...(error.details ?? []).map((d) => d.message)].join('\n');

async function check(t: TapTest, c: Client, testCase: TypedValueCase): Promise<void> {
  const { expect } = testCase;
  const response = await c.request(testCase.method, encodeURI(testCase.url), testCase.body, testCase.headers);
  const what = `${testCase.method} ${testCase.url} ${testCase.body ?? ''}`;
  if (expect.code !== undefined) {
    assertODataError(t, response, expect.status, expect.code);
    const error = response.body.error;
    if (expect.target !== undefined) t.equal(error.details?.[0]?.target ?? error.target, expect.target, `${what}: target`);
    if (expect.message !== undefined) t.match(messages(error), expect.message, `${what}: message`);
    return;
  }
  t.equal(response.status, expect.status, `${what}: status (${response.text.slice(0, 300)})`);
  if (expect.text !== undefined) t.match(response.text, expect.text, `${what}: body`);
  if (expect.ids !== undefined) t.same(response.body.value.map((e: { id: string }) => e.id).sort(), expect.ids, `${what}: ids`);
  if (expect.parts !== undefined) t.same(response.body.responses.map((r: { status: number }) => r.status), expect.parts, `${what}: parts`);
}

for (const rule of new Set(TYPED_VALUE_CASES.map((c) => c.rule))) {
  t.test(rule, async (t) => {
    for (const testCase of TYPED_VALUE_CASES.filter((c) => c.rule === rule)) {
      // A fresh store per case: each row stands alone, as a fuzz run would replay it.
      await check(t, await seeded(t), testCase);
    }
  });
}

t.test('values a double cannot hold are read back and exported with every digit', async (t) => {
  const c = await seeded(t);
  const created = await c.request('POST', '/values', '{"id":"x","text":"\\u0000int:7","big":9007199254740993,"amount":99999999999999.9999}');
  t.equal(created.status, 201);
  const read = await c.get("/values('x')");
  t.match(read.text, /"text":"\\u0000int:7","small":null,"big":9007199254740993,"amount":99999999999999\.9999,/);
  const strings = await c.get("/values('x')", { accept: 'application/json;IEEE754Compatible=true' });
  t.match(strings.text, /"big":"9007199254740993","amount":"99999999999999\.9999"/, 'IEEE754Compatible writes both as strings with every digit');
  const amount = await c.get("/values('x')/amount");
  t.match(amount.text, /"value":99999999999999\.9999}/, 'the property path too');
  const patched = await c.request('PATCH', "/values('x')", '{"amount":-0.30000000000000000001}', { prefer: 'return=representation' });
  t.match(patched.text, /"amount":-0\.30000000000000000001,/, 'PATCH keeps the digits');
});

t.test('pages ordered by an Int64 beyond 2^53 continue exactly where they stopped', async (t) => {
  const c = await seeded(t);
  const ids: string[] = [];
  let url: string | undefined = '/values?$orderby=big desc&$filter=big ne null&$select=id';
  while (url !== undefined) {
    const page = await c.get(encodeURI(url), { prefer: 'odata.maxpagesize=1' });
    t.equal(page.status, 200, `${url}: ${page.text.slice(0, 200)}`);
    if (page.status !== 200) break;
    ids.push(...page.body.value.map((e: { id: string }) => e.id));
    const next = page.body['@odata.nextLink'] as string | undefined;
    url = next === undefined ? undefined : decodeURI(next.replace('http://localhost:80', ''));
  }
  t.same(ids, ['max', '993', '992', 'min'], 'the skip token holds the BigInt sort key with every digit');
});

t.test('a JSON $batch part keeps exact numbers and strings that look like markers', async (t) => {
  const c = await seeded(t);
  const body = '{"requests":[{"id":"1","method":"POST","url":"/values","headers":{"content-type":"application/json"},'
    + '"body":{"id":"b","text":"\\u0000bigint:5","big":9223372036854775807,"amount":99999999999999.9999}}]}';
  const answer = await c.request('POST', '/$batch', body);
  t.equal(answer.status, 200);
  t.equal(answer.body.responses[0].status, 201);
  const read = await c.get("/values('b')");
  t.match(read.text, /"text":"\\u0000bigint:5","small":null,"big":9223372036854775807,"amount":99999999999999\.9999,/);
});

t.test('a GUID key is one entity in either case, named in lower case', async (t) => {
  const c = await seeded(t);
  const read = await c.get(`/gids(${UPPER_GUID.toLowerCase()})`, { accept: 'application/json;odata.metadata=full' });
  t.equal(read.status, 200);
  t.equal(read.body.id, UPPER_GUID, 'the property as it was sent');
  t.equal(read.body['@odata.id'], `http://localhost:80/gids(${UPPER_GUID.toLowerCase()})`, 'the canonical URL in lower case');
});

t.test('a charset other than UTF-8 stores nothing', async (t) => {
  const c = await seeded(t);
  const latin1 = await c.app.inject({
    method: 'POST', url: '/values', headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    payload: Buffer.from('{"id":"cafe","text":"caf\u00e9"}', 'latin1'),
  });
  t.equal(latin1.statusCode, 415);
  t.equal((await c.get("/values('cafe')")).status, 404, 'nothing was stored');
});
