import type { EdmNavigationProperty } from '../edm/model.js';
import { entityTypeInfo, type ODataService } from '../odata/service.js';

// A documented path template (`/deviceAppManagement/mobileApps/{mobileAppId}/userStatuses`)
// resolved against the model alone: which collection, entity or reference list it addresses.
// `{name}` segments stand for keys.

export type TemplateTarget =
  | { kind: 'collection' | 'entity' | 'refs'; type: string; navigation?: EdmNavigationProperty; collectionSegments: string[] }
  | { kind: 'error'; message: string };

export function resolveTemplate(service: ODataService, template: string): TemplateTarget {
  const segments = template.split('?')[0]!.split('/').filter(Boolean);
  const [first, ...rest] = segments;
  if (!first) return { kind: 'error', message: 'the path is empty' };
  const { container } = service.model;
  let current: Extract<TemplateTarget, { kind: 'collection' | 'entity' | 'refs' }>;
  if (Object.hasOwn(container.entitySets, first)) current = { kind: 'collection', type: container.entitySets[first]!.entityType, collectionSegments: [first] };
  else if (Object.hasOwn(container.singletons, first)) current = { kind: 'entity', type: container.singletons[first]!.type, collectionSegments: [] };
  else return { kind: 'error', message: `'${first}' is neither an entity set nor a singleton` };
  const walked = [first];
  for (const segment of rest) {
    walked.push(segment);
    if (current.kind === 'refs') return { kind: 'error', message: `nothing can follow $ref (at '${segment}')` };
    if (segment === '$ref') {
      if (current.kind !== 'collection' || !current.navigation || current.navigation.containsTarget) {
        return { kind: 'error', message: `$ref follows '${walked.at(-2)}', which is not a non-containment navigation property` };
      }
      current = { ...current, kind: 'refs' };
      continue;
    }
    if (current.kind === 'collection') {
      if (!/^\{\w+\}$/.test(segment)) return { kind: 'error', message: `'${segment}' should be a key placeholder after the collection '${walked.at(-2)}'` };
      current = { ...current, kind: 'entity' };
      continue;
    }
    const nav = entityTypeInfo(service, current.type).navigation.get(segment);
    if (!nav) return { kind: 'error', message: `'${segment}' is not a navigation property of '${current.type}'` };
    current = { kind: nav.collection ? 'collection' : 'entity', type: nav.type, navigation: nav, collectionSegments: [...current.collectionSegments, segment] };
  }
  return current;
}
