import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { packageRoot } from '../package-root.js';
import { parseCommandArgs, UsageError } from './args.js';
import { DOCS_USAGE } from './usage.js';

// `edmock docs import|check|replay <pages...>`. Each subcommand loads its tools when it runs
// (replay brings a whole server), so that a mistake in the command line is told at once.

const SUBCOMMANDS = ['import', 'check', 'replay'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

function readDocsArgs(subcommand: Subcommand, args: string[]) {
  return parseCommandArgs(`docs ${subcommand}`, {
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      json: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      'fail-on': { type: 'string' },
      'metadata-dir': { type: 'string' },
      url: { type: 'string' },
      junit: { type: 'string' },
      out: { type: 'string' },
    },
  });
}
type DocsArgs = ReturnType<typeof readDocsArgs>['values'] & { metadataDir: string };

const FAIL_ON = ['breaking', 'any', 'none'];

/**
 * Reports, beside what the pages add, what the new metadata changes for a client of the current
 * file (`edmock diff`'s classes). `--check` writes nothing and exits 1 when an import would make a
 * change of the `--fail-on` class (default breaking): a gate before anyone regenerates the mock.
 */
async function runImport(pages: string[], values: DocsArgs): Promise<void> {
  const failOn = values['fail-on'] ?? 'breaking';
  if (!FAIL_ON.includes(failOn)) throw new UsageError('docs import', `--fail-on: '${failOn}' is not one of ${FAIL_ON.join(', ')}`);
  if (values['fail-on'] !== undefined && !values.check) throw new UsageError('docs import', '--fail-on goes with --check');
  const { formatImport, importDocs } = await import('../docs/run-import.js');
  const results = await importDocs(pages, path.resolve(values.out ?? values.metadataDir), { check: values.check });
  console.log(formatImport(results));
  const failing = results.metadata.some(({ diff }) => diff && (failOn === 'any' ? diff.changes.length > 0 : failOn === 'breaking' && diff.counts.breaking > 0));
  if (values.check && failing) process.exitCode = 1;
}

async function runCheck(pages: string[], values: DocsArgs): Promise<void> {
  const { checkDocs, formatFindings } = await import('../docs/run-check.js');
  const findings = await checkDocs(pages, values.metadataDir);
  console.log(values.json ? JSON.stringify(findings, null, 2) : formatFindings(findings));
  if (findings.some((f) => f.severity === 'error')) process.exitCode = 1;
}

async function runReplay(pages: string[], values: DocsArgs): Promise<void> {
  const { formatJunit, formatTap, replayDocs } = await import('../docs/replay-pages.js');
  const results = await replayDocs(pages, { metadataDir: values.metadataDir, ...(values.url ? { url: values.url } : {}) });
  console.log(formatTap(results));
  if (values.junit) await writeFile(values.junit, formatJunit(results));
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

/** The subcommand, or a usage mistake: none given, an option in its place, or an unknown one. */
function subcommandOf(first: string | undefined): Subcommand | 'help' {
  if (first === '--help' || first === '-h') return 'help';
  if (first === undefined) throw new UsageError('docs', `name a subcommand (${SUBCOMMANDS.join(', ')})`, DOCS_USAGE);
  if (first.startsWith('-')) throw new UsageError('docs', `unknown option '${first}'; the subcommand comes first (${SUBCOMMANDS.join(', ')})`);
  if (!(SUBCOMMANDS as readonly string[]).includes(first)) throw new UsageError('docs', `unknown subcommand '${first}' (${SUBCOMMANDS.join(', ')})`);
  return first as Subcommand;
}

export async function docs(args: string[]): Promise<void> {
  const [first, ...rest] = args;
  const subcommand = subcommandOf(first);
  if (subcommand === 'help') { console.log(DOCS_USAGE); return; }
  const { values, positionals } = readDocsArgs(subcommand, rest);
  if (values.help) { console.log(DOCS_USAGE); return; }
  if (positionals.length === 0) throw new UsageError(`docs ${subcommand}`, 'name the pages (files or directories)');
  const settings = { ...values, metadataDir: path.resolve(values['metadata-dir'] ?? path.join(packageRoot(), 'metadata')) };
  const run = { import: runImport, check: runCheck, replay: runReplay }[subcommand];
  await run(positionals, settings);
}
