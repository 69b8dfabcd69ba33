/**
 * Realistic sample webhooks per vendor, signed exactly as the vendor signs them: for
 * `video-webhooks send`, the demo and the benchmarks. Shapes follow ../shared/VENDORS.md.
 */
import { createHmac } from 'node:crypto';
import { isObject, readString, safeJsonParse } from './crypto';
import type { BuiltInVendorId } from './registry';

export const SAMPLE_EVENTS = ['created', 'progress', 'completed', 'failed', 'cancelled'] as const;
export type SampleEvent = (typeof SAMPLE_EVENTS)[number];

/** Which sample events each vendor really sends by webhook. */
export const VENDOR_EVENTS: Readonly<Record<BuiltInVendorId, readonly SampleEvent[]>> = {
  // Sync sends only final statuses.
  sync: ['completed', 'failed', 'cancelled'],
  // LipDub: render complete/failed, and optional stage events; no cancel webhook.
  lipdub: ['progress', 'completed', 'failed'],
  viralsync: ['progress', 'completed', 'failed', 'cancelled'],
  // Synthesia: video.created (SDK notes), video.completed, video.failed.
  synthesia: ['created', 'completed', 'failed'],
};

export class UnsupportedSampleError extends Error {}

/** The payload `vendor` sends for `event`, or throws UnsupportedSampleError naming what it has. */
export function samplePayload(vendor: BuiltInVendorId, event: SampleEvent, jobId: string, nowMs: number): Record<string, unknown> {
  if (!VENDOR_EVENTS[vendor].includes(event)) {
    throw new UnsupportedSampleError(`${vendor} has no ${event} webhook; it sends: ${VENDOR_EVENTS[vendor].join(', ')}`);
  }
  const iso = new Date(nowMs).toISOString();
  switch (vendor) {
    case 'sync':
      return syncPayload(event, jobId, nowMs);
    case 'lipdub':
      return lipdubPayload(event, jobId, iso);
    case 'viralsync':
      return viralsyncPayload(event, jobId, iso);
    case 'synthesia':
      return synthesiaPayload(event, jobId, iso);
  }
}

/** The headers `vendor` sends with `body`, authenticated with `secret` at `nowMs`. Never throws, whatever the body. */
export function signRequest(vendor: BuiltInVendorId, body: string, secret: string, nowMs: number): Record<string, string> {
  const t = String(Math.floor(nowMs / 1000));
  const hex = (data: string) => createHmac('sha256', secret).update(data).digest('hex');
  const json = { 'content-type': 'application/json' };
  switch (vendor) {
    case 'sync':
      return { ...json, 'sync-signature': `t=${t},v1=${hex(`${t}.${body}`)}` };
    case 'lipdub':
      return { ...json, authorization: `Bearer ${secret}`, ...lipdubEventHeader(body) };
    case 'viralsync':
      return { ...json, 'x-render-signature': hex(body) };
    case 'synthesia':
      return { ...json, 'synthesia-timestamp': t, 'synthesia-signature': hex(`${t}.${body}`) };
  }
}

/** X-LipDub-Event repeats the body's event_type; a body without one (or not JSON) gets no header. */
function lipdubEventHeader(body: string): Record<string, string> {
  const parsed = safeJsonParse(body);
  const eventType = isObject(parsed) ? readString(parsed.event_type) : null;
  return eventType === null ? {} : { 'x-lipdub-event': eventType };
}

function syncPayload(event: SampleEvent, id: string, nowMs: number): Record<string, unknown> {
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

function lipdubPayload(event: SampleEvent, generateId: string, iso: string): Record<string, unknown> {
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

function viralsyncPayload(event: SampleEvent, jobId: string, iso: string): Record<string, unknown> {
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
