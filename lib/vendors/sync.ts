/** Sync (sync.so): its options, and what they are to its adapter (lambda/vendors/sync/). */
import type { Duration } from 'aws-cdk-lib/core';
import { syncManifest } from '../../lambda/vendors/sync/manifest';
import { toleranceSeconds } from '../private/validate';
import { vendorDefinition, vendorSubject, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * Sync (sync.so).
 *
 * Defaults of the shared options: `id` 'sync', `pollRequestsPerMinute` 300, `statusApiBaseUrl` 'https://api.sync.so'.
 */
export interface SyncVendorOptions extends BuiltInVendorOptions {
  /**
   * How far the signed timestamp `t` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.seconds(300)
   */
  readonly timestampTolerance?: Duration;

  /**
   * Also accept a signature over the body re-serialized as compact JSON, as Sync's own samples
   * compute it, when the raw body does not verify. It parses the body before it is authenticated,
   * and two bodies with the same JSON but different bytes then both verify: turn it on only if
   * Sync turns out to sign re-serialized JSON.
   *
   * @default false
   */
  readonly compactJsonFallback?: boolean;
}

export function syncDefinition(options: SyncVendorOptions): VendorDefinition {
  return vendorDefinition(syncManifest, options, {
    timestampToleranceSeconds: toleranceSeconds(vendorSubject(syncManifest, options), 'timestampTolerance', options.timestampTolerance) ?? syncManifest.timestampToleranceSeconds,
    compactJsonFallback: options.compactJsonFallback,
  });
}
