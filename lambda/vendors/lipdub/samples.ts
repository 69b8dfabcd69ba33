/** Realistic LipDub webhooks (`{event_type, created_at, data}`), with the key as LipDub sends it. */
import { randomInt } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { isObject, readString, safeJsonParse } from '../../core/json';
import type { VendorSamples } from '../module';

export const lipdubSamples: VendorSamples = {
  payload: (event, id, nowMs) => envelope(event, id, new Date(nowMs).toISOString()),
  sign: (body, secret) => ({ 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...eventHeader(body) }),
  // LipDub's generate ids are numbers.
  jobId: (sequence) => String(sequence === undefined ? randomInt(100_000, 999_999) : 100_000 + sequence),
  statusAnswer: (id) => ({ generate_id: Number(id), status: 'running' }),
};

/** X-LipDub-Event repeats the body's event_type; a body without one (or not JSON) gets no header. */
function eventHeader(body: string): Record<string, string> {
  const parsed = safeJsonParse(body);
  const eventType = isObject(parsed) ? readString(parsed.event_type) : null;
  return eventType === null ? {} : { 'x-lipdub-event': eventType };
}

function envelope(event: SampleEvent, generateId: string, iso: string): Record<string, unknown> {
  const numericId = /^\d+$/.test(generateId) ? Number(generateId) : generateId;
  const base = { generate_id: numericId, project_id: 4211, shot_id: 98812 };
  switch (event) {
    case 'progress':
      return { event_type: 'TRAINING_COMPLETE', created_at: iso, data: { ...base, stage: 'training' } };
    case 'completed':
      return { event_type: 'VIDEO_RENDER_COMPLETE', created_at: iso, data: { ...base, download_url: `https://cdn.lipdub.ai/renders/${generateId}/output.mp4` } };
    default:
      return { event_type: 'RENDER_PROCESSING_FAILED', created_at: iso, data: { ...base, failure_reason: 'Face not detected in source shot' } };
  }
}
