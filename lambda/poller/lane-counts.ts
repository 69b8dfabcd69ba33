/**
 * What one vendor's lane of a poll run counts: its summary (`VendorPollSummary`) and the metrics
 * that go with it, each through one method, so that a count and its metric never drift apart and a
 * failure is counted in one place only (`error`).
 */
import type { LogLevel, Telemetry } from '../core/ports';
import type { PollSummary, VendorPollSummary } from './types';

/** A failed poll, a failed task or a failed lane, as `LaneCounts.error` counts and logs it. */
export interface PollFailure {
  /** The `Reason` of PollErrors and the key of `errorsByReason`; `auth` (a 401/403) is counted in PollAuthErrors instead. */
  readonly reason: string;
  readonly level: Exclude<LogLevel, 'debug'>;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * Log only the first few of a run at `level` (per vendor and reason), the rest at debug: a vendor
   * outage fails every job. @default false
   */
  readonly quietAfterFew?: boolean;
}

/** The reason of a 401/403 answer: a metric of its own, which the auth-error alarm watches. */
export const AUTH_REASON = 'auth';

export class LaneCounts {
  readonly stats: VendorPollSummary = emptyStats();

  constructor(
    private readonly vendor: string,
    private readonly telemetry: Telemetry,
  ) {}

  /**
   * Counts a failure once: in `errors`, under its reason, in its metric (PollErrors with its
   * `Reason`, or PollAuthErrors), and logs it.
   */
  error(failure: PollFailure): void {
    const { stats, telemetry, vendor } = this;
    const { reason } = failure;
    stats.errors++;
    const seen = (stats.errorsByReason[reason] = (stats.errorsByReason[reason] ?? 0) + 1);
    if (reason === AUTH_REASON) telemetry.count('PollAuthErrors', vendor);
    else telemetry.count('PollErrors', vendor, 1, { Reason: reason });
    const level = failure.quietAfterFew && seen > LOUD_ERRORS_PER_REASON ? 'debug' : failure.level;
    telemetry.log(level, failure.message, { vendor, ...failure.fields });
  }

  /** A job whose status is asked for. */
  polled(): void {
    this.stats.polled++;
  }

  /** An HTTP request sent (a follow-up included). */
  request(): void {
    this.stats.requests++;
    this.telemetry.count('PollRequests', this.vendor);
  }

  /** An event enqueued from the vendor's answer. */
  hit(): void {
    this.stats.hits++;
    this.telemetry.count('PollHits', this.vendor);
  }

  /** An `expired` event enqueued. */
  expired(): void {
    this.stats.expired++;
    this.telemetry.count('Expired', this.vendor);
  }

  /** A 429 answer. */
  rateLimited(): void {
    this.stats.rateLimited++;
    this.telemetry.count('PollRateLimited', this.vendor);
  }

  redelivered(): void {
    this.stats.redelivered++;
  }

  skipped(): void {
    this.stats.skipped++;
  }

  /** Jobs read from the index and left for the next run. */
  remaining(jobs = 1): void {
    this.stats.remaining += jobs;
  }
}

/** The run's totals over its lanes' summaries. */
export function totalOf(lanes: readonly VendorPollSummary[]): Omit<PollSummary, 'durationMs' | 'failedVendors' | 'vendors'> {
  const total = { polled: 0, requests: 0, hits: 0, expired: 0, redelivered: 0, rateLimited: 0, errors: 0, skipped: 0, remaining: 0, moreDue: false };
  for (const stats of lanes) {
    for (const key of SUMMED) total[key] += stats[key];
    total.moreDue ||= stats.moreDue;
  }
  return total;
}

/** Per run, vendor and reason, poll failures logged at their level before the rest go to debug. */
const LOUD_ERRORS_PER_REASON = 5;

const SUMMED = ['polled', 'requests', 'hits', 'expired', 'redelivered', 'rateLimited', 'errors', 'skipped', 'remaining'] as const;

function emptyStats(): VendorPollSummary {
  return { polled: 0, requests: 0, hits: 0, expired: 0, redelivered: 0, rateLimited: 0, errors: 0, skipped: 0, remaining: 0, moreDue: false, stop: 'done', errorsByReason: {} };
}
