import path from 'node:path';
import { generate } from '../codegen/generate.js';
import { packageRoot } from '../package-root.js';
import { parseCommandArgs } from './args.js';
import { count } from './count.js';
import { GENERATE_USAGE } from './usage.js';

// `edmock generate [--check]`.

export async function runGenerate(args: string[]): Promise<void> {
  const { values } = parseCommandArgs('generate', {
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
  if (!values.check) {
    console.log(`generated ${result.services.join(', ')}: ${count(result.changed.length, 'file')} changed`);
  } else if (result.changed.length > 0) {
    console.error(`generated/ is stale; run \`npm run generate\` and commit the result. Differing:\n${result.changed.map((f) => `  ${f}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(`generated/ is up to date (${result.services.join(', ')})`);
  }
}
