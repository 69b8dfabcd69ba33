/** fal.ai: everything about it is in this folder. */
import type { AdapterPorts } from '../../core/adapter';
import { defineVendor } from '../module';
import { falAdapter, type FalOptions } from './adapter';
import { falManifest } from './manifest';
import { falSamples } from './samples';

export { falAdapter, falScheme, type FalOptions } from './adapter';
export { falManifest, FAL_JWKS_URL, FAL_OUTPUT_URL_FIELDS } from './manifest';

export const fal = defineVendor({
  manifest: falManifest,
  createAdapter: (options: FalOptions, id: string, ports: AdapterPorts) => falAdapter(options, id, ports),
  samples: falSamples,
});
