/** HeyGen's status API: `GET {base}/v3/videos/{video_id}` with `X-Api-Key`, answered with `{ data: <video> }`. */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readId, readNumber, readString, type JsonObject } from '../../core/json';
import { asStatus } from '../shared/results';
import { statusApi } from '../shared/status-api';
import { heygenManifest } from './manifest';

/** Video statuses (v3 `status`; `waiting` is the create answer's) to normalized statuses. */
export const HEYGEN_STATUSES: Readonly<Record<string, VideoJobStatus>> = {
  waiting: 'queued',
  pending: 'queued',
  processing: 'processing',
  completed: 'succeeded',
  failed: 'failed',
};

export function heygenStatusApi() {
  return statusApi({
    defaultBaseUrl: heygenManifest.statusApiBaseUrl,
    path: (id) => `/v3/videos/${id}`,
    keyHeader: 'x-api-key',
    parse: (jobId, body) => asStatus(isObject(body.data) ? videoFields(body.data, body, jobId) : 'status answer has no data object'),
  });
}

/** A v3 video to normalized fields (`raw`: the whole answer), or why it cannot be. */
export function videoFields(video: JsonObject, raw: JsonObject, fallbackJobId: string): NormalizedFields | string {
  const jobId = readId(video.id) ?? fallbackJobId;
  const vendorStatus = readString(video.status);
  const status = vendorStatus === null ? undefined : ownValue(HEYGEN_STATUSES, vendorStatus);
  if (!status) return `unknown video status ${JSON.stringify(video.status)}`.slice(0, 120);
  const completedAt = readNumber(video.completed_at);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: null,
    outputUrl: status === 'succeeded' ? readString(video.video_url) : null,
    media: status === 'succeeded'
      ? { ...EMPTY_MEDIA, durationSeconds: readNumber(video.duration), thumbnailUrl: readString(video.thumbnail_url), captions: { srt: readString(video.subtitle_url), vtt: null } }
      : null,
    error: status === 'failed' ? { message: readString(video.failure_message) ?? 'video failed', code: readString(video.failure_code) } : null,
    vendorEventType: null,
    vendorStatus,
    // `completed_at` is a Unix time in seconds, set once the video is done.
    occurredAtMs: status === 'succeeded' || status === 'failed' ? (completedAt === null ? null : completedAt * 1000) : null,
    raw,
  };
}
