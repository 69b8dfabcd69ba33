/** Mux Video: its options, and what they are to its adapter (lambda/vendors/mux/). */
import type { Duration } from 'aws-cdk-lib/core';
import { muxManifest } from '../../lambda/vendors/mux/manifest';
import { toleranceSeconds } from '../private/validate';
import { vendorDefinition, vendorSubject, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * Mux Video: `mux-signature` webhooks, a job per asset. `webhookSecret` holds the signing secret of
 * the environment's webhook; `apiKey` an access token as `<token id>:<token secret>` (both parts,
 * joined by a colon: the status API takes them as HTTP Basic).
 *
 * Defaults of the shared options: `id` 'mux', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://api.mux.com'.
 */
export interface MuxVendorOptions extends BuiltInVendorOptions {
  /**
   * How old the signed `t` may be (1 second to 24 hours). A `t` ahead of now is not refused, as
   * Mux's SDK does not refuse one.
   *
   * @default Duration.seconds(300)
   */
  readonly timestampTolerance?: Duration;
}

export function muxDefinition(options: MuxVendorOptions): VendorDefinition {
  return vendorDefinition(muxManifest, options, {
    timestampToleranceSeconds: toleranceSeconds(vendorSubject(muxManifest, options), 'timestampTolerance', options.timestampTolerance) ?? muxManifest.timestampToleranceSeconds,
  });
}
