/** The `expired` event a job gets when it stays non-final past the give-up age. Pure. */
import type { NormalizedFields } from '../core/event';
import type { JobRecord } from '../core/ports';
import { formatDuration } from '../core/duration';

export { formatDuration };

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
