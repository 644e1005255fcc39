import type { odataErrors } from '../errors.js';

// What a user writes to script the mock (docs/handlers.md): answers of operations and hooks
// around the create, read, list, update and delete of entity sets, in a module given to
// `serve --handlers FILE` or to `createMockServer({ handlers })`. Typed over a map of entity set
// names to the generated entity types, so that property names are checked in TypeScript.
//
// Handlers are synchronous: a request's writes and its answer happen in one turn, which is what
// keeps a `$batch` change set atomic and a `--data` log in request order.

/** Entity set (or singleton) name -> its entity type, e.g. `{ People: Person }` from generated/<service>/types.ts. */
export type EntitySetTypes = Record<string, object>;

/** Any entity, when no map of entity set types is given. */
export type AnyEntity = Record<string, unknown>;

type EntityOf<Sets, S> = S extends keyof Sets ? Sets[S] : AnyEntity;

/** An entity as answered: its properties and, where the answer has them, control information such as `@odata.etag`. */
export type Answered<T> = T & Record<`@${string}`, unknown>;

/**
 * The entities of the request's session, by entity set name and key. Writes are validated as a
 * POST or PATCH would be, and fail with the same OData errors; a value read is a copy.
 */
export interface HandlerStore<Sets extends object = EntitySetTypes> {
  get<S extends keyof Sets & string>(entitySet: S, key: string | number): Sets[S] | undefined;
  list<S extends keyof Sets & string>(entitySet: S): Sets[S][];
  create<S extends keyof Sets & string>(entitySet: S, entity: Partial<Sets[S]>): Sets[S];
  /** Merges `changes` into the entity (PATCH semantics); keys cannot change. */
  update<S extends keyof Sets & string>(entitySet: S, key: string | number, changes: Partial<Sets[S]>): Sets[S];
  /** False when there was no such entity. */
  delete<S extends keyof Sets & string>(entitySet: S, key: string | number): boolean;
}

/** What every handler is given. */
export interface HandlerContext<Sets extends object = EntitySetTypes> {
  /** The service's URL prefix (`` at the root), for handlers shared by several services. */
  service: string;
  /** The session of the request (`x-edmock-session`), '' for the default one. */
  session: string;
  store: HandlerStore<Sets>;
  /** The error catalog: `throw ctx.errors.badRequest('...', 'Age')` answers that OData error. */
  errors: typeof odataErrors;
}

export interface EntitySetContext<Sets extends object, S> extends HandlerContext<Sets> {
  /** The entity set or singleton the URL addresses (for a contained collection: `<type>/<navigation>`). */
  entitySet: S & string;
}

/** Before a create: `body` is the request body as sent; change it, return a new one, or throw. */
export interface BeforeCreateContext<Sets extends object, S> extends EntitySetContext<Sets, S> {
  body: Partial<EntityOf<Sets, S>>;
}

/** A single entity's hooks: its key as stored, and the entity. */
export interface EntityHookContext<Sets extends object, S, E> extends EntitySetContext<Sets, S> {
  key: string;
  entity: E;
}

export interface BeforeUpdateContext<Sets extends object, S> extends EntityHookContext<Sets, S, EntityOf<Sets, S>> {
  /** The request body as sent; change it, return a new one, or throw. */
  body: Partial<EntityOf<Sets, S>>;
  /** PUT (the entity is replaced: what the body omits goes back to its default), not PATCH. */
  replace: boolean;
}

export interface BeforeReadContext<Sets extends object, S> extends EntitySetContext<Sets, S> {
  key: string;
}

export interface AfterListContext<Sets extends object, S> extends EntitySetContext<Sets, S> {
  /** The page's entities as answered. */
  entities: Answered<EntityOf<Sets, S>>[];
}

type Maybe<T> = T | undefined | void;

/** Hooks of one entity set. A `before*` may throw an error of `ctx.errors` to refuse; an `after*` may return (or change) the answer. */
export interface EntitySetHooks<Sets extends object = EntitySetTypes, S = string> {
  beforeCreate?(ctx: BeforeCreateContext<Sets, S>): Maybe<Partial<EntityOf<Sets, S>>>;
  /** `entity` as answered (201) or, with `return=minimal`, as stored. */
  afterCreate?(ctx: EntityHookContext<Sets, S, Answered<EntityOf<Sets, S>>>): Maybe<Answered<EntityOf<Sets, S>>>;
  beforeRead?(ctx: BeforeReadContext<Sets, S>): void;
  afterRead?(ctx: EntityHookContext<Sets, S, Answered<EntityOf<Sets, S>>>): Maybe<Answered<EntityOf<Sets, S>>>;
  beforeList?(ctx: EntitySetContext<Sets, S>): void;
  afterList?(ctx: AfterListContext<Sets, S>): Maybe<Answered<EntityOf<Sets, S>>[]>;
  /** PATCH and PUT; `entity` as stored before the change. */
  beforeUpdate?(ctx: BeforeUpdateContext<Sets, S>): Maybe<Partial<EntityOf<Sets, S>>>;
  /** `entity` as stored after the change; what it returns is answered only when the client asked for `return=representation`. */
  afterUpdate?(ctx: EntityHookContext<Sets, S, Answered<EntityOf<Sets, S>>>): Maybe<Answered<EntityOf<Sets, S>>>;
  beforeDelete?(ctx: EntityHookContext<Sets, S, EntityOf<Sets, S>>): void;
  /** `entity` as it was. */
  afterDelete?(ctx: EntityHookContext<Sets, S, EntityOf<Sets, S>>): void;
}

/** An operation's answer: its result (undefined for none: 204), or an OData error thrown. */
export interface OperationContext<Sets extends object = EntitySetTypes> extends HandlerContext<Sets> {
  /** Qualified name (`Ns.name`) and kind of the operation called. */
  operation: { name: string; qualifiedName: string; kind: 'action' | 'function' };
  /** The parameters, validated against their declared types. */
  parameters: Record<string, unknown>;
  /**
   * For a bound operation: a copy of the binding entity, or of the binding collection's entities;
   * undefined for an unbound one. Typed as any entity of the map: `binding as Person` narrows it.
   */
  binding: Sets[keyof Sets] | Sets[keyof Sets][] | undefined;
}

export type OperationHandlerFunction<Sets extends object = EntitySetTypes> = (ctx: OperationContext<Sets>) => unknown;

/** A handler module's default export. */
export interface Handlers<Sets extends object = EntitySetTypes> {
  /** By qualified name (`Ns.name`), or by simple name for every operation of that name. */
  operations?: Record<string, OperationHandlerFunction<Sets>>;
  /** By entity set or singleton name. */
  entitySets?: { [S in keyof Sets & string]?: EntitySetHooks<Sets, S> };
}

/**
 * Handlers typed over whichever entity set map, as `createMockServer({ handlers })` takes them: a
 * handler typed for `{ People: Person }` asks more of its context than one for any map, so no
 * narrower type accepts both.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type SomeHandlers = Handlers<any>;

/** Identity, for the types: `export default defineHandlers<{ People: Person }>({ ... })` checks names against the generated types. */
export function defineHandlers<Sets extends object = EntitySetTypes>(handlers: Handlers<Sets>): Handlers<Sets> {
  return handlers;
}
