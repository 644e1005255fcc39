import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateData } from '../mock/generate-data.js';
import { loadGeneratedService, loadServiceFromEdmx } from '../mock/load-service.js';
import { createSingletons, loadFixtures, readFixtureFile } from '../mock/seed-data.js';
import { packageRoot } from '../package-root.js';
import { MemoryStore } from '../store/memory-store.js';
import { parseCommandArgs } from './args.js';
import { generateOptionsOf } from './serve-options.js';
import { GENERATE_DATA_USAGE } from './usage.js';

// `edmock generate-data`: the data `serve --generate` makes, written as a fixture file. It is made
// the way serve makes it (into a store holding the singletons and, for the bundled service, its
// fixtures), so the file holds exactly what serve would have loaded after them.

const DEFAULT_COUNT = '10';

export async function generateDataCommand(args: string[]): Promise<void> {
  const { values } = parseCommandArgs('generate-data', {
    args,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      metadata: { type: 'string' },
      generate: { type: 'string', default: DEFAULT_COUNT },
      seed: { type: 'string' },
      'generate-depth': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.help) { console.log(GENERATE_DATA_USAGE); return; }
  const options = generateOptionsOf('generate-data', values)!;
  const root = packageRoot();
  const service = values.metadata === undefined
    ? await loadGeneratedService(path.join(root, 'generated'), 'v1.0')
    : await loadServiceFromEdmx(path.resolve(values.metadata));
  const store = new MemoryStore();
  createSingletons(service, store);
  if (values.metadata === undefined) {
    const file = path.join(root, 'fixtures', 'v1.0.json');
    const fixtures = await readFixtureFile(file);
    if (fixtures) loadFixtures(service, store, fixtures, file);
  }
  const { fixtures, entities } = generateData(service, store, options);
  const text = `${JSON.stringify(fixtures, null, 2)}\n`;
  if (values.out === undefined) {
    process.stdout.write(text);
    return;
  }
  await writeFile(values.out, text);
  console.error(`wrote ${entities} entities to ${values.out} (seed ${options.seed})`);
}
