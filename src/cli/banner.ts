import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SESSION_HEADER } from '../toolkit/sessions.js';
import { ADMIN_PREFIX } from '../mock/create-mock.js';
import { count } from './count.js';

// The lines `edmock serve` prints once it listens: what a newcomer needs to send a first request.

export interface BannerOptions {
  auth?: boolean;
  unsafeOpenAdmin?: boolean;
  data?: string | undefined;
  /** The directories `--watch` follows. */
  watching?: string[];
}

const SHOWN_ROOTS = 8;

/** `1 singleton: deviceAppManagement`, `3 entity sets and 1 singleton: a, b, c, me`. */
export function rootsLine(entitySets: string[], singletons: string[]): string {
  const counts = [
    ...(entitySets.length ? [count(entitySets.length, 'entity set')] : []),
    ...(singletons.length ? [count(singletons.length, 'singleton')] : []),
  ];
  if (counts.length === 0) return 'no entity sets or singletons';
  const roots = [...singletons, ...entitySets].sort();
  const more = roots.length > SHOWN_ROOTS ? `, … (${roots.length - SHOWN_ROOTS} more)` : '';
  return `${counts.join(' and ')}: ${roots.slice(0, SHOWN_ROOTS).join(', ')}${more}`;
}

function serviceLines(app: FastifyInstance, address: string): string[] {
  const lines: string[] = [];
  for (const { prefix, service, fixtures, generated } of app.edmock.services) {
    const { entitySets, singletons } = service.model.container;
    lines.push(`  ${address}${prefix}/  (${service.name}; $metadata at ${address}${prefix}/$metadata)`);
    lines.push(`    ${rootsLine(Object.keys(entitySets), Object.keys(singletons))}`);
    for (const f of fixtures) lines.push(`    fixture ${f.collection}/${f.id}  (${f.type})`);
    if (generated) lines.push(`    generated ${generated.entities} entities (--generate)`);
  }
  return lines;
}

/** Who may use the admin API, when not everyone may; or a reminder that everyone may, when asked for. */
function adminLine(app: FastifyInstance, options: BannerOptions): string | undefined {
  const { adminGuard } = app.edmock;
  if (adminGuard.open) return options.unsafeOpenAdmin ? '  admin API open to anyone who can reach it (--unsafe-open-admin)' : undefined;
  const keys = [...(adminGuard.protectedBySecret ? ['the admin token'] : []), ...(options.auth ? ['a JWT with the role edmock.admin'] : [])];
  return `  admin API: Authorization: Bearer <${keys.join('> or <')}> required`;
}

/** What is being served, the startup dataset's ids, and where the admin API is. */
export function startBanner(app: FastifyInstance, address: string, options: BannerOptions = {}): string {
  const { faults, tls, restoredFrom } = app.edmock;
  const lines = [`edmock listening on ${address}`];
  if (restoredFrom) lines.push(`  stores read from ${restoredFrom}; the fixtures below are the startup dataset ${ADMIN_PREFIX}/reset brings back`);
  lines.push(...serviceLines(app, address));
  lines.push(`  admin API: ${address}${ADMIN_PREFIX}  (GET it for the list: journal, reset, fixtures, dump, faults; sessions by the ${SESSION_HEADER} header)`);
  if (faults.size > 0) lines.push(`  ${count(faults.size, 'fault rule')} in force`);
  const { throttling, subscriptions } = app.edmock;
  if (throttling.active) lines.push(`  throttling limits in force: ${throttling.describe().source ?? ''} (${ADMIN_PREFIX}/throttle)`);
  if (subscriptions !== undefined) lines.push('  change notifications: POST to a subscriptions set sends the validation request, then notifies');
  if (options.auth) lines.push('  auth: Authorization: Bearer <JWT> required');
  const admin = adminLine(app, options);
  if (admin) lines.push(admin);
  if (options.data) lines.push(`  stores kept in ${path.resolve(options.data)}`);
  if (tls) lines.push(`  TLS certificate ${tls.created ? 'made' : 'from'} ${tls.dir}; trust its CA with NODE_EXTRA_CA_CERTS=${tls.caFile}`);
  if (options.watching?.length) lines.push(`  watching ${options.watching.join(' and ')}`);
  return lines.join('\n');
}
