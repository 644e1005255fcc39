import type { EdmProperty } from './model.js';

/** The facets of a property or parameter that edmock checks values against (CSDL 7.2). */
export type Facets = Pick<EdmProperty, 'maxLength' | 'precision' | 'scale'>;

/**
 * MaxLength, Precision and Scale as written on a Property or Parameter: whole numbers, and for
 * Scale also `variable` (4.0) or `floating` (4.01). `max` and other values mean no bound.
 */
export function readFacets(raw: { MaxLength?: string; Precision?: string; Scale?: string }): Facets {
  const facets: Facets = {};
  if (raw.MaxLength !== undefined && /^\d+$/.test(raw.MaxLength)) facets.maxLength = Number(raw.MaxLength);
  if (raw.Precision !== undefined && /^\d+$/.test(raw.Precision)) facets.precision = Number(raw.Precision);
  const scale = raw.Scale?.toLowerCase();
  if (scale !== undefined && /^\d+$/.test(scale)) facets.scale = Number(scale);
  else if (scale === 'variable' || scale === 'floating') facets.scale = scale;
  return facets;
}
