import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { generate } from '@sap-cloud-sdk/generator';
import t from 'tap';
import ts from 'typescript';
import {
  CHRISTMAS, COUNTING_STARS, downloadMetadata, markCommonJs, openLibraryMock, ROSA_LOAN, SALT_HARBOUR, startLibraryMock, TIDE_TABLES, timed,
} from '../../helpers/library-mock.js';
import type { TapTest } from '../../helpers/server.js';
import type { MockServer } from '../../../src/server/mock-server.js';

// The SAP Cloud SDK for JavaScript (4.x): a client generated from the served $metadata, driven
// against a listening edmock as an application would drive it. The assertions are on what its
// user gets: entities with typed fields, the promise it rejects with and the HTTP failure inside.
//
// Versions: @sap-cloud-sdk/odata-v4 4.8.0 (the latest); the generator is 4.5.1, the latest 4.x
// that installs from the registry (4.8.0 needs a @sap-cloud-sdk/generator-common 4.8.0 that is not
// published there). Its own `transpile` step type-checks the client against the runtime, and the
// 4.5.1 output names `BigNumber` as a type, which bignumber.js 11 (required by odata-common 4.8.0)
// no longer exports as one: the check fails on that alone. So the TypeScript is transpiled here
// without a type check, as any bundler would do.

const require = createRequire(import.meta.url);

/** Generates the client from the $metadata a running mock serves, and loads it. */
async function generateClient(dir: string): Promise<any> {
  const input = path.join(dir, 'metadata');
  await mkdir(input);
  const { mock, serviceUrl } = await openLibraryMock();
  try {
    await downloadMetadata(serviceUrl, path.join(input, 'library.edmx'));
  } finally {
    await mock.close();
  }
  const outputDir = path.join(dir, 'client');
  const generation = await timed(() => generate({ input, outputDir, transpile: false, overwrite: true }));
  const transpilation = await timed(() => transpileToCommonJs(path.join(outputDir, 'library')));
  await markCommonJs(outputDir);
  const loading = await timed(async () => require(path.join(outputDir, 'library', 'index.js')));
  t.comment(`SAP generator: generate ${generation.ms} ms, transpile ${transpilation.ms} ms, load ${loading.ms} ms`);
  return loading.result;
}

async function transpileToCommonJs(dir: string): Promise<void> {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(await readFile(path.join(dir, file), 'utf8'), { compilerOptions, fileName: file });
    await writeFile(path.join(dir, file.replace(/\.ts$/, '.js')), outputText);
  }
}

let generated: any;
t.before(async () => { generated = await generateClient(t.testdir()); });
const { BigNumber } = require('bignumber.js');
const moment = require('moment');
const { asc, desc } = require('@sap-cloud-sdk/odata-v4');

/** What the generated `library()` gives an application (untyped here: it is loaded at run time). */
interface LibraryClient {
  booksApi: any;
  authorsApi: any;
  loansApi: any;
  eventsApi: any;
  closuresApi: any;
  batch: any;
  changeset: any;
}

/** The client's services, and a destination pointing at a fresh mock. */
async function connect(t: TapTest, customDeSerializers?: object): Promise<LibraryClient & { mock: MockServer; destination: { url: string } }> {
  const { mock, serviceUrl } = await startLibraryMock(t);
  // The services are getters of the object library() returns, so they are read one by one.
  const { booksApi, authorsApi, loansApi, eventsApi, closuresApi, batch, changeset } = generated.library(customDeSerializers) as LibraryClient;
  return { booksApi, authorsApi, loansApi, eventsApi, closuresApi, batch, changeset, mock, destination: { url: serviceUrl } };
}

/** The HTTP failure inside the SDK's chain of `ErrorWithCause` (an AxiosError carries `response`). */
function httpFailure(error: any): { status: number; code: string; message: string } {
  for (let cause = error; cause; cause = cause.cause) {
    if (cause.response) return { status: cause.response.status, code: cause.response.data?.error?.code, message: cause.response.data?.error?.message };
  }
  throw new Error(`no HTTP response in ${String(error)}`);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

t.test('getAll: typed entities with the enum, null for a null property, and the ETag as version identifier', async (t) => {
  const { booksApi, destination } = await connect(t);
  const books = await booksApi.requestBuilder().getAll().orderBy(asc(booksApi.schema.ISBN)).execute(destination);
  t.same(books.map((b: any) => b.isbn), [SALT_HARBOUR, TIDE_TABLES, COUNTING_STARS]);
  const [salt, tide] = books;
  t.equal(salt.title, 'Salt Harbour');
  t.equal(salt.genre, 'Fiction', 'the enum member by name');
  t.equal(salt.pages, 320);
  t.ok(moment.isMoment(salt.published), 'an Edm.Date is a moment');
  t.equal(salt.published.format('YYYY-MM-DD'), '2019-04-02');
  t.equal(tide.subtitle, null, 'a nullable property that is null');
  t.equal(tide.published, null);
  t.match(salt.versionIdentifier, /^W\/"\d+-1"$/, '@odata.etag becomes the version identifier');
});

t.test('getByKey: String, Int32, Guid and Date keys, written as named keys; a missing key rejects with the 404', async (t) => {
  const { booksApi, authorsApi, loansApi, closuresApi, destination, mock } = await connect(t);
  t.equal((await booksApi.requestBuilder().getByKey(TIDE_TABLES).execute(destination)).title, 'Tide Tables');
  const author = await authorsApi.requestBuilder().getByKey(1).execute(destination);
  t.same([author.authorId, author.name, author.country], [1, 'Ursula Quill', 'NZ']);
  const loan = await loansApi.requestBuilder().getByKey(ROSA_LOAN).execute(destination);
  t.same([loan.borrower, loan.returned, loan.dueDate.format('YYYY-MM-DD')], ['Rosa', false, '2026-12-24']);
  t.equal((await closuresApi.requestBuilder().getByKey(moment.utc(CHRISTMAS)).execute(destination)).reason, 'Christmas');
  t.same(mock.journal.list({ method: 'GET' }).map((e) => e.url), [
    `/library/Books(Isbn='${TIDE_TABLES}')`, '/library/Authors(AuthorId=1)', `/library/Loans(LoanId=${ROSA_LOAN})`, `/library/Closures(Day=${CHRISTMAS})`,
  ], 'URL Conventions §4.3.1 named-key form, typed literals');

  const missing = await rejection(booksApi.requestBuilder().getByKey('no-such-book').execute(destination));
  t.match(httpFailure(missing), { status: 404, code: 'ResourceNotFound', message: /no-such-book/ });
});

t.test('Int64 keys and values: the SDK writes OData V2 forms, which a V4 service refuses', async (t) => {
  // URL Conventions ABNF: int64Value = [ SIGN ] 1*19DIGIT, no `L` suffix (that is OData V2's
  // literal); JSON Format §3.2 and §7.1: an Int64 in a payload is a number unless the request says
  // IEEE754Compatible=true, which the SDK does not while sending it as a string.
  const { eventsApi, destination, mock } = await connect(t);
  const byKey = await rejection(eventsApi.requestBuilder().getByKey(new BigNumber(2)).execute(destination));
  t.match(httpFailure(byKey), { status: 400, code: 'BadRequest', message: /'2L'/ });
  t.equal(mock.journal.list({ method: 'GET' })[0]?.url, '/library/Events(Sequence=2L)');
  const event = eventsApi.entityBuilder().sequence(new BigNumber(3)).at(moment.utc('2026-03-01T00:00:00Z')).build();
  const created = await rejection(eventsApi.requestBuilder().create(event).execute(destination));
  t.match(httpFailure(created), { status: 400, code: 'BadRequest' });
  t.match(mock.journal.list({ method: 'POST' })[0]?.body, /"Sequence":"3"/, 'the Int64 went as a string');
  t.notMatch(String(mock.journal.list({ method: 'POST' })[0]?.headers['content-type']), /IEEE754Compatible=true/i);
});

t.test('Int64 with the (de-)serializers the SDK lets an application replace: V4 literals, and it works', async (t) => {
  const int64 = {
    deserialize: (value: unknown) => new BigNumber(String(value)),
    serialize: (value: any) => value.toNumber(),
    serializeToUri: (value: any, serialize: (v: any) => unknown) => String(serialize(value)),
  };
  const { eventsApi, destination } = await connect(t, { 'Edm.Int64': int64 });
  const read = await eventsApi.requestBuilder().getByKey(new BigNumber(2)).execute(destination);
  t.equal(read.message, 'first loan');
  const event = eventsApi.entityBuilder().sequence(new BigNumber(3)).message('returned').at(moment.utc('2026-03-01T00:00:00Z')).build();
  const created = await eventsApi.requestBuilder().create(event).execute(destination);
  t.equal(created.sequence.toString(), '3');
  t.equal(created.at.toISOString(), '2026-03-01T00:00:00.000Z');
});

t.test('filter: a typed expression becomes $filter, enum members included', async (t) => {
  const { booksApi, destination, mock } = await connect(t);
  const { PAGES, GENRE } = booksApi.schema;
  const books = await booksApi.requestBuilder().getAll().filter(PAGES.greaterThan(100), GENRE.notEquals('Poetry')).orderBy(desc(PAGES)).execute(destination);
  t.same(books.map((b: any) => [b.title, b.pages]), [['Counting Stars', 410], ['Salt Harbour', 320]]);
  t.match(mock.journal.list()[0]?.url, /\$filter=\(Pages%20gt%20100%20and%20Genre%20ne%20'Poetry'\)/);
  t.equal(await booksApi.requestBuilder().getAll().filter(GENRE.equals('Science')).count().execute(destination), 1, '/$count with the filter');
});

t.test('create: the built entity is POSTed, the answer (defaults filled) is what the promise gives; an invalid one rejects with 400', async (t) => {
  const { booksApi, destination, mock } = await connect(t);
  const book = booksApi.entityBuilder().isbn('978-1-11-111111-1').title('Paper Boats').genre('Poetry').pages(48).build();
  const created = await booksApi.requestBuilder().create(book).execute(destination);
  t.same([created.isbn, created.title, created.genre, created.pages, created.subtitle], ['978-1-11-111111-1', 'Paper Boats', 'Poetry', 48, null]);
  t.match(created.versionIdentifier, /^W\/"/, 'the new entity carries its ETag');
  t.equal((await mock.inject("/library/Books('978-1-11-111111-1')")).statusCode, 200, 'stored');
  t.ok(mock.journal.list({ method: 'HEAD' }).every((e) => e.status === 200 && e.headers['x-csrf-token'] === 'Fetch'), 'the CSRF token probes before the write are answered');

  const nameless = booksApi.entityBuilder().isbn('978-1-11-111111-2').title(null).genre('Fiction').pages(1).build();
  const refused = await rejection(booksApi.requestBuilder().create(nameless).execute(destination));
  t.match(httpFailure(refused), { status: 400, code: 'BadRequest' });
  t.match(mock.journal.list({ method: 'POST', status: 400 })[0]?.error?.details, [{ code: 'NullNotAllowed', target: 'Title' }]);
});

t.test('update with the ETag: If-Match is the version read; a stale one rejects with 412', async (t) => {
  const { booksApi, destination, mock } = await connect(t);
  const book = await booksApi.requestBuilder().getByKey(TIDE_TABLES).execute(destination);
  const readTag = book.versionIdentifier;
  book.subtitle = 'Collected';
  const updated = await booksApi.requestBuilder().update(book).execute(destination);
  const patch = mock.journal.list({ method: 'PATCH' })[0];
  t.equal(patch?.headers['if-match'], readTag, 'If-Match carries the ETag read');
  t.equal(patch?.status, 204);
  t.not(updated.versionIdentifier, readTag, 'the new ETag (from the 204) replaces it');
  t.equal(JSON.parse((await mock.inject(`/library/Books('${TIDE_TABLES}')`)).body).Subtitle, 'Collected');
  t.ok(mock.journal.list({ method: 'HEAD' }).every((e) => e.status === 200), 'the CSRF probes (with If-Match) are answered');

  book.setVersionIdentifier(readTag);
  book.title = 'Overwritten';
  const stale = await rejection(booksApi.requestBuilder().update(book).execute(destination));
  t.match(httpFailure(stale), { status: 412, code: 'PreconditionFailed' });
  t.equal(JSON.parse((await mock.inject(`/library/Books('${TIDE_TABLES}')`)).body).Title, 'Tide Tables', 'nothing changed');
});

t.test('delete with the ETag, sent with a Content-Type and no body; a stale ETag rejects with 412', async (t) => {
  const { booksApi, destination, mock } = await connect(t);
  const book = await booksApi.requestBuilder().getByKey(COUNTING_STARS).execute(destination);
  const readTag = book.versionIdentifier;
  book.setVersionIdentifier('W/"0-0"');
  const stale = await rejection(booksApi.requestBuilder().delete(book).execute(destination));
  t.match(httpFailure(stale), { status: 412, code: 'PreconditionFailed' });

  book.setVersionIdentifier(readTag);
  await booksApi.requestBuilder().delete(book).execute(destination);
  const [, sent] = mock.journal.list({ method: 'DELETE' });
  t.match(sent, { status: 204, headers: { 'if-match': readTag, 'content-type': /^application\/json/ } });
  t.equal(sent?.body, undefined, 'no body: RFC 9110 §9.3.5 gives none a meaning, so the Content-Type is no reason to refuse');
  t.equal((await mock.inject(`/library/Books('${COUNTING_STARS}')`)).statusCode, 404, 'gone');
});

t.test('batch: a change set and a read in one multipart request', async (t) => {
  const { booksApi, authorsApi, batch, changeset, destination, mock } = await connect(t);
  const book = booksApi.entityBuilder().isbn('978-2-22-222222-2').title('Batched').genre('Science').pages(12).build();
  const author = await authorsApi.requestBuilder().getByKey(2).execute(destination);
  author.country = 'PT';
  const [writes, read] = await batch(
    changeset(booksApi.requestBuilder().create(book), authorsApi.requestBuilder().update(author)),
    booksApi.requestBuilder().getAll().filter(booksApi.schema.GENRE.equals('Science')),
  ).execute(destination);
  t.ok(writes.isSuccess() && writes.isWriteResponses(), 'the change set succeeded');
  t.same(writes.responses.map((r: any) => r.httpCode), [201, 204]);
  t.equal(writes.responses[0].as(booksApi).title, 'Batched');
  t.ok(read.isSuccess() && read.isReadResponse());
  t.same(read.as(booksApi).map((b: any) => b.title).sort(), ['Batched', 'Counting Stars'], 'the read sees the change set before it');
  t.equal(JSON.parse((await mock.inject('/library/Authors(2)')).body).Country, 'PT');
  // $batch takes only POST (Protocol §11.7): the SDK's token probe there is a 405, and it goes on without one.
  const probes = mock.journal.list({ method: 'HEAD' }).filter((e) => e.path.startsWith('/library/$batch'));
  t.same(probes.map((e) => [e.path, e.status]), [['/library/$batch/', 405], ['/library/$batch', 405]]);
});
