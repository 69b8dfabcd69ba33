/** HeyGen: its options, and what they are to its adapter (lambda/vendors/heygen/). */
import { heygenManifest } from '../../lambda/vendors/heygen/manifest';
import { vendorDefinition, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * HeyGen: its per-job callbacks (`callback_url` of `POST /v3/videos`), which HeyGen does not sign,
 * each a hint for its status API. `webhookSecret` holds the token the callback URL carries: pass
 * `<webhook URL>?token=<secret value>` as `callback_url`. Register every video (`registerJob`). The
 * signed deliveries of a registered webhook endpoint are not supported: their scheme is not
 * documented where it could be checked.
 *
 * Defaults of the shared options: `id` 'heygen', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://api.heygen.com'.
 */
export interface HeyGenVendorOptions extends BuiltInVendorOptions {
  /**
   * The callback URL's query parameter that carries the token.
   *
   * @default 'token'
   */
  readonly tokenParameter?: string;
}

export function heygenDefinition(options: HeyGenVendorOptions): VendorDefinition {
  return vendorDefinition(heygenManifest, options, { tokenParameter: options.tokenParameter });
}
