/** A Mux asset (a webhook's `data`, or the status API's `data`) to normalized fields. */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readId, readNumber, readPercent, readString, type JsonObject } from '../../core/json';

const ASSET_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  preparing: 'processing',
  ready: 'succeeded',
  errored: 'failed',
};

/**
 * The asset to normalized fields. `status` is given by a webhook event type that decides it
 * (`video.asset.deleted`: cancelled); otherwise the asset's own status does.
 */
export function normalizeAsset(asset: JsonObject, fallbackJobId: string | undefined, given: VideoJobStatus | undefined, eventType: string | null, raw: JsonObject): NormalizedFields | string {
  const jobId = readId(asset.id) ?? fallbackJobId;
  if (!jobId) return 'no asset id';
  const vendorStatus = readString(asset.status);
  const status = given ?? (vendorStatus === null ? undefined : ownValue(ASSET_STATUS, vendorStatus));
  if (!status) return `unknown asset status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  const progress = isObject(asset.progress) ? readNumber(asset.progress.progress) : null;
  const errors = isObject(asset.errors) ? asset.errors : undefined;
  const messages = errors && Array.isArray(errors.messages) ? errors.messages.filter((m): m is string => typeof m === 'string') : [];
  const duration = readNumber(asset.duration);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : progress === null || progress < 0 ? null : readPercent(progress),
    stage: isObject(asset.progress) ? readString(asset.progress.state) : null,
    outputUrl: status === 'succeeded' ? playbackUrl(asset.playback_ids) : null,
    media: duration === null ? null : { ...EMPTY_MEDIA, durationSeconds: duration },
    error: status === 'failed' ? { message: messages.join('; ') || 'asset errored', code: errors ? readString(errors.type) : null } : null,
    vendorEventType: eventType,
    vendorStatus,
    occurredAtMs: null,
    raw,
  };
}

/**
 * The HLS URL of the asset's first public playback id (https://stream.mux.com/{id}.m3u8). A
 * signed playback id needs a token the pipeline does not make: none (its ids are in `raw`).
 */
function playbackUrl(ids: unknown): string | null {
  if (!Array.isArray(ids)) return null;
  const open = ids.find((p) => isObject(p) && p.policy === 'public' && typeof p.id === 'string' && /^[A-Za-z0-9]+$/.test(p.id));
  return isObject(open) ? `https://stream.mux.com/${String(open.id)}.m3u8` : null;
}
