/** Tavus's status API: `GET {base}/v2/videos/{video_id}` with `x-api-key`, answered with the video. */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../core/event';
import { ownValue, readId, readString, type JsonObject } from '../../core/json';
import { asStatus } from '../shared/results';
import { statusApi } from '../shared/status-api';
import { tavusManifest } from './manifest';

/** Video statuses to normalized statuses (`deleted`: the video is gone, read as cancelled). */
export const TAVUS_STATUSES: Readonly<Record<string, VideoJobStatus>> = {
  queued: 'queued',
  generating: 'processing',
  ready: 'succeeded',
  error: 'failed',
  deleted: 'cancelled',
};

export function tavusStatusApi() {
  return statusApi({
    defaultBaseUrl: tavusManifest.statusApiBaseUrl,
    path: (id) => `/v2/videos/${id}`,
    keyHeader: 'x-api-key',
    parse: (jobId, body) => asStatus(tavusVideoFields(body, jobId)),
  });
}

/** A Tavus video to normalized fields, or why it cannot be. */
export function tavusVideoFields(body: JsonObject, fallbackJobId: string): NormalizedFields | string {
  const jobId = readId(body.video_id) ?? fallbackJobId;
  const vendorStatus = readString(body.status);
  const status = vendorStatus === null ? undefined : ownValue(TAVUS_STATUSES, vendorStatus);
  if (!status) return `unknown video status ${JSON.stringify(body.status)}`.slice(0, 120);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : status === 'processing' ? progressOf(body.generation_progress) : null,
    stage: null,
    outputUrl: status === 'succeeded' ? (readString(body.download_url) ?? readString(body.stream_url)) : null,
    media: status === 'succeeded' ? { ...EMPTY_MEDIA, thumbnailUrl: readString(body.still_image_thumbnail_url) } : null,
    error: status === 'failed' ? { message: readString(body.status_details) ?? readString(body.error_details) ?? 'video generation failed', code: null } : null,
    vendorEventType: null,
    vendorStatus,
    // Its times carry no zone: not read as the event's time.
    occurredAtMs: null,
    raw: body,
  };
}

/** `"46/100"` → 0.46; anything else → null. */
function progressOf(value: unknown): number | null {
  const match = typeof value === 'string' ? /^(\d{1,3})\/100$/.exec(value.trim()) : null;
  return match ? Math.min(Number(match[1]), 100) / 100 : null;
}
