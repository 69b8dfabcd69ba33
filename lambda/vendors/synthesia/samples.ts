/** Realistic Synthesia webhooks (both envelopes), signed as Synthesia signs them. */
import { randomInt } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { signHmac } from '../shared/hmac';
import type { VendorSamples } from '../module';
import { synthesiaScheme } from './adapter';

export const synthesiaSamples: VendorSamples = {
  payload: (event, id, nowMs) => synthesiaPayload(event, id, new Date(nowMs).toISOString()),
  sign: (body, secret, nowMs) => ({ 'content-type': 'application/json', ...signHmac(synthesiaScheme(), body, secret, nowMs) }),
  jobId: (sequence) => (sequence === undefined ? `job_${randomInt(1e9, 9e9).toString(16)}` : `job_${sequence}`),
  statusAnswer: (id) => ({ id, status: 'in_progress' }),
};

function synthesiaPayload(event: SampleEvent, id: string, iso: string): Record<string, unknown> {
  const video = { id, title: 'Quarterly update (ES)', visibility: 'private', callbackId: `order-${id}`, createdAt: iso, lastUpdatedAt: iso };
  switch (event) {
    case 'created':
      return { event: 'video.created', data: { ...video, status: 'in_progress' }, timestamp: iso, webhook_id: 'webhook-7f3a' };
    case 'completed':
      return {
        type: 'video.completed',
        data: {
          ...video,
          status: 'complete',
          download: `https://synthesia-ttv-data.s3.amazonaws.com/video_data/${id}/transfers/rendered_video.mp4`,
          duration: 45.2,
          thumbnail: { image: `https://synthesia-ttv-data.s3.amazonaws.com/video_data/${id}/thumbnail.jpg`, gif: `https://synthesia-ttv-data.s3.amazonaws.com/video_data/${id}/thumbnail.gif` },
          captions: { srt: `https://captions.synthesia.io/${id}.srt`, vtt: `https://captions.synthesia.io/${id}.vtt` },
        },
      };
    default:
      return { type: 'video.failed', data: { ...video, status: 'error', message: 'Avatar rendering failed' } };
  }
}
