import type { EdmModel } from '../../../src/edm/model.js';
import type { DriverHttp } from './http.js';
import type { Steps } from './steps.js';

/** What every part of a drive shares: the model, the server, the record and one seeded source. */
export interface DriveContext {
  model: EdmModel;
  http: DriverHttp;
  steps: Steps;
  random: () => number;
}

/** Containment levels the driver descends (Depots(1)/Bays(2)/Chargers('A') is two). */
export const CONTAINMENT_DEPTH = 2;
