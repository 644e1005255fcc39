import { entityPath, type MemoryStore, type StoredEntity } from '../../store/memory-store.js';
import { ODataError, odataErrors, retargeted } from '../errors.js';
import type { ExpandItem } from '../query/query-options.js';
import { entityTypeInfo, type ODataService } from '../service.js';
import { completeForCreate, prepareWriteBody, type BodyFormat, type WriteBody } from '../request-entity.js';

// Creating an entity, with the contained entities its body nests (deep insert, OData 4.01
// Protocol §11.4.2.2). The whole tree is validated and keyed first; only then is anything
// stored, so a request creates all of it or nothing. Each nested entity is a create in its own
// collection, and is authorised as a POST to that collection would be (Graph checks the
// permissions of every entity a request writes): `authorizeNested` hears of each one's path.

interface Plan {
  collectionPath: string;
  type: string;
  key: string;
  /** The key predicate of the entity's path (`(5)`, `('a')`, `(a=1,b='x')`). */
  predicate: string;
  properties: Record<string, unknown>;
  children: { navigation: string; collection: boolean; plans: Plan[] }[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Re-targets a nested body's errors (`errorCode` -> `deviceStatuses/0/errorCode`). */
function nested<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ODataError) || error.status !== 400) throw error;
    throw retargeted(error, prefix);
  }
}

/**
 * An `@odata.id` in a nested entity makes it a reference to an existing entity (Protocol
 * §11.4.2.2), which a containment navigation cannot hold: its entities live only inside it.
 */
function refuseReference(child: unknown, where: string): void {
  if (isObject(child) && Object.hasOwn(child, '@odata.id')) {
    throw odataErrors.badRequest('A contained entity cannot be a reference to an existing one: send the new entity without "@odata.id".', `${where}/@odata.id`);
  }
}

export interface CreateExtras {
  /** How the body encodes numbers. */
  format?: BodyFormat;
  /**
   * Called before the entities of a nested collection are read, with that collection's path
   * below the one created in, as segments (`[<new key>, 'userStatuses']`); throws to refuse.
   */
  authorizeNested?: (below: string[]) => void;
}

interface PlanContext {
  service: ODataService;
  store: MemoryStore;
  format: BodyFormat;
  authorizeNested: ((below: string[]) => void) | undefined;
}

function plan(context: PlanContext, collectionPath: string, body: WriteBody, siblings: Set<string> | undefined, targetPrefix: string, below: string[]): Plan {
  const { service, format } = context;
  const info = entityTypeInfo(service, body.type);
  // Where a server-assigned integer key is free: among the stored members and the siblings planned before.
  const space = siblings
    ? { size: siblings.size, taken: (candidate: string) => siblings.has(candidate) }
    : { size: context.store.memberCountOf(collectionPath), taken: (candidate: string) => context.store.getMember(collectionPath, candidate) !== undefined };
  const { key, properties } = completeForCreate(service, body, space);
  if (key === '') throw odataErrors.badRequest('The key property must not be empty.', targetPrefix ? `${targetPrefix}/id` : info.key.parts[0]?.path.join('/') ?? null);
  if (siblings) {
    if (siblings.has(key)) throw odataErrors.entityExists(key);
    siblings.add(key);
  }
  const children: Plan['children'] = [];
  const predicate = info.key.predicate(key);
  if (body.navigation.size === 0) return { collectionPath, type: body.type, key, predicate, properties, children };
  const path = entityPath(collectionPath, key, predicate);
  for (const [name, value] of body.navigation) {
    const nav = info.navigation.get(name)!;
    const where = targetPrefix ? `${targetPrefix}/${name}` : name;
    if (!nav.containsTarget) throw odataErrors.unsupportedFeature(`Deep insert through the non-containment navigation '${name}'`, where);
    const childBelow = [...below, key, name];
    const childPath = `${path}/${name}`;
    if (nav.collection) {
      if (!Array.isArray(value)) throw odataErrors.badRequest(`'${name}' is a collection: send an array of entities.`, where);
      // Checked when it writes an entity there (an empty array writes none).
      if (value.length > 0) context.authorizeNested?.(childBelow);
      const keys = new Set<string>();
      value.forEach((child, index) => refuseReference(child, `${where}/${index}`));
      const plans = value.map((child, index) => nested(`${where}/${index}`, () => plan(context, childPath, prepareWriteBody(service, child, nav.type, 'create', undefined, format), keys, '', childBelow)));
      children.push({ navigation: name, collection: true, plans });
    } else {
      if (value === null) continue;
      if (!isObject(value)) throw odataErrors.badRequest(`'${name}' is a single entity: send an object.`, where);
      context.authorizeNested?.(childBelow);
      refuseReference(value, where);
      const child = nested(where, () => plan(context, childPath, prepareWriteBody(service, value, nav.type, 'create', undefined, format), undefined, '', childBelow));
      children.push({ navigation: name, collection: false, plans: [child] });
    }
  }
  return { collectionPath, type: body.type, key, predicate, properties, children };
}

function commit(store: MemoryStore, plan: Plan, single: boolean): StoredEntity {
  const created = single
    ? store.putSingle(plan.collectionPath, { type: plan.type, key: plan.key, properties: plan.properties })
    : store.insertMember(plan.collectionPath, { type: plan.type, key: plan.key, properties: plan.properties }, plan.predicate);
  for (const child of plan.children) for (const childPlan of child.plans) commit(store, childPlan, !child.collection);
  return created;
}

/** The union of what a set of plans deep-inserted, as an $expand tree. */
function expansionOf(plans: Plan[]): ExpandItem[] {
  const byNavigation = new Map<string, Plan[]>();
  for (const p of plans) for (const child of p.children) byNavigation.set(child.navigation, [...(byNavigation.get(child.navigation) ?? []), ...child.plans]);
  return [...byNavigation].map(([navigation, childPlans]) => ({ navigation, expand: expansionOf(childPlans) }));
}

export interface Created {
  /** The entity stored; its canonical path is `entity.path`. */
  entity: StoredEntity;
  /** The navigation properties the body inserted into, to return them expanded. */
  expand: ExpandItem[];
}

/**
 * Validates a create body (and everything nested in it) against `declaredType`, then stores it in
 * `collectionPath`: the one place where entities are created, for HTTP requests and fixtures.
 * `beforeCommit` runs after validation and before the first write, for extra checks.
 */
export function createEntity(
  service: ODataService, store: MemoryStore, collectionPath: string, declaredType: string, body: unknown,
  beforeCommit?: (key: string) => void, extras: CreateExtras = {},
): Created {
  const format = extras.format ?? {};
  const prepared = prepareWriteBody(service, body, declaredType, 'create', undefined, format);
  const root = plan({ service, store, format, authorizeNested: extras.authorizeNested }, collectionPath, prepared, undefined, '', []);
  if (store.getMember(collectionPath, root.key)) throw odataErrors.entityExists(root.key);
  beforeCommit?.(root.key);
  return { entity: commit(store, root, false), expand: root.children.length === 0 ? [] : expansionOf([root]) };
}
