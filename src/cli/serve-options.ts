import path from 'node:path';
import { bundledServices, DEFAULT_BATCH_LIMIT, DEFAULT_DELTA_RETENTION_SECONDS, DEFAULT_JOURNAL_SIZE, DEFAULT_MAX_SESSIONS, DEFAULT_PAGE_SIZE, MAX_JOURNAL_SIZE } from '../mock/create-mock.js';
import { DEFAULT_JOURNAL_BODY_LIMIT, DEFAULT_JOURNAL_MAX_BYTES } from '../toolkit/journal-budget.js';
import type { ServiceSource } from '../mock/mock-state.js';
import { DEFAULT_GENERATE_DEPTH, DEFAULT_GENERATE_SEED, type GenerateOptions } from '../mock/generate-data.js';
import { DATA_SYNC_MODES, type DataSync } from '../toolkit/data-log.js';
import type { NotificationOptions } from '../toolkit/notifications/options.js';
import { DEFAULT_BODY_LIMIT } from '../server/create-server.js';
import { adminTokenProblem, isLoopbackHost } from '../toolkit/admin-guard.js';
import { parseAsyncRule, type AsyncRequestOptions } from '../toolkit/async-requests.js';
import { parseCommandArgs, UsageError, wholeNumberOption } from './args.js';

// `edmock serve`'s command line, checked and resolved to what the server is started with.

const SERVE_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  port: { type: 'string', default: '4000' },
  host: { type: 'string', default: '127.0.0.1' },
  metadata: { type: 'string', multiple: true },
  'body-limit': { type: 'string' },
  'page-size': { type: 'string' },
  'delta-retention': { type: 'string' },
  'batch-limit': { type: 'string' },
  fixtures: { type: 'string', multiple: true },
  'no-fixtures': { type: 'boolean', default: false },
  generate: { type: 'string' },
  seed: { type: 'string' },
  'generate-depth': { type: 'string' },
  watch: { type: 'boolean', default: false },
  docs: { type: 'string' },
  data: { type: 'string' },
  'data-sync': { type: 'string' },
  'journal-size': { type: 'string' },
  'journal-body-limit': { type: 'string' },
  'journal-max-bytes': { type: 'string' },
  'max-sessions': { type: 'string' },
  'notify-handshake-timeout': { type: 'string' },
  'notify-delivery-timeout': { type: 'string' },
  'notify-batch-window': { type: 'string' },
  'notify-retries': { type: 'string' },
  'notify-retry-backoff': { type: 'string' },
  faults: { type: 'string' },
  async: { type: 'string', multiple: true },
  'async-polls': { type: 'string' },
  'async-retry-after': { type: 'string' },
  throttle: { type: 'string' },
  handlers: { type: 'string' },
  auth: { type: 'boolean', default: false },
  permissions: { type: 'string' },
  audience: { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  'unsafe-open-admin': { type: 'boolean', default: false },
  tls: { type: 'boolean', default: false },
  'tls-dir': { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  'log-requests': { type: 'boolean', default: false },
} as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** `--metadata file` -> root; `--metadata /prefix=file` -> that prefix. */
export function parseMetadataOption(value: string): ServiceSource & { metadataFile: string } {
  const match = /^(\/[^=]*)=(.+)$/.exec(value);
  return match ? { prefix: match[1] as string, metadataFile: path.resolve(match[2] as string) } : { prefix: '', metadataFile: path.resolve(value) };
}

function readServeArgs(args: string[]) {
  return parseCommandArgs('serve', { args, options: SERVE_OPTIONS }).values;
}
type ServeValues = ReturnType<typeof readServeArgs>;

/** Options that only mean something beside another one. */
function checkPairs(values: ServeValues): void {
  if (values.docs !== undefined && !values.watch) throw new UsageError('serve', '--docs goes with --watch');
  if (values.permissions !== undefined && !values.auth) throw new UsageError('serve', '--permissions goes with --auth');
  if (values.audience !== undefined && !values.auth) throw new UsageError('serve', '--audience goes with --auth');
  if (values['tls-dir'] !== undefined && !values.tls) throw new UsageError('serve', '--tls-dir goes with --tls');
  if (values['data-sync'] !== undefined && values.data === undefined) throw new UsageError('serve', '--data-sync goes with --data');
  if (values['data-sync'] !== undefined && !DATA_SYNC_MODES.includes(values['data-sync'] as DataSync)) throw new UsageError('serve', `--data-sync: '${values['data-sync']}' is not one of ${DATA_SYNC_MODES.join(', ')}`);
  if (values.seed !== undefined && values.generate === undefined) throw new UsageError('serve', '--seed goes with --generate');
  if (values.fixtures !== undefined && values.metadata === undefined) throw new UsageError('serve', '--fixtures goes with --metadata (the bundled services have their own fixtures/)');
  if (values.fixtures !== undefined && values['no-fixtures']) throw new UsageError('serve', '--fixtures and --no-fixtures contradict each other');
  if (values['generate-depth'] !== undefined && values.generate === undefined) throw new UsageError('serve', '--generate-depth goes with --generate');
  if (!LOG_LEVELS.includes(values['log-level'])) throw new UsageError('serve', `--log-level: '${values['log-level']}' is not one of ${LOG_LEVELS.join(', ')}`);
}

type NumberFlag = 'body-limit' | 'page-size' | 'journal-size' | 'batch-limit' | 'journal-body-limit' | 'journal-max-bytes' | 'max-sessions' | 'delta-retention';

function numbers(values: ServeValues) {
  const optional = (flag: NumberFlag, fallback: number, range: { min: number; max?: number }) => {
    const value = values[flag];
    return value === undefined ? fallback : wholeNumberOption('serve', flag, value, range);
  };
  return {
    port: wholeNumberOption('serve', 'port', values.port, { min: 0, max: 65535, what: 'a port number (0 to 65535)' }),
    bodyLimit: optional('body-limit', DEFAULT_BODY_LIMIT, { min: 1 }),
    pageSize: optional('page-size', DEFAULT_PAGE_SIZE, { min: 1 }),
    batchLimit: optional('batch-limit', DEFAULT_BATCH_LIMIT, { min: 0 }),
    deltaRetentionSeconds: optional('delta-retention', DEFAULT_DELTA_RETENTION_SECONDS, { min: 0 }),
    journalSize: optional('journal-size', DEFAULT_JOURNAL_SIZE, { min: 0, max: MAX_JOURNAL_SIZE }),
    journalBodyLimit: optional('journal-body-limit', DEFAULT_JOURNAL_BODY_LIMIT, { min: 0 }),
    journalMaxBytes: optional('journal-max-bytes', DEFAULT_JOURNAL_MAX_BYTES, { min: 0 }),
    maxSessions: optional('max-sessions', DEFAULT_MAX_SESSIONS, { min: 1 }),
  };
}

/** `--notify-*`: change notifications' timeouts, window and retries (docs/notifications.md); only those given, the rest Graph's defaults. */
function notificationsOf(values: ServeValues): NotificationOptions {
  const flags = {
    handshakeTimeoutMs: 'notify-handshake-timeout', deliveryTimeoutMs: 'notify-delivery-timeout', batchWindowMs: 'notify-batch-window',
    retries: 'notify-retries', retryBackoffMs: 'notify-retry-backoff',
  } as const;
  const options: NotificationOptions = {};
  for (const [option, flag] of Object.entries(flags) as [keyof typeof flags, (typeof flags)[keyof typeof flags]][]) {
    const value = values[flag];
    if (value !== undefined) options[option] = wholeNumberOption('serve', flag, value, { min: 0 });
  }
  return options;
}

/** `--generate N [--seed S] [--generate-depth D]` (and `generate-data`'s same flags) as generator options. */
export function generateOptionsOf(command: string, values: { generate?: string; seed?: string; 'generate-depth'?: string }): GenerateOptions | undefined {
  if (values.generate === undefined) return undefined;
  return {
    count: wholeNumberOption(command, 'generate', values.generate, { min: 0 }),
    seed: values.seed === undefined ? DEFAULT_GENERATE_SEED : wholeNumberOption(command, 'seed', values.seed, { min: 0, max: 2 ** 32 - 1 }),
    depth: values['generate-depth'] === undefined ? DEFAULT_GENERATE_DEPTH : wholeNumberOption(command, 'generate-depth', values['generate-depth'], { min: 0 }),
  };
}

/**
 * `--fixtures FILE` (the one `--metadata` service's startup data) or `--fixtures /prefix=FILE`:
 * what `edmock generate-data` writes, or any fixture file, loaded as POSTs would be.
 */
function withFixtureFiles(services: { prefix: string; metadataFile: string }[], values: string[]): ServiceSource[] {
  const withFiles: { prefix: string; metadataFile: string; fixturesFile?: string }[] = services.map(({ prefix, metadataFile }) => ({ prefix, metadataFile }));
  for (const value of values) {
    const { prefix, metadataFile: file } = parseMetadataOption(value);
    const service = withFiles.find((s) => s.prefix === prefix);
    if (!service) throw new UsageError('serve', `--fixtures ${value}: no --metadata service is mounted at '${prefix || '/'}'`);
    if (service.fixturesFile !== undefined) throw new UsageError('serve', `--fixtures ${value}: the service at '${prefix || '/'}' has a fixture file already`);
    service.fixturesFile = file;
  }
  return withFiles;
}

/** The services to mount, and the directory `--watch` follows. */
function servicesToServe(values: ServeValues, root: string): { services: ServiceSource[]; metadataDir: string } {
  const given = values.metadata?.map(parseMetadataOption);
  const metadataDir = given?.[0] ? path.dirname(given[0].metadataFile) : path.join(root, 'metadata');
  if (given) return { services: withFixtureFiles(given, values.fixtures ?? []), metadataDir };
  if (!values.watch) return { services: bundledServices(), metadataDir };
  // Watching serves the bundled services from metadata/ itself, so that an edit is what runs.
  const services = bundledServices().map((s) => {
    const name = 'bundled' in s ? s.bundled : '';
    return { prefix: s.prefix, metadataFile: path.join(metadataDir, `${name}.xml`), fixturesFile: path.join(root, 'fixtures', `${name}.json`) };
  });
  return { services, metadataDir };
}

/**
 * The admin token (`--admin-token`, else EDMOCK_ADMIN_TOKEN, where other users of the machine
 * cannot read it in the process list), and the refusal to serve an open admin API to other hosts.
 */
function adminAccess(values: ServeValues, env: NodeJS.ProcessEnv) {
  const adminToken = values['admin-token'] ?? (env.EDMOCK_ADMIN_TOKEN || undefined);
  const problem = adminToken === undefined ? undefined : adminTokenProblem(adminToken);
  if (problem !== undefined) throw new UsageError('serve', `--admin-token: ${problem}`);
  if (adminToken === undefined && !values['unsafe-open-admin'] && !isLoopbackHost(values.host)) {
    throw new UsageError('serve', `--host ${values.host}: other hosts could reach the admin API (/_edmock), which reads, replaces and breaks the mock's data; `
      + 'give --admin-token <secret> (or EDMOCK_ADMIN_TOKEN) to protect it, or --unsafe-open-admin to serve it open anyway');
  }
  return { adminToken, unsafeOpenAdmin: values['unsafe-open-admin'] };
}

/**
 * `--async 'METHOD /path-glob'` (repeatable), `--async-polls N`, `--async-retry-after S`
 * (docs/async.md): undefined when none is given, and actions keep the defaults.
 */
function asyncRequestsOf(values: ServeValues): AsyncRequestOptions | undefined {
  const { async: requests, 'async-polls': polls, 'async-retry-after': retryAfter } = values;
  if (requests === undefined && polls === undefined && retryAfter === undefined) return undefined;
  for (const rule of requests ?? []) {
    try {
      parseAsyncRule(rule);
    } catch (error) {
      throw new UsageError('serve', `--async: ${(error as Error).message}`);
    }
  }
  return {
    ...(requests === undefined ? {} : { requests }),
    ...(polls === undefined ? {} : { pendingPolls: wholeNumberOption('serve', 'async-polls', polls, { min: 0, max: 1_000_000 }) }),
    ...(retryAfter === undefined ? {} : { retryAfter: wholeNumberOption('serve', 'async-retry-after', retryAfter, { min: 0, max: 86_400 }) }),
  };
}

/** `edmock serve`'s arguments, checked; `help` when the user asked for the options. */
export function parseServeOptions(args: string[], root: string, env: NodeJS.ProcessEnv = process.env) {
  const values = readServeArgs(args);
  if (values.help) return 'help' as const;
  checkPairs(values);
  return {
    ...adminAccess(values, env),
    ...numbers(values),
    ...servicesToServe(values, root),
    host: values.host,
    fixtures: !values['no-fixtures'],
    generate: generateOptionsOf('serve', values),
    logLevel: values['log-level'],
    logRequests: values['log-requests'],
    watch: values.watch,
    ownMetadata: values.metadata !== undefined,
    docsDir: values.docs === undefined ? undefined : path.resolve(values.docs),
    data: values.data,
    dataSync: (values['data-sync'] ?? 'group') as DataSync,
    faults: values.faults,
    asyncRequests: asyncRequestsOf(values),
    /** `graph` (the preset) or a file. */
    throttle: values.throttle,
    handlersFile: values.handlers === undefined ? undefined : path.resolve(values.handlers),
    auth: values.auth,
    permissions: values.permissions,
    audience: values.audience,
    tls: values.tls,
    tlsDir: values['tls-dir'] === undefined ? undefined : path.resolve(values['tls-dir']),
    notifications: notificationsOf(values),
  };
}

export type ServeSettings = Exclude<ReturnType<typeof parseServeOptions>, 'help'>;
