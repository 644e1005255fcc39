// Canonical paths of the store: a collection path plus a key in OData parenthesis form names an
// entity (`deviceAppManagement/mobileApps('a1')`), and each path knows the entity it sits under.

/** Keys made only of URL-unreserved characters (GUIDs, most ids) need no quoting or encoding. */
const PLAIN_KEY = /^[A-Za-z0-9._~-]*$/;

/**
 * OData key literal in parenthesis form (URL Conventions §4.3.1): a string in single quotes, its
 * quotes doubled; a number or GUID bare (`bare`). Percent-encoded, so a canonical path is also a
 * valid URL path: a key holding `/` or non-ASCII characters cannot split a segment or break a
 * Location header.
 */
export const keySegment = (key: string, bare = false): string => {
  if (bare) return `(${PLAIN_KEY.test(key) ? key : encodeURIComponent(key)})`;
  return PLAIN_KEY.test(key) ? `('${key}')` : `('${encodeURIComponent(key.replace(/'/g, "''"))}')`;
};

/**
 * A member's path: its collection and its key predicate. `predicate` is `bare` for a single key
 * that is no string, or the predicate itself where the key has its own form (`(a=1,b='x')`,
 * `(Ns.Color'Red')`), made by the key's codec (odata/entity-key.ts).
 */
export const entityPath = (collectionPath: string, key: string, predicate: boolean | string = false): string =>
  `${collectionPath}${typeof predicate === 'string' ? predicate : keySegment(key, predicate)}`;

/** The entity path a collection, link set or single-valued entity path sits under; '' at the root. */
export const parentOf = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
};

/**
 * `a/b('k')` -> collection `a/b` and key `k`: the inverse of entityPath, for every key form. The key is in the last
 * segment (a `/` inside a key is percent-encoded) after the first parenthesis (names have none).
 */
export function splitMemberPath(path: string): { collectionPath: string; key: string } | undefined {
  if (!path.endsWith(')')) return undefined;
  const open = path.indexOf('(', path.lastIndexOf('/') + 1);
  if (open < 0) return undefined;
  const quoted = path[open + 1] === "'";
  if (quoted && !path.endsWith("')")) return undefined;
  const literal = quoted ? path.slice(open + 2, -2) : path.slice(open + 1, -1);
  let key: string;
  try {
    key = PLAIN_KEY.test(literal) ? literal : decodeURIComponent(literal);
  } catch {
    return undefined;
  }
  if (quoted) return { collectionPath: path.slice(0, open), key: key.replace(/''/g, "'") };
  // A literal with a type prefix (`Ns.Color'Red'`, `duration'P1D'`) is keyed by what its quotes hold;
  // a composite key (`a=1,b='x'`) by its whole text, and no name is followed by a quote.
  const prefixed = PREFIXED.exec(key);
  return { collectionPath: path.slice(0, open), key: prefixed ? (prefixed[1] as string).replace(/''/g, "'") : key };
}

const PREFIXED = /^[A-Za-z_][A-Za-z0-9_.]*'(.*)'$/s;
