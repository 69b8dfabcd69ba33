/** Realistic HeyGen per-job callbacks (unsigned: the token goes in the callback URL). */
import { randomBytes } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { callbackQuery } from '../shared/hint';
import type { VendorSamples } from '../module';
import { heygenManifest } from './manifest';

export const heygenSamples: VendorSamples = {
  payload: (event, jobId) => callback(event, jobId),
  sign: () => ({ 'content-type': 'application/json' }),
  query: (secret) => callbackQuery(secret, heygenManifest.options.properties.tokenParameter.default),
  jobId: (sequence) => (sequence === undefined ? randomBytes(16).toString('hex') : `${String(sequence).padStart(32, '0')}`),
  statusAnswer: (jobId) => ({ data: { id: jobId, status: 'processing', title: 'Onboarding', created_at: Math.floor(Date.now() / 1000) } }),
};

function callback(event: SampleEvent, videoId: string): Record<string, unknown> {
  return event === 'failed'
    ? { event_type: 'avatar_video.fail', event_data: { video_id: videoId, msg: 'avatar not found', callback_id: 'order-1234' } }
    : { event_type: 'avatar_video.success', event_data: { video_id: videoId, url: `https://files.heygen.ai/video/${videoId}.mp4`, callback_id: 'order-1234' } };
}
