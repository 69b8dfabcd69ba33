/** HTTP glue shared by the Lambda handler and the local dev server. */
import type { RawRequest } from '../vendors/types';
import { DEFAULTS, ENV } from '../config';
import type { DeliveryConfig } from './delivery';
import type { WebhookAnswer } from './webhook';

/** Lower-cases header names; repeated headers are joined with ', ' as HTTP allows. */
export function normalizeHeaders(headers: Readonly<Record<string, string | string[] | undefined>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(', ') : value;
    out[key] = out[key] === undefined ? joined : `${out[key]}, ${joined}`;
  }
  return out;
}

/** The raw body exactly as sent: API Gateway base64-encodes bodies it does not treat as text. */
export function rawRequest(headers: Readonly<Record<string, string | string[] | undefined>> | undefined, body: string | Buffer | undefined | null, isBase64Encoded = false): RawRequest {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body ?? '', isBase64Encoded ? 'base64' : 'utf8');
  return { headers: normalizeHeaders(headers), body: bytes };
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function toHttpResponse(answer: Pick<WebhookAnswer, 'statusCode' | 'body' | 'headers'>): HttpResponse {
  return {
    statusCode: answer.statusCode,
    headers: { 'content-type': 'application/json', ...answer.headers },
    body: JSON.stringify(answer.body),
  };
}

/** The delivery settings from the environment the constructs set, with the library defaults. */
export function deliveryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return {
    dedupeWindowMs: envNumber(env[ENV.DEDUPE_WINDOW_SECONDS], DEFAULTS.dedupeWindowSeconds) * 1000,
    staleAfterMs: envNumber(env[ENV.STALE_AFTER_SECONDS], DEFAULTS.staleAfterSeconds) * 1000,
    giveUpAfterMs: envNumber(env[ENV.GIVE_UP_AFTER_SECONDS], DEFAULTS.giveUpAfterSeconds) * 1000,
    claimLeaseMs: DEFAULTS.claimLeaseMs,
    busyWaitMs: 1500,
  };
}

/** A non-negative number from an environment variable, or `fallback` when unset or not one. */
export function envNumber(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** A required environment variable, with an error that says what is missing. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set: deploy the function with the VideoWebhookIngestion construct, or set it`);
  return value;
}
