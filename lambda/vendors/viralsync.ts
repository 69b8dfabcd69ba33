/**
 * ViralSync render API. Webhooks: `x-render-signature` = hex HMAC-SHA256 of the raw body with the
 * webhook secret; one JSON job object per event, told apart by `status` (running, done, failed,
 * cancelled). Progress events may arrive out of order (the delivery core never moves a job back).
 * Status API: `GET {base}/v1/jobs/{jobId}`, same shape as the events; its base URL is not public.
 */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../core/event';
import { fromHex, isObject, matchesAnySecret, parseJsonObject, readId, readNumber, readProgress, readString, readTime, stringOption, type JsonObject } from './crypto';
import type { AuthResult, NormalizeResult, RawRequest, StatusParseResult, VendorAdapter, VendorStatusApi } from './types';

export interface ViralSyncOptions {
  /**
   * Header carrying the signature.
   * @default 'x-render-signature'
   */
  readonly signatureHeader?: string;
  /**
   * Header the status API key is sent in. ViralSync documents no auth for `GET /v1/jobs/{jobId}`:
   * the default is a guess, hence configurable.
   * @default 'authorization'
   */
  readonly statusApiKeyHeader?: string;
  /**
   * Text before the key in that header.
   * @default 'Bearer '
   */
  readonly statusApiKeyPrefix?: string;
}

const STATUS_MAP: Readonly<Record<string, VideoJobStatus>> = {
  queued: 'queued',
  pending: 'queued',
  running: 'processing',
  done: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

export function viralsyncAdapter(options: ViralSyncOptions = {}, id = 'viralsync'): VendorAdapter {
  const signatureHeader = stringOption(id, 'signatureHeader', options.signatureHeader, 'x-render-signature').trim().toLowerCase();
  return {
    id,
    authHeaders: [signatureHeader],
    authenticate(req: RawRequest, secrets: readonly string[]): AuthResult {
      const header = req.headers[signatureHeader];
      if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing_signature' };
      const signature = fromHex(header.replace(/^sha256=/i, ''));
      if (!signature || signature.length !== 32) return { ok: false, reason: 'malformed_signature' };
      return matchesAnySecret(signature, secrets, req.body) ? { ok: true, timestampMs: null } : { ok: false, reason: 'bad_signature' };
    },
    normalize(req: RawRequest): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const fields = normalizeJob(body, undefined);
      return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'event', fields };
    },
    statusApi: statusApi(options, id),
  };
}

function statusApi(options: ViralSyncOptions, id: string): VendorStatusApi {
  const header = stringOption(id, 'statusApiKeyHeader', options.statusApiKeyHeader, 'authorization').trim().toLowerCase();
  const prefix = stringOption(id, 'statusApiKeyPrefix', options.statusApiKeyPrefix, 'Bearer ', true);
  return {
    defaultBaseUrl: undefined,
    documentedReadsPerMinute: undefined,
    request: (jobId, ctx) => ({
      url: `${ctx.baseUrl}/v1/jobs/${encodeURIComponent(jobId)}`,
      headers: { accept: 'application/json', ...(ctx.apiKey ? { [header]: `${prefix}${ctx.apiKey}` } : {}) },
    }),
    parse(jobId, body): StatusParseResult {
      if (!isObject(body)) return { kind: 'invalid', reason: 'status answer is not a JSON object' };
      const fields = normalizeJob(body, jobId);
      return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'status', fields };
    },
  };
}

/** A job object (webhook or status answer) to normalized fields, or the reason it cannot be. */
function normalizeJob(body: JsonObject, fallbackJobId: string | undefined): NormalizedFields | string {
  const jobId = readId(body.jobId) ?? readId(body.id) ?? fallbackJobId;
  if (!jobId) return 'no jobId';
  const vendorStatus = readString(body.status);
  const status = vendorStatus === null ? undefined : lookup(STATUS_MAP, vendorStatus.toLowerCase());
  if (!status) return `unknown status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  const media = isObject(body.mediaData)
    ? {
        ...EMPTY_MEDIA,
        durationSeconds: readNumber(body.mediaData.duration),
        width: readNumber(body.mediaData.width),
        height: readNumber(body.mediaData.height),
        fileSizeBytes: readNumber(body.mediaData.fileSize),
        thumbnailUrl: readString(body.mediaData.thumbnailUrl),
      }
    : null;
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : readProgress(body.progress),
    stage: readString(body.phase),
    outputUrl: readString(body.outputUrl),
    media,
    error: status === 'failed' ? splitError(body.error) : null,
    vendorEventType: vendorStatus,
    vendorStatus,
    occurredAtMs: readTime(body.timestamp),
    raw: body,
  };
}

/** `"SCENE_RENDER_FAILED: FFmpeg exited..."` → code and message; otherwise the whole text, no code. */
export function splitError(value: unknown): { message: string; code: string | null } {
  const text = typeof value === 'string' ? value : isObject(value) ? (readString(value.message) ?? JSON.stringify(value)) : 'failed';
  const match = /^([A-Z][A-Z0-9_]{1,63}):\s+([\s\S]*)$/.exec(text);
  return match ? { code: match[1], message: match[2] } : { code: null, message: text };
}

/** The map's own entry for a vendor word: "constructor" or "__proto__" are not statuses. */
function lookup(map: Readonly<Record<string, VideoJobStatus>>, word: string): VideoJobStatus | undefined {
  return Object.hasOwn(map, word) ? map[word] : undefined;
}
