/** Tavus: its options, and what they are to its adapter (lambda/vendors/tavus/). */
import { tavusManifest } from '../../lambda/vendors/tavus/manifest';
import { vendorDefinition, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * Tavus: unsigned callbacks, each a hint for its status API. `webhookSecret` holds the token its
 * callback URL carries: pass `<webhook URL>?token=<secret value>` as `callback_url`. Register every
 * video (`registerJob`): a callback for a job not registered is not checked.
 *
 * Defaults of the shared options: `id` 'tavus', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://tavusapi.com'.
 */
export interface TavusVendorOptions extends BuiltInVendorOptions {
  /**
   * The callback URL's query parameter that carries the token.
   *
   * @default 'token'
   */
  readonly tokenParameter?: string;
}

export function tavusDefinition(options: TavusVendorOptions): VendorDefinition {
  return vendorDefinition(tavusManifest, options, { tokenParameter: options.tokenParameter });
}
