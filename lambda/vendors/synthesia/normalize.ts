/** Synthesia's video object, inside its webhooks and as its status answers, to normalized fields. */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readId, readNumber, readString, readTime, type JsonObject } from '../../core/json';

const VIDEO_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  in_progress: 'processing',
  approved: 'processing',
  complete: 'succeeded',
  error: 'failed',
  failed: 'failed',
  rejected: 'failed',
  deleted: 'cancelled',
};

export function videoStatus(video: JsonObject): VideoJobStatus | undefined {
  const s = readString(video.status);
  return s === null ? undefined : ownValue(VIDEO_STATUS, s.toLowerCase());
}

/** A video object (webhook `data` or status answer) to normalized fields. */
export function normalizeVideo(video: JsonObject, fallbackId: string | undefined, status: VideoJobStatus, eventType: string | null, raw: JsonObject): NormalizedFields | string {
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
