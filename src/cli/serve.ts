import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { packageRoot } from '../package-root.js';
import { createServer, type CreateServerOptions } from '../server/create-server.js';
import { loadHandlersFile } from '../mock/load-handlers.js';
import { readPermissionTable } from '../toolkit/auth.js';
import { checkRule, type FaultRuleInput } from '../toolkit/faults.js';
import { readThrottleConfig } from '../toolkit/throttle-config.js';
import type { ThrottleRuleInput } from '../toolkit/throttle-rules.js';
import { GRAPH_PRESET_NAME } from '../toolkit/throttle-preset.js';
import { startBanner } from './banner.js';
import { parseServeOptions, type ServeSettings } from './serve-options.js';
import { SERVE_USAGE } from './usage.js';
import { watchServices, type Watcher } from './watch.js';
import { metadataWarnings } from '../mock/load-service.js';
import { count } from './count.js';

// `edmock serve`. Stdout carries the logs only, in one format: pretty lines in a terminal, JSON
// lines otherwise, so `edmock serve | jq` or a log collector reads every line. The start banner
// is for the person who started the server and goes to stderr, where it shows even when stdout
// is redirected and whatever --log-level hides.

/** Pretty lines in a terminal, JSON lines otherwise (for log collectors). */
function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return process.stdout.isTTY ? { level, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } } : { level };
}

async function readFaults(file: string): Promise<{ seed?: number; rules?: FaultRuleInput[] }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`--faults ${file}: ${(error as Error).message}`, { cause: error });
  }
  const config = parsed as { seed?: unknown; rules?: unknown };
  if (typeof config !== 'object' || config === null || !Array.isArray(config.rules)) throw new Error(`--faults ${file}: expected {"seed": <n>, "rules": [...]}`);
  if (config.seed !== undefined && !Number.isInteger(config.seed)) throw new Error(`--faults ${file}: "seed" is a whole number`);
  try {
    for (const rule of config.rules) checkRule(rule);
  } catch (error) {
    throw new Error(`--faults ${file}: ${(error as Error).message}`, { cause: error });
  }
  return config as { seed?: number; rules?: FaultRuleInput[] };
}

/** `--throttle graph` (the limits Graph publishes) or `--throttle FILE` (`{"rules": [...]}` or `{"preset": "graph"}`), checked before the server starts. */
async function readThrottle(value: string): Promise<{ rules: ThrottleRuleInput[]; source: string }> {
  if (value === GRAPH_PRESET_NAME) return readThrottleConfig({ preset: GRAPH_PRESET_NAME }, GRAPH_PRESET_NAME);
  try {
    return readThrottleConfig(JSON.parse(await readFile(value, 'utf8')), value);
  } catch (error) {
    throw new Error(`--throttle ${value}: ${(error as Error).message}`, { cause: error });
  }
}

async function serverOptions(settings: ServeSettings): Promise<CreateServerOptions> {
  return {
    services: settings.services, bodyLimit: settings.bodyLimit, pageSize: settings.pageSize, batchLimit: settings.batchLimit, deltaRetentionSeconds: settings.deltaRetentionSeconds, journalSize: settings.journalSize,
    journalBodyLimit: settings.journalBodyLimit, journalMaxBytes: settings.journalMaxBytes, maxSessions: settings.maxSessions,
    notifications: settings.notifications,
    fixtures: settings.fixtures, ...(settings.generate ? { generate: settings.generate } : {}), logger: loggerOptions(settings.logLevel), logRequests: settings.logRequests,
    ...(settings.data ? { dataFile: path.resolve(settings.data), dataSync: settings.dataSync } : {}),
    ...(settings.faults ? { faults: await readFaults(settings.faults) } : {}),
    ...(settings.asyncRequests ? { asyncRequests: settings.asyncRequests } : {}),
    ...(settings.throttle ? { throttle: await readThrottle(settings.throttle) } : {}),
    ...(settings.handlersFile ? { handlers: await loadHandlersFile(settings.handlersFile) } : {}),
    // Without --permissions, each service's <service>.permissions.json beside its metadata.
    ...(settings.auth ? { auth: {
      ...(settings.permissions ? { permissions: await readPermissionTable(settings.permissions) } : {}),
      ...(settings.audience ? { audience: settings.audience } : {}),
    } } : {}),
    ...(settings.adminToken !== undefined ? { adminToken: settings.adminToken } : {}),
    ...(settings.tls ? { tls: settings.tlsDir ? { dir: settings.tlsDir } : true } : {}),
  };
}

/** `--watch`: reloads are log records (a failed one a warning), so they share the logs' format. */
function startWatching(app: FastifyInstance, settings: ServeSettings, root: string): Watcher {
  return watchServices(app, {
    metadataDir: settings.metadataDir,
    log: (line, severity) => app.log[severity](`[watch] ${line}`),
    ...(settings.docsDir ? { docsDir: settings.docsDir } : {}),
    ...(settings.handlersFile ? { handlersFile: settings.handlersFile } : {}),
    // The bundled services' generated/ follows their metadata; a user's own files have none.
    ...(settings.ownMetadata ? {} : { generatedDir: path.join(root, 'generated') }),
  });
}

/**
 * The data file's snapshot is written first (every acknowledged write is in its log already);
 * then requests in flight get a moment to finish (a latency fault may hold one for minutes, so
 * not longer), and their writes are logged as before; a second signal ends it at once.
 */
function stopOnSignals(app: FastifyInstance, watcher: Watcher | undefined, dataFile: string | undefined): void {
  let stopping = false;
  const stop = () => {
    try {
      app.edmock.dataLog?.checkpoint();
    } catch (error) {
      console.error(`edmock: saving ${dataFile} failed: ${(error as Error).message}`);
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

/** One line per service whose metadata has warnings: their count, and where to read them. */
function warningLines(app: FastifyInstance): string[] {
  return app.edmock.services.flatMap(({ service, source }) => {
    const warnings = metadataWarnings(service).length;
    if (warnings === 0 || !('metadataFile' in source)) return [];
    return [`${count(warnings, 'warning')} about ${source.metadataFile}: run \`edmock check-metadata ${source.metadataFile}\` to list them`];
  });
}

export async function serve(args: string[]): Promise<void> {
  const root = packageRoot();
  const settings = parseServeOptions(args, root);
  if (settings === 'help') { console.log(SERVE_USAGE); return; }
  const app = await createServer(await serverOptions(settings));
  const address = await app.listen({ port: settings.port, host: settings.host });
  const watcher = settings.watch ? startWatching(app, settings, root) : undefined;
  const watching = settings.watch ? [settings.metadataDir, ...(settings.docsDir ? [settings.docsDir] : []), ...(settings.handlersFile ? [settings.handlersFile] : [])] : [];
  console.error(startBanner(app, address, { auth: settings.auth, unsafeOpenAdmin: settings.unsafeOpenAdmin, data: settings.data, watching }));
  for (const line of warningLines(app)) console.error(line);
  stopOnSignals(app, watcher, settings.data);
}
