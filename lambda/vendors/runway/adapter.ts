/**
 * Runway: no webhooks (poll only). Its jobs are registered by the app (`registerJob`) and asked at
 * the vendor's poll interval; it has no route, and its adapter authenticates nothing.
 */
import type { VendorAdapter } from '../../core/adapter';
import { withDefaults } from '../../contract/options';
import { runwayManifest } from './manifest';
import { runwayStatusApi } from './status-api';

export interface RunwayOptions {
  /**
   * The `X-Runway-Version` every status request carries.
   * @default '2024-11-06'
   */
  readonly runwayVersion?: string;
}

export function runwayAdapter(options: RunwayOptions = {}, id = 'runway'): VendorAdapter {
  const o = withDefaults(runwayManifest.options, options) as Required<RunwayOptions>;
  return {
    id,
    reports: 'poll',
    authHeaders: [],
    authenticate: () => ({ ok: false, reason: 'missing_key' }),
    normalize: () => ({ kind: 'ignored', vendorEventType: null, reason: 'runway sends no webhooks' }),
    statusApi: runwayStatusApi(o.runwayVersion),
  };
}
