import type { ErrorObject } from 'ajv';

// The contract between the generated validators and the code that calls them: one validator per
// entity or complex type and write mode, found by an export name both sides compute the same way.

export type WriteMode = 'create' | 'update';

/** A compiled body validator (Ajv's shape: a predicate that leaves its findings in `errors`). */
export interface BodyValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const exportNames = new Map<string, string>();

/** A JS identifier for a validator export; `$` cannot occur in an EDM name, so this cannot collide. */
export function validatorExportName(mode: WriteMode, qualifiedName: string): string {
  const cacheKey = `${mode} ${qualifiedName}`;
  let name = exportNames.get(cacheKey);
  if (name === undefined) exportNames.set(cacheKey, (name = `${mode}$${qualifiedName.replace(/\./g, '$')}`));
  return name;
}
