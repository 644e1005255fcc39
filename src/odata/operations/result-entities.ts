import type { EdmUnboundOperation } from '../../edm/model.js';
import type { MemoryStore, StoredEntity } from '../../store/memory-store.js';
import type { ResolvedCollection, ResolvedEntity } from '../path/resolved-path.js';
import { isDerivedFrom, type ODataService } from '../service.js';

// Where the entities an operation returns come from, when no handler says: the store. Bound to a
// collection of the returned type: that collection's members. With an EntitySetPath, or an
// import naming an EntitySet: that set's members. Otherwise the first entity set of the type.
// A single entity: the binding entity when its type fits, else the first member of the above.

export interface ResultSource {
  operation: EdmUnboundOperation;
  binding?: ResolvedCollection | ResolvedEntity;
  /** The EntitySet of the import the call went through. */
  entitySet?: string;
}

/** Two types are related when either derives from the other: one can hold entities of the other. */
const related = (service: ODataService, a: string, b: string) => isDerivedFrom(service, a, b) || isDerivedFrom(service, b, a);

function entitySetCollection(service: ODataService, setName: string, type: string): ResolvedCollection | undefined {
  const set = service.model.container.entitySets[setName];
  if (!set || !related(service, set.entityType, type)) return undefined;
  const collection: ResolvedCollection = { kind: 'collection', source: set.name, type: set.entityType, contextPath: set.name, collectionPath: set.name };
  // A set of a base type holds other entities too: only those of the returned type are the result.
  return set.entityType === type || isDerivedFrom(service, set.entityType, type) ? collection : { ...collection, type, narrowed: true };
}

/** The set an EntitySetPath names (`binding/Nav/...`): the binding parameter's own collection, or a navigation's bound set. */
function pathCollection(service: ODataService, source: ResultSource, type: string): ResolvedCollection | undefined {
  const { binding, operation } = source;
  const [, ...navigations] = operation.entitySetPath?.split('/') ?? [];
  if (binding === undefined) return undefined;
  if (navigations.length === 0) return binding.kind === 'collection' && related(service, binding.type, type) ? binding : undefined;
  // Across a navigation: its NavigationPropertyBinding from the set the binding lives in names the set.
  const root = binding.source;
  const bindings = service.model.container.entitySets[root]?.navigationBindings ?? service.model.container.singletons[root]?.navigationBindings ?? [];
  const target = bindings.find((b) => b.path === navigations.join('/'))?.target;
  return target === undefined ? undefined : entitySetCollection(service, target, type);
}

/** The first entity set of the returned type (or of a type related to it), in the container's order. */
function firstSetOf(service: ODataService, type: string): ResolvedCollection | undefined {
  const sets = Object.values(service.model.container.entitySets);
  const set = sets.find((s) => s.entityType === type) ?? sets.find((s) => related(service, s.entityType, type));
  return set === undefined ? undefined : entitySetCollection(service, set.name, type);
}

/** The collection whose members an operation returning entities of `type` answers with. */
export function resultCollection(service: ODataService, source: ResultSource, type: string): ResolvedCollection | undefined {
  if (source.entitySet !== undefined) return entitySetCollection(service, source.entitySet, type);
  if (source.operation.entitySetPath !== undefined) {
    const found = pathCollection(service, source, type);
    if (found) return found;
  }
  const { binding } = source;
  if (binding?.kind === 'collection' && related(service, binding.type, type)) {
    return isDerivedFrom(service, binding.type, type) ? binding : { ...binding, type, narrowed: true };
  }
  return firstSetOf(service, type);
}

function firstMember(service: ODataService, store: MemoryStore, collection: ResolvedCollection, type: string): StoredEntity | undefined {
  const nav = collection.navigation;
  const members = nav && !nav.property.containsTarget ? store.linked(nav.navigationPath) : store.members(collection.collectionPath);
  for (const entity of members) if (isDerivedFrom(service, entity.type, type)) return entity;
  return undefined;
}

/** The entity an operation returning one entity of `type` answers with (its `entity` undefined when there is none). */
export function resultEntity(service: ODataService, store: MemoryStore, source: ResultSource, type: string): ResolvedEntity {
  const { binding } = source;
  if (binding?.kind === 'entity' && binding.entity && isDerivedFrom(service, binding.entity.type, type) && source.entitySet === undefined) return binding;
  const collection = resultCollection(service, source, type);
  const entity = collection === undefined ? undefined : firstMember(service, store, collection, type);
  const contextPath = collection?.contextPath ?? type;
  return {
    kind: 'entity', source: collection?.source ?? type, type, contextPath, collectionContextPath: contextPath,
    path: entity?.path ?? '', entity,
  };
}
