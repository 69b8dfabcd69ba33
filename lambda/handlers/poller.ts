/**
 * The poller Lambda, run by an EventBridge schedule: one poll run per invocation, stopping a
 * safety margin before the function's own timeout; what it could not reach waits for the next
 * run. Thin: build the ports once per container, run `pollOnce`, report.
 *
 * Invoked directly with `{"action": "replay-quarantine"}` (optionally `"maxMessages": N`), it
 * replays the quarantine instead (core/quarantine-replay.ts): it holds every vendor's adapter and
 * may write the table and the events queue, which is all a replay needs.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { SqsQuarantineSource } from '../adapters/aws/sqs-queue';
import { ENV } from '../contract/deployment';
import { pollerRuntimeFromEnv } from '../composition/lambda';
import { systemClock } from '../core/ports';
import { DEFAULT_REPLAY_MAX_MESSAGES, replayQuarantine, type ReplaySummary } from '../core/quarantine-replay';
import { pollOnce, type PollSummary } from '../poller/poller';
import { RunTelemetry } from '../poller/run-telemetry';

// Built once per container.
const { deps, safetyMarginMs, adapters, ports, quarantineQueueUrl } = pollerRuntimeFromEnv(process.env);
const { telemetry, sqs } = ports;

/** The direct invocation that replays the quarantine. */
export interface ReplayQuarantineRequest {
  readonly action: 'replay-quarantine';
  /** @default 1000 */
  readonly maxMessages?: number;
}

export async function handler(
  event: ScheduledEvent | ReplayQuarantineRequest,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<PollSummary | ReplaySummary> {
  const remainingMs = context.getRemainingTimeInMillis();
  const deadlineMs = systemClock.now() + remainingMs - safetyMarginMs;
  if (remainingMs <= safetyMarginMs) {
    telemetry.log('warn', 'the function timeout leaves no time after the safety margin: raise the timeout', { remainingMs, safetyMarginMs });
  }
  if (isReplayRequest(event)) return replay(event, deadlineMs);

  const summary = await pollOnce(deps, { deadlineMs });
  if (summary.failedVendors.length > 0) {
    // Fails the invocation so the function's Errors metric (the poller-failure alarm) sees it.
    throw new Error(`poll run failed for vendor(s) ${summary.failedVendors.join(', ')}: see the error log lines`);
  }
  return summary;
}

function isReplayRequest(event: unknown): event is ReplayQuarantineRequest {
  return typeof event === 'object' && event !== null && (event as { action?: unknown }).action === 'replay-quarantine';
}

async function replay(request: ReplayQuarantineRequest, deadlineMs: number): Promise<ReplaySummary> {
  const quarantineUrl = quarantineQueueUrl;
  if (!quarantineUrl) throw new Error(`${ENV.QUARANTINE_QUEUE_URL} is not set: this poller was deployed without quarantine access; update the stack`);
  const max = request.maxMessages ?? DEFAULT_REPLAY_MAX_MESSAGES;
  if (!Number.isInteger(max) || max < 1) throw new Error(`maxMessages ${JSON.stringify(request.maxMessages)} is not valid: use a whole number of at least 1`);
  // Counters summed and written once, as for a poll run (a replay can touch a thousand messages).
  const runTelemetry = new RunTelemetry(telemetry);
  try {
    return await replayQuarantine(
      { ...deps, telemetry: runTelemetry, quarantine: new SqsQuarantineSource(sqs, quarantineUrl), adapterFor: (vendor) => adapters.get(vendor) },
      { runId: randomUUID(), maxMessages: max, deadlineMs },
    );
  } finally {
    runTelemetry.flush();
  }
}
