import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { count } from './count.js';
import { openApiOf } from '../odata/openapi.js';
import { packageRoot } from '../package-root.js';
import { parseCommandArgs, UsageError } from './args.js';
import { OPENAPI_USAGE } from './usage.js';

// `edmock openapi`: the OpenAPI 3.0 description of a service as `serve` would serve it, for
// tools that read OpenAPI rather than CSDL (Swagger UI, oasdiff, client generators).

const BUNDLED = ['v1.0', 'beta'];
/** Where `edmock serve` listens by default. */
const DEFAULT_ORIGIN = 'http://127.0.0.1:4000';
/** The whole Graph metadata gives some 1700 warnings: the first few say what kind they are. */
const MAX_WARNINGS_SHOWN = 20;

export async function openApiCommand(args: string[]): Promise<void> {
  const { values } = parseCommandArgs('openapi', {
    args,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      metadata: { type: 'string' },
      service: { type: 'string' },
      'server-url': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.help) { console.log(OPENAPI_USAGE); return; }
  if (values.metadata !== undefined && values.service !== undefined) throw new UsageError('openapi', '--metadata and --service name different services: give one');
  const service = values.service ?? 'v1.0';
  if (!BUNDLED.includes(service)) throw new UsageError('openapi', `--service is ${BUNDLED.join(' or ')}, not '${service}'`);
  const file = values.metadata === undefined ? path.join(packageRoot(), 'generated', service, 'metadata.xml') : path.resolve(values.metadata);
  // A --metadata service is served at the root, a bundled one at its name.
  const serverUrl = values['server-url'] ?? (values.metadata === undefined ? `${DEFAULT_ORIGIN}/${service}` : DEFAULT_ORIGIN);
  if (!URL.canParse(serverUrl) || !/^https?:$/.test(new URL(serverUrl).protocol)) throw new UsageError('openapi', `--server-url is an absolute http(s) URL, not '${serverUrl}'`);
  const xml = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  const { document, warnings } = openApiOf(xml, serverUrl);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (values.out === undefined) process.stdout.write(text);
  else await writeFile(values.out, text);
  if (values.out !== undefined) console.error(`wrote ${count(Object.keys(document.paths).length, 'path')} to ${values.out}`);
  if (warnings.length > 0) console.error(`the converters warned ${count(warnings.length, 'time')}:`);
  for (const warning of warnings.slice(0, MAX_WARNINGS_SHOWN)) console.error(`  ${warning}`);
  if (warnings.length > MAX_WARNINGS_SHOWN) console.error(`  ... and ${warnings.length - MAX_WARNINGS_SHOWN} more`);
}
