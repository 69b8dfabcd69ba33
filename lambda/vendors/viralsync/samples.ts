/** Realistic ViralSync webhooks (the job object), signed as ViralSync signs them. */
import { randomInt } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { signHmac } from '../shared/hmac';
import type { VendorSamples } from '../module';
import { viralsyncScheme } from './adapter';

export const viralsyncSamples: VendorSamples = {
  payload: (event, jobId, nowMs) => job(event, jobId, new Date(nowMs).toISOString()),
  sign: (body, secret, nowMs) => ({ 'content-type': 'application/json', ...signHmac(viralsyncScheme(), body, secret, nowMs) }),
  jobId: (sequence) => (sequence === undefined ? `job_${randomInt(1e9, 9e9).toString(16)}` : `job_${sequence}`),
  statusAnswer: (jobId) => ({ jobId, status: 'running', progress: 0.5 }),
};

function job(event: SampleEvent, jobId: string, iso: string): Record<string, unknown> {
  switch (event) {
    case 'progress':
      return { jobId, status: 'running', phase: 'rendering', progress: 0.46, children: { total: 3, succeeded: 1, running: 1, queued: 1, failed: 0 }, outputUrl: null, timestamp: iso };
    case 'completed':
      return {
        jobId,
        status: 'done',
        progress: 1.0,
        outputUrl: `https://r2.viralsync.io/outputs/${jobId}/output.mp4`,
        mediaData: { duration: 10.0, width: 1920, height: 1080, fileSize: 8432156 },
        timestamp: iso,
      };
    case 'failed':
      return { jobId, status: 'failed', progress: 0.33, error: 'SCENE_RENDER_FAILED: FFmpeg exited with code 1 on scene_2', outputUrl: null, timestamp: iso };
    default:
      return { jobId, status: 'cancelled', progress: 0.12, outputUrl: null, timestamp: iso };
  }
}
