import type { EdmAnnotations, EdmNavigationProperty, EdmProperty } from '../model.js';
import { typeLabel, type ChangeLog } from './change.js';
import { limitDirection, scaleDirection, show } from './facets.js';

// Changes to one property or navigation property of a structured type, and to its annotations.

/** A single-valued property a create request must carry. */
const isRequired = (p: EdmProperty) => !p.collection && !p.nullable && p.defaultValue === undefined;

export function diffProperty(log: ChangeLog, path: string, before: EdmProperty | undefined, after: EdmProperty | undefined): void {
  if (!after) { log.add('property-removed', 'property', path, `removed (${typeLabel(before!.type, before!.collection)})`); return; }
  if (!before) {
    const type = typeLabel(after.type, after.collection);
    if (isRequired(after)) log.add('property-added-required', 'property', path, `added (${type}, Nullable=false, no default)`);
    else log.add('property-added', 'property', path, `added (${type})`);
    diffAnnotations(log, path, undefined, after.annotations);
    return;
  }
  if (before.type !== after.type) log.add('property-type-changed', 'property', path, `type ${before.type} -> ${after.type}`);
  if (before.collection !== after.collection) log.add('property-collection-changed', 'property', path, `${typeLabel(before.type, before.collection)} -> ${typeLabel(after.type, after.collection)}`);
  if (before.nullable !== after.nullable) log.add(after.nullable ? 'property-nullable-relaxed' : 'property-nullable-tightened', 'property', path, `Nullable ${before.nullable} -> ${after.nullable}`);
  diffPropertyFacets(log, path, before, after);
  diffDefault(log, path, before, after);
  diffAnnotations(log, path, before.annotations, after.annotations);
}

function diffPropertyFacets(log: ChangeLog, path: string, before: EdmProperty, after: EdmProperty): void {
  const maxLength = limitDirection(before.maxLength, after.maxLength);
  if (maxLength !== 'same') log.add(maxLength === 'lowered' ? 'property-max-length-lowered' : 'property-max-length-raised', 'property', path, `MaxLength ${show(before.maxLength)} -> ${show(after.maxLength)}`);
  const precision = limitDirection(before.precision, after.precision);
  if (precision !== 'same') log.add(precision === 'lowered' ? 'property-precision-lowered' : 'property-precision-raised', 'property', path, `Precision ${show(before.precision)} -> ${show(after.precision)}`);
  const scale = scaleDirection(before.scale, after.scale);
  if (scale !== 'same') log.add(scale === 'lowered' ? 'property-scale-lowered' : 'property-scale-raised', 'property', path, `Scale ${show(before.scale)} -> ${show(after.scale)}`);
}

function diffDefault(log: ChangeLog, path: string, before: EdmProperty, after: EdmProperty): void {
  if (before.defaultValue === after.defaultValue) return;
  const message = `DefaultValue ${show(before.defaultValue)} -> ${show(after.defaultValue)}`;
  // Only a property that was optional thanks to its default and now must be sent is breaking;
  // a tightened Nullable on its own is reported by its own rule.
  const nowRequired = isRequired(after) && !isRequired({ ...before, nullable: after.nullable });
  log.add(nowRequired ? 'property-default-dropped-required' : 'property-default-changed', 'property', path, message);
}

export function diffNavigation(log: ChangeLog, path: string, before: EdmNavigationProperty | undefined, after: EdmNavigationProperty | undefined): void {
  if (!after) { log.add('navigation-removed', 'navigationProperty', path, `removed (${typeLabel(before!.type, before!.collection)})`); return; }
  if (!before) { log.add('navigation-added', 'navigationProperty', path, `added (${typeLabel(after.type, after.collection)}${after.containsTarget ? ', contained' : ''})`); return; }
  if (before.type !== after.type) log.add('navigation-type-changed', 'navigationProperty', path, `type ${before.type} -> ${after.type}`);
  if (before.collection !== after.collection) log.add('navigation-collection-changed', 'navigationProperty', path, `${typeLabel(before.type, before.collection)} -> ${typeLabel(after.type, after.collection)}`);
  if (before.containsTarget !== after.containsTarget) log.add('navigation-containment-changed', 'navigationProperty', path, `ContainsTarget ${before.containsTarget} -> ${after.containsTarget}`);
  if (before.nullable !== after.nullable) log.add(after.nullable ? 'navigation-nullable-relaxed' : 'navigation-nullable-tightened', 'navigationProperty', path, `Nullable ${before.nullable} -> ${after.nullable}`);
}

const json = (value: unknown) => JSON.stringify(value);

export function diffAnnotations(log: ChangeLog, path: string, before: EdmAnnotations = {}, after: EdmAnnotations = {}): void {
  for (const [term, value] of Object.entries(before)) {
    if (!Object.hasOwn(after, term)) log.add('annotation-removed', 'annotation', path, `@${term} removed (was ${json(value)})`);
    else if (json(value) !== json(after[term])) log.add('annotation-changed', 'annotation', path, `@${term} ${json(value)} -> ${json(after[term])}`);
  }
  for (const [term, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, term)) log.add('annotation-added', 'annotation', path, `@${term} added (${json(value)})`);
  }
}
