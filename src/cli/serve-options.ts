import path from 'node:path';
import { bundledServices, DEFAULT_BATCH_LIMIT, DEFAULT_JOURNAL_SIZE, DEFAULT_PAGE_SIZE, MAX_JOURNAL_SIZE } from '../mock/create-mock.js';
import type { ServiceSource } from '../mock/mock-state.js';
import { DATA_SYNC_MODES, type DataSync } from '../toolkit/data-log.js';
import { DEFAULT_BODY_LIMIT } from '../server/create-server.js';
import { parseCommandArgs, UsageError, wholeNumberOption } from './args.js';

// `edmock serve`'s command line, checked and resolved to what the server is started with.

const SERVE_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  port: { type: 'string', default: '4000' },
  host: { type: 'string', default: '127.0.0.1' },
  metadata: { type: 'string', multiple: true },
  'body-limit': { type: 'string' },
  'page-size': { type: 'string' },
  'batch-limit': { type: 'string' },
  'no-fixtures': { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  docs: { type: 'string' },
  data: { type: 'string' },
  'data-sync': { type: 'string' },
  'journal-size': { type: 'string' },
  faults: { type: 'string' },
  auth: { type: 'boolean', default: false },
  permissions: { type: 'string' },
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
  if (values['tls-dir'] !== undefined && !values.tls) throw new UsageError('serve', '--tls-dir goes with --tls');
  if (values['data-sync'] !== undefined && values.data === undefined) throw new UsageError('serve', '--data-sync goes with --data');
  if (values['data-sync'] !== undefined && !DATA_SYNC_MODES.includes(values['data-sync'] as DataSync)) throw new UsageError('serve', `--data-sync: '${values['data-sync']}' is not one of ${DATA_SYNC_MODES.join(', ')}`);
  if (!LOG_LEVELS.includes(values['log-level'])) throw new UsageError('serve', `--log-level: '${values['log-level']}' is not one of ${LOG_LEVELS.join(', ')}`);
}

function numbers(values: ServeValues) {
  const optional = (flag: 'body-limit' | 'page-size' | 'journal-size' | 'batch-limit', fallback: number, range: { min: number; max?: number }) => {
    const value = values[flag];
    return value === undefined ? fallback : wholeNumberOption('serve', flag, value, range);
  };
  return {
    port: wholeNumberOption('serve', 'port', values.port, { min: 0, max: 65535, what: 'a port number (0 to 65535)' }),
    bodyLimit: optional('body-limit', DEFAULT_BODY_LIMIT, { min: 1 }),
    pageSize: optional('page-size', DEFAULT_PAGE_SIZE, { min: 1 }),
    batchLimit: optional('batch-limit', DEFAULT_BATCH_LIMIT, { min: 0 }),
    journalSize: optional('journal-size', DEFAULT_JOURNAL_SIZE, { min: 0, max: MAX_JOURNAL_SIZE }),
  };
}

/** The services to mount, and the directory `--watch` follows. */
function servicesToServe(values: ServeValues, root: string): { services: ServiceSource[]; metadataDir: string } {
  const given = values.metadata?.map(parseMetadataOption);
  const metadataDir = given?.[0] ? path.dirname(given[0].metadataFile) : path.join(root, 'metadata');
  if (given) return { services: given, metadataDir };
  if (!values.watch) return { services: bundledServices(), metadataDir };
  // Watching serves the bundled services from metadata/ itself, so that an edit is what runs.
  const services = bundledServices().map((s) => {
    const name = 'bundled' in s ? s.bundled : '';
    return { prefix: s.prefix, metadataFile: path.join(metadataDir, `${name}.xml`), fixturesFile: path.join(root, 'fixtures', `${name}.json`) };
  });
  return { services, metadataDir };
}

/** `edmock serve`'s arguments, checked; `help` when the user asked for the options. */
export function parseServeOptions(args: string[], root: string) {
  const values = readServeArgs(args);
  if (values.help) return 'help' as const;
  checkPairs(values);
  return {
    ...numbers(values),
    ...servicesToServe(values, root),
    host: values.host,
    fixtures: !values['no-fixtures'],
    logLevel: values['log-level'],
    logRequests: values['log-requests'],
    watch: values.watch,
    ownMetadata: values.metadata !== undefined,
    docsDir: values.docs === undefined ? undefined : path.resolve(values.docs),
    data: values.data,
    dataSync: (values['data-sync'] ?? 'group') as DataSync,
    faults: values.faults,
    auth: values.auth,
    permissions: values.permissions,
    tls: values.tls,
    tlsDir: values['tls-dir'] === undefined ? undefined : path.resolve(values['tls-dir']),
  };
}

export type ServeSettings = Exclude<ReturnType<typeof parseServeOptions>, 'help'>;
