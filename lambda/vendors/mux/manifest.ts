/**
 * Mux Video, as plain data. Sources (read in 2025; re-check before relying on a number):
 * - https://www.mux.com/docs/core/verify-webhook-signatures: `Mux-Signature: t=<unix>,v1=<hex>`, the
 *   hex HMAC-SHA256 of `<t>.<raw body>` keyed with the endpoint's signing secret; "currently, the
 *   only valid signature scheme is v1"; the tolerance is left to the receiver.
 * - https://www.mux.com/docs/core/listen-for-webhooks: one URL per environment, set in the
 *   dashboard, for all its events; non-2xx retried "for the next 24 hours (with an increasing delay
 *   between attempts)", each attempt timing out after 5 s; duplicates possible; Mux rate-limits GET
 *   requests to /assets and asks to rely on webhooks.
 * - https://www.mux.com/docs/core/make-api-requests: HTTP Basic with the access token id and secret.
 * - npm @mux/mux-node@15.3.0 (src/resources/webhooks/webhooks.ts): `verifySignature` reads every
 *   `v1=` and accepts any match, with `const tolerance = 300; // 5 minutes` checked for the past
 *   only; events `video.asset.created|ready|errored|deleted`, the asset in `data`
 *   (src/resources/video/assets.ts `Asset`: status preparing|ready|errored, progress, errors,
 *   playback_ids, duration, passthrough); `assets.retrieve` unwraps `{data: Asset}`.
 */
import { localVariables, type VendorManifest } from '../../contract/manifest';
import { SECONDS } from '../../contract/options';

export const muxManifest = {
  kind: 'mux',
  title: 'Mux Video',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      timestampToleranceSeconds: SECONDS,
    },
  },
  // The SDK's 5 minutes, checked only for a timestamp in the past, as the SDK does.
  timestampToleranceSeconds: 300,
  // Mux publishes no number and asks to poll /assets sparingly.
  pollRequestsPerMinute: 60,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://api.mux.com',
  local: localVariables('MUX'),
  // video.asset.created, .ready, .errored, .deleted.
  sampleEvents: ['created', 'completed', 'failed', 'cancelled'],
} as const satisfies VendorManifest;
