import type { EdmEntityContainer, EdmNavigationBinding } from '../model.js';
import type { ChangeLog } from './change.js';

// The entity container: entity sets, singletons, their navigation property bindings, and the
// action and function imports, matched by name. Paths start with the container's name.

export function diffContainer(log: ChangeLog, before: EdmEntityContainer, after: EdmEntityContainer): void {
  const at = (name: string) => `${after.name}/${name}`;
  eachByName(before.entitySets, after.entitySets, {
    removed: (name, set) => log.add('entity-set-removed', 'entitySet', at(name), `entity set removed (${set.entityType})`),
    added: (name, set) => log.add('entity-set-added', 'entitySet', at(name), `entity set added (${set.entityType})`),
    both: (name, old, now) => {
      if (old.entityType !== now.entityType) log.add('entity-set-type-changed', 'entitySet', at(name), `entity type ${old.entityType} -> ${now.entityType}`);
      diffBindings(log, at(name), old.navigationBindings, now.navigationBindings);
    },
  });
  eachByName(before.singletons, after.singletons, {
    removed: (name, one) => log.add('singleton-removed', 'singleton', at(name), `singleton removed (${one.type})`),
    added: (name, one) => log.add('singleton-added', 'singleton', at(name), `singleton added (${one.type})`),
    both: (name, old, now) => {
      if (old.type !== now.type) log.add('singleton-type-changed', 'singleton', at(name), `type ${old.type} -> ${now.type}`);
      diffBindings(log, at(name), old.navigationBindings, now.navigationBindings);
    },
  });
  diffImports(log, before, after);
}

function diffImports(log: ChangeLog, before: EdmEntityContainer, after: EdmEntityContainer): void {
  const at = (name: string) => `${after.name}/${name}`;
  const target = (operation: string, entitySet?: string) => (entitySet ? `${operation}, entity set ${entitySet}` : operation);
  eachByName(before.actionImports, after.actionImports, {
    removed: (name, i) => log.add('action-import-removed', 'actionImport', at(name), `action import removed (${i.action})`),
    added: (name, i) => log.add('action-import-added', 'actionImport', at(name), `action import added (${i.action})`),
    both: (name, old, now) => {
      if (old.action !== now.action || old.entitySet !== now.entitySet) log.add('action-import-target-changed', 'actionImport', at(name), `${target(old.action, old.entitySet)} -> ${target(now.action, now.entitySet)}`);
    },
  });
  eachByName(before.functionImports, after.functionImports, {
    removed: (name, i) => log.add('function-import-removed', 'functionImport', at(name), `function import removed (${i.function})`),
    added: (name, i) => log.add('function-import-added', 'functionImport', at(name), `function import added (${i.function})`),
    both: (name, old, now) => {
      if (old.function !== now.function || old.entitySet !== now.entitySet) log.add('function-import-target-changed', 'functionImport', at(name), `${target(old.function, old.entitySet)} -> ${target(now.function, now.entitySet)}`);
      if (old.includeInServiceDocument !== now.includeInServiceDocument) log.add('function-import-listing-changed', 'functionImport', at(name), `IncludeInServiceDocument ${old.includeInServiceDocument} -> ${now.includeInServiceDocument}`);
    },
  });
}

function diffBindings(log: ChangeLog, source: string, before: EdmNavigationBinding[], after: EdmNavigationBinding[]): void {
  const now = new Map(after.map((b) => [b.path, b.target]));
  const old = new Map(before.map((b) => [b.path, b.target]));
  for (const { path, target } of before) {
    const next = now.get(path);
    if (next === undefined) log.add('binding-removed', 'navigationBinding', `${source}/${path}`, `binding removed (target ${target})`);
    else if (next !== target) log.add('binding-target-changed', 'navigationBinding', `${source}/${path}`, `target ${target} -> ${next}`);
  }
  for (const { path, target } of after) {
    if (!old.has(path)) log.add('binding-added', 'navigationBinding', `${source}/${path}`, `binding added (target ${target})`);
  }
}

interface ByName<T> {
  removed(name: string, item: T): void;
  added(name: string, item: T): void;
  both(name: string, before: T, after: T): void;
}

export function eachByName<T>(before: Record<string, T>, after: Record<string, T>, on: ByName<T>): void {
  for (const [name, item] of Object.entries(before)) {
    if (Object.hasOwn(after, name)) on.both(name, item, after[name] as T);
    else on.removed(name, item);
  }
  for (const [name, item] of Object.entries(after)) if (!Object.hasOwn(before, name)) on.added(name, item);
}
