import type { FastifyInstance, InjectOptions } from 'fastify';
import fc from 'fast-check';
import { ERROR_CATALOG } from '../../src/odata/errors.js';

// What every fuzz property shares: how many inputs to try (seeded, so a failure replays), how
// one input is sent (in process, with a deadline), and the one verdict every answer must pass.
//
//   FUZZ_RUNS=<n>   inputs per property (default: each property's own, chosen to keep the suite
//                   under about 20 s on two cores)
//   FUZZ_SEED=<n>   the seed (default 20261202); a failure report prints the seed and the path
//                   to replay it

export const FUZZ_SEED = Number.parseInt(process.env.FUZZ_SEED ?? '', 10) || 20261202;

/** Runs for one property: its default, or FUZZ_RUNS when set. */
export function runs(defaultRuns: number): number {
  const asked = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10);
  return Number.isInteger(asked) && asked > 0 ? asked : defaultRuns;
}

/**
 * fast-check parameters: seeded, bounded, failing with the shrunk input in the message. Without
 * FUZZ_RUNS a property also stops after a minute, so a slow machine cannot stall `npm test`.
 */
export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  const limit = process.env.FUZZ_RUNS === undefined ? { interruptAfterTimeLimit: 60_000 } : {};
  return { seed: FUZZ_SEED, numRuns: runs(defaultRuns), ...limit };
}

/** How long one in-process request may take before it counts as a hang. */
export const REQUEST_TIMEOUT_MS = 2_000;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/** One request through fastify.inject, or 'hang' when no answer comes within the deadline. */
export async function send(app: FastifyInstance, options: InjectOptions, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Answer | 'hang' | 'reset'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'hang'>((resolve) => { timer = setTimeout(() => resolve('hang'), timeoutMs); });
  try {
    return await Promise.race([
      app.inject(options).then((r) => ({ status: r.statusCode, headers: r.headers, text: r.body })),
      deadline,
    ]);
  } catch (error) {
    // A `drop` fault resets the connection (LIGHT_ECONNRESET under inject): a deliberate answer.
    if ((error as { code?: string }).code === 'LIGHT_ECONNRESET') return 'reset';
    // A URL the WHATWG parser of fastify.inject refuses (`//`, `/\\`) never reaches the server
    // in process; the hostile run sends such request lines over a socket.
    if ((error as { code?: string }).code === 'ERR_INVALID_URL') fc.pre(false);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const CATALOG = new Set(Object.values(ERROR_CATALOG).map((e) => `${e.status} ${e.code}`));

/**
 * Why an answer breaks the rule, or undefined when it keeps it. The rule: a 2xx (or a 304 to a
 * conditional read), or an error of the catalog (status and code of one entry) in the OData JSON
 * error shape, and never a 5xx. One 5xx is an answer, not a failure: 501 NotImplemented, which
 * the catalog gives for URL forms edmock documents as not implemented ($all, $crossjoin, bound
 * operations).
 */
export function breach(answer: Answer | 'hang' | 'reset', method = 'GET'): string | undefined {
  if (answer === 'hang') return `no answer within ${REQUEST_TIMEOUT_MS} ms`;
  if (answer === 'reset') return 'connection reset';
  const { status, text } = answer;
  if ((status >= 200 && status < 300) || status === 304) return undefined;
  // A HEAD answer has the headers of the GET and no body (RFC 9110 §9.3.2).
  if (method === 'HEAD') return status >= 500 && status !== 501 ? `HEAD answered ${status}` : undefined;
  let code: unknown;
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.message !== 'string') return `${status} without an OData error body: ${text.slice(0, 200)}`;
    code = error.code;
  } catch {
    return `${status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (!CATALOG.has(`${status} ${String(code)}`)) return `${status} ${String(code)} is no entry of the error catalog`;
  if (status >= 500 && status !== 501) return `${status} ${String(code)}: ${text.slice(0, 300)}`;
  const type = answer.headers['content-type'];
  if (typeof type !== 'string' || !type.startsWith('application/json')) return `${status} error with Content-Type ${String(type)}`;
  return undefined;
}

/** A property that sends one generated request and fails with the breach, naming the request. */
export async function expectCatalogAnswer(app: FastifyInstance, options: InjectOptions): Promise<void> {
  const problem = breach(await send(app, options), options.method);
  if (problem !== undefined) throw new Error(`${options.method ?? 'GET'} ${typeof options.url === 'string' ? options.url : JSON.stringify(options.url)} -> ${problem}`);
}
