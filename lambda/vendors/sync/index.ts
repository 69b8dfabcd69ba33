/** Sync (sync.so): everything about it is in this folder. */
import { defineVendor } from '../module';
import { syncAdapter, type SyncOptions } from './adapter';
import { syncManifest } from './manifest';
import { syncSamples } from './samples';

export { syncAdapter, syncScheme, type SyncOptions } from './adapter';
export { syncManifest } from './manifest';

export const sync = defineVendor({
  manifest: syncManifest,
  createAdapter: (options: SyncOptions, id: string) => syncAdapter(options, id),
  samples: syncSamples,
});
