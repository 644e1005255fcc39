import { DEFAULT_PENDING_POLLS, DEFAULT_RETRY_AFTER_SECONDS, type AsyncRequestSettings } from '../odata/async/async-settings.js';
import { compileGlob, MAX_GLOB_LENGTH, type Glob } from './glob.js';

// The user's say in asynchronous requests (docs/async.md): which requests besides actions are
// answered `202 Accepted` when they prefer `respond-async` (`serve --async 'POST /v1.0/users'`,
// `createMockServer({ asyncRequests: { requests: [...] } })`), how many polls of a status monitor
// answer 202 before the result, and the Retry-After they carry.

export interface AsyncRequestOptions {
  /** `METHOD /path-glob` or `/path-glob` (any method); the path with the service prefix, globbed as fault rules are. */
  requests?: string[];
  /** Polls answered `202 Accepted` before the result. Default 1. */
  pendingPolls?: number;
  /** Seconds in each 202's `Retry-After`. Default 1. */
  retryAfter?: number;
}

interface AsyncRule {
  method: string | undefined;
  path: Glob;
}

/** One `METHOD /path-glob` rule; an Error saying what is wrong with it otherwise. */
export function parseAsyncRule(rule: string): AsyncRule {
  const match = /^\s*(?:([A-Za-z]+)\s+)?(\/\S*)\s*$/.exec(rule);
  if (!match) throw new Error(`'${rule}' is not 'METHOD /path-glob' or '/path-glob'`);
  const glob = match[2] as string;
  if (glob.length > MAX_GLOB_LENGTH) throw new Error(`'${rule}': the path glob is longer than ${MAX_GLOB_LENGTH} characters`);
  return { method: match[1]?.toUpperCase(), path: compileGlob(glob) };
}

function wholeNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name}: ${value} is not a whole number from ${min} to ${max}`);
  return value;
}

export function asyncSettingsOf(options: AsyncRequestOptions): AsyncRequestSettings {
  const rules = (options.requests ?? []).map((rule) => {
    try {
      return parseAsyncRule(rule);
    } catch (error) {
      throw new Error(`asyncRequests.requests: ${(error as Error).message}`, { cause: error });
    }
  });
  return {
    pendingPolls: wholeNumber('asyncRequests.pendingPolls', options.pendingPolls ?? DEFAULT_PENDING_POLLS, 0, 1_000_000),
    retryAfterSeconds: wholeNumber('asyncRequests.retryAfter', options.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS, 0, 86_400),
    marked: rules.length === 0
      ? () => false
      : (method, path) => rules.some((rule) => (rule.method === undefined || rule.method === method) && rule.path.test(path)),
  };
}
