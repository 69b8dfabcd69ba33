/** Luma's status API: `GET {base}/dream-machine/v1/generations/{id}` with `Authorization: Bearer`, answered with the Generation object. */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readId, readString, type JsonObject } from '../../core/json';
import { asStatus } from '../shared/results';
import { statusApi } from '../shared/status-api';
import { lumaManifest } from './manifest';

/** Generation states (lumaai `Generation.state`) to normalized statuses. */
export const LUMA_STATES: Readonly<Record<string, VideoJobStatus>> = {
  queued: 'queued',
  dreaming: 'processing',
  completed: 'succeeded',
  failed: 'failed',
};

export function lumaStatusApi() {
  return statusApi({
    defaultBaseUrl: lumaManifest.statusApiBaseUrl,
    path: (id) => `/dream-machine/v1/generations/${id}`,
    keyHeader: 'authorization',
    keyPrefix: 'Bearer ',
    parse: (jobId, body) => asStatus(generationFields(body, jobId)),
  });
}

/** A Generation object to normalized fields, or why it cannot be. */
export function generationFields(body: JsonObject, fallbackJobId: string): NormalizedFields | string {
  const jobId = readId(body.id) ?? fallbackJobId;
  const state = readString(body.state);
  const status = state === null ? undefined : ownValue(LUMA_STATES, state);
  if (!status) return `unknown generation state ${JSON.stringify(body.state)}`.slice(0, 120);
  const assets = isObject(body.assets) ? body.assets : {};
  const video = readString(assets.video);
  const image = readString(assets.image);
  // An image generation's output is its image; a video generation's image is its thumbnail.
  const output = body.generation_type === 'image' ? image : video;
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: null,
    outputUrl: status === 'succeeded' ? output : null,
    media: status === 'succeeded' && body.generation_type !== 'image' && image !== null ? { ...EMPTY_MEDIA, thumbnailUrl: image } : null,
    error: status === 'failed' ? { message: readString(body.failure_reason) ?? 'generation failed', code: null } : null,
    vendorEventType: null,
    vendorStatus: state,
    occurredAtMs: null,
    raw: body,
  };
}
