/**
 * Synthesia. Webhooks come from an account subscription and carry `Synthesia-Signature` (hex
 * HMAC-SHA256 of `<Synthesia-Timestamp>.<raw body>` keyed with the subscription secret) and
 * `Synthesia-Timestamp` (unix seconds). Rotation is a second subscription with its own secret,
 * so every event arrives twice during the overlap (the delivery core keeps one).
 * Two envelopes exist: `{type, data}` (API reference) and `{event, data, timestamp, webhook_id}`
 * (SDK notes, with `video.created`); both are accepted.
 */
import type { NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import type { VideoJobStatus } from '../../core/event';
import { isObject, ownValue, parseJsonObject, readString, readTime } from '../../core/json';
import { verifyHmac, type HmacScheme } from '../shared/hmac';
import { synthesiaManifest } from './manifest';
import { normalizeVideo, videoStatus } from './normalize';
import { synthesiaStatusApi } from './status-api';

export interface SynthesiaOptions {
  /**
   * Largest accepted distance between `Synthesia-Timestamp` and now, either way. Synthesia
   * suggests ignoring events older than about 10 minutes.
   * @default 600
   */
  readonly timestampToleranceSeconds?: number;
}

/** Synthesia's signature: a list of hex signatures, each optionally written `v1=` or `sha256=`. */
export function synthesiaScheme(toleranceSeconds: number = synthesiaManifest.timestampToleranceSeconds): HmacScheme {
  return {
    signatureHeaders: ['synthesia-signature'],
    signatures: { kind: 'list', separator: ',', read: /^(?:(?:v1|sha256)=)?([\s\S]*)$/i },
    encoding: 'hex',
    template: '{timestamp}.{body}',
    timestampHeaders: ['synthesia-timestamp'],
    toleranceSeconds,
  };
}

const EVENT_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  'video.created': 'processing',
  'video.completed': 'succeeded',
  'video.failed': 'failed',
};

export function synthesiaAdapter(options: SynthesiaOptions = {}, id = 'synthesia'): VendorAdapter {
  const scheme = synthesiaScheme(options.timestampToleranceSeconds);
  return {
    id,
    authHeaders: ['synthesia-signature', 'synthesia-timestamp'],
    authenticate: (req, secrets, nowMs) => verifyHmac(scheme, req, secrets, nowMs),
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const eventType = readString(body.type) ?? readString(body.event);
      if (!isObject(body.data)) return { kind: 'invalid', reason: 'no data object' };
      // A known event type decides; a video event we do not know yet (or none) falls back to
      // data.status; anything else (not about a video) is not a job status change.
      const videoEvent = eventType === null || eventType.startsWith('video.');
      const status = (eventType ? ownValue(EVENT_STATUS, eventType) : undefined) ?? (videoEvent ? videoStatus(body.data) : undefined);
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
    statusApi: synthesiaStatusApi,
  };
}
