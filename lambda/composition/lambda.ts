/**
 * The composition root of the Lambda functions: AWS clients and the ports on them, built once per
 * container from the environment the construct sets. Creating clients does no I/O; secrets are
 * fetched on first use and cached. The handlers (lambda/handlers/) only map events to the core.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoJobStore } from '../adapters/aws/dynamo-store';
import { createFirehoseClient, FirehoseArchive } from '../adapters/aws/firehose-archive';
import { JsonTelemetry, type JsonTelemetryOptions } from '../adapters/aws/emf-telemetry';
import { JwksKeySource } from '../adapters/http/jwks-source';
import { SecretsManagerSource } from '../adapters/aws/secrets-manager';
import { createSqsClient, SqsEventQueue, SqsQuarantineQueue } from '../adapters/aws/sqs-queue';
import { DEFAULTS, ENV, type VendorRuntimeConfig } from '../contract/deployment';
import type { VendorAdapter } from '../core/adapter';
import { systemClock, type Clock, type RequestArchive } from '../core/ports';
import type { WebhookDeps } from '../core/webhook';
import { StatusClient } from '../poller/status-client';
import { createAdapter } from '../vendors/registry';
import { configFromEnv } from './config-file';
import { deliveryConfigFromEnv, envNumber, requireEnv } from './env';
import { pollerFromEnv, type PollerFromEnv } from './poller';

/** SDK retries per call; the function's own timeout bounds the rest. */
const MAX_ATTEMPTS = 3;

/**
 * The longest an archive write may take in a webhook (within the verifier's 10 s timeout, beside a
 * delivered mark of milliseconds), and in a poll run (a batch, at the end of the run's budget).
 */
const VERIFIER_ARCHIVE_TIMEOUT_MS = 2000;
const POLLER_ARCHIVE_TIMEOUT_MS = 8000;

/** The archive of `ENV.ARCHIVE_STREAM` (a Firehose delivery stream), or none when it is unset (`archive: false`). */
export function archiveFromEnv(env: NodeJS.ProcessEnv, timeoutMs: number): RequestArchive | undefined {
  const stream = env[ENV.ARCHIVE_STREAM];
  return stream ? new FirehoseArchive(createFirehoseClient(), stream, { timeoutMs }) : undefined;
}

/** What both functions run on. */
export interface AwsPorts {
  readonly store: DynamoJobStore;
  readonly queue: SqsEventQueue;
  readonly sqs: SQSClient;
  readonly secrets: SecretsManagerSource;
  readonly clock: Clock;
  readonly telemetry: JsonTelemetry;
}

export function awsPorts(env: NodeJS.ProcessEnv, telemetry: JsonTelemetry): AwsPorts {
  const sqs = createSqsClient({ maxAttempts: MAX_ATTEMPTS }, env);
  return {
    store: new DynamoJobStore(new DynamoDBClient({ maxAttempts: MAX_ATTEMPTS }), requireEnv(env, ENV.TABLE_NAME)),
    queue: new SqsEventQueue(sqs, requireEnv(env, ENV.QUEUE_URL)),
    sqs,
    secrets: new SecretsManagerSource(new SecretsManagerClient({ maxAttempts: MAX_ATTEMPTS }), envNumber(env[ENV.SECRET_REFRESH_SECONDS], DEFAULTS.secretRefreshSeconds) * 1000, telemetry),
    clock: systemClock,
    telemetry,
  };
}

/**
 * The functions' logs and metrics: each line names the function, each metric carries the
 * deployment the construct set (`ENV.DEPLOYMENT`, the `Deployment` dimension its alarms read).
 */
export function telemetryFromEnv(env: NodeJS.ProcessEnv, options: Pick<JsonTelemetryOptions, 'buffered' | 'write'> & { readonly oneLinePerInvocation?: boolean } = {}): JsonTelemetry {
  const { oneLinePerInvocation, ...rest } = options;
  return new JsonTelemetry({ context: { function: env.AWS_LAMBDA_FUNCTION_NAME }, deployment: env[ENV.DEPLOYMENT] || undefined, ...rest, ...(oneLinePerInvocation ? { buffered: true, fold: true } : {}) });
}

/**
 * The verifier of one vendor: its adapter (its configuration from the file beside the code,
 * `VW_VENDOR_FILE`, or inline in `VW_VENDOR`), its webhook secret and the delivery ports.
 */
export function verifierFromEnv(env: NodeJS.ProcessEnv = process.env, codeDir = env.LAMBDA_TASK_ROOT ?? __dirname): { readonly vendorId: string; readonly deps: WebhookDeps; readonly telemetry: JsonTelemetry } {
  const vendor = vendorConfig(env, codeDir);
  const secretId = requireEnv(env, ENV.WEBHOOK_SECRET_ID);
  // One line per invocation: the outcome's log line with `Received` and the outcome's metrics in it.
  const telemetry = telemetryFromEnv(env, { oneLinePerInvocation: true });
  const ports = awsPorts(env, telemetry);
  return {
    vendorId: vendor.id,
    telemetry,
    deps: {
      ...ports,
      // Public keys (a vendor that signs with its JWKS) are fetched through the hardened HTTP client,
      // kept for the container's life, and never asked on loopback (the Runtime API listens there).
      adapters: new Map([[vendor.id, createAdapter(vendor, { publicKeys: new JwksKeySource({ telemetry }) })]]),
      quarantine: new SqsQuarantineQueue(ports.sqs, requireEnv(env, ENV.QUARANTINE_QUEUE_URL)),
      ...optional('archive', archiveFromEnv(env, VERIFIER_ARCHIVE_TIMEOUT_MS)),
      secretIdFor: () => secretId,
      config: deliveryConfigFromEnv(env),
      maxBodyBytes: envNumber(env[ENV.MAX_BODY_BYTES], DEFAULTS.maxBodyBytes),
    },
  };
}

/** The poller: every vendor of the deployment, and the adapters the quarantine replay normalizes with. */
export function pollerRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): PollerFromEnv & {
  readonly ports: AwsPorts;
  readonly adapters: ReadonlyMap<string, VendorAdapter>;
  readonly quarantineQueueUrl: string | undefined;
} {
  const ports = awsPorts(env, telemetryFromEnv(env));
  // On Lambda the Runtime API (AWS_LAMBDA_RUNTIME_API, 127.0.0.1:9001) and extensions listen on
  // loopback: no vendor's allowInsecureStatusApi opens it there
  // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
  const onLambda = Boolean(env.AWS_LAMBDA_RUNTIME_API || env.AWS_LAMBDA_FUNCTION_NAME);
  const statusClient = new StatusClient({ now: () => ports.clock.now(), neverLoopback: onLambda });
  const poller = pollerFromEnv(env, { ...ports, createAdapter, statusClient, ...optional('archive', archiveFromEnv(env, POLLER_ARCHIVE_TIMEOUT_MS)) });
  return {
    ...poller,
    ports,
    adapters: new Map(poller.vendorConfigs.map((c) => [c.id, createAdapter(c)])),
    quarantineQueueUrl: env[ENV.QUARANTINE_QUEUE_URL],
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function vendorConfig(env: NodeJS.ProcessEnv, codeDir: string): VendorRuntimeConfig {
  const { value, from } = configFromEnv(env, { file: ENV.VENDOR_FILE, inline: ENV.VENDOR, expected: 'a JSON VendorRuntimeConfig' }, codeDir);
  const config = value as Partial<VendorRuntimeConfig> | null;
  if (typeof config !== 'object' || config === null || typeof config.id !== 'string' || typeof config.kind !== 'string') {
    throw new Error(`${from} must be a JSON VendorRuntimeConfig, with id and kind`);
  }
  return config as VendorRuntimeConfig;
}
