import type { Operation } from '../../contract/routes.js';
import type { AsyncRequestSettings, ODataRequest } from '../exchange.js';

export type { AsyncRequestSettings };

// Which requests edmock answers asynchronously when they ask to (Protocol 4.01 §8.2.8.8
// `Prefer: respond-async`, §11.6), and how long their status monitors keep them pending. The
// server decides (MockState, from `serve --async*` or `createMockServer({ asyncRequests })`);
// a host that says nothing gets the defaults.

export const DEFAULT_PENDING_POLLS = 1;
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

export const DEFAULT_ASYNC_SETTINGS: AsyncRequestSettings = Object.freeze({
  pendingPolls: DEFAULT_PENDING_POLLS,
  retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
  marked: () => false,
});

/**
 * Whether the service applies `respond-async` to this request (§8.2.8.8 leaves it to the service:
 * it MAY). Actions are long-running by nature, so every action invocation (bound, unbound through
 * its import) is honoured; any other request only when the user marked it. A request inside a
 * `$batch` never is: the preference applies to the batch as a whole (§8.2.8.8, §11.7.7.6).
 * `operation` is undefined for a request that has no route (`$batch`).
 */
export function honoursRespondAsync(settings: AsyncRequestSettings, request: ODataRequest, rawPath: string, operation: Operation | undefined): boolean {
  if (request.batch !== undefined) return false;
  if (operation === 'invoke' && request.method === 'POST') return true;
  return settings.marked(request.method, rawPath);
}
