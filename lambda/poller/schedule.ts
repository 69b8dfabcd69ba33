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
