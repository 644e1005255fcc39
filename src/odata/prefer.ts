// The Prefer header (OData 4.01 Protocol §8.2.8): `return=minimal|representation` (§8.2.8.7) and
// `odata.maxpagesize=N` (§8.2.8.3), `respond-async` (§8.2.8.8). Unknown preferences are ignored,
// as RFC 7240 requires.

export interface Preferences {
  return?: 'minimal' | 'representation';
  maxPageSize?: number;
  /** The client would take a `202 Accepted` and a status monitor (async/). */
  respondAsync?: true;
}

const NO_PREFERENCES: Preferences = Object.freeze({});

export function parsePreferences(header: string | string[] | undefined): Preferences {
  if (header === undefined) return NO_PREFERENCES;
  const preferences: Preferences = {};
  const values = (Array.isArray(header) ? header.join(',') : header ?? '').split(',');
  for (const value of values) {
    const match = /^\s*([\w.-]+)\s*(?:=\s*"?([^";]*)"?)?/.exec(value);
    if (!match) continue;
    const name = (match[1] as string).toLowerCase();
    const argument = match[2]?.trim();
    if (name === 'return' && (argument === 'minimal' || argument === 'representation')) preferences.return = argument;
    if (name === 'respond-async') preferences.respondAsync = true;
    if (name === 'odata.maxpagesize' && argument !== undefined && /^\d+$/.test(argument) && Number(argument) > 0) preferences.maxPageSize = Number(argument);
  }
  return preferences;
}
