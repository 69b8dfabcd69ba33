/** Luma Dream Machine: its options, and what they are to its adapter (lambda/vendors/luma/). */
import { lumaManifest } from '../../lambda/vendors/luma/manifest';
import { vendorDefinition, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * Luma Dream Machine: unsigned callbacks, each a hint for its status API. `webhookSecret` holds
 * the token its callback URL carries: pass `<webhook URL>?token=<secret value>` as `callback_url`.
 * Register every generation (`registerJob`): a callback for a job not registered is not checked.
 *
 * Defaults of the shared options: `id` 'luma', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://api.lumalabs.ai'.
 */
export interface LumaVendorOptions extends BuiltInVendorOptions {
  /**
   * The callback URL's query parameter that carries the token.
   *
   * @default 'token'
   */
  readonly tokenParameter?: string;
}

export function lumaDefinition(options: LumaVendorOptions): VendorDefinition {
  return vendorDefinition(lumaManifest, options, { tokenParameter: options.tokenParameter });
}
