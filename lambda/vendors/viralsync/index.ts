/** ViralSync: everything about it is in this folder. */
import { defineVendor } from '../module';
import { viralsyncAdapter, type ViralSyncOptions } from './adapter';
import { viralsyncManifest } from './manifest';
import { viralsyncSamples } from './samples';

export { viralsyncAdapter, viralsyncScheme, type ViralSyncOptions } from './adapter';
export { viralsyncManifest } from './manifest';

export const viralsync = defineVendor({
  manifest: viralsyncManifest,
  createAdapter: (options: ViralSyncOptions, id: string) => viralsyncAdapter(options, id),
  samples: viralsyncSamples,
});
