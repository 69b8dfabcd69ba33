/** Mux Video: everything about it is in this folder. */
import { defineVendor } from '../module';
import { muxAdapter, type MuxOptions } from './adapter';
import { muxManifest } from './manifest';
import { muxSamples } from './samples';

export { muxAdapter, muxScheme, type MuxOptions } from './adapter';
export { muxManifest } from './manifest';

export const mux = defineVendor({
  manifest: muxManifest,
  createAdapter: (options: MuxOptions, id: string) => muxAdapter(options, id),
  samples: muxSamples,
});
