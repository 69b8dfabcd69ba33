/**
 * LipDub AI. Webhooks carry a static key, `Authorization: Bearer <key>` (older tenants:
 * `X-Api-Key: <key>`), and no signature or timestamp: replays are stopped by deduplication only.
 * Envelope `{event_type, created_at, data}`; `X-LipDub-Event` repeats the type. Field names
 * inside `data` are not public, so every lookup is a configurable list of candidates.
 * Unknown event types are answered 2xx and ignored, as LipDub asks.
 */
import type { AuthResult, NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import type { NormalizedFields, VideoJobStatus } from '../../core/event';
import { firstPath, isObject, parseJsonObject, readId, readString, readTime } from '../../core/json';
import { withDefaults } from '../../contract/options';
import { matchesAnyKey } from '../shared/crypto';
import { lipdubManifest } from './manifest';
import { lipdubStatusApi } from './status-api';

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

export function lipdubAdapter(options: LipDubOptions = {}, id = 'lipdub'): VendorAdapter {
  const o = withDefaults(lipdubManifest.options, options) as Required<LipDubOptions>;
  return {
    id,
    // Not the key headers: a static key kept in the quarantine would let its readers forge events.
    authHeaders: ['x-lipdub-event'],
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
      if (!status && !o.emitUnknownEvents) {
        return { kind: 'ignored', vendorEventType: eventType, reason: `event type ${eventType} is not one we turn into events` };
      }
      if (!isObject(body.data)) return { kind: 'invalid', reason: 'no data object' };
      const jobId = readId(firstPath(body.data, o.jobIdFields));
      if (!jobId) return { kind: 'invalid', reason: `no job id in data (looked at ${o.jobIdFields.join(', ')})` };
      const normalized = status ?? 'processing';
      const stage = readString(body.data.stage);
      const fields: NormalizedFields = {
        jobId,
        status: normalized,
        progress: normalized === 'succeeded' ? 1 : null,
        stage: normalized === 'processing' ? (stage ?? eventType) : stage,
        outputUrl: readString(firstPath(body.data, o.outputUrlFields)),
        media: null,
        error: normalized === 'failed' ? { message: readString(firstPath(body.data, o.errorFields)) ?? eventType, code: eventType } : null,
        vendorEventType: eventType,
        vendorStatus: readString(body.data.status),
        occurredAtMs: readTime(body.created_at),
        raw: body,
      };
      return { kind: 'event', fields };
    },
    statusApi: lipdubStatusApi(o.outputUrlFields),
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
