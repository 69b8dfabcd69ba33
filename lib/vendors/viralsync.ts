/** ViralSync: its options, and what they are to its adapter (lambda/vendors/viralsync/). */
import { viralsyncManifest } from '../../lambda/vendors/viralsync/manifest';
import { vendorDefinition, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * ViralSync: its status API has no public base URL; set `statusApiBaseUrl` to poll it.
 *
 * Defaults of the shared options: `id` 'viralsync', `pollRequestsPerMinute` 60, `statusApiBaseUrl` none.
 */
export interface ViralSyncVendorOptions extends BuiltInVendorOptions {
  /**
   * Header carrying the webhook signature.
   *
   * @default 'x-render-signature'
   */
  readonly signatureHeader?: string;

  /**
   * Header the status-API key is sent in (ViralSync documents none: a guess, hence configurable).
   *
   * @default 'authorization'
   */
  readonly statusApiKeyHeader?: string;

  /**
   * Text before the key in that header.
   *
   * @default 'Bearer '
   */
  readonly statusApiKeyPrefix?: string;
}

export function viralsyncDefinition(options: ViralSyncVendorOptions): VendorDefinition {
  return vendorDefinition(viralsyncManifest, options, {
    signatureHeader: options.signatureHeader,
    statusApiKeyHeader: options.statusApiKeyHeader,
    statusApiKeyPrefix: options.statusApiKeyPrefix,
  });
}
