import type { EdmEntityType, EdmKeyProperty, EdmModel } from '../edm/model.js';
import { odataErrors } from './errors.js';
import { keyLiteral, KeyLiteralError, type KeyLiteral } from './key-literals.js';

// One entity type's key, in every form it takes (URL Conventions §4.3.1, CSDL §8.3): the values
// in an entity's properties (following property paths: `Info/ID`), the key predicate of URLs,
// `Location` and `@odata.id` (`(1)`, `('a')`, `(a=1,b='x')`), and the store key, one string per
// entity. A single-part key's store key is its plain value (GUIDs in lower case), as data
// files hold it; a composite key's is its predicate in key order, percent-decoded
// (`a=1,b='x'`), so that the store path, `(` + that text encoded + `)`, reads back to it.

export interface KeyPart {
  /** The name in URLs: the PropertyRef's alias, or the property's name. */
  name: string;
  /** Property names from the entity to the value. */
  path: string[];
  type: string;
  literal: KeyLiteral;
}

/** Characters a key predicate keeps as they are; any other is percent-encoded (`+` included, as forms would read it as a space). */
const PREDICATE_SAFE = /^[A-Za-z0-9\-._~'=,:]*$/;

function encodePredicate(text: string): string {
  if (PREDICATE_SAFE.test(text)) return text;
  let encoded = '';
  for (const char of text) encoded += PREDICATE_SAFE.test(char) ? char : encodeURIComponent(char);
  return encoded;
}

/** Keys made only of URL-unreserved characters need no encoding in a quoted string (as store-paths writes them). */
const PLAIN_STRING = /^[A-Za-z0-9._~-]*$/;

/** The value at a property path, or undefined where the path is not there. */
export function valueAtPath(properties: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = properties;
  for (const name of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/** Sets the value at a property path, making the objects on the way where they are missing. */
export function setAtPath(properties: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let owner = properties;
  for (const name of path.slice(0, -1)) {
    const next = owner[name];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) owner = next as Record<string, unknown>;
    else owner = owner[name] = {};
  }
  owner[path[path.length - 1] as string] = value;
}

/** `a=1,b='x,y'` -> `['a=1', "b='x,y'"]`: commas inside quoted strings do not split. */
function splitParts(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x27) quoted = !quoted; // a doubled quote toggles twice
    else if (c === 0x2c && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const NAMED_PART = /^([A-Za-z_][A-Za-z0-9_]*)=/;

export class EntityKey {
  readonly parts: readonly KeyPart[];
  readonly composite: boolean;
  private readonly single: KeyPart | undefined;

  constructor(parts: KeyPart[]) {
    this.parts = parts;
    this.composite = parts.length > 1;
    this.single = parts.length === 1 ? parts[0] : undefined;
  }

  /** The store key of an entity, or the first part that has no value there (a missing or null property). */
  storeKeyOf(properties: Record<string, unknown>): { key: string } | { missing: KeyPart } {
    if (this.single) {
      const value = this.single.literal.fromValue(valueAtPath(properties, this.single.path));
      return value === undefined ? { missing: this.single } : { key: value };
    }
    const written: string[] = [];
    for (const part of this.parts) {
      const value = part.literal.fromValue(valueAtPath(properties, part.path));
      if (value === undefined) return { missing: part };
      written.push(`${part.name}=${part.literal.write(value)}`);
    }
    return { key: written.join(',') };
  }

  /** The key predicate of a store key, percent-encoded as URLs, `Location` and `@odata.id` write it. */
  predicate(storeKey: string): string {
    const single = this.single;
    if (!single) return `(${encodePredicate(storeKey)})`;
    if (single.literal === STRING_LITERAL) {
      return PLAIN_STRING.test(storeKey) ? `('${storeKey}')` : `('${encodeURIComponent(storeKey.replace(/'/g, "''"))}')`;
    }
    return `(${encodePredicate(single.literal.bare ? storeKey : single.literal.write(storeKey))})`;
  }

  /**
   * A key predicate as the URL had it (percent-decoded, without its parentheses) -> the store key.
   * `where` names the collection in messages. Named parts may come in any order, each once.
   */
  readPredicate(text: string, where: string): string {
    const single = this.single;
    // The common forms first, without splitting: `('a')`, `(5)`.
    if (single && !NAMED_PART.test(text) && (text.charCodeAt(0) === 0x27 || !text.includes(','))) return this.readPart(single, text, where);
    const items = splitParts(text);
    if (single && items.length === 1 && !NAMED_PART.test(text)) return this.readPart(single, text, where);
    const given = new Map<string, string>();
    for (const item of items) {
      const named = NAMED_PART.exec(item);
      if (!named) {
        if (single) throw odataErrors.invalidUrl(`the key of '${where}' has one part, '${single.name}': '${text}' is not one key literal`);
        throw odataErrors.invalidUrl(`the key of '${where}' has the parts ${this.names()}: each is written name=value, as in (${this.parts.map((p) => `${p.name}=...`).join(',')})`);
      }
      const name = named[1] as string;
      if (!this.parts.some((p) => p.name === name)) throw odataErrors.invalidUrl(`'${name}' is not a key part of '${where}', whose key is ${this.names()}`);
      if (given.has(name)) throw odataErrors.invalidUrl(`the key part '${name}' of '${where}' is given twice`);
      given.set(name, item.slice(named[0].length));
    }
    const values: string[] = [];
    for (const part of this.parts) {
      const literal = given.get(part.name);
      if (literal === undefined) throw odataErrors.invalidUrl(`the key part '${part.name}' of '${where}' is missing; the key is ${this.names()}`);
      values.push(this.readPart(part, literal, where));
    }
    if (single) return values[0] as string;
    return this.parts.map((part, index) => `${part.name}=${part.literal.write(values[index] as string)}`).join(',');
  }

  /** Key as segment (URL Conventions §4.3.6): only a single-part key can be written so. */
  readSegment(text: string, where: string): string {
    const single = this.single;
    if (!single) throw odataErrors.invalidUrl(`the key of '${where}' has the parts ${this.names()}, so it is written in parentheses, not as a segment: '${text}'`);
    try {
      return single.literal.readSegment(text);
    } catch (error) {
      throw this.literalError(error, single, text, where);
    }
  }

  private readPart(part: KeyPart, literal: string, where: string): string {
    try {
      if (part.literal.bare && literal.charCodeAt(0) === 0x27) throw new KeyLiteralError(`is an ${part.type}, which is written without quotes`);
      return part.literal.read(literal);
    } catch (error) {
      throw this.literalError(error, part, literal, where);
    }
  }

  private literalError(error: unknown, part: KeyPart, literal: string, where: string): unknown {
    if (!(error instanceof KeyLiteralError)) return error;
    const which = this.single ? 'key' : `key part '${part.name}'`;
    return odataErrors.invalidUrl(`the ${which} '${literal}' of '${where}' ${error.message}`);
  }

  private names(): string {
    return this.parts.map((p) => `'${p.name}'`).join(', ');
  }
}

const STRING_LITERAL = keyLiteral('Edm.String');

/** The names an enum type's namespace goes by in URLs: its alias, as `Alias.Color'Red'`. */
function enumPrefixes(model: EdmModel, qualifiedName: string): string[] {
  const dot = qualifiedName.lastIndexOf('.');
  const namespace = qualifiedName.slice(0, dot);
  const name = qualifiedName.slice(dot + 1);
  return Object.entries(model.aliases).filter(([, ns]) => ns === namespace).map(([alias]) => `${alias}.${name}`);
}

function keyPart(model: EdmModel, property: EdmKeyProperty): KeyPart {
  const enumType = property.typeKind === 'enum' ? model.enumTypes[property.type] : undefined;
  return { name: property.name, path: property.path, type: property.type, literal: enumType ? keyLiteral(property.type, enumType, enumPrefixes(model, property.type)) : keyLiteral(property.type) };
}

/** The key codec of an entity type; a type without a key gets one part, `id`, as strings. */
export function entityKeyOf(model: EdmModel, type: EdmEntityType): EntityKey {
  const properties = type.keyProperties.length > 0 ? type.keyProperties : [{ name: 'id', path: ['id'], type: 'Edm.String', typeKind: 'primitive' as const }];
  return new EntityKey(properties.map((property) => keyPart(model, property)));
}
