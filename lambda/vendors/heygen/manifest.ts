/**
 * HeyGen (API v3), as plain data: its per-job callbacks, as hints. Sources:
 * - `callback_url` on `POST /v3/videos` ("Webhook URL to receive a POST notification when the
 *   video is ready") with `callback_id` ("Caller-defined identifier echoed back in the webhook
 *   payload"), and the status API `GET /v3/videos/{video_id}` answering `{ data: { id, status
 *   pending|processing|completed|failed, video_url, thumbnail_url, duration, failure_code,
 *   failure_message, completed_at, ... } }`: HeyGen's OpenAPI as generated into its own CLI,
 *   github.com/heygen-com/heygen-cli gen/video.go (VideoCreate, VideoGet); the create answer's
 *   initial status is `waiting` (same file), read as queued;
 * - per-job callback deliveries are not signed ("the signature header is sent only to registered
 *   endpoints"; "do not trust an unverified body"): heygen-cli gen/ai-clipping.go, the
 *   `callback_url` description from the same OpenAPI;
 * - the payload `{ "event_type": "avatar_video.success" | "avatar_video.fail", "event_data": {
 *   "video_id", "url" | "msg", "callback_id" } }`: https://docs.heygen.com/docs/using-heygens-webhook-events;
 * - the key: `X-Api-Key` (https://developers.heygen.com/docs/webhooks, "Authentication").
 * Not established: how the registered endpoints' (`POST /v3/webhooks/endpoints`, `whsec_` secret)
 * deliveries are signed (the stored docs stop before it, and no HeyGen code verifies one), so they
 * are not supported; a read rate limit (60 a minute here).
 */
import { localVariables, type VendorManifest } from '../../contract/manifest';

export const heygenManifest = {
  kind: 'heygen',
  title: 'HeyGen',
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
  statusApiBaseUrl: 'https://api.heygen.com',
  // HEYGEN_WEBHOOK_SECRET: the callback URL's token.
  local: localVariables('HEYGEN'),
  // A callback when the video succeeds or fails.
  sampleEvents: ['completed', 'failed'],
} as const satisfies VendorManifest;
