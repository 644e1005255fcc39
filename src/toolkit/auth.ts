import { readFile } from 'node:fs/promises';
import { odataErrors } from '../odata/errors.js';

// Authentication as Graph answers it, off by default. With auth on, a request needs
// `Authorization: Bearer <JWT>` (401 InvalidAuthenticationToken otherwise, with Graph's
// WWW-Authenticate challenge). With a permissions table, the token's claims must grant the
// operation: `scp` (delegated, space-separated) or `roles` (application); otherwise 403
// Authorization_RequestDenied naming the permissions that would. The token's signature is not
// checked: a mock has no keys to check it with, and test tokens are made up.

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

interface Claims {
  scp?: string;
  roles?: string[];
  exp?: number;
}

function claimsOf(token: string): Claims {
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthenticated('Access token validation failure: the token is not a well-formed JWT (three base64url parts).');
  try {
    const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error('not an object');
    return payload;
  } catch {
    throw unauthenticated('Access token validation failure: the token payload is not a JSON object.');
  }
}

export class Authorizer {
  private readonly entries: CompiledEntry[];

  constructor(table: PermissionTable | undefined) {
    this.entries = (table?.permissions ?? []).map((entry) => ({
      ...entry,
      method: entry.method.toUpperCase(),
      segments: entry.path.split('/').filter(Boolean).map((part) => (/^\{.*\}$/.test(part) ? undefined : part.toLowerCase())),
    }));
  }

  /** The token's claims, or a 401 as Graph words it. */
  authenticate(header: string | undefined): Claims {
    if (header === undefined || header.trim() === '') throw unauthenticated('Access token is empty.');
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw unauthenticated("The Authorization header must be 'Bearer <access token>'.");
    const claims = claimsOf(match[1] as string);
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) throw unauthenticated('Lifetime validation failed, the token is expired.');
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
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    const granted = delegated.some((s) => entry.delegated.includes(s)) || roles.some((r) => entry.application.includes(r));
    if (granted) return;
    const needed = [
      entry.delegated.length ? `delegated: ${entry.delegated.join(' or ')}` : 'delegated: not supported',
      entry.application.length ? `application: ${entry.application.join(' or ')}` : 'application: not supported',
    ].join('; ');
    throw odataErrors.forbidden(method, entry.path, needed);
  }
}
