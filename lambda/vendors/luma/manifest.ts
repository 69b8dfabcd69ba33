/**
 * Luma Dream Machine, as plain data. Sources:
 * - callbacks: https://docs.lumalabs.ai/changelog/callbacks-and-credits-balance ("callback_url" on
 *   every create request; "A POST request with Generation object json as body"; "Any and all the
 *   updates are sent (status, video url, failure reason)"; "If the API endpoint doesn't return a
 *   status code 200, we retry 3 times with 100ms delay and requests have a 5s timeout"); no
 *   signature is documented, and the SDK has no verifier: each callback is a hint (core/hint.ts);
 * - the Generation object and its states `queued | dreaming | completed | failed`, the assets
 *   (`video`, `image`, `progress_video`), `failure_reason`: lumaai@1.19.1
 *   resources/generations/generations.d.ts (`Generation`);
 * - the status API: `GET https://api.lumalabs.ai/dream-machine/v1/generations/{id}` with
 *   `Authorization: Bearer <key>`: lumaai@1.19.1 index.js (base URL, `Authorization: Bearer`) and
 *   resources/generations/generations.js (`get`).
 * Not documented: a read rate limit (60 a minute here, below any we know of), and whether a
 * callback comes for `queued` (the SDK's doc string names dreaming, completed and failed).
 */
import { localVariables, type VendorManifest } from '../../contract/manifest';

export const lumaManifest = {
  kind: 'luma',
  title: 'Luma Dream Machine',
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
  statusApiBaseUrl: 'https://api.lumalabs.ai',
  // LUMA_WEBHOOK_SECRET: the callback URL's token.
  local: localVariables('LUMA'),
  // Callbacks come for dreaming, completed and failed.
  sampleEvents: ['progress', 'completed', 'failed'],
} as const satisfies VendorManifest;
