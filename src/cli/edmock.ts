#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { generate } from '../codegen/generate.js';
import { formatJunit, formatTap, replayDocs } from '../docs/replay-pages.js';
import { checkDocs, formatFindings } from '../docs/run-check.js';
import { formatImport, importDocs } from '../docs/run-import.js';
import { EdmError } from '../edm/edm-error.js';
import { packageRoot } from '../package-root.js';
import { watchServices } from '../server/watch.js';
import { bundledServices, createServer, DEFAULT_BODY_LIMIT, DEFAULT_PAGE_SIZE, type ServiceSource } from '../server/create-server.js';

// `edmock serve` and `edmock generate`. Arguments are read with node:util's parseArgs: two
// commands with a handful of flags do not need a CLI framework.

const USAGE = `Usage:
  edmock serve [--port 4000] [--host 127.0.0.1] [--metadata <file> | --metadata /prefix=<file> ...]
               [--body-limit <bytes>] [--page-size <n>] [--no-fixtures] [--watch [--docs <dir>]]
      Serves the bundled beta and v1.0 services at /beta and /v1.0, or the given EDMX files:
      a bare file at the root, /prefix=<file> at that prefix (repeatable). With --watch, a change
      to metadata/ (or to the pages in --docs, imported first) regenerates and reloads the running
      services, keeping their stored entities.
  edmock docs import <files|dirs...> [--out metadata]
      Merges what API reference pages say (types, properties, enums, paths) into the metadata of
      their versions; reports every conflict with both sources and never removes anything.
  edmock docs check <files|dirs...> [--json] [--metadata-dir metadata]
      Lints API reference pages against the metadata of their version: example bodies, paths,
      responses, property tables, placeholders. Exits 1 when there are errors.
  edmock docs replay <files|dirs...> [--url <service root>] [--junit <file>] [--metadata-dir metadata]
      Sends each page's example request to a mock (in-process, or the running one at --url) and
      compares the answer with the page's example response. Prints TAP.
  edmock generate [--check] [--metadata-dir metadata] [--out generated]
      Regenerates generated/<service>/ from metadata/<service>.xml. With --check, writes nothing
      and fails when generated/ differs from what the metadata gives.
`;

/** `--metadata file` -> root; `--metadata /prefix=file` -> that prefix. */
export function parseMetadataOption(value: string): ServiceSource & { metadataFile: string } {
  const match = /^(\/[^=]*)=(.+)$/.exec(value);
  return match ? { prefix: match[1] as string, metadataFile: path.resolve(match[2] as string) } : { prefix: '', metadataFile: path.resolve(value) };
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      metadata: { type: 'string', multiple: true },
      'body-limit': { type: 'string' },
      'page-size': { type: 'string' },
      'no-fixtures': { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      docs: { type: 'string' },
    },
  });
  if (values.docs !== undefined && !values.watch) throw new Error('--docs goes with --watch');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: '${values.port}' is not a port number`);
  const bodyLimit = values['body-limit'] === undefined ? DEFAULT_BODY_LIMIT : Number(values['body-limit']);
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) throw new Error(`--body-limit: '${values['body-limit']}' is not a positive whole number of bytes`);
  const pageSize = values['page-size'] === undefined ? DEFAULT_PAGE_SIZE : Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new Error(`--page-size: '${values['page-size']}' is not a positive whole number`);
  const root = packageRoot();
  const metadataDir = values.metadata?.[0] ? path.dirname(parseMetadataOption(values.metadata[0]).metadataFile) : path.join(root, 'metadata');
  // Watching serves the bundled services from metadata/ itself, so that an edit is what runs.
  const services = values.metadata?.map(parseMetadataOption) ?? (values.watch
    ? bundledServices().map((s) => ({ prefix: s.prefix, metadataFile: path.join(metadataDir, `${'bundled' in s ? s.bundled : ''}.xml`), fixturesFile: path.join(root, 'fixtures', `${'bundled' in s ? s.bundled : ''}.json`) }))
    : bundledServices());
  const app = await createServer({ services, bodyLimit, pageSize, fixtures: !values['no-fixtures'] });
  const address = await app.listen({ port, host: values.host });
  const lines = [`edmock listening on ${address}`];
  for (const { prefix, service, fixtures } of app.edmock.services) {
    lines.push(`  ${address}${prefix}/  (${service.name}; $metadata at ${address}${prefix}/$metadata)`);
    for (const f of fixtures) lines.push(`    fixture ${f.collection}/${f.id}  (${f.type})`);
  }
  console.log(lines.join('\n'));
  const watcher = values.watch
    ? watchServices(app, {
      metadataDir, log: (line) => console.log(`[watch] ${line}`),
      ...(values.docs ? { docsDir: path.resolve(values.docs) } : {}),
      ...(values.metadata ? {} : { generatedDir: path.join(root, 'generated') }),
    })
    : undefined;
  if (watcher) console.log(`  watching ${metadataDir}${values.docs ? ` and ${path.resolve(values.docs)}` : ''}`);
  const stop = () => { watcher?.close(); void app.close().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function runGenerate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      check: { type: 'boolean', default: false },
      'metadata-dir': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const root = packageRoot();
  const result = await generate({
    metadataDir: path.resolve(values['metadata-dir'] ?? path.join(root, 'metadata')),
    outDir: path.resolve(values.out ?? path.join(root, 'generated')),
    check: values.check,
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
      json: { type: 'boolean', default: false },
      'metadata-dir': { type: 'string' },
      url: { type: 'string' },
      junit: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error(`docs ${subcommand ?? ''}: name the pages (files or directories)`);
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
