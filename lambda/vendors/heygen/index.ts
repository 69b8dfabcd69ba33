/** HeyGen: everything about it is in this folder. */
import { defineVendor } from '../module';
import { heygenAdapter, type HeyGenOptions } from './adapter';
import { heygenManifest } from './manifest';
import { heygenSamples } from './samples';

export { heygenAdapter, type HeyGenOptions } from './adapter';
export { heygenManifest } from './manifest';
export { HEYGEN_STATUSES, videoFields } from './status-api';

export const heygen = defineVendor({
  manifest: heygenManifest,
  createAdapter: (options: HeyGenOptions, id: string) => heygenAdapter(options, id),
  samples: heygenSamples,
});
