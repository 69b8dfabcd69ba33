/** The `expired` event a job gets when it stays non-final past the give-up age. Pure. */
import type { NormalizedFields } from '../core/event';
import type { JobRecord } from '../core/ports';

/** The `expired` event's fields for a job that stayed non-final past the give-up age. */
export function expiredFields(job: JobRecord, giveUpAfterMs: number, last: NormalizedFields | undefined, nowMs: number): NormalizedFields {
  return {
    jobId: job.jobId,
    status: 'expired',
    progress: null,
    stage: null,
    outputUrl: null,
    media: null,
    error: { message: `no final status within ${formatDuration(giveUpAfterMs)}`, code: 'expired' },
    vendorEventType: null,
    vendorStatus: last?.vendorStatus ?? null,
    occurredAtMs: nowMs,
    raw: last?.raw ?? {
      reason: 'give-up',
      lastKnownStatus: job.status,
      lastActivityAt: new Date(job.lastActivityMs).toISOString(),
    },
  };
}

/** `48 hours`, `90 minutes`, `45 seconds`: the largest whole unit. */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      // Prefer hours for whole days under a week: "48 hours" reads better than "2 days".
      if (name === 'day' && ms < 7 * 86_400_000) continue;
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
