import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createMockServer, type MockServer } from '../../src/server/mock-server.js';
import { REPO_ROOT } from './paths.js';
import type { TapTest } from './server.js';

// The lending library the client suite (test/e2e/clients) drives real OData clients against: an
// EDMX of entity sets only, since generator-based clients skip singletons and containment, with
// a startup dataset. Served at /library on a free port, as a user of edmock would serve it.

export const LIBRARY_METADATA = path.join(REPO_ROOT, 'test', 'clients', 'models', 'library.xml');
export const LIBRARY_FIXTURES = path.join(REPO_ROOT, 'test', 'clients', 'models', 'library.json');
export const LIBRARY_PREFIX = '/library';

/** The startup dataset's keys, one of each key type. */
export const SALT_HARBOUR = '978-0-00-000001-1';
export const TIDE_TABLES = '978-0-00-000002-8';
export const COUNTING_STARS = '978-0-00-000003-5';
export const ROSA_LOAN = '0c0ffee0-0000-4000-8000-000000000001';
export const CHRISTMAS = '2026-12-25';

export interface LibraryMock {
  mock: MockServer;
  /** The service root, e.g. `http://127.0.0.1:41234/library`. */
  serviceUrl: string;
}

/** A listening mock of the library with its startup dataset; the caller closes it. */
export async function openLibraryMock(): Promise<LibraryMock> {
  const mock = await createMockServer({
    services: [{ prefix: LIBRARY_PREFIX, metadataFile: LIBRARY_METADATA, fixturesFile: LIBRARY_FIXTURES }],
    logger: false,
  });
  const url = await mock.listen();
  return { mock, serviceUrl: `${url}${LIBRARY_PREFIX}` };
}

/** A listening mock of the library with its startup dataset, closed when the test ends. */
export async function startLibraryMock(t: TapTest): Promise<LibraryMock> {
  const library = await openLibraryMock();
  t.teardown(() => library.mock.close());
  return library;
}

/** The $metadata the mock serves, written to `file`: what a user generates a client from. */
export async function downloadMetadata(serviceUrl: string, file: string): Promise<void> {
  const response = await fetch(`${serviceUrl}/$metadata`);
  if (response.status !== 200) throw new Error(`GET ${serviceUrl}/$metadata answered ${response.status}`);
  await writeFile(file, await response.text());
}

/**
 * Marks a directory's `.js` files as CommonJS. Generated clients are emitted as CommonJS, and the
 * test directories sit inside this package, whose `"type": "module"` would make Node read them
 * as ES modules.
 */
export async function markCommonJs(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'package.json'), '{ "type": "commonjs" }\n');
}

/** The wall time of `work`, in milliseconds, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: Math.round(performance.now() - start) };
}
