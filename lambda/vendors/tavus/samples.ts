/** Realistic Tavus callbacks (the video, unsigned: the token goes in the callback URL), as its docs show them. */
import { randomBytes } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { callbackQuery } from '../shared/hint';
import type { VendorSamples } from '../module';
import { tavusManifest } from './manifest';

export const tavusSamples: VendorSamples = {
  payload: (event, jobId, nowMs) => video(event, jobId, tavusTime(nowMs)),
  sign: () => ({ 'content-type': 'application/json' }),
  query: (secret) => callbackQuery(secret, tavusManifest.options.properties.tokenParameter.default),
  jobId: (sequence) => (sequence === undefined ? randomBytes(5).toString('hex') : String(sequence).padStart(10, '0')),
  statusAnswer: (jobId) => video('progress', jobId, tavusTime(Date.now())),
};

/** `2024-08-28 15:27:40.824457`: Tavus's time, without a zone. */
function tavusTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '000');
}

function video(event: SampleEvent, id: string, at: string): Record<string, unknown> {
  const base = { video_id: id, video_name: 'Welcome video', replica_id: 'r79e1c033f', data: { script: 'Hello from Tavus!' }, created_at: at, updated_at: at };
  switch (event) {
    case 'completed':
      return {
        ...base,
        status: 'ready',
        status_details: 'Your request has processed successfully!',
        generation_progress: '100/100',
        download_url: `https://stream.mux.com/${id}/high.mp4?download=${id}`,
        stream_url: `https://stream.mux.com/${id}.m3u8`,
        hosted_url: `https://videos.tavus.io/video/${id}`,
      };
    case 'failed':
      return { ...base, status: 'error', status_details: 'An error occurred while generating this video.', error_details: null, generation_progress: '0/100', download_url: null, stream_url: null, hosted_url: `https://videos.tavus.io/video/${id}` };
    default:
      return { ...base, status: 'generating', status_details: 'Generating', generation_progress: '46/100', download_url: null, stream_url: null, hosted_url: `https://videos.tavus.io/video/${id}` };
  }
}
