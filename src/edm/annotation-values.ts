import type { EdmAnnotationValue } from './model.js';
import type { RawAnnotation } from './read-edmx.js';

// The value of an annotation (CSDL 14.4), in attribute notation (`String="x"`) or element
// notation (`<String>x</String>`, `<Collection>`, `<Record>`). Dynamic expressions (If, Apply,
// ...) are not evaluated: an annotation holding one has no value edmock can use.

const asNumber = (text: string): EdmAnnotationValue => {
  const value = Number(text);
  // INF, -INF and NaN (CSDL Float) have no JSON number: keep the literal.
  return Number.isFinite(value) ? value : text;
};
const asText = (text: string): EdmAnnotationValue => text;

const CONSTANTS: [string, (text: string) => EdmAnnotationValue][] = [
  ['String', asText], ['Bool', (text) => text === 'true'], ['Int', asNumber], ['Decimal', asNumber], ['Float', asNumber],
  ['EnumMember', asText], ['Date', asText], ['DateTimeOffset', asText], ['TimeOfDay', asText], ['Duration', asText],
  ['Guid', asText], ['Binary', asText], ['Path', asText], ['PropertyPath', asText], ['NavigationPropertyPath', asText],
  ['AnnotationPath', asText],
];

/** The text of an element as parsed: '' when empty, its #text when it also has attributes. */
function elementText(element: unknown): string {
  if (typeof element === 'string') return element;
  const text = (element as { '#text'?: unknown } | undefined)?.['#text'];
  return typeof text === 'string' || typeof text === 'number' ? String(text) : '';
}

/** The one value an annotation, a PropertyValue or a Collection item holder states; undefined if none. */
export function expressionValue(holder: Record<string, unknown>): EdmAnnotationValue | undefined {
  for (const [name, convert] of CONSTANTS) {
    const value = holder[name];
    if (typeof value === 'string') return convert(value);
    if (Array.isArray(value)) return convert(elementText(value[0]));
  }
  if (Array.isArray(holder.Collection)) return collectionItems(holder.Collection[0]);
  if (Array.isArray(holder.Record)) return recordValue(holder.Record[0]);
  if (Array.isArray(holder.Null)) return null;
  return undefined;
}

/** A Collection's items, each element of it read as one value (grouped by kind, as parsed). */
function collectionItems(collection: unknown): EdmAnnotationValue[] {
  if (typeof collection !== 'object' || collection === null) return [];
  const items: EdmAnnotationValue[] = [];
  for (const [name, elements] of Object.entries(collection as Record<string, unknown>)) {
    if (!Array.isArray(elements)) continue;
    const constant = CONSTANTS.find(([constantName]) => constantName === name)?.[1];
    for (const element of elements) {
      if (constant) items.push(constant(elementText(element)));
      else if (name === 'Record') items.push(recordValue(element));
      else if (name === 'Collection') items.push(collectionItems(element));
      else if (name === 'Null') items.push(null);
    }
  }
  return items;
}

/** A Record as an object of its PropertyValues (its Type and the annotations inside it are not kept). */
function recordValue(record: unknown): { [member: string]: EdmAnnotationValue } {
  const value: { [member: string]: EdmAnnotationValue } = {};
  const propertyValues = (record as { PropertyValue?: unknown } | undefined)?.PropertyValue;
  if (!Array.isArray(propertyValues)) return value;
  for (const propertyValue of propertyValues as Record<string, unknown>[]) {
    const name = propertyValue.Property;
    if (typeof name !== 'string' || name === '__proto__') continue;
    const member = expressionValue(propertyValue);
    if (member !== undefined) value[name] = member;
  }
  return value;
}

/**
 * An annotation's value; a bare `<Annotation Term="Core.Computed"/>` applies a tag: true. One
 * holding only a dynamic expression has none edmock can use: undefined.
 */
export function annotationValue(annotation: RawAnnotation): EdmAnnotationValue | undefined {
  const value = expressionValue(annotation);
  if (value !== undefined) return value;
  const holdsElements = Object.entries(annotation).some(([name, child]) => name !== 'Annotation' && Array.isArray(child));
  return holdsElements ? undefined : true;
}
