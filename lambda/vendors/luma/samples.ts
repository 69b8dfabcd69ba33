/** Realistic Luma callbacks (the Generation object, unsigned: the token goes in the callback URL). */
import { randomUUID } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { callbackQuery } from '../shared/hint';
import type { VendorSamples } from '../module';
import { lumaManifest } from './manifest';

export const lumaSamples: VendorSamples = {
  payload: (event, jobId, nowMs) => generation(event, jobId, new Date(nowMs).toISOString()),
  sign: () => ({ 'content-type': 'application/json' }),
  query: (secret) => callbackQuery(secret, lumaManifest.options.properties.tokenParameter.default),
  jobId: (sequence) => (sequence === undefined ? randomUUID() : `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`),
  statusAnswer: (jobId) => generation('progress', jobId, new Date().toISOString()),
};

function generation(event: SampleEvent, id: string, createdAt: string): Record<string, unknown> {
  const base = { id, generation_type: 'video', model: 'ray-2', created_at: createdAt, request: { generation_type: 'video', model: 'ray-2', prompt: 'a teddy bear in sunglasses playing electric guitar' } };
  switch (event) {
    case 'completed':
      return { ...base, state: 'completed', failure_reason: null, assets: { video: `https://storage.cdn-luma.com/dream_machine/${id}/video.mp4`, image: `https://storage.cdn-luma.com/dream_machine/${id}/thumb.jpg` } };
    case 'failed':
      return { ...base, state: 'failed', failure_reason: 'prompt was flagged by moderation', assets: {} };
    default:
      return { ...base, state: 'dreaming', failure_reason: null, assets: {} };
  }
}
