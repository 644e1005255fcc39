import type { PagePermission, PageProperty } from './page.js';
import { possibleValues } from './read-http-block.js';

// A row of a page's property or permission table, the same whichever form the page is in.

/** A property row; "Possible values are: ..." in its description lists the enum members. */
export function propertyRow(name: string, type: string, description: string, line: number): PageProperty {
  const property = { name, type, description, line };
  const members = possibleValues(description);
  return members ? { ...property, enumMembers: members } : property;
}

/** A permission row; a TODO or "Not supported" placeholder grants no scopes. */
export function permissionRow(kind: string, scopesText: string, line: number): PagePermission {
  const scopes = /TODO|not supported/i.test(scopesText) ? [] : scopesText.split(',').map((s) => s.trim()).filter(Boolean);
  return { kind, scopes, text: scopesText, line };
}
