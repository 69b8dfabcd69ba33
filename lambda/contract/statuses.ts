/** The normalized job statuses of the event contract, in the order a job moves through them. */
export const VIDEO_JOB_STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'cancelled', 'expired'] as const;
export type VideoJobStatus = (typeof VIDEO_JOB_STATUSES)[number];
