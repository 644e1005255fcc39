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
