import path from 'node:path';
import { seededRandom } from '../../../src/odata/sample-values.js';
import type { DriveContext } from './context.js';
import { driveCollection, driveSingleton } from './crud.js';
import { serveModelFile } from './http.js';
import { driveOperations } from './operations.js';
import { Steps, type StepResult } from './steps.js';

export type { StepResult } from './steps.js';

// One model, driven as a client that knows only its metadata would: every entity set and
// singleton the container declares (nothing listed by hand), then every operation.

/** A seed from the file's name, so that a model is driven with the same values on every run. */
function seedOf(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

/** What a drive did: each step, and how much the model declares (unknown when it did not start). */
export interface DriveReport {
  steps: StepResult[];
  entitySets?: number;
  singletons?: number;
  operations?: number;
}

/** Starts edmock on `file`, drives every set, singleton and operation, and stops it. */
export async function driveModelFile(file: string): Promise<DriveReport> {
  const steps = new Steps();
  let served: Awaited<ReturnType<typeof serveModelFile>> | undefined;
  await steps.run('start', async () => {
    served = await serveModelFile(file);
  });
  if (!served) return { steps: steps.results };
  try {
    const ctx: DriveContext = { model: served.model, http: served.http, steps, random: seededRandom(seedOf(path.basename(file))) };
    const { entitySets, singletons } = served.model.container;
    for (const set of Object.values(entitySets)) {
      const type = served.model.entityTypes[set.entityType];
      if (type) await driveCollection(ctx, set.name, `/${set.name}`, type);
      else steps.skip(set.name, `entity type ${set.entityType} is not in the model`);
    }
    for (const singleton of Object.values(singletons)) {
      const type = served.model.entityTypes[singleton.type];
      if (type) await driveSingleton(ctx, singleton.name, type);
      else steps.skip(singleton.name, `entity type ${singleton.type} is not in the model`);
    }
    await driveOperations(ctx);
  } finally {
    await served.close();
  }
  const { model } = served;
  return {
    steps: steps.results,
    entitySets: Object.keys(model.container.entitySets).length,
    singletons: Object.keys(model.container.singletons).length,
    operations: model.operations.length + model.unboundOperations.length,
  };
}
