/**
 * An unsigned callback is a hint. Its body is never trusted: it only names a job, and for a job the
 * app registered (`registerJob`) the hint makes the job due for a status request now, in one
 * conditional write on the job's item; the poller's next run asks the vendor's status API and
 * publishes what the API says (`receivedVia: "callback"`). Nothing a callback says becomes an event.
 *
 * The cost of callbacks is bounded before a status request is paid:
 * - a job with no live record (never registered, or past its expiry): the write's condition fails,
 *   nothing is asked, ever (the vendor API sees zero requests for it);
 * - a registered job: at most one hint per `intervalMs` (DEFAULTS.hintIntervalSeconds), recorded
 *   as `hintedAtMs` on its item, and a due job is asked once per poller run; so a flood of
 *   callbacks for one job costs at most one status request per interval;
 * - every status request, hinted or scheduled, is sent by the poller, under the vendor's
 *   `pollRequestsPerMinute` (one run at a time, see lib/private/settings.ts).
 *
 *   stored record                      hintsAtOnce   hintVerdict
 *   none, or past its expiry           no            unknown_job        202, nothing asked
 *   final (off the `pending` index)    no            job_final          200, nothing asked
 *   an attempt between claim and send  no            busy               503, the vendor retries
 *   hinted within the interval         no            already_scheduled  200, already due
 *   otherwise                          yes           scheduled          200, due now
 */
import { HANDLER_METRICS } from '../contract/metrics';
import type { Clock, HintRequest, JobRecord, JobStore, Telemetry } from './ports';

export type HintOutcome = 'scheduled' | 'already_scheduled' | 'job_final' | 'unknown_job' | 'busy';

export interface HintDeps {
  readonly store: JobStore;
  readonly clock: Pick<Clock, 'now'>;
  readonly telemetry: Telemetry;
}

/** What a hint comes to, as the HTTP answer core/webhook.ts gives. */
export interface HintAnswer {
  readonly statusCode: number;
  readonly body: { readonly [key: string]: string | boolean };
  readonly headers?: Readonly<Record<string, string>>;
  readonly outcome: HintOutcome;
}

/** Records a hint for `jobId` and answers: the status codes of the table above. Rejects on a store failure. */
export async function handleHint(vendor: string, jobId: string, vendorStatus: string | null, deps: HintDeps, intervalMs: number): Promise<HintAnswer> {
  const request: HintRequest = { vendor, jobId, nowMs: deps.clock.now(), intervalMs };
  const result = await deps.store.hint(request);
  const outcome: HintOutcome = result.recorded ? 'scheduled' : hintVerdict(result.current, request);
  deps.telemetry.count(HANDLER_METRICS.HINTS, vendor, 1, { Reason: outcome });
  // The callback's own status word is logged, never acted on.
  deps.telemetry.log('info', `callback hint ${outcome}`, { vendor, jobId, outcome, callbackStatus: vendorStatus });
  return { ...ANSWERS[outcome], outcome };
}

/** Whether the store records the hint at once: a live job, not final, no attempt in flight, not hinted within the interval. Pure. */
export function hintsAtOnce(stored: JobRecord | undefined, r: HintRequest): boolean {
  return hintVerdict(stored, r) === 'scheduled';
}

/** What a hint comes to against the stored record. Pure. */
export function hintVerdict(stored: JobRecord | undefined, r: HintRequest): HintOutcome {
  if (!stored || stored.expiresAtMs <= r.nowMs) return 'unknown_job';
  if (stored.nextPollAtMs === null) return 'job_final';
  if (stored.leaseUntilMs !== null && stored.leaseUntilMs > r.nowMs) return 'busy';
  if (stored.hintedAtMs !== undefined && stored.hintedAtMs > r.nowMs - r.intervalMs) return 'already_scheduled';
  return 'scheduled';
}

/** The record a recorded hint leaves: due now, the hint's time kept, the version counted up. */
export function applyHint(stored: JobRecord, r: HintRequest): JobRecord {
  return { ...stored, version: stored.version + 1, nextPollAtMs: r.nowMs, hintedAtMs: r.nowMs };
}

/** Whether the job's due time is a hint's: its next status request is made because of a callback. */
export function dueByHint(job: JobRecord): boolean {
  return job.hintedAtMs !== undefined && job.nextPollAtMs === job.hintedAtMs;
}

const ANSWERS: Record<HintOutcome, Omit<HintAnswer, 'outcome'>> = {
  scheduled: { statusCode: 200, body: { accepted: true, check: 'scheduled' } },
  already_scheduled: { statusCode: 200, body: { accepted: true, check: 'already_scheduled' } },
  job_final: { statusCode: 200, body: { accepted: true, check: 'job_final' } },
  unknown_job: { statusCode: 202, body: { accepted: true, ignored: true, reason: 'job not registered: nothing is checked' } },
  busy: { statusCode: 503, body: { error: 'a delivery of this job is under way; retry' }, headers: { 'retry-after': '1' } },
};
