import type { EdmProperty } from '../edm/model.js';
import { DecimalText, decimalParts, digitCounts } from './exact-number.js';
import type { ODataService } from './service.js';

// The facets of an Edm.Decimal (CSDL 7.2.3 Precision, 7.2.4 Scale): at most `Precision`
// significant digits, of which at most `Scale` after the decimal point. A Scale left out is read
// as `variable`, as Graph's own Decimal properties behave (CSDL's default of 0 would refuse every
// fraction they take), so only a declared number bounds the fraction.

const constrained = (property: EdmProperty): boolean =>
  property.type === 'Edm.Decimal' && (property.precision !== undefined || typeof property.scale === 'number');

/** Whether a structured type (its complex members too, derived ones included) declares a constrained Decimal. */
function declaresFacets(service: ODataService, properties: readonly EdmProperty[], seen: Set<string>): boolean {
  for (const property of properties) {
    if (constrained(property)) return true;
    if (property.typeKind !== 'complex' || seen.has(property.type)) continue;
    seen.add(property.type);
    const complex = service.model.complexTypes[property.type];
    for (const name of [property.type, ...(complex?.derivedTypes ?? [])]) {
      const inner = service.model.complexTypes[name];
      if (inner && declaresFacets(service, inner.properties, seen)) return true;
    }
  }
  return false;
}

const byService = new WeakMap<ODataService, Map<string, boolean>>();

/** Whether a body of this entity type can hold a Decimal whose facets must be checked (found once per type). */
export function hasDecimalFacets(service: ODataService, entityType: string): boolean {
  let byType = byService.get(service);
  if (byType === undefined) byService.set(service, (byType = new Map<string, boolean>()));
  let found = byType.get(entityType);
  if (found === undefined) {
    const type = service.model.entityTypes[entityType];
    found = type !== undefined && declaresFacets(service, type.properties, new Set());
    byType.set(entityType, found);
  }
  return found;
}

/** The message of a Decimal value beyond its property's facets; undefined when it fits. */
export function checkDecimalFacets(property: EdmProperty, value: number | bigint | DecimalText): string | undefined {
  if (!constrained(property)) return undefined;
  const text = value instanceof DecimalText ? value.text : String(value);
  const parts = decimalParts(text);
  if (parts === undefined) return `Cannot convert the literal '${text}' to the expected type 'Edm.Decimal'.`;
  const { integer, fraction } = digitCounts(parts);
  const { precision, scale } = property;
  if (typeof scale === 'number' && fraction > scale) {
    return `The value ${text} has ${fraction} digits after the decimal point, but '${property.name}' allows ${scale} (Scale=${scale}).`;
  }
  if (precision === undefined) return undefined;
  const allowedInteger = typeof scale === 'number' ? precision - scale : precision;
  const used = scale === 'floating' ? parts.digits.length : typeof scale === 'number' ? integer : integer + fraction;
  if (used > allowedInteger) {
    const facets = typeof scale === 'number' ? `Precision=${precision}, Scale=${scale}: at most ${allowedInteger} digits before the decimal point` : `Precision=${precision}: at most ${precision} digits`;
    return `The value ${text} has more digits than '${property.name}' allows (${facets}).`;
  }
  return undefined;
}
