/**
 * LipDub AI. Webhooks carry a static key, `Authorization: Bearer <key>` (older tenants:
 * `X-Api-Key: <key>`), and no signature or timestamp: replays are stopped by deduplication only.
 * Envelope `{event_type, created_at, data}`; `X-LipDub-Event` repeats the type. Field names
 * inside `data` are not public, so every lookup is a configurable list of candidates.
 * Unknown event types are answered 2xx and ignored, as LipDub asks.
 * Status API: `GET {base}/v1/renders/{id}/status` with `X-Api-Key`, then `/download` once finished.
 */
import { type NormalizedFields, type VideoJobStatus } from '../core/event';
import { firstPath, isObject, matchesAnyKey, parseJsonObject, readId, readString, readTime, stringListOption, type JsonObject } from './crypto';
import type { AuthResult, NormalizeResult, RawRequest, StatusRequestContext, StatusParseResult, VendorAdapter, VendorStatusApi } from './types';

export interface LipDubOptions {
  /**
   * Where the job id is in `data`, first match wins. Numbers become strings.
   * @default ['generate_id', 'render_id', 'job_id', 'id']
   */
  readonly jobIdFields?: readonly string[];
  /**
   * Where the output URL is in `data`.
   * @default ['download_url', 'output_url', 'video_url']
   */
  readonly outputUrlFields?: readonly string[];
  /**
   * Where the failure text is in `data`.
   * @default ['failure_reason', 'error', 'message']
   */
  readonly errorFields?: readonly string[];
  /**
   * Turn event types we do not know into `processing` events (with `vendorEventType` set)
   * instead of answering 202 and dropping them.
   * @default false
   */
  readonly emitUnknownEvents?: boolean;
}

/** Documented stage events: the job moves on. */
const STAGE_EVENTS = new Set(['PREPROCESSING_COMPLETE', 'TRAINING_COMPLETE', 'FILE_UPLOAD_COMPLETE', 'VIDEO_VALIDATION_COMPLETE']);

const RENDER_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  not_started: 'queued',
  pending: 'queued',
  running: 'processing',
  finished: 'succeeded',
  failed: 'failed',
  skipped: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

export function lipdubAdapter(options: LipDubOptions = {}, id = 'lipdub'): VendorAdapter {
  const paths = {
    jobId: stringListOption(id, 'jobIdFields', options.jobIdFields, ['generate_id', 'render_id', 'job_id', 'id']),
    outputUrl: stringListOption(id, 'outputUrlFields', options.outputUrlFields, ['download_url', 'output_url', 'video_url']),
    error: stringListOption(id, 'errorFields', options.errorFields, ['failure_reason', 'error', 'message']),
  };
  return {
    id,
    authHeaders: ['authorization', 'x-api-key', 'x-lipdub-event'],
    authenticate(req: RawRequest, keys: readonly string[]): AuthResult {
      const authorization = req.headers.authorization?.trim();
      const legacy = req.headers['x-api-key']?.trim();
      if (!authorization && !legacy) return { ok: false, reason: 'missing_key' };
      const bearer = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
      // An Authorization header that is not a Bearer token (say a proxy's Basic credentials) does
      // not hide a legacy X-Api-Key next to it; on its own it is malformed.
      const presented = [bearer, legacy].filter((k): k is string => k !== undefined && k !== '');
      if (presented.length === 0) return { ok: false, reason: 'malformed_signature' };
      let ok = false;
      for (const key of presented) if (matchesAnyKey(key, keys)) ok = true;
      return ok ? { ok: true, timestampMs: null } : { ok: false, reason: 'bad_key' };
    },
    normalize(req: RawRequest): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const eventType = readString(body.event_type) ?? readString(req.headers['x-lipdub-event']);
      if (!eventType) return { kind: 'invalid', reason: 'no event_type' };
      const status = eventStatus(eventType);
      // Unknown types are ignored whatever their data looks like: LipDub asks receivers to ignore them gracefully.
      if (!status && !options.emitUnknownEvents) {
        return { kind: 'ignored', vendorEventType: eventType, reason: `event type ${eventType} is not one we turn into events` };
      }
      if (!isObject(body.data)) return { kind: 'invalid', reason: 'no data object' };
      const jobId = readId(firstPath(body.data, paths.jobId));
      if (!jobId) return { kind: 'invalid', reason: `no job id in data (looked at ${paths.jobId.join(', ')})` };
      const normalized = status ?? 'processing';
      const stage = readString(body.data.stage);
      const fields: NormalizedFields = {
        jobId,
        status: normalized,
        progress: normalized === 'succeeded' ? 1 : null,
        stage: normalized === 'processing' ? (stage ?? eventType) : stage,
        outputUrl: readString(firstPath(body.data, paths.outputUrl)),
        media: null,
        error: normalized === 'failed' ? { message: readString(firstPath(body.data, paths.error)) ?? eventType, code: eventType } : null,
        vendorEventType: eventType,
        vendorStatus: readString(body.data.status),
        occurredAtMs: readTime(body.created_at),
        raw: body,
      };
      return { kind: 'event', fields };
    },
    statusApi: statusApi(paths.outputUrl),
  };
}

/** VIDEO_RENDER_COMPLETE succeeds; RENDER_PROCESSING_FAILED and every other *_FAILED/*_FAILURE fails. */
function eventStatus(eventType: string): VideoJobStatus | undefined {
  const type = eventType.toUpperCase();
  if (type === 'VIDEO_RENDER_COMPLETE') return 'succeeded';
  if (type.endsWith('_FAILED') || type.endsWith('_FAILURE')) return 'failed';
  if (STAGE_EVENTS.has(type)) return 'processing';
  return undefined;
}

function statusApi(outputUrlFields: readonly string[]): VendorStatusApi {
  const headers = (ctx: StatusRequestContext) => ({ accept: 'application/json', ...(ctx.apiKey ? { 'x-api-key': ctx.apiKey } : {}) });
  return {
    defaultBaseUrl: 'https://api.lipdub.ai',
    documentedReadsPerMinute: undefined,
    request: (jobId, ctx) => ({ url: `${ctx.baseUrl}/v1/renders/${encodeURIComponent(jobId)}/status`, headers: headers(ctx) }),
    parse(jobId, body, ctx): StatusParseResult {
      if (!isObject(body)) return { kind: 'invalid', reason: 'status answer is not a JSON object' };
      const vendorStatus = readString(body.status);
      const status = vendorStatus === null ? undefined : lookup(RENDER_STATUS, vendorStatus.toLowerCase());
      if (!status) return { kind: 'invalid', reason: `unknown render status ${JSON.stringify(body.status)}`.slice(0, 120) };
      const fields = renderFields(readId(body.generate_id) ?? jobId, status, vendorStatus, body);
      if (status !== 'succeeded') return { kind: 'status', fields };
      // Finished: the URL comes from /download.
      return {
        kind: 'follow',
        request: { url: `${ctx.baseUrl}/v1/renders/${encodeURIComponent(jobId)}/download`, headers: headers(ctx) },
        then: (httpStatus, download) => {
          const url = httpStatus >= 200 && httpStatus < 300 && isObject(download) ? readString(firstPath(download, outputUrlFields)) : null;
          return { kind: 'status', fields: { ...fields, outputUrl: url, raw: { status: body, download: isObject(download) ? download : null } } };
        },
      };
    },
  };
}

function renderFields(jobId: string, status: VideoJobStatus, vendorStatus: string | null, body: JsonObject): NormalizedFields {
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: null,
    outputUrl: null,
    media: null,
    error: status === 'failed' ? { message: readString(body.failure_reason) ?? readString(body.error) ?? `render ${vendorStatus}`, code: vendorStatus } : null,
    vendorEventType: null,
    vendorStatus,
    occurredAtMs: null,
    raw: body,
  };
}

/** The map's own entry for a vendor word: "constructor" or "__proto__" are not statuses. */
function lookup(map: Readonly<Record<string, VideoJobStatus>>, word: string): VideoJobStatus | undefined {
  return Object.hasOwn(map, word) ? map[word] : undefined;
}
