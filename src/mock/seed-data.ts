import { readFile } from 'node:fs/promises';
import { ODataError, odataErrors } from '../odata/errors.js';
import { createEntity } from '../odata/handlers/deep-insert.js';
import { resolvePath } from '../odata/path/resolve-path.js';
import type { ResolvedCollection } from '../odata/path/resolved-path.js';
import type { ODataService } from '../odata/service.js';
import { defaultValue } from '../odata/request-entity.js';
import { entityTypeInfo, isDerivedFrom } from '../odata/service.js';
import { setAtPath } from '../odata/entity-key.js';
import type { MemoryStore, StoredEntity } from '../store/memory-store.js';

// The startup dataset. A fixture file maps a collection path (as in a URL, below the service root)
// to the entities to create there, in file order, so parents come before their children. Every
// entity goes through the same validation as a POST: a bad fixture stops the start with its path.
// A path ending in `/$ref` links a navigation to entities created before it, as `POST .../$ref` does.

export type FixtureFile = Record<string, unknown[]>;

export interface LoadedFixture {
  collection: string;
  id: string;
  type: string;
}

/** Every singleton exists from the start, with its properties at their defaults. */
export function createSingletons(service: ODataService, store: MemoryStore): void {
  for (const singleton of Object.values(service.model.container.singletons)) {
    const info = entityTypeInfo(service, singleton.type);
    const properties: Record<string, unknown> = {};
    for (const property of info.type.properties) properties[property.name] = defaultValue(service, property);
    // A singleton's key, where its type has one, is its name when a string can hold it (CSDL
    // lets a singleton's type have any key; a URL never names it, since the path does).
    const [part, ...others] = info.key.parts;
    if (part && others.length === 0 && part.type === 'Edm.String' && info.type.keyProperties.length > 0) setAtPath(properties, part.path, singleton.name);
    store.putSingle(singleton.name, { type: singleton.type, key: singleton.name, properties });
  }
}

export function loadFixtures(service: ODataService, store: MemoryStore, fixtures: FixtureFile, source: string): LoadedFixture[] {
  const loaded: LoadedFixture[] = [];
  for (const [collection, entities] of Object.entries(fixtures)) {
    try {
      if (collection.endsWith('/$ref')) {
        for (const reference of entities) linkFixture(service, store, collection, reference);
        continue;
      }
      const resolved = resolvePath(service, store, collection);
      if (resolved.kind !== 'collection') throw new Error('the path does not address a collection');
      for (const body of entities) {
        const entity = createFixture(service, store, resolved, body);
        loaded.push({ collection, id: entity.key, type: entity.type });
      }
    } catch (error) {
      const reason = error instanceof ODataError
        ? `${error.message}${error.details.length ? ` (${error.details.map((d) => d.message).join('; ')})` : ''}`
        : (error as Error).message;
      throw new Error(`${source}: fixture '${collection}': ${reason}`, { cause: error });
    }
  }
  return loaded;
}

/**
 * One fixture, created where a POST to the same path would create it: under a non-containment
 * navigation that is where its binding points (or the navigation itself), with a link to it, so
 * it is read back through the navigation and through its entity set alike.
 */
function createFixture(service: ODataService, store: MemoryStore, collection: ResolvedCollection, body: unknown): StoredEntity {
  const navigation = collection.navigation && !collection.navigation.property.containsTarget ? collection.navigation : undefined;
  if (!navigation) return createEntity(service, store, collection.collectionPath, collection.type, body).entity;
  const links = store.getLinks(navigation.navigationPath);
  const { entity } = createEntity(service, store, collection.bindingHome ?? collection.collectionPath, collection.type, body, (key) => {
    if (links.has(key)) throw odataErrors.entityExists(key);
  });
  store.addLink(navigation.navigationPath, entity.key, entity.path);
  return entity;
}

/**
 * A link of a non-containment navigation (`users('a')/manager/$ref`: [{"@odata.id": "users('b')"}]),
 * to an entity loaded before it: what `POST .../$ref` (or `PUT` for a single-valued navigation) does.
 */
function linkFixture(service: ODataService, store: MemoryStore, refsPath: string, reference: unknown): void {
  const refs = resolvePath(service, store, refsPath);
  if (refs.kind !== 'collectionRefs' && (refs.kind !== 'entityRef' || refs.key !== undefined)) throw new Error('the path does not address the references of a navigation');
  const id = typeof reference === 'object' && reference !== null ? (reference as Record<string, unknown>)['@odata.id'] : undefined;
  if (typeof id !== 'string') throw new Error('a reference is an object with "@odata.id": the path of an entity');
  const target = resolvePath(service, store, id);
  if (target.kind !== 'entity' || !target.entity) throw new Error(`'${id}' does not address an existing entity`);
  if (!isDerivedFrom(service, target.entity.type, refs.type)) throw odataErrors.refTypeMismatch(target.entity.type, refs.type);
  const { navigationPath } = refs.navigation;
  if (refs.kind === 'entityRef') for (const key of [...store.getLinks(navigationPath).keys()]) store.removeLink(navigationPath, key);
  else if (store.getLinks(navigationPath).has(target.entity.key)) throw odataErrors.refAlreadyExists(refs.navigation.property.name);
  store.addLink(navigationPath, target.entity.key, target.path);
}

export async function readFixtureFile(file: string): Promise<FixtureFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as FixtureFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}
