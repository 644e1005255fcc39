import { readFile } from 'node:fs/promises';
import { odataErrors } from '../odata/errors.js';

// Authentication as Graph answers it, off by default. With auth on, a request needs
// `Authorization: Bearer <JWT>` (401 InvalidAuthenticationToken otherwise, with Graph's
// WWW-Authenticate challenge) whose claims Graph would accept: `exp` and `nbf` numbers that put
// now inside the token's lifetime, and an `aud` naming this service. With a permissions table,
// the claims must also grant the operation: `scp` (delegated, space-separated) or `roles`
// (application); otherwise 403 Authorization_RequestDenied naming the permissions that would.
// The token's signature is not checked: a mock has no keys to check it with, and test tokens are
// made up. So a token here proves nothing about who sent it (admin-guard.ts draws the consequence).

/** Graph's audiences: its resource URI and its application id; a Graph token carries one of them. */
export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

export interface PermissionEntry {
  method: string;
  /** Path template below the service root, as the reference pages write it. */
  path: string;
  /** Any one of these grants the operation to a delegated (scp) token. */
  delegated: string[];
  /** Any one of these grants it to an application (roles) token. */
  application: string[];
  /** Where the entry came from (a page and line), for messages and reviews. */
  source?: string;
}

export interface PermissionTable {
  permissions: PermissionEntry[];
}

interface CompiledEntry extends PermissionEntry {
  /** The template's segments, lower-cased; undefined stands for a `{parameter}`. */
  segments: (string | undefined)[];
}

const unauthenticated = odataErrors.unauthenticated;

/** Reads and checks a permissions file (`{"permissions": [...]}`). */
export async function readPermissionTable(file: string): Promise<PermissionTable> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  return checkPermissionTable(parsed, file);
}

export function checkPermissionTable(parsed: unknown, source: string): PermissionTable {
  const list = (parsed as { permissions?: unknown })?.permissions;
  if (!Array.isArray(list)) throw new Error(`${source}: a permissions table is {"permissions": [{"method", "path", "delegated", "application"}]}`);
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
  for (const [index, entry] of list.entries()) {
    const e = entry as Record<string, unknown>;
    if (typeof e?.method !== 'string' || typeof e.path !== 'string' || !e.path.startsWith('/') || !strings(e.delegated ?? []) || !strings(e.application ?? [])) {
      throw new Error(`${source}: permissions[${index}] needs method, a path starting with '/', and delegated/application lists of scopes`);
    }
  }
  return { permissions: list.map((e: PermissionEntry) => ({ ...e, delegated: e.delegated ?? [], application: e.application ?? [] })) };
}

export interface Claims {
  scp?: unknown;
  roles?: unknown;
  exp?: unknown;
  nbf?: unknown;
  aud?: unknown;
}

// Graph's own wordings of each refusal (as its answers quote them).
const MESSAGES = {
  empty: 'Access token is empty.',
  notBearer: "The Authorization header must be 'Bearer <access token>'.",
  noDots: "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EncodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.",
  unreadable: 'CompactToken parsing failed with error code: 80049217',
  expired: 'Lifetime validation failed, the token is expired.',
  notYetValid: 'Access token has expired or is not yet valid.',
  audience: 'Access token validation failure. Invalid audience.',
};

/**
 * The payload of a compact JWS: three base64url parts, the middle one a JSON object that is not
 * empty. Graph cannot parse anything else as a token, and says so.
 */
function claimsOf(token: string): Claims {
  if (!token.includes('.')) throw unauthenticated(MESSAGES.noDots);
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthenticated(MESSAGES.unreadable);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
  } catch {
    throw unauthenticated(MESSAGES.unreadable);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || Object.keys(payload).length === 0) throw unauthenticated(MESSAGES.unreadable);
  return payload;
}

/** RFC 7519 §4.1.4/4.1.5: NumericDate claims, seconds since the epoch; another type is a token Graph cannot read. */
function checkLifetime(claims: Claims, nowSeconds: number): void {
  for (const name of ['exp', 'nbf'] as const) {
    const value = claims[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw unauthenticated(MESSAGES.unreadable);
  }
  if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) throw unauthenticated(MESSAGES.expired);
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) throw unauthenticated(MESSAGES.notYetValid);
}

/**
 * RFC 7519 §4.1.3: `aud` is one string or an array of them, and one must name this service.
 * A token without one is refused too: Graph validates the audience of every token, and a token
 * with no audience names no resource.
 */
function checkAudience(claims: Claims, audiences: readonly string[]): void {
  const given = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!given.some((aud) => typeof aud === 'string' && audiences.includes(aud))) throw unauthenticated(MESSAGES.audience);
}

/** The roles of an application token, as strings. */
export function rolesOf(claims: Claims): string[] {
  return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
}

export class Authorizer {
  private readonly entries: CompiledEntry[];

  /** `audiences`: the `aud` values a token may carry (default Graph's). */
  constructor(table: PermissionTable | undefined, private readonly audiences: readonly string[] = GRAPH_AUDIENCES) {
    this.entries = (table?.permissions ?? []).map((entry) => ({
      ...entry,
      method: entry.method.toUpperCase(),
      segments: entry.path.split('/').filter(Boolean).map((part) => (/^\{.*\}$/.test(part) ? undefined : part.toLowerCase())),
    }));
  }

  /** The token's claims, or a 401 as Graph words it. */
  authenticate(header: string | undefined, now = Date.now()): Claims {
    if (header === undefined || header.trim() === '') throw unauthenticated(MESSAGES.empty);
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw unauthenticated(MESSAGES.notBearer);
    const claims = claimsOf(match[1] as string);
    checkLifetime(claims, now / 1000);
    checkAudience(claims, this.audiences);
    return claims;
  }

  /**
   * 403 unless the claims hold a permission the table lists for this operation (none listed:
   * allowed). `segments` is the resolved path in the templates' form: names and keys as separate
   * segments, type casts left out (the caller knows which segments are casts, the text does not).
   */
  authorize(claims: Claims, method: string, segments: string[]): void {
    const lower = segments.map((s) => s.toLowerCase());
    const entry = this.entries.find((e) => e.method === method && e.segments.length === lower.length && e.segments.every((part, i) => part === undefined || part === lower[i]));
    if (!entry) return;
    const delegated = typeof claims.scp === 'string' ? claims.scp.split(/\s+/).filter(Boolean) : [];
    const roles = rolesOf(claims);
    const granted = delegated.some((s) => entry.delegated.includes(s)) || roles.some((r) => entry.application.includes(r));
    if (granted) return;
    const needed = [
      entry.delegated.length ? `delegated: ${entry.delegated.join(' or ')}` : 'delegated: not supported',
      entry.application.length ? `application: ${entry.application.join(' or ')}` : 'application: not supported',
    ].join('; ');
    throw odataErrors.forbidden(method, entry.path, needed);
  }
}
