/** The poller's types: what a poll run is given (its vendors, ports, settings) and what it reports. */
import type { VendorStatusApi } from '../core/adapter';
import type { DeliveryDeps } from '../core/delivery';
import type { RequestArchive } from '../core/ports';
import type { VendorRateLimiter } from './rate-limiter';
import type { StatusClient } from './status-client';

/** One vendor as a poll run sees it. */
export interface PollerVendor {
  readonly id: string;
  /**
   * The vendor's status API; undefined when it has none or polling is off for it. Such a
   * vendor's jobs are not polled, but still expire at the give-up age.
   */
  readonly statusApi: VendorStatusApi | undefined;
  /** Base URL of the status API (no trailing slash); undefined: the API's default. */
  readonly baseUrl: string | undefined;
  /** The status-API key (cached by the caller), or undefined when the API needs none. */
  readonly apiKey: () => Promise<string | undefined>;
  readonly requestsPerMinute: number;
  /** @default 1 (see `VendorRate.burst`) */
  readonly burst?: number;
  readonly requestTimeoutMs: number;
  /** The key may go over plain http, and a loopback status API be asked (see `StatusAccess`). @default false */
  readonly allowInsecureStatusApi?: boolean;
  /**
   * Ask each job that is not final this often, counted from the run that asked it, from one
   * interval after its registration on, whether or not it had news (a vendor that reports only by
   * its status API). @default - none: after staleAfter of quiet, then with a growing backoff
   */
  readonly pollIntervalMs?: number;
}

export interface PollerSettings {
  /** Requests in flight at most, across vendors. @default DEFAULTS.pollConcurrency */
  readonly concurrency: number;
  /** Jobs read from the index per query. @default 100 */
  readonly pageSize: number;
  /** Longest backoff between two polls of a job with no news. @default 6 hours */
  readonly maxBackoffMs: number;
  /** Backoff of a job whose poll answered 401/403. @default 1 hour */
  readonly authErrorBackoffMs: number;
  /** A vendor is left alone for the rest of the run after this many 401/403 in a row. @default 3 */
  readonly authErrorsBeforeStop: number;
}

export const DEFAULT_POLLER_SETTINGS: Omit<PollerSettings, 'concurrency'> = {
  pageSize: 100,
  maxBackoffMs: 6 * 3600_000,
  authErrorBackoffMs: 3600_000,
  authErrorsBeforeStop: 3,
};

export interface PollerDeps extends DeliveryDeps {
  readonly vendors: readonly PollerVendor[];
  /** One per container, so a 429 pause outlives the run. */
  readonly limiter: VendorRateLimiter;
  readonly statusClient: StatusClient;
  readonly settings: PollerSettings;
  /**
   * Where the status answers that made, or could have made, an event are kept (batched, written
   * before the run returns; lambda/contract/archive.ts). @default - nothing is archived
   */
  readonly archive?: RequestArchive;
}

export interface PollRunOptions {
  /** The run must be done by then: no request starts that could still be open at this time. */
  readonly deadlineMs: number;
}

export type LaneStop = 'done' | 'deadline' | 'rate_limited' | 'auth_errors' | 'failed';

export interface VendorPollSummary {
  /** Jobs whose status was asked for. */
  polled: number;
  /** HTTP requests sent (follow-ups included). */
  requests: number;
  /** Events enqueued from the vendor's answers. */
  hits: number;
  /** `expired` events enqueued. */
  expired: number;
  /** Terminal events an attempt claimed but never confirmed, sent without asking the vendor. */
  redelivered: number;
  /** 429 answers. */
  rateLimited: number;
  /**
   * Auth errors, 404s, 5xx, redirects (never followed), timeouts, unreadable answers (past the body
   * cap included), jobs whose request the adapter refuses to build (`refused`: never sent) and
   * backend failures, each also under its reason in `errorsByReason`.
   */
  errors: number;
  /** Jobs left alone because another attempt holds their lease or is delivering. */
  skipped: number;
  /** Jobs read from the index but not handled before the run stopped. */
  remaining: number;
  /** True when the index may hold more due jobs than were read. */
  moreDue: boolean;
  stop: LaneStop;
  errorsByReason: Record<string, number>;
}

export interface PollSummary extends Omit<VendorPollSummary, 'stop' | 'errorsByReason'> {
  readonly durationMs: number;
  /** Vendors whose run failed (secret or index unavailable): the handler reports the run as failed. */
  readonly failedVendors: readonly string[];
  readonly vendors: Readonly<Record<string, VendorPollSummary>>;
}
