/** Realistic Mux asset webhooks (`video.asset.*`), signed as Mux signs them. */
import { randomBytes } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { signHmac } from '../shared/hmac';
import type { VendorSamples } from '../module';
import { muxScheme } from './adapter';

export const muxSamples: VendorSamples = {
  payload: (event, id, nowMs) => assetEvent(event, id, nowMs),
  sign: (body, secret, nowMs) => ({ 'content-type': 'application/json', ...signHmac(muxScheme(), body, secret, nowMs) }),
  // Asset ids are long letters-and-digits strings.
  jobId: (sequence) => (sequence === undefined ? randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'x') : `asset${String(sequence).padStart(20, '0')}`),
  statusAnswer: (id) => ({ data: { id, status: 'preparing', progress: { state: 'transcoding', progress: 42 } } }),
};

function assetEvent(event: SampleEvent, id: string, nowMs: number): Record<string, unknown> {
  const type = { created: 'video.asset.created', progress: 'video.asset.created', completed: 'video.asset.ready', failed: 'video.asset.errored', cancelled: 'video.asset.deleted' }[event];
  const status = event === 'completed' || event === 'cancelled' ? 'ready' : event === 'failed' ? 'errored' : 'preparing';
  const data: Record<string, unknown> = {
    id,
    status,
    passthrough: 'render-42',
    created_at: String(Math.floor((nowMs - 60_000) / 1000)),
    progress: status === 'ready' ? { state: 'completed', progress: 100 } : status === 'errored' ? { state: 'errored', progress: -1 } : { state: 'ingesting', progress: 0 },
    playback_ids: [{ id: `pb${id.slice(0, 20)}`, policy: 'public' }],
    ...(status === 'ready' ? { duration: 23.8, max_stored_resolution: 'HD' } : {}),
    ...(status === 'errored' ? { errors: { type: 'invalid_input', messages: ['The input file could not be processed.'] } } : {}),
  };
  return {
    type,
    id: `evt_${id.slice(0, 8)}_${event}`,
    created_at: new Date(nowMs).toISOString(),
    object: { type: 'asset', id },
    environment: { id: 'j0863n', name: 'Production' },
    data,
    attempts: [],
  };
}
