/**
 * The poller Lambda, run by an EventBridge schedule: one poll run per invocation, stopping a
 * safety margin before the function's own timeout; what it could not reach waits for the next
 * run. Thin: build the ports once per container, run `pollOnce`, report.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { DEFAULTS, ENV } from '../config';
import { DynamoJobStore } from '../core/dynamo-store';
import { envNumber, requireEnv } from '../core/http';
import { systemClock } from '../core/ports';
import { SecretsManagerSource } from '../core/secrets';
import { createSqsClient, SqsEventQueue } from '../core/sqs-queue';
import { JsonTelemetry } from '../core/telemetry';
import { pollerFromEnv } from '../poller/from-env';
import { pollOnce, type PollSummary } from '../poller/poller';
import { createAdapter } from '../vendors/registry';

// Built once per container. Creating clients does no I/O; keys are fetched on first use and cached.
const maxAttempts = 3;
const telemetry = new JsonTelemetry({ context: { function: process.env.AWS_LAMBDA_FUNCTION_NAME } });
const { deps, safetyMarginMs } = pollerFromEnv(process.env, {
  createAdapter,
  store: new DynamoJobStore(new DynamoDBClient({ maxAttempts }), requireEnv(process.env, ENV.TABLE_NAME)),
  queue: new SqsEventQueue(createSqsClient({ maxAttempts }), requireEnv(process.env, ENV.QUEUE_URL)),
  secrets: new SecretsManagerSource(
    new SecretsManagerClient({ maxAttempts }),
    envNumber(process.env[ENV.SECRET_REFRESH_SECONDS], DEFAULTS.secretRefreshSeconds) * 1000,
  ),
  clock: systemClock,
  telemetry,
});

export async function handler(_event: ScheduledEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<PollSummary> {
  const remainingMs = context.getRemainingTimeInMillis();
  const deadlineMs = systemClock.now() + remainingMs - safetyMarginMs;
  if (remainingMs <= safetyMarginMs) {
    telemetry.log('warn', 'the function timeout leaves no time after the safety margin: raise the timeout', { remainingMs, safetyMarginMs });
  }
  const summary = await pollOnce(deps, { deadlineMs });
  if (summary.failedVendors.length > 0) {
    // Fails the invocation so the function's Errors metric (the poller-failure alarm) sees it.
    throw new Error(`poll run failed for vendor(s) ${summary.failedVendors.join(', ')}: see the error log lines`);
  }
  return summary;
}
