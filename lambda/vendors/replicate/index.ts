/** Replicate: everything about it is in this folder. */
import { defineVendor } from '../module';
import { replicateAdapter, type ReplicateOptions } from './adapter';
import { replicateManifest } from './manifest';
import { replicateSamples } from './samples';

export { replicateAdapter, type ReplicateOptions } from './adapter';
export { replicateManifest } from './manifest';

export const replicate = defineVendor({
  manifest: replicateManifest,
  createAdapter: (options: ReplicateOptions, id: string) => replicateAdapter(options, id),
  samples: replicateSamples,
});
