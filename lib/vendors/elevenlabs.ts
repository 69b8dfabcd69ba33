/** ElevenLabs (dubbing): its options, and what they are to its adapter (lambda/vendors/elevenlabs/). */
import type { Duration } from 'aws-cdk-lib/core';
import { elevenlabsManifest } from '../../lambda/vendors/elevenlabs/manifest';
import { toleranceSeconds } from '../private/validate';
import { vendorDefinition, vendorSubject, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * ElevenLabs (dubbing): `ElevenLabs-Signature` workspace webhooks. A job is a Dubbing Project's
 * language target, job id `<project_id>:<language_id>` (register it so); a dubbing of the older
 * API (`POST /v1/dubbing`, no webhooks) is a job too, by its `dubbing_id`, reported by polling only.
 * `webhookSecret` holds the workspace webhook's secret; `apiKey` an API key (`xi-api-key`).
 *
 * Defaults of the shared options: `id` 'elevenlabs', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://api.elevenlabs.io'.
 */
export interface ElevenLabsVendorOptions extends BuiltInVendorOptions {
  /**
   * How old the signed `t` may be (1 second to 24 hours). A `t` ahead of now is not refused, as
   * ElevenLabs' SDK does not refuse one.
   *
   * @default Duration.seconds(1800)
   */
  readonly timestampTolerance?: Duration;
}

export function elevenlabsDefinition(options: ElevenLabsVendorOptions): VendorDefinition {
  return vendorDefinition(elevenlabsManifest, options, {
    timestampToleranceSeconds: toleranceSeconds(vendorSubject(elevenlabsManifest, options), 'timestampTolerance', options.timestampTolerance) ?? elevenlabsManifest.timestampToleranceSeconds,
  });
}
