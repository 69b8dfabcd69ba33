/**
 * Replicate, as plain data. Sources (read in 2025; re-check before relying on a number):
 * - https://replicate.com/docs/topics/webhooks/verify-webhook: every webhook signed with one key per
 *   user or organization; headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (a
 *   space-separated list); HMAC-SHA256 of `<id>.<timestamp>.<raw body>`; the secret from
 *   `GET /v1/webhooks/default/secret` (`{"key": "whsec_..."}`). This is Standard Webhooks.
 * - https://replicate.com/docs/topics/webhooks/setup-webhook and .../receive-webhook: the webhook URL
 *   per prediction (`webhook`, `webhook_events_filter`: start, output, logs, completed); the body is
 *   the prediction, "the same structure as the object returned by the get a prediction API"; only
 *   the final webhook is retried ("several times on an exponential backoff ... about 1 minute after
 *   the prediction completed"); identical webhooks can arrive more than once.
 * - https://replicate.com/docs/topics/predictions/rate-limits: 3,000 requests a minute for reads.
 * - npm replicate@1.4.0 (index.d.ts `Prediction`, `Status`; lib/util.js `validateWebhook`): statuses
 *   starting, processing, succeeded, failed, canceled and aborted; the SDK checks no timestamp.
 */
import { localVariables, type VendorManifest } from '../../contract/manifest';
import { SECONDS } from '../../contract/options';

export const replicateManifest = {
  kind: 'replicate',
  title: 'Replicate',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      timestampToleranceSeconds: SECONDS,
    },
  },
  // Replicate states no tolerance and its SDK checks none; Standard Webhooks' 5 minutes, either way.
  timestampToleranceSeconds: 300,
  // A fifth of the documented 3,000 reads a minute.
  pollRequestsPerMinute: 600,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://api.replicate.com',
  local: localVariables('REPLICATE'),
  // output/logs (processing), completed (succeeded, failed, canceled); `start` (starting, queued) is not a sample.
  sampleEvents: ['progress', 'completed', 'failed', 'cancelled'],
} as const satisfies VendorManifest;
