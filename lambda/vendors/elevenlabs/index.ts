/** ElevenLabs (dubbing): everything about it is in this folder. */
import { defineVendor } from '../module';
import { elevenlabsAdapter, type ElevenLabsOptions } from './adapter';
import { elevenlabsManifest } from './manifest';
import { elevenlabsSamples } from './samples';

export { elevenlabsAdapter, elevenlabsScheme, type ElevenLabsOptions } from './adapter';
export { elevenlabsManifest } from './manifest';

export const elevenlabs = defineVendor({
  manifest: elevenlabsManifest,
  createAdapter: (options: ElevenLabsOptions, id: string) => elevenlabsAdapter(options, id),
  samples: elevenlabsSamples,
});
