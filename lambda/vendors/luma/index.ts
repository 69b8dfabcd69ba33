/** Luma Dream Machine: everything about it is in this folder. */
import { defineVendor } from '../module';
import { lumaAdapter, type LumaOptions } from './adapter';
import { lumaManifest } from './manifest';
import { lumaSamples } from './samples';

export { lumaAdapter, type LumaOptions } from './adapter';
export { lumaManifest } from './manifest';
export { generationFields, LUMA_STATES } from './status-api';

export const luma = defineVendor({
  manifest: lumaManifest,
  createAdapter: (options: LumaOptions, id: string) => lumaAdapter(options, id),
  samples: lumaSamples,
});
