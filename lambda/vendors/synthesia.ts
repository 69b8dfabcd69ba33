/**
 * Synthesia. Webhooks come from an account subscription and carry `Synthesia-Signature` (hex
 * HMAC-SHA256 of `<Synthesia-Timestamp>.<raw body>` keyed with the subscription secret) and
 * `Synthesia-Timestamp` (unix seconds). Rotation is a second subscription with its own secret,
 * so every event arrives twice during the overlap (the delivery core keeps one).
 * Two envelopes exist: `{type, data}` (API reference) and `{event, data, timestamp, webhook_id}`
 * (SDK notes, with `video.created`); both are accepted.
 * Status API: `GET https://api.synthesia.io/v2/videos/{id}` with `Authorization: <key>` (no Bearer).
 */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../core/event';
import { fromHex, isObject, matchesAnySecret, parseJsonObject, parseUnixSeconds, readId, readNumber, readString, readTime, secondsOption, withinTolerance, type JsonObject } from './crypto';
import type { AuthResult, NormalizeResult, RawRequest, StatusParseResult, VendorAdapter, VendorStatusApi } from './types';

export interface SynthesiaOptions {
  /**
   * Largest accepted distance between `Synthesia-Timestamp` and now, either way. Synthesia
   * suggests ignoring events older than about 10 minutes.
   * @default 600
   */
  readonly timestampToleranceSeconds?: number;
}

const EVENT_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  'video.created': 'processing',
  'video.completed': 'succeeded',
  'video.failed': 'failed',
};

const VIDEO_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  in_progress: 'processing',
  approved: 'processing',
  complete: 'succeeded',
  error: 'failed',
  failed: 'failed',
  rejected: 'failed',
  deleted: 'cancelled',
};

export function synthesiaAdapter(options: SynthesiaOptions = {}, id = 'synthesia'): VendorAdapter {
  const tolerance = secondsOption(id, 'timestampToleranceSeconds', options.timestampToleranceSeconds, 600);
  return {
    id,
    authHeaders: ['synthesia-signature', 'synthesia-timestamp'],
    authenticate(req: RawRequest, secrets: readonly string[], nowMs: number): AuthResult {
      const header = req.headers['synthesia-signature'];
      const timestamp = req.headers['synthesia-timestamp'];
      if (!header?.trim() || !timestamp?.trim()) return { ok: false, reason: 'missing_signature' };
      const timestampMs = parseUnixSeconds(timestamp);
      const signatures = header
        .split(',')
        .map((s) => fromHex(s.trim().replace(/^(v1|sha256)=/i, '')))
        .filter((s): s is Buffer => s !== undefined && s.length === 32);
      if (timestampMs === undefined || signatures.length === 0) return { ok: false, reason: 'malformed_signature' };
      if (!withinTolerance(timestampMs, nowMs, tolerance)) return { ok: false, reason: 'stale_timestamp' };
      let ok = false;
      for (const signature of signatures) if (matchesAnySecret(signature, secrets, `${timestamp.trim()}.`, req.body)) ok = true;
      return ok ? { ok: true, timestampMs } : { ok: false, reason: 'bad_signature' };
    },
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const eventType = readString(body.type) ?? readString(body.event);
      if (!isObject(body.data)) return { kind: 'invalid', reason: 'no data object' };
      // A known event type decides; a video event we do not know yet (or none) falls back to
      // data.status; anything else (not about a video) is not a job status change.
      const videoEvent = eventType === null || eventType.startsWith('video.');
      const status = (eventType ? lookup(EVENT_STATUS, eventType) : undefined) ?? (videoEvent ? videoStatus(body.data) : undefined);
      if (!status) {
        return eventType
          ? { kind: 'ignored', vendorEventType: eventType, reason: `event type ${eventType} is not a video status change` }
          : { kind: 'invalid', reason: 'no event type and no known video status' };
      }
      const fields = normalizeVideo(body.data, undefined, status, eventType, body);
      if (typeof fields === 'string') return { kind: 'invalid', reason: fields };
      const occurredAtMs = fields.occurredAtMs ?? readTime(body.timestamp) ?? auth.timestampMs;
      return { kind: 'event', fields: { ...fields, occurredAtMs } };
    },
    statusApi: STATUS_API,
  };
}

const STATUS_API: VendorStatusApi = {
  defaultBaseUrl: 'https://api.synthesia.io',
  documentedReadsPerMinute: 60,
  request: (jobId, ctx) => ({
    url: `${ctx.baseUrl}/v2/videos/${encodeURIComponent(jobId)}`,
    headers: { accept: 'application/json', ...(ctx.apiKey ? { authorization: ctx.apiKey } : {}) },
  }),
  parse(jobId, body): StatusParseResult {
    if (!isObject(body)) return { kind: 'invalid', reason: 'status answer is not a JSON object' };
    const status = videoStatus(body);
    if (!status) return { kind: 'invalid', reason: `unknown video status ${JSON.stringify(body.status)}`.slice(0, 120) };
    const fields = normalizeVideo(body, jobId, status, null, body);
    return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'status', fields };
  },
};

function videoStatus(video: JsonObject): VideoJobStatus | undefined {
  const s = readString(video.status);
  return s === null ? undefined : lookup(VIDEO_STATUS, s.toLowerCase());
}

/** A video object (webhook `data` or status answer) to normalized fields. */
function normalizeVideo(video: JsonObject, fallbackId: string | undefined, status: VideoJobStatus, eventType: string | null, raw: JsonObject): NormalizedFields | string {
  const jobId = readId(video.id) ?? fallbackId;
  if (!jobId) return 'no data.id';
  const thumbnail = isObject(video.thumbnail) ? video.thumbnail : undefined;
  const thumbnails = isObject(video.thumbnails) ? video.thumbnails : undefined;
  const captions = isObject(video.captions) ? video.captions : undefined;
  const download = readString(video.download);
  const duration = readDuration(video.duration);
  const media =
    status === 'succeeded' || download !== null || duration !== null
      ? {
          ...EMPTY_MEDIA,
          durationSeconds: duration,
          thumbnailUrl: readString(thumbnail?.image) ?? readString(thumbnails?.static),
          captions: { srt: readString(captions?.srt), vtt: readString(captions?.vtt) },
        }
      : null;
  const message = readString(video.message) ?? readString(video.error);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: null,
    outputUrl: download,
    media,
    error: status === 'failed' ? { message: message ?? `video ${readString(video.status) ?? 'failed'}`, code: readString(video.errorCode) } : null,
    vendorEventType: eventType,
    vendorStatus: readString(video.status),
    occurredAtMs: readInstant(video.lastUpdatedAt) ?? readInstant(video.updatedAt),
    raw,
  };
}

/** Seconds as a number, or a clock string such as `0:00:12.34`. */
function readDuration(value: unknown): number | null {
  const n = readNumber(value);
  if (n !== null) return n >= 0 ? n : null;
  if (typeof value !== 'string') return null;
  const match = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value.trim());
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) : null;
}

/** ISO-8601 text, or unix seconds as a number (the API's createdAt/lastUpdatedAt). */
function readInstant(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e11 ? value * 1000 : value;
  return readTime(value);
}

/** The map's own entry for a vendor word: "constructor" or "__proto__" are not statuses. */
function lookup(map: Readonly<Record<string, VideoJobStatus>>, word: string): VideoJobStatus | undefined {
  return Object.hasOwn(map, word) ? map[word] : undefined;
}
