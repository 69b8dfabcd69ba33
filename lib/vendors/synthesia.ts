/** Synthesia: its options, and what they are to its adapter (lambda/vendors/synthesia/). */
import type { Duration } from 'aws-cdk-lib/core';
import { synthesiaManifest } from '../../lambda/vendors/synthesia/manifest';
import { toleranceSeconds } from '../private/validate';
import { vendorDefinition, vendorSubject, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * Synthesia.
 *
 * Defaults of the shared options: `id` 'synthesia', `pollRequestsPerMinute` 50, `statusApiBaseUrl` 'https://api.synthesia.io'.
 */
export interface SynthesiaVendorOptions extends BuiltInVendorOptions {
  /**
   * How far `Synthesia-Timestamp` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.seconds(600)
   */
  readonly timestampTolerance?: Duration;
}

export function synthesiaDefinition(options: SynthesiaVendorOptions): VendorDefinition {
  return vendorDefinition(synthesiaManifest, options, {
    timestampToleranceSeconds: toleranceSeconds(vendorSubject(synthesiaManifest, options), 'timestampTolerance', options.timestampTolerance) ?? synthesiaManifest.timestampToleranceSeconds,
  });
}
