import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CreateServerOptions } from '../../src/server/create-server.js';
import { createMockServer, type MockServer } from '../../src/server/mock-server.js';
import type { TapTest } from './server.js';

// Real OData clients open sockets: they cannot use fastify.inject. These helpers start a mock on
// a free port of 127.0.0.1, closed when the test ends, and make what a client needs to reach it
// (a CA to trust, a bearer token).

export interface ListeningMock {
  mock: MockServer;
  /** The origin, e.g. `http://127.0.0.1:41234` (https with `tls`). */
  origin: string;
}

/** A mock listening on a free port until `t` ends. */
export async function listeningMock(t: TapTest, options: CreateServerOptions = {}): Promise<ListeningMock> {
  const mock = await createMockServer(options);
  t.teardown(() => mock.close());
  const origin = await mock.listen();
  return { mock, origin };
}

/**
 * A mock serving HTTPS with a CA made for this test (in its test directory, so no run touches
 * ~/.edmock), and that CA's certificate, for a client to trust explicitly.
 */
export async function listeningTlsMock(t: TapTest, options: CreateServerOptions = {}): Promise<ListeningMock & { ca: string }> {
  const dir = path.join(t.testdir(), 'tls');
  const started = await listeningMock(t, { ...options, tls: { dir } });
  return { ...started, ca: await readFile(path.join(dir, 'ca.pem'), 'utf8') };
}

export { bearerToken } from './bearer-token.js';
