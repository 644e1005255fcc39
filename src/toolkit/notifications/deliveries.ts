import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ExchangeRecord, OutboundAttempt, RequestSession } from '../../odata/exchange.js';
import type { OutboundRequests, PostResult } from './http-post.js';
import { MAX_TIMER_MS, type ResolvedNotificationOptions } from './options.js';

// Delivering notifications as Graph does ("Receive change notifications through webhooks"):
// notifications for one URL that come within a short window go in one POST of a
// changeNotificationCollection (`{"value": [...]}`); a delivery counts once the receiver answers
// 2xx; any other answer, or none within the timeout, is retried (Graph: "for up to 4 hours"; here
// `retries` times, waiting `retryBackoffMs` doubled each time). Every attempt is journaled in the
// session the subscriptions belong to. Timers are unref'd and stopped on close.

export type DeliveryKind = 'notification' | 'lifecycle';

/** One changeNotification, with what delivery needs to know of its subscription. */
export interface QueuedNotification {
  subscriptionId: string;
  payload: Record<string, unknown>;
}

interface Batch {
  session: RequestSession;
  url: URL;
  kind: DeliveryKind;
  items: QueuedNotification[];
}

export const NOTIFICATION_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' } as const;
const KEPT_ANSWER = 1024;

export class Deliveries {
  private readonly open = new Map<string, Batch>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly options: ResolvedNotificationOptions,
    private readonly outbound: OutboundRequests,
    private readonly record: (session: RequestSession, record: ExchangeRecord) => void,
    /** Told of notifications given up on (Graph's `missed` lifecycle event follows). */
    private readonly dropped: (session: RequestSession, items: QueuedNotification[]) => void,
  ) {}

  enqueue(session: RequestSession, url: URL, kind: DeliveryKind, item: QueuedNotification): void {
    if (this.closed) return;
    const key = `${session.id}\n${kind}\n${url.href}`;
    const batch = this.open.get(key);
    if (batch !== undefined) {
      batch.items.push(item);
      return;
    }
    this.open.set(key, { session, url, kind, items: [item] });
    this.later(this.options.batchWindowMs, () => {
      const due = this.open.get(key);
      this.open.delete(key);
      if (due !== undefined) void this.attempt(due, JSON.stringify({ value: due.items.map((i) => i.payload) }), 1);
    });
  }

  /** Stops every timer and forgets what was queued; requests under way are aborted by the caller. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.open.clear();
  }

  /** Forgets what is queued for a session that ended. */
  forgetSession(id: string): void {
    for (const key of [...this.open.keys()]) if (key.startsWith(`${id}\n`)) this.open.delete(key);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(batch: Batch, bodyText: string, attempt: number): Promise<void> {
    const started = performance.now();
    const result = await this.outbound.post(batch.url, NOTIFICATION_HEADERS, bodyText, this.options.deliveryTimeoutMs);
    if (this.closed) return;
    const failure = failureOf(result);
    const outbound: OutboundAttempt = { kind: batch.kind, attempt, subscriptionIds: [...new Set(batch.items.map((i) => i.subscriptionId))] };
    if ('answer' in result && result.answer.body !== '') outbound.responseBody = result.answer.body.slice(0, KEPT_ANSWER);
    if (failure !== undefined) {
      outbound.failure = failure;
      // Doubled each time, up to the longest wait a timer holds (a longer one would run at once).
      const retryInMs = Math.min(this.options.retryBackoffMs * 2 ** (attempt - 1), MAX_TIMER_MS);
      if (attempt <= this.options.retries) Object.assign(outbound, { outcome: 'retry', retryInMs });
      else outbound.outcome = 'dropped';
    }
    this.record(batch.session, outboundRecord(batch.url, NOTIFICATION_HEADERS, bodyText, result, performance.now() - started, outbound));
    if (outbound.outcome === 'retry') this.later(outbound.retryInMs as number, () => void this.attempt(batch, bodyText, attempt + 1));
    else if (outbound.outcome === 'dropped' && batch.kind === 'notification') this.dropped(batch.session, batch.items);
  }
}

function failureOf(result: PostResult): string | undefined {
  if ('failure' in result) return result.failure;
  const { status } = result.answer;
  return status >= 200 && status < 300 ? undefined : `answered ${status}`;
}

/** A journal record of a request edmock sent: the receiver's status (0 when none), what was sent, and what it was for. */
export function outboundRecord(url: URL, headers: Record<string, string>, bodyText: string, result: PostResult, durationMs: number, outbound: OutboundAttempt): ExchangeRecord {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) sent[name.toLowerCase()] = value;
  return {
    time: Date.now(), method: 'POST', url: url.href, headers: sent, bodyText, status: 'answer' in result ? result.answer.status : 0,
    error: undefined, fault: undefined, durationMs, requestId: randomUUID(), batch: undefined, outbound,
  };
}
