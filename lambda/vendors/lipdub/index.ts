/** LipDub AI: everything about it is in this folder. */
import { defineVendor } from '../module';
import { lipdubAdapter, type LipDubOptions } from './adapter';
import { lipdubManifest } from './manifest';
import { lipdubSamples } from './samples';

export { lipdubAdapter, type LipDubOptions } from './adapter';
export { lipdubManifest } from './manifest';

export const lipdub = defineVendor({
  manifest: lipdubManifest,
  createAdapter: (options: LipDubOptions, id: string) => lipdubAdapter(options, id),
  samples: lipdubSamples,
});
