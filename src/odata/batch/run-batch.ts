import { odataErrors } from '../errors.js';
import { errorResponse } from '../respond.js';
import type { StoreTransaction } from '../../store/memory-store.js';
import type { ODataRequest, ODataResponse, PipelineHost, PlannedFault, RequestPipeline, RequestSession, ServiceMount } from '../exchange.js';
import { batchOrder, type BatchUnit } from './batch-order.js';
import type { BatchOutcome, BatchPart, BatchPartResult } from './batch-part.js';
import { partRequest } from './part-request.js';
import { createdPath, type CreatedEntities } from './part-target.js';
import { synchronousGate } from '../subscriptions.js';

// Runs the parts of a batch, each through the request pipeline exactly as if it had been sent
// alone (session, faults, token and scopes, validation, ETags, journal), in the order
// batch-order.ts gives. What the batch adds:
// - a part whose dependency failed is not run and answers 424 (Graph JSON batching; JSON §19.1);
// - an atomicity group (a change set) commits all or nothing (Protocol §11.7.4): the session's
//   store records how to undo each change of the group (MemoryStore.begin) and undoes them when
//   one of its parts fails, and the group's other parts answer 424 (a `--data` log hears of a
//   group's changes only when it commits);
// - without continue-on-error, nothing runs after the first failure (Protocol §11.7.1);
// - `$<id>` in a URL names the entity an earlier part created.
// Parts run synchronously, one after the other, so no other request can interleave with an
// atomicity group and be undone by its rollback. A latency fault on a part therefore does not
// hold the part: the batch's answer waits for the sum of its parts' delays instead.

export interface BatchRun {
  host: PipelineHost;
  mount: ServiceMount;
  /** The `$batch` request the parts came in. */
  batch: ODataRequest;
  session: RequestSession;
  pipeline: RequestPipeline;
  /** Prefer: odata.continue-on-error, or the format's default (Graph's JSON batching runs every independent request). */
  continueOnError: boolean;
}

export interface BatchRunResult {
  outcome: BatchOutcome;
  /** What the latency faults of the parts add up to. */
  delayMs: number;
  /** A fault dropped the connection of a part: the whole batch's connection is dropped. */
  dropped: boolean;
}

/** A part URL whose last path segment is `$batch`, however it is spelled. */
const NESTED_BATCH = /(^|\/)(\$|%24)batch\/?(\?|#|$)/i;

export function runBatch(run: BatchRun, parts: BatchPart[]): BatchRunResult {
  if (run.host.batchLimit > 0 && parts.length > run.host.batchLimit) throw odataErrors.batchTooLarge(parts.length, run.host.batchLimit);
  for (const part of parts) {
    if (NESTED_BATCH.test(part.url)) throw odataErrors.batchInvalid(`Request '${part.id}' is itself a $batch request; batches do not nest (Protocol §11.7).`, part.id);
  }
  const units = batchOrder(parts);
  const delays = { total: 0 };
  const partHost = withoutDelays(run.host, delays);
  const answers = new Map<BatchPart, ODataResponse>();
  const failedUnits = new Set<BatchUnit>();
  const failedGroups: BatchOutcome['failedGroups'] = new Map();
  const created = new Map<string, string>();
  let dropped = false;
  for (const unit of units) {
    const failedDependency = unit.after.find((dependency) => failedUnits.has(dependency));
    if (failedDependency !== undefined) {
      for (const part of unit.parts) answers.set(part, dependencyFailed(run, partHost, part, `'${failedDependency.id}', which it depends on, failed`));
      failedUnits.add(unit);
      continue;
    }
    const step = runUnit(run, partHost, unit, created);
    for (const [part, response] of step.answers) answers.set(part, response);
    if (step.dropped) {
      dropped = true;
      break;
    }
    if (step.failed === undefined) continue;
    failedUnits.add(unit);
    if (unit.group !== undefined) failedGroups.set(unit.group, step.failed);
    if (!run.continueOnError) break;
  }
  const results: BatchPartResult[] = [];
  for (const part of parts) {
    const response = answers.get(part);
    if (response !== undefined) results.push({ part, response });
  }
  return { outcome: { results, failedGroups }, delayMs: delays.total, dropped };
}

interface UnitStep {
  answers: Map<BatchPart, ODataResponse>;
  /** The part that failed the unit, if one did. */
  failed: BatchPartResult | undefined;
  dropped: boolean;
}

/** One part, or a whole atomicity group rolled back at its first failure. */
function runUnit(run: BatchRun, host: PipelineHost, unit: BatchUnit, created: Map<string, string>): UnitStep {
  const answers = new Map<BatchPart, ODataResponse>();
  const transaction = unit.group === undefined ? undefined : run.session.storeOf(run.mount.prefix).begin();
  try {
    return runParts(run, host, unit, created, answers, transaction);
  } finally {
    transaction?.commit(); // a no-op after a rollback
  }
}

function runParts(
  run: BatchRun, host: PipelineHost, unit: BatchUnit, created: Map<string, string>, answers: Map<BatchPart, ODataResponse>, transaction: StoreTransaction | undefined,
): UnitStep {
  for (const part of unit.parts) {
    const response = runPart(run, host, part, created);
    answers.set(part, response);
    if (response.drop) return { answers, failed: undefined, dropped: true };
    if (response.status < 400) continue;
    const failed = { part, response };
    if (transaction !== undefined) {
      transaction.rollback();
      for (const other of unit.parts) {
        if (other === part) continue;
        created.delete(other.id);
        const because = `its atomicity group '${unit.group ?? ''}' was rolled back because '${part.id}' failed`;
        answers.set(other, dependencyFailed(run, host, other, because, answers.has(other)));
      }
    }
    return { answers, failed, dropped: false };
  }
  return { answers, failed: undefined, dropped: false };
}

function runPart(run: BatchRun, host: PipelineHost, part: BatchPart, created: CreatedEntities & Map<string, string>): ODataResponse {
  const made = partRequest(run.batch, part, run.mount.prefix, created);
  if (made.error !== undefined) return run.pipeline.answerError(host, made.request, made.error);
  const response = run.pipeline.handleRequest(host, run.mount, made.request);
  // withoutDelays leaves the pipeline nothing to wait for; a promise here is a defect.
  if (response instanceof Promise) throw new Error('a $batch part was answered asynchronously');
  const location = response.status < 300 ? response.headers.Location : undefined;
  if (location !== undefined) created.set(part.id, createdPath(location));
  return response;
}

/**
 * 424 for a part that did not run, answered and journaled like any failed request; a part that
 * ran before its group was rolled back keeps its one journal entry (what it answered then).
 */
function dependencyFailed(run: BatchRun, host: PipelineHost, part: BatchPart, because: string, ran = false): ODataResponse {
  const { request } = partRequest(run.batch, part, run.mount.prefix, NOTHING_CREATED);
  const error = odataErrors.failedDependency(part.id, because);
  return ran ? errorResponse(request, error) : run.pipeline.answerError(host, request, error);
}

const NOTHING_CREATED: CreatedEntities = new Map();

/** The host as parts see it: a latency fault's delay is added to the batch's instead of holding the part. */
function withoutDelays(host: PipelineHost, delays: { total: number }): PipelineHost {
  return {
    get pageSize() { return host.pageSize; },
    get batchLimit() { return host.batchLimit; },
    get defaultSession() { return host.defaultSession; },
    session: (headers) => host.session(headers),
    fault: (request, session, path): PlannedFault | undefined => {
      const fault = host.fault(request, session, path);
      if (fault?.delayMs === undefined) return fault;
      delays.total += fault.delayMs;
      return { ...fault, delayMs: undefined };
    },
    authorizer: (prefix) => host.authorizer(prefix),
    // Each part counts against the throttling limits on its own (Graph evaluates batch requests individually).
    throttle: (request, prefix, path, claims) => host.throttle(request, prefix, path, claims),
    written: (session) => host.written(session),
    record: (session, exchange) => host.record(session, exchange),
    failed: (error, request) => host.failed(error, request),
    unimplemented: (error, request) => host.unimplemented(error, request),
    // Change notifications: a part cannot wait for a validation request (subscriptions.ts).
    ...(host.subscriptions === undefined ? {} : { subscriptions: synchronousGate(host.subscriptions) }),
  };
}
