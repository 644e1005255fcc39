import type { EdmModel } from '../edm/model.js';

// Entity sets that also see the entities of other sets. In Microsoft Graph every user, group,
// device, service principal, ... is a directoryObject too: `GET /directoryObjects/{id}` finds a
// user, and the documented add-member example posts
// `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}` to
// `groups/{id}/members/$ref`. The model cannot say this (each set is its own collection), so the
// service is told, as it is told about foreign namespaces.

/** Entity set -> the sets whose entities it also holds, or `*` for every set whose type derives from its type. */
export type EntitySetViews = Record<string, string[] | '*'>;

/** Graph's directory: a directoryObjects set sees every set of a type derived from directoryObject. */
export const DEFAULT_ENTITY_SET_VIEWS: Readonly<EntitySetViews> = { directoryObjects: '*' };

/** Whether entity type `type` is `base` or derives from it, in the model. */
function derivesFrom(model: EdmModel, type: string, base: string): boolean {
  for (let t: string | undefined = type; t; t = model.entityTypes[t]?.baseType) if (t === base) return true;
  return false;
}

/**
 * View set name -> the member set names it sees, checked against the model: a view over a set it
 * could not hold is a configuration error (thrown with the names), and a view named by the
 * defaults whose set the model lacks is ignored, so the defaults fit any model.
 */
export function resolveEntitySetViews(model: EdmModel, views: EntitySetViews, explicit: boolean): Map<string, string[]> {
  const sets = model.container.entitySets;
  const resolved = new Map<string, string[]>();
  for (const [view, members] of Object.entries(views)) {
    const viewSet = Object.hasOwn(sets, view) ? sets[view] : undefined;
    if (!viewSet) {
      if (explicit) throw new Error(`entity set view '${view}': the model has no entity set of that name`);
      continue;
    }
    const names = members === '*'
      ? Object.keys(sets).filter((name) => name !== view && derivesFrom(model, sets[name]?.entityType as string, viewSet.entityType))
      : members;
    for (const name of names) {
      const member = Object.hasOwn(sets, name) ? sets[name] : undefined;
      if (!member) throw new Error(`entity set view '${view}': the model has no entity set '${name}'`);
      if (name === view) throw new Error(`entity set view '${view}' cannot include itself`);
      if (!derivesFrom(model, member.entityType, viewSet.entityType)) {
        throw new Error(`entity set view '${view}': '${name}' holds ${member.entityType}, which does not derive from ${viewSet.entityType}`);
      }
    }
    if (names.length > 0) resolved.set(view, names);
  }
  return resolved;
}
