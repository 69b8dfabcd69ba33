/** Runway: everything about it is in this folder. */
import { defineVendor } from '../module';
import { runwayAdapter, type RunwayOptions } from './adapter';
import { runwayManifest } from './manifest';
import { runwaySamples } from './samples';

export { runwayAdapter, type RunwayOptions } from './adapter';
export { runwayManifest } from './manifest';
export { runwayTask } from './samples';
export { RUNWAY_STATUSES, taskFields } from './status-api';

export const runway = defineVendor({
  manifest: runwayManifest,
  createAdapter: (options: RunwayOptions, id: string) => runwayAdapter(options, id),
  samples: runwaySamples,
});
