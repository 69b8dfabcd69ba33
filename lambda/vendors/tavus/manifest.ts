/**
 * Tavus (video generation, API v2), as plain data. Sources:
 * - `callback_url` on `POST https://tavusapi.com/v2/videos`: "A url that will receive a callback on
 *   completion of video generation or on error" (https://docs.tavus.io/api-reference/video-request/create-video);
 *   no signature is documented anywhere: each callback is a hint (core/hint.ts);
 * - the callback body (the video: `video_id`, `status`, `status_details`, `download_url`,
 *   `stream_url`, `hosted_url`, `generation_progress` "N/100", `created_at`, `updated_at` in
 *   `YYYY-MM-DD hh:mm:ss.ffffff` without a zone): https://docs.tavus.io/sections/troubleshooting/api-callbacks;
 * - the status API `GET https://tavusapi.com/v2/videos/{video_id}` with `x-api-key`, statuses
 *   `queued, generating, ready, deleted, error`: https://docs.tavus.io/api-reference/video-request/get-video.
 * Not documented: retries of a callback, and a read rate limit (60 a minute here).
 */
import { localVariables, type VendorManifest } from '../../contract/manifest';

export const tavusManifest = {
  kind: 'tavus',
  title: 'Tavus',
  builtIn: true,
  reports: 'hint',
  options: {
    type: 'object',
    properties: {
      // The callback URL's query parameter holding the token (the webhook secret's value).
      tokenParameter: { type: 'string', default: 'token' },
    },
  },
  pollRequestsPerMinute: 60,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://tavusapi.com',
  // TAVUS_WEBHOOK_SECRET: the callback URL's token.
  local: localVariables('TAVUS'),
  // A callback on completion or on error.
  sampleEvents: ['completed', 'failed'],
} as const satisfies VendorManifest;
