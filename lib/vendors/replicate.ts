/** Replicate: its options, and what they are to its adapter (lambda/vendors/replicate/). */
import type { Duration } from 'aws-cdk-lib/core';
import { replicateManifest } from '../../lambda/vendors/replicate/manifest';
import { toleranceSeconds } from '../private/validate';
import { vendorDefinition, vendorSubject, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * Replicate: Standard Webhooks. `webhookSecret` holds the `whsec_...` key that
 * `GET https://api.replicate.com/v1/webhooks/default/secret` answers (one per account or
 * organization); `apiKey` an API token, sent as `Authorization: Bearer <token>`.
 *
 * Defaults of the shared options: `id` 'replicate', `pollRequestsPerMinute` 600, `statusApiBaseUrl` 'https://api.replicate.com'.
 */
export interface ReplicateVendorOptions extends BuiltInVendorOptions {
  /**
   * How far `webhook-timestamp` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.seconds(300)
   */
  readonly timestampTolerance?: Duration;
}

export function replicateDefinition(options: ReplicateVendorOptions): VendorDefinition {
  return vendorDefinition(replicateManifest, options, {
    timestampToleranceSeconds: toleranceSeconds(vendorSubject(replicateManifest, options), 'timestampTolerance', options.timestampTolerance) ?? replicateManifest.timestampToleranceSeconds,
  });
}
