import { createHash, timingSafeEqual } from 'node:crypto';
import { odataErrors } from '../odata/errors.js';
import { rolesOf, type Authorizer } from './auth.js';

// Who may use the admin API (/_edmock): it reads and replaces every store and makes any request
// fail, so it is closed as soon as the mock is asked to check anything.
//   - With an admin token (`--admin-token`), `Authorization: Bearer <that secret>` opens it.
//   - With `--auth`, a bearer token the services would accept whose `roles` hold `edmock.admin`
//     opens it too, so a test suite that mints tokens needs nothing else.
//   - With neither, it is open, as the services are.
// Only the admin token is a secret: signatures are not checked, so anyone can mint a token with
// the role. Hence the rule that a mock reachable from other hosts has an admin token, or is
// started with `--unsafe-open-admin` by someone who said they mean it.

export const ADMIN_ROLE = 'edmock.admin';

const ADMIN_HINT = `the admin token (Authorization: Bearer <--admin-token secret>) or a token whose roles hold '${ADMIN_ROLE}'`;

/** Equal strings, in a time that does not depend on where they differ or on their lengths. */
function sameSecret(given: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/** What is wrong with a would-be admin token: it travels as a bearer token, one word. */
export function adminTokenProblem(token: string): string | undefined {
  if (token.length < 8 || /\s/.test(token)) return 'the admin token is a secret of 8 characters or more, no spaces';
  return undefined;
}

export class AdminGuard {
  constructor(
    private readonly adminToken: string | undefined,
    /** The services' token check when auth is on (any one: they differ only in permissions). */
    private readonly tokens: Authorizer | undefined,
  ) {
    const problem = adminToken === undefined ? undefined : adminTokenProblem(adminToken);
    if (problem !== undefined) throw new Error(`adminToken: ${problem}`);
  }

  /** Whether the admin API answers anyone. */
  get open(): boolean {
    return this.adminToken === undefined && this.tokens === undefined;
  }

  /** Whether a secret only the user knows protects it (a role claim anyone can mint does not). */
  get protectedBySecret(): boolean {
    return this.adminToken !== undefined;
  }

  /** Nothing, or a 401 (no acceptable credentials) or a 403 (a service token without the admin role). */
  check(authorization: string | undefined): void {
    if (this.open) return;
    const header = authorization?.trim() ?? '';
    if (header === '') throw odataErrors.unauthenticated(`Access token is empty. The admin API needs ${ADMIN_HINT}.`);
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (bearer === undefined) throw odataErrors.unauthenticated("The Authorization header must be 'Bearer <access token>'.");
    if (this.adminToken !== undefined && sameSecret(bearer, this.adminToken)) return;
    if (this.tokens === undefined) throw odataErrors.unauthenticated(`Access token validation failure. The admin API needs ${ADMIN_HINT}.`);
    // A JWT is judged as the services judge it (expired, wrong audience: Graph's 401s); anything
    // else was a wrong admin token.
    if (bearer.split('.').length !== 3) throw odataErrors.unauthenticated(`Access token validation failure. The admin API needs ${ADMIN_HINT}.`);
    const claims = this.tokens.authenticate(header);
    if (!rolesOf(claims).includes(ADMIN_ROLE)) throw odataErrors.adminForbidden(ADMIN_ROLE);
  }
}

/** `localhost`, 127.0.0.0/8 and ::1 (bare, bracketed or IPv4-mapped): only this host can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = bare.replace(/^::ffff:/, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Why listening on `host` would expose an open admin API to other hosts, or undefined when it
 * would not: a loopback host, an admin token, or the user's explicit `unsafeOpenAdmin`.
 */
export function adminExposure(host: string, guard: AdminGuard, unsafeOpenAdmin: boolean): string | undefined {
  if (unsafeOpenAdmin || guard.protectedBySecret || isLoopbackHost(host)) return undefined;
  return `refusing to listen on '${host}': other hosts could reach the admin API (/_edmock), which reads, replaces and breaks the mock's data`
    + ' and has no admin token. Give --admin-token <secret> (or EDMOCK_ADMIN_TOKEN) to protect it, listen on 127.0.0.1, or pass --unsafe-open-admin to serve it open anyway.';
}
