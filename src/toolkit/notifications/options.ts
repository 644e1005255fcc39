// What change notifications can be tuned by (createMockServer({ notifications }), serve flags),
// with Graph's figures as defaults where Graph documents one. Tests use small windows and
// timeouts; nothing here is a sleep of the test's own.

export interface NotificationOptions {
  /** How long the endpoint has to answer the validation request. Default 10,000 ms (Graph: "within 10 seconds"). */
  handshakeTimeoutMs?: number;
  /** How long a receiver has to answer a delivery before it counts as failed. Default 10,000 ms (Graph: a response "within 10 seconds"). */
  deliveryTimeoutMs?: number;
  /**
   * Notifications to one URL within this window go in one POST (`{"value": [...]}`), as Graph
   * batches them. Graph documents no window: default 50 ms.
   */
  batchWindowMs?: number;
  /** Further attempts after a failed delivery. Default 5 (Graph keeps trying "for up to 4 hours"; a mock gives up sooner). */
  retries?: number;
  /** Wait before the first retry, doubled for each one after. Default 1,000 ms. */
  retryBackoffMs?: number;
  /**
   * Longest subscription per resource type, in minutes, by entity type name (`user`,
   * `microsoft.graph.message`), over Graph's table; `*` for types the table does not list.
   */
  maxExpirationMinutes?: Record<string, number>;
  /** `tenantId` of every notification. Default a fixed GUID. */
  tenantId?: string;
  /** `applicationId` and `creatorId` of created subscriptions (Graph's are the caller's app and user). Default fixed GUIDs. */
  applicationId?: string;
  creatorId?: string;
}

export type ResolvedNotificationOptions = Required<Omit<NotificationOptions, 'maxExpirationMinutes'>> & { maxExpirationMinutes: Map<string, number> };

/**
 * Graph's "Maximum length of subscription per resource type" (subscription resource type; change
 * notifications overview, "Subscription lifetime"), by unqualified entity type name. "Other
 * directory resources" are the types derived from `directoryObject`. Graph lists `onlineMeeting`
 * twice (4,320 under Teams, 4,230 alone): the lower is kept. Intune and other resources are not in
 * the table: they get `*`, Graph's most common limit (4,230 minutes, "under three days").
 */
export const GRAPH_MAX_EXPIRATION_MINUTES: Readonly<Record<string, number>> = {
  alert: 43_200, approvalItem: 43_200,
  callRecord: 4230, callRecording: 4320, callTranscript: 4320, channel: 4320, chat: 4320, chatMessage: 4320,
  conversationMember: 4320, onlineMeeting: 4230, team: 4320, teamsAppInstallation: 4320,
  offerShiftRequest: 360, openShiftChangeRequest: 360, shift: 360, swapShiftsChangeRequest: 360, timeOffRequest: 360,
  conversation: 4230, driveItem: 42_300, list: 42_300, message: 4230, event: 4230, contact: 4230,
  user: 41_760, group: 41_760, directoryObject: 41_760,
  presence: 60, printer: 4230, printTaskDefinition: 4230, todoTask: 4230, baseTask: 4230,
  '*': 4230,
};

export const DEFAULT_TENANT_ID = 'b9a1c2d3-0e4f-4a5b-8c6d-7e8f9a0b1c2d';
const DEFAULT_APPLICATION_ID = 'e1dcb4a0-5c7f-4f0e-9a34-4d2e8b7c6f10';
const DEFAULT_CREATOR_ID = 'a7f3e2d1-9b8c-4d6e-8f1a-2b3c4d5e6f70';

/** The longest wait a Node timer holds (2^31 - 1 ms, 24.8 days): a longer one runs after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function whole(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < 0 || chosen > max) {
    throw new Error(`notifications.${name}: ${chosen} is not a whole number ${max === Number.MAX_SAFE_INTEGER ? 'of 0 or more' : `from 0 to ${max}`}`);
  }
  return chosen;
}

export function resolveNotificationOptions(options: NotificationOptions = {}): ResolvedNotificationOptions {
  const limits = new Map<string, number>(Object.entries(GRAPH_MAX_EXPIRATION_MINUTES));
  for (const [type, minutes] of Object.entries(options.maxExpirationMinutes ?? {})) {
    limits.set(type.slice(type.lastIndexOf('.') + 1), whole(`maxExpirationMinutes.${type}`, minutes, 0));
  }
  return {
    handshakeTimeoutMs: whole('handshakeTimeoutMs', options.handshakeTimeoutMs, 10_000, MAX_TIMER_MS),
    deliveryTimeoutMs: whole('deliveryTimeoutMs', options.deliveryTimeoutMs, 10_000, MAX_TIMER_MS),
    batchWindowMs: whole('batchWindowMs', options.batchWindowMs, 50, MAX_TIMER_MS),
    retries: whole('retries', options.retries, 5),
    retryBackoffMs: whole('retryBackoffMs', options.retryBackoffMs, 1000, MAX_TIMER_MS),
    maxExpirationMinutes: limits,
    tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
    applicationId: options.applicationId ?? DEFAULT_APPLICATION_ID,
    creatorId: options.creatorId ?? DEFAULT_CREATOR_ID,
  };
}

/** The limit for a resource: its type's, else the nearest base type's, else `*`. `types`: qualified, most derived first. */
export function maxExpirationMinutes(options: ResolvedNotificationOptions, types: string[]): number {
  for (const type of types) {
    const limit = options.maxExpirationMinutes.get(type.slice(type.lastIndexOf('.') + 1));
    if (limit !== undefined) return limit;
  }
  return options.maxExpirationMinutes.get('*') ?? 4230;
}
