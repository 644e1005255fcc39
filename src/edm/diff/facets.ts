// Which way a facet moved: a limit lowered (or newly set) refuses values that were valid, a limit
// raised (or dropped) accepts more. Properties and parameters share these comparisons.

export type Direction = 'lowered' | 'raised' | 'same';

/** MaxLength or Precision: undefined means no limit. `max` (MaxLength="max") reads as undefined too. */
export function limitDirection(before: number | undefined, after: number | undefined): Direction {
  if (before === after) return 'same';
  if (after === undefined) return 'raised';
  if (before === undefined) return 'lowered';
  return after < before ? 'lowered' : 'raised';
}

type Scale = number | 'variable' | 'floating' | undefined;

/** Scale: a number of decimals; `variable` and `floating` leave them to the precision (the widest). */
export function scaleDirection(before: Scale, after: Scale): Direction {
  if (before === after) return 'same';
  const width = (scale: Scale) => (typeof scale === 'number' ? scale : scale === undefined ? 0 : Number.POSITIVE_INFINITY);
  // An absent Scale is 0 (CSDL 7.2.4); variable -> floating changes nothing a client sends.
  if (width(before) === width(after)) return 'same';
  return width(after) < width(before) ? 'lowered' : 'raised';
}

export const show = (value: string | number | undefined): string => (value === undefined ? '(none)' : String(value));
