import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { createServer, type CreateServerOptions } from '../../src/server/create-server.js';

/** A tap test as passed to t.test callbacks, with its plugins (teardown, testdir, asserts). */
export type TapTest = Test;

// Tests speak HTTP to an in-process server (fastify.inject), as a client would.

export const APP_ID = '11111111-1111-4111-8111-111111111111';
export const CONFIG_ID = '22222222-2222-4222-8222-222222222222';
export const LOB_CONFIG_ID = '33333333-3333-4333-8333-333333333333';
export const USER_STATUS_ID = '44444444-4444-4444-8444-444444444444';
export const CONFIG_USER_STATUS_ID = '55555555-5555-4555-8555-555555555555';

export const BETA_APP = `/beta/deviceAppManagement/mobileApps/${APP_ID}`;
export const V1_CONFIG = `/v1.0/deviceAppManagement/mobileAppConfigurations/${CONFIG_ID}`;
export const BETA_CONFIG = `/beta/deviceAppManagement/mobileAppConfigurations/${CONFIG_ID}`;
export const BETA_LOB = `/beta/deviceAppManagement/iosLobAppProvisioningConfigurations/${LOB_CONFIG_ID}`;

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Response {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: any; // parsed JSON, or the text when the body is not JSON
  text: string;
}

export interface Client {
  app: FastifyInstance;
  request(method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  patch(url: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  delete(url: string): Promise<Response>;
}

export async function startServer(t: TapTest, options: CreateServerOptions = {}): Promise<Client> {
  const app = await createServer(options);
  t.teardown(() => app.close());
  const request: Client['request'] = async (method, url, body, headers = {}) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const allHeaders = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
    const response = await app.inject({ method, url, headers: allHeaders, ...(payload === undefined ? {} : { payload }) });
    let parsed: unknown = response.body;
    try {
      parsed = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, headers: response.headers, body: parsed, text: response.body };
  };
  return {
    app,
    request,
    get: (url, headers) => request('GET', url, undefined, headers),
    post: (url, body, headers) => request('POST', url, body, headers),
    patch: (url, body, headers) => request('PATCH', url, body, headers),
    delete: (url) => request('DELETE', url),
  };
}

/** A server for an EDMX written for the test, served at the root as `--metadata <file>` would. */
export async function startServerWithEdmx(t: TapTest, edmx: string, options: CreateServerOptions = {}): Promise<Client> {
  const file = path.join(t.testdir(), 'metadata.xml');
  await writeFile(file, edmx);
  return startServer(t, { ...options, services: [{ prefix: '', metadataFile: file }] });
}

/** The OData JSON error shape every failure must have (with Graph's innerError). */
export function assertODataError(t: TapTest, response: Response, status: number, code: string): void {
  t.equal(response.status, status, `status ${status}`);
  t.match(response.headers['content-type'], /^application\/json/, 'JSON error body');
  t.equal(response.headers['odata-version'], '4.0', 'OData-Version header');
  t.match(response.headers['request-id'], GUID, 'request-id header');
  const error = response.body?.error;
  t.ok(error, 'body has error');
  t.equal(error?.code, code, `error code ${code}`);
  t.type(error?.message, 'string');
  t.ok(error && 'target' in error, 'error.target present');
  t.ok(Array.isArray(error?.details), 'error.details is an array');
  t.match(error?.innerError, { date: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, 'request-id': GUID, 'client-request-id': String });
}
