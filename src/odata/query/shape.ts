import type { MemoryStore, StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import { writeEntity, type Expanded, type WriteContext } from '../response-json.js';
import { entityTypeInfo, type ODataService } from '../service.js';
import type { ExpandItem, ShapeOptions } from './query-options.js';
import { readCollection } from './read-collection.js';

// $select and $expand: which properties an entity is written with, which navigation properties
// are expanded inline (with their own nested options), and how both show in the context URL
// (JSON Format §10: `collection(select-list)`).

export interface ShapeContext extends WriteContext {
  store: MemoryStore;
}

/** $expand=...($levels=max) stops here: Graph-sized models have cycles. */
const MAX_LEVELS = 8;

/** Checks $select and $expand names against the declared type (and its derived types). */
export function validateShape(service: ODataService, declaredType: string, shape: ShapeOptions): void {
  if (shape.select === undefined && shape.expand === undefined) return;
  const info = entityTypeInfo(service, declaredType);
  // Open types (CSDL 6.3) may hold dynamic properties of any name, so any name can be selected.
  const open = info.type.open || info.concreteTypes.some((t) => entityTypeInfo(service, t).type.open);
  const known = (name: string) => open || info.properties.has(name) || info.navigation.has(name)
    || info.concreteTypes.some((t) => entityTypeInfo(service, t).properties.has(name));
  for (const name of shape.select ?? []) {
    if (name !== '*' && !known(name)) throw odataErrors.badRequest(`Could not find a property named '${name}' on type '${declaredType}'.`, '$select');
  }
  for (const item of shape.expand ?? []) {
    if (item.navigation === '*') continue;
    const nav = info.navigation.get(item.navigation);
    if (!nav) throw odataErrors.badRequest(`Could not find a navigation property named '${item.navigation}' on type '${declaredType}'.`, '$expand');
    validateShape(service, nav.type, item);
  }
}

/** The select list of a context URL, or '' when the whole entity is returned. */
export function selectList(shape: ShapeOptions, version: '4.0' | '4.01'): string {
  const names: string[] = shape.select && !shape.select.includes('*') ? [...shape.select] : shape.select ? ['*'] : [];
  for (const item of shape.expand ?? []) {
    const nested = selectList(item, version);
    // JSON Format 4.01 §10.9: an expanded navigation appears as `nav(...)`, `nav()` when nothing
    // inside it is narrowed; OData 4.0 lists it only when it has a nested select list.
    if (nested !== '') names.push(`${item.navigation}${nested}`);
    else if (version === '4.01') names.push(`${item.navigation}()`);
  }
  if (names.length === 0 || (names.length === 1 && names[0] === '*' && version === '4.0')) return '';
  return `(${names.join(',')})`;
}

function selectedNames(entity: StoredEntity, select: string[] | undefined): string[] | undefined {
  if (!select || select.includes('*')) return undefined;
  return select.filter((name) => Object.hasOwn(entity.properties, name));
}

function navigationTargets(context: ShapeContext, owner: StoredEntity, name: string, contained: boolean, collection: boolean): StoredEntity[] {
  const { store } = context;
  const navigationPath = `${owner.path}/${name}`;
  if (contained && collection) return store.list(navigationPath);
  if (contained) {
    const entity = store.get(navigationPath);
    return entity ? [entity] : [];
  }
  return store.linked(navigationPath);
}

function expandItems(context: ShapeContext, owner: StoredEntity, items: ExpandItem[], depth: number): Expanded[] {
  const info = entityTypeInfo(context.service, owner.type);
  const expanded: Expanded[] = [];
  const wanted = items.flatMap((item) => (item.navigation === '*' ? info.type.navigationProperties.map((n) => ({ ...item, navigation: n.name })) : [item]));
  for (const item of wanted) {
    const nav = info.navigation.get(item.navigation);
    if (!nav) continue; // declared on a derived type this entity is not
    const targets = navigationTargets(context, owner, nav.name, nav.containsTarget, nav.collection);
    // $levels repeats the same expansion on the target (URL Conventions §5.1.3.4).
    const levels = item.levels === 'max' ? MAX_LEVELS : item.levels ?? 1;
    const nestedExpand = levels > 1 && depth < MAX_LEVELS ? [...(item.expand ?? []), { ...item, levels: levels - 1 }] : item.expand;
    const nested = { ...item, expand: nestedExpand };
    if (!nav.collection) {
      const [target] = targets;
      expanded.push({ name: nav.name, value: target ? shapeEntity(context, target, nested, depth + 1) : null });
      continue;
    }
    const page = readCollection(context.service, nav.type, targets, undefined, item);
    const value = page.items.map((target) => shapeEntity(context, target, nested, depth + 1));
    const entry: Expanded = { name: nav.name, value };
    if (page.count !== undefined) entry.count = page.count;
    expanded.push(entry);
  }
  return expanded;
}

const NO_SHAPE = {};

/** An entity's JSON with its $select and $expand applied. */
export function shapeEntity(context: ShapeContext, entity: StoredEntity, shape: ShapeOptions, depth = 0, contextFragment?: string): string {
  const select = selectedNames(entity, shape.select);
  if (select === undefined && shape.expand === undefined) return writeEntity(context, entity, NO_SHAPE, contextFragment);
  const expanded = shape.expand && depth <= MAX_LEVELS ? expandItems(context, entity, shape.expand, depth) : [];
  return writeEntity(context, entity, select ? { select, expanded } : { expanded }, contextFragment);
}
