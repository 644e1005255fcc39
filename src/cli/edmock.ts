#!/usr/bin/env node
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { EdmError } from '../edm/edm-error.js';
import { packageRoot } from '../package-root.js';
import { UsageError } from './args.js';
import { USAGE } from './usage.js';

// `edmock serve`, `generate`, `generate-data`, `docs`, `check-metadata`, `diff` and `openapi`. Arguments are read with node:util's
// parseArgs: a few commands with flat flags do not need a CLI framework. Each command's module
// is loaded when it runs, so that --version, --help and a mistyped command answer without
// loading Fastify, the code generator and the docs tools first.

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': return (await import('./serve.js')).serve(rest);
    case 'docs': return (await import('./docs.js')).docs(rest);
    case 'generate': return (await import('./generate.js')).runGenerate(rest);
    case 'generate-data': return (await import('./generate-data.js')).generateDataCommand(rest);
    case 'check-metadata': return (await import('./check-metadata.js')).checkMetadata(rest);
    case 'diff': return (await import('./diff.js')).diff(rest);
    case 'openapi': return (await import('./openapi.js')).openApiCommand(rest);
    case undefined: case '--help': case '-h': case 'help':
      console.log(USAGE);
      return;
    case '--version': case '-v':
      console.log(packageVersion());
      return;
    default:
      if (command.startsWith('-')) throw new UsageError('', `unknown option '${command}'`);
      console.error(`edmock: unknown command '${command}'\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

/** A usage mistake exits 2 and says where the help is; anything else is a failure, exit 1. */
function report(error: unknown): void {
  if (error instanceof UsageError) {
    const name = error.command ? `edmock ${error.command}` : 'edmock';
    console.error(`${name}: ${error.message}`);
    console.error(error.help ? `\n${error.help}` : `See \`${name} --help\`.`);
    process.exitCode = 2;
    return;
  }
  console.error(error instanceof EdmError ? `edmock: invalid metadata: ${error.message}` : `edmock: ${(error as Error).message}`);
  process.exitCode = 1;
}

main(process.argv.slice(2)).catch(report);
