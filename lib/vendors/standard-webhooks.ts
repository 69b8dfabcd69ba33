/**
 * A vendor that signs its webhooks as Standard Webhooks, run by the custom adapter
 * (lambda/vendors/custom/) with `WebhookAuth.standardWebhooks()`: its options, and what they are to
 * the adapter.
 */
import type { Duration } from 'aws-cdk-lib/core';
import { customManifest } from '../../lambda/vendors/custom/manifest';
import { toleranceSeconds } from '../private/validate';
import { WebhookAuth } from '../webhook-auth';
import { vendorDefinition, type VendorDefinition, type VendorOptions } from './base';
import { mappingOf, type CustomVendorMappingOptions } from './custom';

/**
 * A vendor that signs its webhooks as Standard Webhooks (https://www.standardwebhooks.com: Svix and
 * the vendors that send through it, and others), run by the custom adapter. `webhookSecret` holds
 * the `whsec_...` signing secret the vendor shows (a JSON array of two during a rotation).
 *
 * Defaults of the shared options: `pollRequestsPerMinute` 60, `statusApiBaseUrl` none (`statusUrlTemplate` says where the status API is).
 */
export interface StandardWebhooksVendorOptions extends VendorOptions, CustomVendorMappingOptions {
  /** The vendor id (see `BuiltInVendorOptions.id` for its form). */
  readonly id: string;

  /**
   * How far `webhook-timestamp` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.minutes(5)
   */
  readonly tolerance?: Duration;
}

export function standardWebhooksDefinition(options: StandardWebhooksVendorOptions): VendorDefinition {
  if (options.id === undefined) throw new Error('a Standard Webhooks vendor needs an id: pass Vendor.standardWebhooks({ id: "acme", ... })');
  toleranceSeconds(`vendor ${options.id}`, 'tolerance', options.tolerance);
  const auth = WebhookAuth.standardWebhooks({ tolerance: options.tolerance });
  // The options are top-level here, so a problem is named by its own path (`paths.outputURL`).
  return vendorDefinition(customManifest, options, { auth: auth._json, ...mappingOf(options) });
}
