/** Runway sends no webhooks: its samples are the task its status API answers (for fake status APIs). */
import { randomUUID } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import type { VendorSamples } from '../module';

export const runwaySamples: VendorSamples = {
  payload: (event, jobId, nowMs) => runwayTask(event, jobId, new Date(nowMs).toISOString()),
  sign: () => ({}),
  jobId: (sequence) => (sequence === undefined ? randomUUID() : `17f20503-6c24-4c16-946b-${String(sequence).padStart(12, '0')}`),
  statusAnswer: (jobId) => runwayTask('progress', jobId, new Date().toISOString()),
};

/** The task as `GET /v1/tasks/{id}` answers it at each stage. */
export function runwayTask(event: SampleEvent, id: string, createdAt: string): Record<string, unknown> {
  switch (event) {
    case 'created':
      return { id, createdAt, status: 'PENDING', estimatedCost: { credits: 50 } };
    case 'completed':
      return { id, createdAt, status: 'SUCCEEDED', cost: { credits: 50 }, output: [`https://dnznrvs05pmza.cloudfront.net/${id}/output.mp4`] };
    case 'failed':
      return { id, createdAt, status: 'FAILED', cost: { credits: 0 }, failure: 'An unexpected error occurred.', failureCode: 'INTERNAL.BAD_OUTPUT' };
    case 'cancelled':
      return { id, createdAt, status: 'CANCELLED', cost: { credits: 0 } };
    default:
      return { id, createdAt, status: 'RUNNING', estimatedCost: { credits: 50 }, progress: 0.42 };
  }
}
