/**
 * The verifier Lambda: one per vendor, behind `POST /webhooks/{vendor}` of the HTTP API (payload
 * format 2.0). Thin: decode the request, run the core, encode the answer.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DEFAULTS, ENV, type VendorRuntimeConfig } from '../config';
import { DynamoJobStore } from '../core/dynamo-store';
import { deliveryConfigFromEnv, envNumber, rawRequest, requireEnv, toHttpResponse } from '../core/http';
import { systemClock } from '../core/ports';
import { SecretsManagerSource } from '../core/secrets';
import { createSqsClient, SqsEventQueue, SqsQuarantineQueue } from '../core/sqs-queue';
import { JsonTelemetry } from '../core/telemetry';
import { handleWebhook, type WebhookDeps } from '../core/webhook';
import { createAdapter } from '../vendors/registry';

// Built once per container. Creating clients does no I/O; secrets are fetched on first use.
const vendor = JSON.parse(requireEnv(process.env, ENV.VENDOR)) as VendorRuntimeConfig;
const secretArn = requireEnv(process.env, ENV.WEBHOOK_SECRET_ARN);
const maxAttempts = 3;
const sqs = createSqsClient({ maxAttempts });
const telemetry = new JsonTelemetry({ context: { function: process.env.AWS_LAMBDA_FUNCTION_NAME }, buffered: true });
const deps: WebhookDeps = {
  adapters: new Map([[vendor.id, createAdapter(vendor)]]),
  store: new DynamoJobStore(new DynamoDBClient({ maxAttempts }), requireEnv(process.env, ENV.TABLE_NAME)),
  queue: new SqsEventQueue(sqs, requireEnv(process.env, ENV.QUEUE_URL)),
  quarantine: new SqsQuarantineQueue(sqs, requireEnv(process.env, ENV.QUARANTINE_QUEUE_URL)),
  secrets: new SecretsManagerSource(
    new SecretsManagerClient({ maxAttempts }),
    envNumber(process.env[ENV.SECRET_REFRESH_SECONDS], DEFAULTS.secretRefreshSeconds) * 1000,
  ),
  secretNameFor: () => secretArn,
  clock: systemClock,
  telemetry,
  config: deliveryConfigFromEnv(process.env),
  maxBodyBytes: envNumber(process.env[ENV.MAX_BODY_BYTES], DEFAULTS.maxBodyBytes),
};

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const pathVendor = event.pathParameters?.vendor ?? lastPathSegment(event.rawPath);
  const vendorId = pathVendor === undefined || pathVendor === vendor.id ? vendor.id : pathVendor;
  try {
    const answer = await handleWebhook(vendorId, rawRequest(event.headers, event.body, event.isBase64Encoded), deps);
    return toHttpResponse(answer);
  } finally {
    telemetry.flush();
  }
}

function lastPathSegment(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const segment = path.split('/').filter(Boolean).pop();
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return segment; // malformed escape: compared as is, so it answers 404
  }
}
