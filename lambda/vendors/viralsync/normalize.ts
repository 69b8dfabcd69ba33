/** ViralSync's job object, the body of its webhooks and of its status answers, to normalized fields. */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readId, readNumber, readProgress, readString, readTime, type JsonObject } from '../../core/json';

const STATUS_MAP: Readonly<Record<string, VideoJobStatus>> = {
  queued: 'queued',
  pending: 'queued',
  running: 'processing',
  done: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

/** A job object (webhook or status answer) to normalized fields, or the reason it cannot be. */
export function normalizeJob(body: JsonObject, fallbackJobId: string | undefined): NormalizedFields | string {
  const jobId = readId(body.jobId) ?? readId(body.id) ?? fallbackJobId;
  if (!jobId) return 'no jobId';
  const vendorStatus = readString(body.status);
  const status = vendorStatus === null ? undefined : ownValue(STATUS_MAP, vendorStatus.toLowerCase());
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
