/**
 * Mux Video. One webhook URL per environment receives every event: `{type, id, created_at,
 * object, environment, data, attempts}` signed with `mux-signature: t=<unix>,v1=<hex>`. A job is an
 * asset (`video.asset.*`, the asset in `data`); every other event type (uploads, live streams,
 * tracks, renditions) is answered 202 and ignored, with the reason.
 */
import type { NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import type { VideoJobStatus } from '../../core/event';
import { isObject, ownValue, parseJsonObject, readString, readTime } from '../../core/json';
import { hmacAuth, type HmacScheme } from '../shared/hmac';
import { keyedHeaderScheme } from '../shared/keyed-header';
import { asEvent } from '../shared/results';
import { muxManifest } from './manifest';
import { normalizeAsset } from './normalize';
import { muxStatusApi } from './status-api';

export interface MuxOptions {
  /**
   * How old the signed `t` may be. Checked for the past only, as Mux's SDK does.
   * @default 300
   */
  readonly timestampToleranceSeconds?: number;
}

/** Mux's signature: the keyed header `mux-signature`, `v1`, past only. */
export function muxScheme(toleranceSeconds: number = muxManifest.timestampToleranceSeconds): HmacScheme {
  return keyedHeaderScheme({ headers: ['mux-signature'], scheme: 'v1', toleranceSeconds, window: 'past-only' });
}

/** The asset events that are a job's status; `undefined`: the asset's own status decides. */
const ASSET_EVENTS: Readonly<Record<string, VideoJobStatus | undefined>> = {
  'video.asset.created': undefined,
  'video.asset.ready': 'succeeded',
  'video.asset.errored': 'failed',
  // Deleted before it was ready: the job will never finish. After it was ready: a later, different final status (counted as a conflict).
  'video.asset.deleted': 'cancelled',
};

export function muxAdapter(options: MuxOptions = {}, id = 'mux'): VendorAdapter {
  const scheme = muxScheme(options.timestampToleranceSeconds);
  return {
    id,
    ...hmacAuth(scheme),
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const type = readString(body.type);
      if (!type) return { kind: 'invalid', reason: 'no event type' };
      if (!Object.prototype.hasOwnProperty.call(ASSET_EVENTS, type)) return { kind: 'ignored', vendorEventType: type, reason: `event type ${type} is not an asset's status change` };
      if (!isObject(body.data)) return { kind: 'invalid', reason: 'no data object' };
      const fields = normalizeAsset(body.data, undefined, ownValue(ASSET_EVENTS, type), type, body);
      return asEvent(typeof fields === 'string' ? fields : { ...fields, occurredAtMs: readTime(body.created_at) ?? auth.timestampMs });
    },
    statusApi: muxStatusApi,
  };
}
