/**
 * The archive replay function, invoked directly (`video-webhooks replay-archive --function NAME`,
 * or `aws lambda invoke`) with a replay request (core/archive-replay-request.ts):
 * `{"vendor": "acme", "since": "2026-12-01", "until": "2026-12-02"}`, optionally `jobId`,
 * `dryRun`, `cursor`, `maxSeconds`. It answers the run's summary; a run that reached the
 * function's deadline (or `maxSeconds`) answers `stoppedBecause: "deadline"` and a `cursor`: invoke
 * it again with the same request and that cursor to continue. Thin: parse, run the core, report.
 */
import type { Context } from 'aws-lambda';
import { archiveReplayFromEnv } from '../composition/archive-replay';
import { replayArchive, type ArchiveReplaySummary } from '../core/archive-replay';
import { parseArchiveReplayInput } from '../core/archive-replay-request';
import { systemClock } from '../core/ports';
import { RunTelemetry } from '../poller/run-telemetry';

// Built once per container.
const { deps, telemetry, safetyMarginMs } = archiveReplayFromEnv(process.env);

export async function handler(event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ArchiveReplaySummary> {
  const parsed = parseArchiveReplayInput(event);
  // A bad request fails the invocation with the one line that says what to fix.
  if (typeof parsed === 'string') throw new Error(parsed);
  const now = systemClock.now();
  const functionDeadline = now + context.getRemainingTimeInMillis() - safetyMarginMs;
  const deadlineMs = parsed.maxSeconds === undefined ? functionDeadline : Math.min(functionDeadline, now + parsed.maxSeconds * 1000);
  // Counters summed and written once, as for a poll run (a replay can touch thousands of records).
  const runTelemetry = new RunTelemetry(telemetry);
  try {
    return await replayArchive({ ...deps, telemetry: runTelemetry }, parsed.request, { deadlineMs });
  } finally {
    runTelemetry.flush();
    telemetry.flush();
  }
}
