import { odataErrors } from './errors.js';
import { entityTypeInfo, resolveEntityTypeName, type ODataService } from './service.js';

// `@odata.type` of a request body (OData JSON 4.01 §4.5.3): it may be omitted when it names the
// declared type, and must be given when the declared type is abstract. The type may be written
// `#microsoft.graph.X`, `microsoft.graph.X`, with the schema alias (`#graph.X`) or with a
// configured foreign namespace; the canonical name is what gets stored and returned.

/** The concrete type a write body creates or updates. */
export function resolveWriteType(service: ODataService, declared: string, annotation: unknown): string {
  const { concreteTypes, type } = entityTypeInfo(service, declared);
  if (annotation === undefined) {
    if (type.abstract) throw odataErrors.typeRequired(declared, concreteTypes.map((t) => `#${t}`));
    return declared;
  }
  if (typeof annotation !== 'string') throw odataErrors.badRequest('@odata.type must be a string naming a type.', '@odata.type');
  const written = annotation.startsWith('#') ? annotation.slice(1) : annotation;
  const resolved = resolveEntityTypeName(service, written);
  if (resolved === undefined || !concreteTypes.includes(resolved)) {
    throw odataErrors.typeNotAllowed(annotation, declared, concreteTypes.map((t) => `#${t}`));
  }
  return resolved;
}
