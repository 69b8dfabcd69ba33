/** When a poll run looks at a job again: its backoff and its give-up age. Pure. */
import type { DeliveryConfig } from '../core/delivery';
import type { JobRecord } from '../core/ports';

type Ages = Pick<DeliveryConfig, 'staleAfterMs' | 'giveUpAfterMs'>;

/** Whether the job has been quiet longer than the give-up age: it expires instead of being polled. */
export function isPastGiveUp(job: JobRecord, now: number, config: Ages): boolean {
  return now - job.lastActivityMs > config.giveUpAfterMs;
}

/** The first moment the job is past its give-up age. */
export function giveUpAt(job: JobRecord, config: Ages): number {
  return job.lastActivityMs + config.giveUpAfterMs + 1;
}

/**
 * The next poll after one that learned nothing: `delayMs`, or exponential from `staleAfter` capped
 * at `maxBackoffMs`, and never past the give-up age (so give-up is on time).
 */
export function backoffUntil(job: JobRecord, now: number, config: Ages, maxBackoffMs: number, delayMs?: number): number {
  const delay = delayMs ?? Math.min(config.staleAfterMs * 2 ** Math.min(job.pollAttempts, 30), maxBackoffMs);
  const at = giveUpAt(job, config);
  return at > now ? Math.min(now + delay, at) : now + delay;
}

/** Whether another attempt holds the job's lease: it is left alone this run. */
export function leaseHeld(job: JobRecord, now: number): boolean {
  return job.leaseUntilMs !== null && job.leaseUntilMs > now;
}

/**
 * Whether a run that started at `runStartMs` asks a job of a vendor polled every `intervalMs`: its
 * due time has come, or it was registered at least an interval ago and never asked (a
 * registration's due time is staleAfter away: it does not know the vendor's interval).
 */
export function dueAtInterval(job: JobRecord, runStartMs: number, intervalMs: number): boolean {
  if (job.nextPollAtMs !== null && job.nextPollAtMs <= runStartMs) return true;
  return job.status === 'registered' && job.pollAttempts === 0 && job.createdAtMs + intervalMs <= runStartMs;
}

/**
 * The next poll of a job of a vendor polled at an interval after a failed poll: exponential from
 * the interval, capped at staleAfter (such a vendor's jobs have nothing else to report them), and
 * never past the give-up age.
 */
export function intervalBackoffUntil(job: JobRecord, now: number, config: Ages, intervalMs: number): number {
  return backoffUntil(job, now, config, Math.max(config.staleAfterMs, intervalMs), Math.min(intervalMs * 2 ** Math.min(job.pollAttempts, 30), Math.max(config.staleAfterMs, intervalMs)));
}
