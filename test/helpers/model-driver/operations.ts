import type { EdmModel, EdmOperation, EdmParameter, EdmUnboundOperation } from '../../../src/edm/model.js';
import { sampleValue } from '../../../src/odata/sample-values.js';
import type { DriveContext } from './context.js';
import { createEntity } from './crud.js';
import { buildEntity, creatableTypes } from './entities.js';
import { describe, expectStatus, type DriverResponse } from './http.js';
import { typeMismatch, uriLiteral } from './literals.js';
import { expect } from './steps.js';

// Every declared action and function called once, where OData addresses it: bound ones on an
// entity or the collection of a set (or a singleton) holding their binding type, imported ones at
// the root, each overload with its own parameter names. Unbound operations no import exposes have
// no URL: the root answers 404 for their name.

const isA = (model: EdmModel, type: string, base: string): boolean =>
  type === base || (model.entityTypes[base]?.derivedTypes.includes(type) ?? false);

const signature = (op: EdmUnboundOperation): string => `${op.name}(${op.parameters.map((p) => p.name).join(',')})`;

/** A value for each parameter: sampled, or an entity built from the model for entity parameters. */
function argumentsFor(ctx: DriveContext, parameters: EdmParameter[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const parameter of parameters) {
    const entityType = parameter.typeKind === 'entity' ? ctx.model.entityTypes[parameter.type] : undefined;
    const concrete = entityType ? creatableTypes(ctx.model, entityType)[0] : undefined;
    const one = () => (concrete ? buildEntity(ctx.model, concrete, ctx.random, new Set()) : sampleValue(ctx.model, parameter, ctx.random));
    values[parameter.name] = parameter.typeKind === 'entity' ? (parameter.collection ? [one()] : one()) : sampleValue(ctx.model, parameter, ctx.random);
  }
  return values;
}

/** The request of a call: a POST with the parameters as body, or a GET with them in the URL. */
function callRequest(op: EdmUnboundOperation, address: string, args: Record<string, unknown>): { method: string; url: string; body?: unknown } {
  if (op.kind === 'action') return { method: 'POST', url: address, body: args };
  const inline: string[] = [];
  const aliases: string[] = [];
  for (const parameter of op.parameters) {
    const value = args[parameter.name];
    if (!parameter.collection && (parameter.typeKind === 'primitive' || parameter.typeKind === 'enum')) {
      inline.push(`${parameter.name}=${encodeURIComponent(uriLiteral(parameter.type, parameter.typeKind, value)).replaceAll('%27', "'")}`);
    } else {
      inline.push(`${parameter.name}=@${parameter.name}`);
      aliases.push(`@${parameter.name}=${encodeURIComponent(JSON.stringify(value))}`);
    }
  }
  return { method: 'GET', url: `${address}(${inline.join(',')})${aliases.length ? `?${aliases.join('&')}` : ''}` };
}

/**
 * A function promising one entity, not null, with none to give (the store may hold none of its
 * type): Protocol §11.5.3.1 makes that a 404, which edmock words as the function having no result.
 */
function noResult(op: EdmUnboundOperation, response: DriverResponse): boolean {
  const returns = op.returnType;
  if (op.kind !== 'function' || !returns || returns.nullable || returns.collection || returns.typeKind !== 'entity') return false;
  return response.status === 404 && /has no '[^']+' to return/.test(response.body?.error?.message ?? '');
}

/** Whether the answer is what the return type promises: 204 for none (or a 404, above), else 200 with a value of it. */
function checkResult(model: EdmModel, op: EdmUnboundOperation, response: DriverResponse): void {
  const returns = op.returnType;
  if (!returns) return expectStatus(response, 204);
  if (response.status === 204 && returns.nullable && !returns.collection) return;
  if (noResult(op, response)) return;
  expectStatus(response, 200);
  const body = response.body;
  const single = returns.typeKind === 'primitive' || returns.typeKind === 'enum' ? body?.value : body;
  const items: unknown[] = returns.collection ? body?.value : [single];
  expect(Array.isArray(items), `no 'value' array for a ${returns.type} collection: ${describe(response)}`);
  expect(returns.collection || returns.typeKind === 'complex' || returns.typeKind === 'entity' || (body !== null && typeof body === 'object' && 'value' in body), `no 'value' for a ${returns.type}: ${describe(response)}`);
  for (const item of items) {
    const mismatch = typeMismatch(model, returns.type, returns.typeKind, item);
    expect(mismatch === undefined, `result ${mismatch}`);
    if (returns.typeKind === 'entity') {
      const type = model.entityTypes[returns.type];
      for (const part of type?.keyProperties ?? []) expect(part.path.reduce<any>((v, s) => v?.[s], item) !== undefined, `result entity without key ${part.name}`);
    }
  }
}

/** For a composable function, a path segment after the call: /$count on collections, a property on single values. */
async function checkComposition(ctx: DriveContext, op: EdmUnboundOperation, url: string): Promise<void> {
  const returns = op.returnType!;
  const [path, query] = url.split('?') as [string, string | undefined];
  const withQuery = (suffix: string) => `${path}${suffix}${query ? `?${query}` : ''}`;
  if (returns.collection) {
    const response = await ctx.http('GET', withQuery('/$count'));
    expectStatus(response, 200);
    expect(/^\d+$/.test(response.text.trim()), `${path}/$count answered ${describe(response)}`);
    return;
  }
  const structured = ctx.model.entityTypes[returns.type] ?? ctx.model.complexTypes[returns.type];
  const property = structured?.properties.find((p) => p.typeKind === 'primitive' && !p.collection);
  if (!property) return;
  const response = await ctx.http('GET', withQuery(`/${property.name}`));
  expectStatus(response, 200, 204);
  if (response.status === 200) expect(typeMismatch(ctx.model, property.type, property.typeKind, response.body?.value) === undefined, `${path}/${property.name} answered ${describe(response)}`);
}

/** Calls `op` at `address` and checks the answer (and, for composable functions, a composition). */
async function call(ctx: DriveContext, op: EdmUnboundOperation, address: string): Promise<void> {
  const request = callRequest(op, address, argumentsFor(ctx, op.parameters));
  const response = await ctx.http(request.method, request.url, request.body);
  try {
    checkResult(ctx.model, op, response);
  } catch (error) {
    throw Object.assign(error as Error, { message: `${request.method} ${decodeURIComponent(request.url)}: ${(error as Error).message}` });
  }
  // No result stops a composition with the same 404: there is nothing to compose with.
  if (op.kind === 'function' && op.composable && op.returnType && !noResult(op, response)) await checkComposition(ctx, op, request.url);
}

interface Binding {
  /** Where the step is named: the set or singleton. */
  label: string;
  /** The URL of the collection or entity the operation is bound to, up to the operation segment. */
  address: () => Promise<string>;
}

/** Where a bound operation can be called: a set (or singleton) holding entities of its binding type. */
function bindingFor(ctx: DriveContext, op: EdmOperation, anchors: Map<string, Promise<string>>): Binding | string {
  const { model } = ctx;
  for (const set of Object.values(model.container.entitySets)) {
    const direct = isA(model, set.entityType, op.bindingType);
    if (!direct && !isA(model, op.bindingType, set.entityType)) continue;
    const cast = direct ? '' : `/${op.bindingType}`;
    if (op.bindingCollection) return { label: `${set.name}/collection`, address: async () => `/${set.name}${cast}` };
    const type = model.entityTypes[direct ? set.entityType : op.bindingType];
    const concrete = creatableTypes(model, type)[0];
    if (!concrete) continue;
    const anchorKey = `${set.name}|${concrete.qualifiedName}`;
    const address = async () => {
      if (!anchors.has(anchorKey)) anchors.set(anchorKey, createEntity(ctx, `/${set.name}`, concrete, new Set(), set.entityType).then((c) => c.location));
      return `${await anchors.get(anchorKey)!}${cast}`;
    };
    return { label: `${set.name}/entity`, address };
  }
  const singleton = Object.values(model.container.singletons).find((s) => isA(model, s.type, op.bindingType));
  if (singleton && !op.bindingCollection) return { label: singleton.name, address: async () => `/${singleton.name}` };
  return `no entity set or singleton holds ${op.bindingCollection ? 'a collection of ' : ''}${op.bindingType}`;
}

/** Calls every operation of the model once; each call is a step. */
export async function driveOperations(ctx: DriveContext): Promise<void> {
  const { model, steps } = ctx;
  const anchors = new Map<string, Promise<string>>();
  for (const op of model.operations) {
    const binding = bindingFor(ctx, op, anchors);
    if (typeof binding === 'string') {
      steps.skip(`${op.bindingType}/${signature(op)}`, binding);
      continue;
    }
    await steps.run(`${binding.label}/${signature(op)}`, async () => call(ctx, op, `${await binding.address()}/${op.qualifiedName}`));
  }
  const imported = new Set<string>();
  for (const [name, { action }] of Object.entries(model.container.actionImports)) {
    imported.add(action);
    for (const op of model.unboundOperations.filter((o) => o.kind === 'action' && o.qualifiedName === action)) {
      await steps.run(`/${name}`, () => call(ctx, op, `/${name}`));
    }
  }
  for (const [name, { function: fn }] of Object.entries(model.container.functionImports)) {
    imported.add(fn);
    for (const op of model.unboundOperations.filter((o) => o.kind === 'function' && o.qualifiedName === fn)) {
      await steps.run(`/${name}/${signature(op)}`, () => call(ctx, op, `/${name}`));
    }
  }
  await checkNotImported(ctx, imported);
}

/** An unbound operation without an import is no resource of the service: its name at the root is a 404. */
async function checkNotImported(ctx: DriveContext, imported: Set<string>): Promise<void> {
  const { container } = ctx.model;
  const rootNames = new Set([...Object.keys(container.entitySets), ...Object.keys(container.singletons), ...Object.keys(container.actionImports), ...Object.keys(container.functionImports)]);
  const seen = new Set<string>();
  for (const op of ctx.model.unboundOperations) {
    if (imported.has(op.qualifiedName) || seen.has(op.qualifiedName) || rootNames.has(op.name)) continue;
    seen.add(op.qualifiedName);
    await ctx.steps.run(`/${op.name} (not imported)`, async () => {
      const response = op.kind === 'action' ? await ctx.http('POST', `/${op.name}`, {}) : await ctx.http('GET', `/${op.name}()`);
      expectStatus(response, 404);
    });
  }
}
