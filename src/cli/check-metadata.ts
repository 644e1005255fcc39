import { existsSync } from 'node:fs';
import { checkEdmxFile } from '../edm/build-model.js';
import type { EdmDiagnostic } from '../edm/edm-error.js';
import { parseCommandArgs, UsageError } from './args.js';
import { count } from './count.js';
import { CHECK_METADATA_USAGE } from './usage.js';

// `edmock check-metadata FILE`: what edmock thinks of an EDMX file and the files it references,
// one diagnostic a line, so a user sees every warning `serve` only counts.

/** `warning  main.xml  EntityType 'ns.T': key property 'x' has ...`. */
export function diagnosticLine(d: EdmDiagnostic): string {
  return `${d.severity.padEnd(7)}  ${d.source ?? '-'}  ${d.element}: ${d.problem}`;
}

export function summaryLine(file: string, diagnostics: EdmDiagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const verdict = errors > 0 ? 'cannot be served' : 'can be served';
  return `${file}: ${count(errors, 'error')}, ${count(diagnostics.length - errors, 'warning')}; ${verdict}`;
}

export function checkMetadata(args: string[]): void {
  const { values, positionals } = parseCommandArgs('check-metadata', {
    args, allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false }, format: { type: 'string', default: 'text' } },
  });
  if (values.help) { console.log(CHECK_METADATA_USAGE); return; }
  if (positionals.length !== 1) throw new UsageError('check-metadata', 'expects one EDMX file', CHECK_METADATA_USAGE);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('check-metadata', `--format is text or json, not '${values.format}'`);
  const file = positionals[0] as string;
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const diagnostics = checkEdmxFile(file);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (values.format === 'json') {
    console.log(JSON.stringify({ file, errors, warnings: diagnostics.length - errors, diagnostics }, null, 2));
  } else {
    for (const d of diagnostics) console.log(diagnosticLine(d));
    console.log(summaryLine(file, diagnostics));
  }
  process.exitCode = errors > 0 ? 1 : 0;
}
