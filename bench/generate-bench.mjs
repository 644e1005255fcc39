// `npm run bench` (last part): `--generate` on the whole Microsoft Graph v1.0 metadata (issue 13):
// the time to generate BENCH_GENERATE_COUNT (default 10,000) entities per entity set, each created
// through edmock's own validation and linked along the bindings, with containment off
// (BENCH_GENERATE_DEPTH, default 0: Graph's containment would multiply the count by hundreds of
// navigations), and the heap the store then holds.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { generateData } from '../dist/src/mock/generate-data.js';
import { loadServiceFromEdmx } from '../dist/src/mock/load-service.js';
import { createSingletons } from '../dist/src/mock/seed-data.js';
import { MemoryStore } from '../dist/src/store/memory-store.js';

const GRAPH = process.env.BENCH_GRAPH ?? new URL('../../shared/graph-reference/v1.0-cleanMetadata.xml', import.meta.url).pathname;
const COUNT = Number(process.env.BENCH_GENERATE_COUNT ?? 10_000);
const DEPTH = Number(process.env.BENCH_GENERATE_DEPTH ?? 0);

if (!existsSync(GRAPH)) {
  console.log(`(the whole Graph metadata was not found at ${GRAPH}: generate bench skipped)`);
} else {
  const service = await loadServiceFromEdmx(GRAPH);
  const store = new MemoryStore();
  createSingletons(service, store);
  const sets = Object.keys(service.model.container.entitySets).length;
  const started = performance.now();
  const { entities, fixtures } = generateData(service, store, { count: COUNT, depth: DEPTH });
  const seconds = (performance.now() - started) / 1000;
  const links = Object.keys(fixtures).filter((k) => k.endsWith('/$ref')).length;
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`generate: Graph v1.0, ${COUNT} per entity set (${sets} sets, depth ${DEPTH}): ${entities} entities, ${links} linked navigations in ${seconds.toFixed(1)} s (${Math.round(entities / seconds)} entities/s), heap ${heap.toFixed(0)} MiB`);
}
