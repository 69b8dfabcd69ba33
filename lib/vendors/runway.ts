/** Runway: its options, and what they are to its adapter (lambda/vendors/runway/). */
import { runwayManifest } from '../../lambda/vendors/runway/manifest';
import { vendorDefinition, type PollOnlyVendorOptions, type VendorDefinition } from './base';

/**
 * Runway: no webhooks, so no route and no webhook secret. Register every task (`registerJob`);
 * the poller asks `GET /v1/tasks/{id}` about each at `pollInterval` (30 seconds) with `apiKey`.
 *
 * Defaults of the shared options: `id` 'runway', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://api.dev.runwayml.com'.
 */
export interface RunwayVendorOptions extends PollOnlyVendorOptions {
  /**
   * The `X-Runway-Version` every status request carries.
   *
   * @default '2024-11-06'
   */
  readonly runwayVersion?: string;
}

export function runwayDefinition(options: RunwayVendorOptions): VendorDefinition {
  return vendorDefinition(runwayManifest, options, { runwayVersion: options.runwayVersion });
}
