/** Synthesia: everything about it is in this folder. */
import { defineVendor } from '../module';
import { synthesiaAdapter, type SynthesiaOptions } from './adapter';
import { synthesiaManifest } from './manifest';
import { synthesiaSamples } from './samples';

export { synthesiaAdapter, synthesiaScheme, type SynthesiaOptions } from './adapter';
export { synthesiaManifest } from './manifest';

export const synthesia = defineVendor({
  manifest: synthesiaManifest,
  createAdapter: (options: SynthesiaOptions, id: string) => synthesiaAdapter(options, id),
  samples: synthesiaSamples,
});
