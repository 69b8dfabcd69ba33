/** Realistic Replicate webhooks (the prediction object), signed as Standard Webhooks as Replicate signs them. */
import { randomBytes, randomInt } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { signHmac } from '../shared/hmac';
import { standardWebhooksScheme } from '../shared/standard-webhooks';
import type { VendorSamples } from '../module';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const replicateSamples: VendorSamples = {
  payload: (event, id, nowMs) => prediction(event, id, nowMs),
  sign: (body, secret, nowMs) => ({ 'content-type': 'application/json', ...signHmac(standardWebhooksScheme(), body, secret, nowMs) }),
  // What `GET /v1/webhooks/default/secret` answers: whsec_ and the base64 of the key.
  secret: () => `whsec_${randomBytes(24).toString('base64')}`,
  // Prediction ids are 26 lower-case letters and digits.
  jobId: (sequence) => (sequence === undefined ? Array.from({ length: 26 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('') : `pred${String(sequence).padStart(22, '0')}`),
  statusAnswer: (id) => ({ id, status: 'processing', output: null, error: null }),
};

function prediction(event: SampleEvent, id: string, nowMs: number): Record<string, unknown> {
  const status = { created: 'starting', progress: 'processing', completed: 'succeeded', failed: 'failed', cancelled: 'canceled' }[event];
  const at = (ms: number) => new Date(nowMs - ms).toISOString();
  const done = event === 'completed' || event === 'failed' || event === 'cancelled';
  return {
    id,
    model: 'acme/video-model',
    version: '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa',
    status,
    input: { prompt: 'a red fox running through snow, cinematic' },
    output: event === 'completed' ? `https://replicate.delivery/xezq/${id}/output.mp4` : null,
    error: event === 'failed' ? 'CUDA out of memory' : null,
    logs: event === 'created' ? null : 'Generating frames: 48/96',
    data_removed: false,
    metrics: done ? { predict_time: 41.2, total_time: 43.9 } : {},
    created_at: at(45_000),
    started_at: event === 'created' ? null : at(43_000),
    completed_at: done ? at(0) : null,
    urls: { get: `https://api.replicate.com/v1/predictions/${id}`, cancel: `https://api.replicate.com/v1/predictions/${id}/cancel` },
  };
}
