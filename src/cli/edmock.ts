#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { generate } from '../codegen/generate.js';
import { formatJunit, formatTap, replayDocs } from '../docs/replay-pages.js';
import { checkDocs, formatFindings } from '../docs/run-check.js';
import { formatImport, importDocs } from '../docs/run-import.js';
import { EdmError } from '../edm/edm-error.js';
import { packageRoot } from '../package-root.js';
import { watchServices } from './watch.js';
import { bundledServices, createServer, DEFAULT_BODY_LIMIT, DEFAULT_JOURNAL_SIZE, DEFAULT_PAGE_SIZE, type ServiceSource } from '../server/create-server.js';
import { readPermissionTable } from '../toolkit/auth.js';
import { checkRule, type FaultRuleInput } from '../toolkit/faults.js';
import { SESSION_HEADER } from '../toolkit/sessions.js';
import { ADMIN_PREFIX } from '../toolkit/toolkit.js';

// `edmock serve`, `edmock generate` and `edmock docs`. Arguments are read with node:util's
// parseArgs: three commands with flat flags do not need a CLI framework.

const SERVE_USAGE = `edmock serve [options]
  Serves the bundled beta and v1.0 services at /beta and /v1.0, or the given EDMX files, each with
  an in-memory store holding its startup dataset; the admin API is at /_edmock.

  --port <n>                 default 4000 (0: any free port)
  --host <name>              default 127.0.0.1
  --metadata <file>          serve that EDMX at the root instead (generated in memory)
  --metadata /prefix=<file>  serve it at a prefix; repeatable
  --no-fixtures              start with empty stores
  --body-limit <bytes>       largest request body, default 4194304 (Graph's 4 MB)
  --page-size <n>            server-driven page size, default 100
  --data <file>              keep the stores in this file across restarts
  --journal-size <n>         requests each journal keeps, default 1000 (0: none)
  --faults <file>            fault rules in force from the start: {"seed": 1, "rules": [...]}
  --auth                     require Authorization: Bearer <JWT> (401 otherwise)
  --permissions <file>       with --auth, the scopes each operation needs (403 otherwise);
                             default metadata/<service>.permissions.json where present
  --tls                      serve HTTPS with a local CA's certificate (made at first start)
  --tls-dir <dir>            where that CA and certificate live, default ~/.edmock/tls
  --watch [--docs <dir>]     follow edits of metadata/ (and of the pages, imported first)
  --log-level <level>        fatal, error, warn, info (default), debug, trace
  --log-requests             log every request (the journal holds them anyway)
`;

const GENERATE_USAGE = `edmock generate [--check] [--metadata-dir metadata] [--out generated]
  Regenerates generated/<service>/ from metadata/<service>.xml. With --check, writes nothing and
  fails when generated/ differs from what the metadata gives.
`;

const DOCS_USAGE = `edmock docs import <files|dirs...> [--out metadata]
  Merges what API reference pages say (types, properties, enums, paths, permissions) into the
  metadata of their versions; reports every conflict with both sources and never removes anything.
edmock docs check <files|dirs...> [--json] [--metadata-dir metadata]
  Lints API reference pages against the metadata of their version: example bodies, paths,
  responses, property tables, placeholders. Exits 1 when there are errors.
edmock docs replay <files|dirs...> [--url <service root>] [--junit <file>] [--metadata-dir metadata]
  Sends each page's example request to a mock (in-process, or the running one at --url) and
  compares the answer with the page's example response. Prints TAP.
`;

const USAGE = `Usage: edmock <command> [options]   (edmock <command> --help for one command)

${SERVE_USAGE}
${GENERATE_USAGE}
${DOCS_USAGE}`;

/** `--metadata file` -> root; `--metadata /prefix=file` -> that prefix. */
export function parseMetadataOption(value: string): ServiceSource & { metadataFile: string } {
  const match = /^(\/[^=]*)=(.+)$/.exec(value);
  return match ? { prefix: match[1] as string, metadataFile: path.resolve(match[2] as string) } : { prefix: '', metadataFile: path.resolve(value) };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

function positiveNumber(flag: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`--${flag}: '${value}' is not a ${allowZero ? 'whole number' : 'positive whole number'}`);
  return n;
}

/** Pretty lines in a terminal, JSON lines otherwise (for log collectors). */
function loggerOptions(level: string): FastifyServerOptions['logger'] {
  if (!LOG_LEVELS.includes(level)) throw new Error(`--log-level: '${level}' is not one of ${LOG_LEVELS.join(', ')}`);
  return process.stdout.isTTY ? { level, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } } : { level };
}

async function readFaults(file: string): Promise<{ seed?: number; rules?: FaultRuleInput[] }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`--faults ${file}: ${(error as Error).message}`);
  }
  const config = parsed as { seed?: unknown; rules?: unknown };
  if (typeof config !== 'object' || config === null || !Array.isArray(config.rules)) throw new Error(`--faults ${file}: expected {"seed": <n>, "rules": [...]}`);
  if (config.seed !== undefined && !Number.isInteger(config.seed)) throw new Error(`--faults ${file}: "seed" is a whole number`);
  try {
    for (const rule of config.rules) checkRule(rule);
  } catch (error) {
    throw new Error(`--faults ${file}: ${(error as Error).message}`);
  }
  return config as { seed?: number; rules?: FaultRuleInput[] };
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      metadata: { type: 'string', multiple: true },
      'body-limit': { type: 'string' },
      'page-size': { type: 'string' },
      'no-fixtures': { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      docs: { type: 'string' },
      data: { type: 'string' },
      'journal-size': { type: 'string' },
      faults: { type: 'string' },
      auth: { type: 'boolean', default: false },
      permissions: { type: 'string' },
      tls: { type: 'boolean', default: false },
      'tls-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'log-requests': { type: 'boolean', default: false },
    },
  });
  if (values.help) { console.log(SERVE_USAGE); return; }
  if (values.docs !== undefined && !values.watch) throw new Error('--docs goes with --watch');
  if (values.permissions !== undefined && !values.auth) throw new Error('--permissions goes with --auth');
  if (values['tls-dir'] !== undefined && !values.tls) throw new Error('--tls-dir goes with --tls');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: '${values.port}' is not a port number`);
  const bodyLimit = positiveNumber('body-limit', values['body-limit'], DEFAULT_BODY_LIMIT);
  const pageSize = positiveNumber('page-size', values['page-size'], DEFAULT_PAGE_SIZE);
  const journalSize = positiveNumber('journal-size', values['journal-size'], DEFAULT_JOURNAL_SIZE, true);
  const root = packageRoot();
  const metadataDir = values.metadata?.[0] ? path.dirname(parseMetadataOption(values.metadata[0]).metadataFile) : path.join(root, 'metadata');
  // Watching serves the bundled services from metadata/ itself, so that an edit is what runs.
  const services = values.metadata?.map(parseMetadataOption) ?? (values.watch
    ? bundledServices().map((s) => ({ prefix: s.prefix, metadataFile: path.join(metadataDir, `${'bundled' in s ? s.bundled : ''}.xml`), fixturesFile: path.join(root, 'fixtures', `${'bundled' in s ? s.bundled : ''}.json`) }))
    : bundledServices());
  const app = await createServer({
    services, bodyLimit, pageSize, journalSize, fixtures: !values['no-fixtures'],
    logger: loggerOptions(values['log-level']), logRequests: values['log-requests'],
    ...(values.data ? { dataFile: path.resolve(values.data) } : {}),
    ...(values.faults ? { faults: await readFaults(values.faults) } : {}),
    // Without --permissions, each service's <service>.permissions.json beside its metadata.
    ...(values.auth ? { auth: values.permissions ? { permissions: await readPermissionTable(values.permissions) } : true } : {}),
    ...(values.tls ? { tls: values['tls-dir'] ? { dir: path.resolve(values['tls-dir']) } : true } : {}),
  });
  const address = await app.listen({ port, host: values.host });
  console.log(startBanner(app, address, { auth: values.auth, data: values.data }));
  const watcher = values.watch
    ? watchServices(app, {
      metadataDir, log: (line) => console.log(`[watch] ${line}`),
      ...(values.docs ? { docsDir: path.resolve(values.docs) } : {}),
      ...(values.metadata ? {} : { generatedDir: path.join(root, 'generated') }),
    })
    : undefined;
  if (watcher) console.log(`  watching ${metadataDir}${values.docs ? ` and ${path.resolve(values.docs)}` : ''}`);
  // The data file is saved first; then requests in flight get a moment to finish (a latency
  // fault may hold one for minutes, so not longer); a second signal ends it at once.
  let stopping = false;
  const stop = () => {
    try {
      app.edmock.toolkit.dataFile?.flush();
    } catch (error) {
      console.error(`edmock: saving ${values.data} failed: ${(error as Error).message}`);
    }
    if (stopping) process.exit(0);
    stopping = true;
    watcher?.close();
    setTimeout(() => process.exit(0), 2000).unref();
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** What is being served, the startup dataset's ids, and where the admin API is. */
export function startBanner(app: FastifyInstance, address: string, options: { auth?: boolean; data?: string | undefined } = {}): string {
  const { services, toolkit, tls } = app.edmock;
  const lines = [`edmock listening on ${address}`];
  if (app.edmock.restoredFrom) lines.push(`  stores read from ${app.edmock.restoredFrom}; the fixtures below are the startup dataset ${ADMIN_PREFIX}/reset brings back`);
  for (const { prefix, service, fixtures } of services) {
    const { entitySets, singletons } = service.model.container;
    const roots = [...Object.keys(singletons), ...Object.keys(entitySets)].sort();
    lines.push(`  ${address}${prefix}/  (${service.name}; $metadata at ${address}${prefix}/$metadata)`);
    lines.push(`    ${roots.length} entity sets and singletons: ${roots.slice(0, 8).join(', ')}${roots.length > 8 ? `, … (${roots.length - 8} more)` : ''}`);
    for (const f of fixtures) lines.push(`    fixture ${f.collection}/${f.id}  (${f.type})`);
  }
  lines.push(`  admin API: ${address}${ADMIN_PREFIX}  (GET it for the list: journal, reset, fixtures, dump, faults; sessions by the ${SESSION_HEADER} header)`);
  if (toolkit.faults.size > 0) lines.push(`  ${toolkit.faults.size} fault rule(s) in force`);
  if (options.auth) lines.push('  auth: Authorization: Bearer <JWT> required');
  if (options.data) lines.push(`  stores kept in ${path.resolve(options.data)}`);
  if (tls) lines.push(`  TLS certificate ${tls.created ? 'made' : 'from'} ${tls.dir}; trust its CA with NODE_EXTRA_CA_CERTS=${tls.caFile}`);
  return lines.join('\n');
}

async function runGenerate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      check: { type: 'boolean', default: false },
      'metadata-dir': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.help) { console.log(GENERATE_USAGE); return; }
  const root = packageRoot();
  const result = await generate({
    metadataDir: path.resolve(values['metadata-dir'] ?? path.join(root, 'metadata')),
    outDir: path.resolve(values.out ?? path.join(root, 'generated')),
    check: values.check,
    // Progress goes to stderr, so that scripts reading stdout see only the result.
    progress: (line) => { if (process.stderr.isTTY) console.error(`  ${line}`); },
  });
  if (values.check) {
    if (result.changed.length > 0) {
      console.error(`generated/ is stale; run \`npm run generate\` and commit the result. Differing:\n${result.changed.map((f) => `  ${f}`).join('\n')}`);
      process.exitCode = 1;
    } else {
      console.log(`generated/ is up to date (${result.services.join(', ')})`);
    }
    return;
  }
  console.log(`generated ${result.services.join(', ')}: ${result.changed.length} file(s) changed`);
}

async function docs(args: string[]): Promise<void> {
  const [subcommand, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      json: { type: 'boolean', default: false },
      'metadata-dir': { type: 'string' },
      url: { type: 'string' },
      junit: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.help || subcommand === '--help' || subcommand === '-h' || subcommand === undefined) { console.log(DOCS_USAGE); return; }
  if (positionals.length === 0) throw new Error(`docs ${subcommand}: name the pages (files or directories)`);
  const metadataDir = path.resolve(values['metadata-dir'] ?? path.join(packageRoot(), 'metadata'));
  if (subcommand === 'import') {
    const results = await importDocs(positionals, path.resolve(values.out ?? metadataDir));
    console.log(formatImport(results));
    return;
  }
  if (subcommand === 'check') {
    const findings = await checkDocs(positionals, metadataDir);
    console.log(values.json ? JSON.stringify(findings, null, 2) : formatFindings(findings));
    if (findings.some((f) => f.severity === 'error')) process.exitCode = 1;
    return;
  }
  if (subcommand === 'replay') {
    const results = await replayDocs(positionals, { metadataDir, ...(values.url ? { url: values.url } : {}) });
    console.log(formatTap(results));
    if (values.junit) await writeFile(values.junit, formatJunit(results));
    if (results.some((r) => !r.ok)) process.exitCode = 1;
    return;
  }
  throw new Error(`unknown docs command '${subcommand ?? ''}' (import, check, replay)`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': return serve(rest);
    case 'docs': return docs(rest);
    case 'generate': return runGenerate(rest);
    case undefined: case '--help': case '-h': case 'help':
      console.log(USAGE);
      return;
    default:
      console.error(`edmock: unknown command '${command}'\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof EdmError ? `edmock: invalid metadata: ${error.message}` : `edmock: ${(error as Error).message}`);
  process.exitCode = 1;
});
