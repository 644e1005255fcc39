import type { ODataResponse } from '../exchange.js';

// What both batch formats (JSON, OData 4.01 JSON Format §19; multipart, Protocol §11.7) read
// into and write from. A format's reader turns its envelope into BatchParts; run-batch.ts runs
// them, each through the request pipeline exactly as if it had been sent alone; the format's
// writer turns the outcome back into its envelope. Neither format knows how parts run.

export interface BatchPart {
  /** JSON: the request's `id`; multipart: its Content-ID, or its 1-based position when it has none. */
  id: string;
  /** Upper case. */
  method: string;
  /**
   * As written in the batch: relative to the service root (`mobileApps`), absolute-path
   * (`/beta/mobileApps`), absolute (`https://host/beta/mobileApps`), or starting with a
   * reference to an earlier part (`$1/assignments`).
   */
  url: string;
  /** The part's own headers, names in lower case (the batch request's are merged in when it runs). */
  headers: Record<string, string>;
  /** The body as sent, undefined without one. */
  bodyText: string | undefined;
  /** The body already parsed, when the batch itself was JSON (its text is then only for the journal). */
  body?: unknown;
  /** Ids (of parts or atomicity groups) that must succeed before this part runs. */
  dependsOn: string[];
  /** Parts sharing a group commit all or nothing (a multipart change set, a JSON atomicityGroup). */
  atomicityGroup?: string;
}

/** A part's answer. */
export interface BatchPartResult {
  part: BatchPart;
  response: ODataResponse;
}

export interface BatchOutcome {
  /**
   * One per part that was answered, in the order the parts were given. A part that never ran
   * (processing stopped after a failure, without `Prefer: odata.continue-on-error`) has none.
   */
  results: BatchPartResult[];
  /**
   * Atomicity groups that failed and were rolled back, each with the result of the part that
   * failed it. The other parts of the group answer 424 in `results`; the multipart writer answers
   * a failed change set with this one response instead (Protocol §11.7.4).
   */
  failedGroups: Map<string, BatchPartResult>;
}

/** What a batch format reads and writes; the runner is the same for both. */
export interface BatchFormat {
  read(body: Buffer | string, contentType: string): BatchPart[];
  write(outcome: BatchOutcome): { contentType: string; body: string | Buffer };
}
