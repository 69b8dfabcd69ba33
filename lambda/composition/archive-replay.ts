/**
 * The archive replay function's ports, from the environment the construct sets: the archive's
 * bucket and prefix (S3), the jobs table and the events queue (the delivery core, as the
 * verifiers use them), and every vendor's adapter (from the file beside the code).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoJobStore } from '../adapters/aws/dynamo-store';
import { JsonTelemetry } from '../adapters/aws/emf-telemetry';
import { S3ArchiveSource } from '../adapters/aws/s3-archive-source';
import { createSqsClient, SqsEventQueue } from '../adapters/aws/sqs-queue';
import { ENV, type VendorRuntimeConfig } from '../contract/deployment';
import type { ArchiveReplayDeps } from '../core/archive-replay';
import type { VendorAdapter } from '../core/adapter';
import { systemClock } from '../core/ports';
import { createAdapter } from '../vendors/registry';
import { configFromEnv } from './config-file';
import { deliveryConfigFromEnv, envNumber, requireEnv } from './env';

/** SDK retries per call, as the other functions. */
const MAX_ATTEMPTS = 3;

/** Stop this long before the function's own timeout, unless `VW_POLL_SAFETY_MARGIN_MS` says otherwise (as the poller). */
export const DEFAULT_REPLAY_SAFETY_MARGIN_MS = 10_000;

export interface ArchiveReplayRuntime {
  readonly deps: ArchiveReplayDeps;
  readonly telemetry: JsonTelemetry;
  readonly safetyMarginMs: number;
}

export function archiveReplayFromEnv(env: NodeJS.ProcessEnv = process.env, codeDir = env.LAMBDA_TASK_ROOT ?? __dirname): ArchiveReplayRuntime {
  // As the other functions' (composition/lambda.ts telemetryFromEnv), without the clients this one never uses (no secret is read).
  const telemetry = new JsonTelemetry({ context: { function: env.AWS_LAMBDA_FUNCTION_NAME }, deployment: env[ENV.DEPLOYMENT] || undefined });
  const adapters = new Map<string, VendorAdapter>(vendorConfigs(env, codeDir).map((c) => [c.id, createAdapter(c)]));
  const archive = new S3ArchiveSource(new S3Client({ maxAttempts: MAX_ATTEMPTS }), requireEnv(env, ENV.ARCHIVE_BUCKET), env[ENV.ARCHIVE_PREFIX] ?? '');
  return {
    telemetry,
    safetyMarginMs: envNumber(env[ENV.POLL_SAFETY_MARGIN_MS], DEFAULT_REPLAY_SAFETY_MARGIN_MS),
    deps: {
      store: new DynamoJobStore(new DynamoDBClient({ maxAttempts: MAX_ATTEMPTS }), requireEnv(env, ENV.TABLE_NAME)),
      queue: new SqsEventQueue(createSqsClient({ maxAttempts: MAX_ATTEMPTS }, env), requireEnv(env, ENV.QUEUE_URL)),
      clock: systemClock,
      telemetry,
      config: deliveryConfigFromEnv(env),
      archive,
      adapterFor: (vendor) => adapters.get(vendor),
    },
  };
}

function vendorConfigs(env: NodeJS.ProcessEnv, codeDir: string): VendorRuntimeConfig[] {
  const { value, from } = configFromEnv(env, { file: ENV.REPLAY_VENDORS_FILE, inline: ENV.REPLAY_VENDORS, expected: 'a JSON array of VendorRuntimeConfig' }, codeDir);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && typeof (v as VendorRuntimeConfig).id === 'string' && typeof (v as VendorRuntimeConfig).kind === 'string')) {
    throw new Error(`${from} must be a JSON array of VendorRuntimeConfig, each with id and kind`);
  }
  return value as VendorRuntimeConfig[];
}
