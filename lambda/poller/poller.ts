/**
 * The missed-delivery poller: one run walks each vendor's due jobs (the sparse `pending` index,
 * oldest first), asks the vendor's status API, and publishes what it learns through `deliver()`,
 * the same path as webhooks (`receivedVia: 'poll'`, deduplicated against webhook events).
 *
 * Every job a run looks at leaves it with its next poll time moved forward (an event claimed,
 * a backoff written, or the job final), so the next run continues with the jobs not reached yet.
 * Jobs a run could not reach (time budget, rate limit) keep their place at the head of the queue.
 */
import { PollRun } from './poll-run';
import { RunTelemetry } from './run-telemetry';
import type { PollerDeps, PollRunOptions, PollSummary } from './types';

export { expiredFields, formatDuration } from './expiry';
export * from './types';

/** One poll run. Never throws for a single job; a vendor whose index or key cannot be read is listed in `failedVendors`. */
export async function pollOnce(deps: PollerDeps, options: PollRunOptions): Promise<PollSummary> {
  const telemetry = new RunTelemetry(deps.telemetry);
  const run = new PollRun({ ...deps, telemetry }, options);
  try {
    await Promise.all(deps.vendors.map((vendor) => run.lane(vendor)));
  } finally {
    // Before the handler returns (the environment freezes then): the status answers' records.
    await run.archived();
    telemetry.flush();
  }
  const summary = run.summary();
  deps.telemetry.log('info', 'poll run finished', { ...summary });
  return summary;
}
