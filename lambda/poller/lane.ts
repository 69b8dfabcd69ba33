/** One vendor's part of a poll run. */
import type { Telemetry } from '../core/ports';
import { LaneCounts } from './lane-counts';
import type { PollerVendor } from './types';

/**
 * How a lane starts its jobs: `poll` asks the vendor; `expire_only` (no status API or no base URL)
 * only expires jobs at their give-up age; `give_up_only` (rate limited past the run) expires the
 * jobs past their give-up age and leaves the others waiting: a vendor that answers 429 for ever
 * must not keep its jobs from expiring.
 */
export type StartMode = 'poll' | 'expire_only' | 'give_up_only';

export interface Lane {
  readonly vendor: PollerVendor;
  readonly counts: LaneCounts;
  /** The lane's running tasks. */
  readonly inflight: Set<Promise<void>>;
  mode: StartMode;
  /** 401/403 answers in a row; at `settings.authErrorsBeforeStop` the lane stops (`authStopped`). */
  consecutiveAuthErrors: number;
  authStopped: boolean;
  apiKey: string | undefined;
  /** The status API's base URL, without a trailing slash ('' when not polled). */
  baseUrl: string;
}

export function newLane(vendor: PollerVendor, telemetry: Telemetry): Lane {
  return { vendor, counts: new LaneCounts(vendor.id, telemetry), inflight: new Set(), mode: 'poll', consecutiveAuthErrors: 0, authStopped: false, apiKey: undefined, baseUrl: '' };
}
