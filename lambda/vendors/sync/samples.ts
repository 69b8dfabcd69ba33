/** Realistic Sync webhooks (the generation object), signed as Sync signs them. */
import { randomInt } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { signHmac } from '../shared/hmac';
import type { VendorSamples } from '../module';
import { syncScheme } from './adapter';

export const syncSamples: VendorSamples = {
  payload: (event, id, nowMs) => generation(event, id, nowMs),
  sign: (body, secret, nowMs) => ({ 'content-type': 'application/json', ...signHmac(syncScheme(), body, secret, nowMs) }),
  jobId: (sequence) => (sequence === undefined ? `job_${randomInt(1e9, 9e9).toString(16)}` : `job_${sequence}`),
  statusAnswer: (id) => ({ id, status: 'PROCESSING' }),
};

function generation(event: SampleEvent, id: string, nowMs: number): Record<string, unknown> {
  const status = { completed: 'COMPLETED', failed: 'FAILED', cancelled: 'CANCELED' }[event as 'completed' | 'failed' | 'cancelled'];
  return {
    id,
    createdAt: new Date(nowMs - 95_000).toISOString(),
    status,
    model: 'lipsync-2',
    input: [
      { type: 'video', url: 'https://assets.example.com/input/talking-head.mp4' },
      { type: 'audio', url: 'https://assets.example.com/input/voiceover-es.wav' },
    ],
    outputUrl: event === 'completed' ? `https://api.sync.so/v2/generations/${id}/result.mp4` : null,
    outputDuration: event === 'completed' ? 12.48 : null,
    error: event === 'failed' ? 'Audio is longer than the maximum duration for this model' : null,
    error_code: event === 'failed' ? 'generation_audio_length_exceeded' : null,
  };
}
