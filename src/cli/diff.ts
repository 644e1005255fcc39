import { existsSync } from 'node:fs';
import { loadEdmx, parseEdmxWithDiagnostics } from '../edm/build-model.js';
import { EdmError } from '../edm/edm-error.js';
import type { EdmModel } from '../edm/model.js';
import { diffModels, type EdmDiff } from '../edm/diff/diff-models.js';
import { renderJson, renderMarkdown, renderText } from '../edm/diff/render.js';
import { parseCommandArgs, UsageError } from './args.js';
import { DIFF_USAGE } from './usage.js';

// `edmock diff OLD NEW`: what changed between two versions of a metadata document, classified
// for a client, with an exit status CI can gate on. As with diff(1): 0 nothing of the
// --fail-on class, 1 something of it, 2 trouble (a usage mistake, an input that cannot be read).

const FORMATS = ['text', 'markdown', 'json'] as const;
const FAIL_ON = ['breaking', 'any', 'none'] as const;
type FailOn = (typeof FAIL_ON)[number];

export interface DiffOutput { out(text: string): void; err(text: string): void }
const CONSOLE: DiffOutput = { out: (text) => console.log(text), err: (text) => console.error(text) };

/** Runs the command and answers its exit status; a usage mistake is thrown as a UsageError. */
export async function diffCommand(args: string[], output: DiffOutput = CONSOLE): Promise<number> {
  const { values, positionals } = parseCommandArgs('diff', {
    args, allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'breaking' },
    },
  });
  if (values.help) { output.out(DIFF_USAGE); return 0; }
  if (positionals.length !== 2) throw new UsageError('diff', 'expects two metadata documents, OLD and NEW', DIFF_USAGE);
  const format = oneOf('format', values.format, FORMATS);
  const failOn = oneOf('fail-on', values['fail-on'], FAIL_ON);
  const [oldSource, newSource] = positionals as [string, string];
  let diff: EdmDiff;
  try {
    diff = diffModels(await loadModel(oldSource), await loadModel(newSource));
  } catch (error) {
    output.err(`edmock diff: ${error instanceof EdmError ? 'invalid metadata: ' : ''}${(error as Error).message}`);
    return 2;
  }
  const sources = { old: oldSource, new: newSource };
  output.out(format === 'json' ? renderJson(diff, sources) : format === 'markdown' ? renderMarkdown(diff, sources) : renderText(diff, sources));
  return fails(diff, failOn) ? 1 : 0;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError('diff', `--${flag} is ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, not '${value}'`);
}

function fails(diff: EdmDiff, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return failOn === 'any' ? diff.changes.length > 0 : diff.counts.breaking > 0;
}

/**
 * A file with the files its references name (as `serve` loads it), or a served `$metadata`
 * (a served document is whole: edmock and Graph inline what they reference).
 */
export async function loadModel(source: string): Promise<EdmModel> {
  if (/^https?:\/\//i.test(source)) {
    const response = await fetch(source, { headers: { accept: 'application/xml' } });
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${response.statusText}`);
    return parseEdmxWithDiagnostics(await response.text(), source).model;
  }
  if (!existsSync(source)) throw new Error(`${source}: no such file`);
  return loadEdmx(source).model;
}

/** The CLI's entry: the status becomes the process's exit code. */
export async function diff(args: string[]): Promise<void> {
  process.exitCode = await diffCommand(args);
}
