/**
 * A defect in an EDMX document. `element` names the offending element the way a reader finds it
 * in the file (`EntityType 'microsoft.graph.mobileApp'`, `Property 'status' of ...`), so the
 * message points at the fix.
 */
export class EdmError extends Error {
  constructor(
    readonly element: string,
    readonly problem: string,
    readonly source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}${element}: ${problem}`);
    this.name = 'EdmError';
  }
}

/** Stops model building at the first defect found, naming the element at fault. */
export type Fail = (element: string, problem: string) => never;

/** A Fail whose errors name the document they come from. */
export function failIn(source?: string): Fail {
  return (element, problem) => {
    throw new EdmError(element, problem, source);
  };
}

/**
 * What edmock thought of an element it could serve anyway (a warning) or could not (an error).
 * `element` is the element's path as EdmError names it; `source` the file it is in.
 */
export interface EdmDiagnostic {
  severity: 'error' | 'warning';
  element: string;
  problem: string;
  source?: string;
}

/** Records something CSDL forbids that real services publish, and goes on building. */
export type Warn = (element: string, problem: string) => void;
