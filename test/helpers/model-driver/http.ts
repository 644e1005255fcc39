import { createMockServer, type MockServer } from '../../../src/server/mock-server.js';
import type { EdmModel } from '../../../src/edm/model.js';
import { expect } from './steps.js';

// The driver speaks HTTP to an in-process edmock (inject: no port), as a client would.

export interface DriverResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: any;
  text: string;
}

export type DriverHttp = (method: string, url: string, body?: unknown) => Promise<DriverResponse>;

export interface ServedModel {
  /** The model as edmock loaded it: what the driver reads its sets and operations from. */
  model: EdmModel;
  http: DriverHttp;
  close(): Promise<void>;
}

/** edmock serving `file` at the root, as `edmock serve --metadata <file>` does. */
export async function serveModelFile(file: string): Promise<ServedModel> {
  const server: MockServer = await createMockServer({ services: [{ prefix: '', metadataFile: file }], logger: false });
  const model = server.app.edmock.services[0].service.model;
  const http: DriverHttp = async (method, url, body) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const response = await server.inject({
      method: method as 'GET',
      url,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload }),
    });
    let parsed: unknown;
    try {
      parsed = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      parsed = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body: parsed, text: response.body };
  };
  return { model, http, close: () => server.close() };
}

/** What a response says, for a failure's message: status, and the OData error or the start of the body. */
export function describe(response: DriverResponse): string {
  const error = response.body?.error;
  if (error) return `${response.status} ${error.code}: ${error.message}`;
  return `${response.status} ${response.text.slice(0, 160)}`;
}

export function expectStatus(response: DriverResponse, ...statuses: number[]): void {
  expect(statuses.includes(response.status), `expected ${statuses.join(' or ')}, got ${describe(response)}`);
}

/** The path and query of a Location or @odata.id URL, to request it again. */
export function pathOf(url: string): string {
  const parsed = new URL(url, 'http://localhost');
  return parsed.pathname + parsed.search;
}
