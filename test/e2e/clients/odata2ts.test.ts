import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import t from 'tap';
import type { MockServer } from '../../../src/server/mock-server.js';
import {
  CHRISTMAS, COUNTING_STARS, markCommonJs, openLibraryMock, ROSA_LOAN, SALT_HARBOUR, startLibraryMock, TIDE_TABLES, timed,
} from '../../helpers/library-mock.js';
import type { TapTest } from '../../helpers/server.js';

// odata2ts 0.34.0: its command line downloads the served $metadata (`--source-url`) and emits a
// JavaScript client (models, query objects, services) that runs on @odata2ts/http-client-fetch.
// The assertions are on what its user gets: response data, and the FetchClientError with the
// status it rejects with. It offers no $batch (@odata2ts/odata-service 0.18.1 has none), so there
// is no batch test here.
//
// `--disable-auto-managed-key`: by default odata2ts takes a single key property to be assigned by
// the server and leaves it out of the editable types, so a TypeScript user could not send one;
// edmock assigns only string and GUID keys (docs/protocol.md), and the Int32 key of Authors must
// be sent.

const require = createRequire(import.meta.url);
const CLI = require.resolve('@odata2ts/odata2ts/lib/run-cli.js');

function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** Generates the client from the $metadata a running mock serves, and loads its service. */
async function generateClient(dir: string): Promise<any> {
  // The emitted JavaScript is CommonJS, compiled with these options (odata2ts reads `--tsconfig`).
  const tsconfig = { compilerOptions: { target: 'ES2022', module: 'CommonJS', moduleResolution: 'node10', strict: true, esModuleInterop: true, skipLibCheck: true } };
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  await markCommonJs(dir);
  const { mock, serviceUrl } = await openLibraryMock();
  const generation = await timed(async () => {
    try {
      return await run(['--source-url', serviceUrl, '--source', 'library.xml', '--output', 'client', '--emit-mode', 'js', '--tsconfig', 'tsconfig.json', '--disable-auto-managed-key'], dir);
    } finally {
      await mock.close();
    }
  });
  if (generation.result.code !== 0) throw new Error(`odata2ts exited ${generation.result.code}:\n${generation.result.output}`);
  const loading = await timed(async () => require(path.join(dir, 'client', 'LendingLibraryService.js')));
  t.comment(`odata2ts: generate (a process of its own, downloading $metadata) ${generation.ms} ms, load ${loading.ms} ms`);
  return loading.result.LendingLibraryService;
}

let LendingLibraryService: any;
t.before(async () => { LendingLibraryService = await generateClient(t.testdir()); });
const { FetchClient } = require('@odata2ts/http-client-fetch');

async function connect(t: TapTest): Promise<{ service: any; client: any; mock: MockServer }> {
  const { mock, serviceUrl } = await startLibraryMock(t);
  const client = new FetchClient();
  return { service: new LendingLibraryService(client, serviceUrl), client, mock };
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

t.test('query a collection: the OData JSON as the server sent it, enum members by name', async (t) => {
  const { service } = await connect(t);
  const { status, data } = await service.Books().query((qb: any, q: any) => qb.orderBy(q.Isbn.asc()));
  t.equal(status, 200);
  t.same(data.value.map((b: any) => b.Isbn), [SALT_HARBOUR, TIDE_TABLES, COUNTING_STARS]);
  t.match(data.value[0], { Title: 'Salt Harbour', Genre: 'Fiction', Pages: 320, Published: '2019-04-02', '@odata.etag': /^W\/"/ });
  t.equal(data.value[1].Subtitle, null, 'a nullable property that is null');
});

t.test('filter with the query objects, $select and $count=true', async (t) => {
  const { service, mock } = await connect(t);
  const { data } = await service.Books().query((qb: any, q: any) => qb
    .select('Title', 'Pages')
    .filter(q.Pages.gt(100).and(q.Genre.ne('Poetry')))
    .orderBy(q.Pages.desc())
    .count());
  t.equal(data['@odata.count'], 2);
  t.same(data.value.map((b: any) => [b.Title, b.Pages, b.Isbn]), [['Counting Stars', 410, undefined], ['Salt Harbour', 320, undefined]]);
  t.match(decodeURIComponent(mock.journal.list()[0]?.url ?? ''), /\$filter=\(?Pages gt 100 and Genre ne 'Poetry'\)?/);
});

t.test('key forms: String quoted, Int32, Int64, Guid and Date bare, the object form; navigation to a linked collection', async (t) => {
  const { service, mock } = await connect(t);
  t.equal((await service.Books(TIDE_TABLES).query()).data.Title, 'Tide Tables');
  t.equal((await service.Books({ Isbn: SALT_HARBOUR }).query()).data.Title, 'Salt Harbour', 'the key as an object');
  t.equal((await service.Authors(1).query()).data.Name, 'Ursula Quill');
  t.equal((await service.Events(2).query()).data.Message, 'first loan');
  t.equal((await service.Loans(ROSA_LOAN).query()).data.Borrower, 'Rosa');
  t.equal((await service.Closures(CHRISTMAS).query()).data.Reason, 'Christmas');
  const books = await service.Authors(2).Books().query();
  t.same(books.data.value.map((b: any) => b.Title), ['Counting Stars']);
  t.same(mock.journal.list().map((e) => e.url), [
    `/library/Books('${TIDE_TABLES}')`, `/library/Books(Isbn='${SALT_HARBOUR}')`, '/library/Authors(1)', '/library/Events(2)',
    `/library/Loans(${ROSA_LOAN})`, `/library/Closures(${CHRISTMAS})`, '/library/Authors(2)/Books',
  ], 'URL Conventions §4.3.1: typed key literals, short or named as the key was given');
  const missing = await rejection(service.Books('no-such-book').query());
  t.equal(missing.constructor.name, 'FetchClientError');
  t.equal(missing.status, 404);
  t.match(missing.message, /No 'Lending.Library.Book' with key 'no-such-book'/);
});

t.test('create, patch with If-Match, a stale ETag, update and delete', async (t) => {
  const { service, mock } = await connect(t);
  const created = await service.Books().create({ Isbn: '978-3-33-333333-3', Title: 'Lantern', Genre: 'Fiction', Pages: 200 });
  t.equal(created.status, 201);
  t.match(created.data, { Isbn: '978-3-33-333333-3', Subtitle: null, Published: null, '@odata.etag': /^W\/"/ });
  t.equal((await service.Authors().create({ AuthorId: 7, Name: 'Ines Sol' })).data.AuthorId, 7, 'an Int32 key the client sends');

  const book = service.Books('978-3-33-333333-3');
  const readTag = created.data['@odata.etag'];
  const patched = await book.patch({ Subtitle: 'A story' }, { headers: { 'If-Match': readTag } });
  t.equal(patched.status, 204);
  t.not(patched.headers.etag, readTag, 'the 204 carries the new ETag');
  const stale = await rejection(book.patch({ Title: 'Lost' }, { headers: { 'If-Match': readTag } }));
  t.equal(stale.status, 412, 'a stale ETag is a 412 the client rejects with');

  t.equal((await book.update({ Title: 'Lantern', Genre: 'Poetry', Pages: 201 })).status, 204, 'PUT replaces');
  t.match((await book.query()).data, { Genre: 'Poetry', Pages: 201, Subtitle: null });
  t.equal((await book.delete()).status, 204);
  t.equal((await rejection(book.query())).status, 404, 'gone');
  t.same(mock.journal.list({ method: 'DELETE' }).map((e) => e.headers['content-type']), [undefined], 'this client sends DELETE without a Content-Type');
});

t.test('/$count: the client has no method for it, so an application GETs it through the client', async (t) => {
  const { service, client } = await connect(t);
  const count = await client.get(`${service.Books().getPath()}/$count`);
  t.equal(count.status, 200);
  t.equal(count.data, 3, 'the text/plain answer, read as JSON by the client, is the number');
});

t.test('/$count asked for as text/plain, its own media type (URL Conventions §4.8)', async (t) => {
  const { service, client } = await connect(t);
  const count = await client.get(`${service.Books().getPath()}/$count`, { headers: { Accept: 'text/plain' } });
  t.equal(count.status, 200);
  t.equal(count.data, 3);
});
