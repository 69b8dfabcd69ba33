/**
 * ElevenLabs (dubbing), as plain data. Sources (read in 2025; re-check before relying on a number):
 * - https://elevenlabs.io/docs/eleven-api/resources/webhooks: workspace webhooks (HMAC auth), header
 *   `ElevenLabs-Signature: t=<unix>,v0=<hex>`, the hex HMAC-SHA256 of `<t>.<raw body>` keyed with
 *   the webhook secret; the samples reject `t` older than 30 minutes; the envelope
 *   `{type, event_timestamp, data}`; retries off by default (and only for some event types).
 * - npm @elevenlabs/elevenlabs-js@2.73.0: `webhooks.constructEvent` (wrapper/webhooks.js) checks
 *   `v0`, 30 minutes, the past only, and the first `v0=` entry only; Dubbing Projects
 *   (api/resources/dubbing/resources/project, "the alternative to polling, and what we recommend"):
 *   a project's `webhook_ids` receive `dubbing_project_ready|failed` and, for each language target,
 *   `dubbing_language_completed|failed` (the completed one carries the output URLs; "delivery is
 *   best-effort and can repeat"); a language target (api/types/DubbingLanguageResponse) has
 *   `language_id`, `project_id`, status queued|processing|completed|stale|failed, `outputs`
 *   (`lossless_audio`, `subtitles`, signed for an hour), `error`; its status is
 *   `GET /v1/dubbing/project/{project_id}/language/{language_id}`. The older dubbing API
 *   (`POST /v1/dubbing`, `GET /v1/dubbing/{dubbing_id}`: status dubbing|dubbed|failed) has no webhook.
 *   Requests carry `xi-api-key` (BaseClient.js); base `https://api.elevenlabs.io` (environments.js).
 */
import { localVariables, type VendorManifest } from '../../contract/manifest';
import { SECONDS } from '../../contract/options';

export const elevenlabsManifest = {
  kind: 'elevenlabs',
  title: 'ElevenLabs (dubbing)',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      timestampToleranceSeconds: SECONDS,
    },
  },
  // The docs' and the SDK's 30 minutes, checked for the past only, as the SDK does.
  timestampToleranceSeconds: 1800,
  // ElevenLabs publishes no read limit here.
  pollRequestsPerMinute: 60,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://api.elevenlabs.io',
  local: localVariables('ELEVENLABS'),
  // dubbing_language_completed, dubbing_language_failed.
  sampleEvents: ['completed', 'failed'],
} as const satisfies VendorManifest;
