/**
 * fal.ai, as plain data. Sources (read in 2025; re-check before relying on a number):
 * - https://docs.fal.ai/model-apis/model-endpoints/webhooks: a request submitted to the queue host
 *   with `?fal_webhook=<url>` (the JS client's `webhookUrl`) is POSTed there when done:
 *   `{request_id, gateway_request_id, status: "OK" | "ERROR", payload, error}`, `payload` null and
 *   `payload_error` when the result is not JSON; "it will retry 10 times in the span of 2 hours";
 *   "Verifying Your Webhook ... validating a cryptographic signature included in the request using a
 *   set of public keys". The stored copy ends before the sample code: the headers
 *   (`X-Fal-Webhook-Request-Id`, `-User-Id`, `-Timestamp`, `-Signature`), the message
 *   (`<request id>\n<user id>\n<timestamp>\n<hex SHA-256 of the body>`, Ed25519, signature hex),
 *   the JWKS URL (`https://rest.alpha.fal.ai/.well-known/jwks.json`), the ±300 s leeway and the
 *   24-hour cache are as that sample is reproduced, alike, by the public receivers that use it.
 * - https://docs.fal.ai/model-endpoints/queue: `GET https://queue.fal.run/{model}/requests/{id}/status`
 *   (IN_QUEUE, IN_PROGRESS, COMPLETED) and `.../requests/{id}` for the result, with
 *   `Authorization: Key <key>`; the model's subpath is left out of both ("should be used when making
 *   the request, but not when getting request status or results").
 * - npm @fal-ai/client@1.10.1 (src/queue.js, src/types/common.d.ts `WebHookResponse`): the same
 *   statuses; it has no webhook verifier.
 */
import { localVariables, signingKeyVariable, type VendorManifest } from '../../contract/manifest';
import { SECONDS } from '../../contract/options';

/** fal's JWKS, as fal's sample code names it (one receiver uses rest.fal.ai: set `jwksUrl`). */
export const FAL_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';

/** Where the output URL usually is in a model's result (`payload`), tried in order. */
export const FAL_OUTPUT_URL_FIELDS = ['video.url', 'videos.0.url', 'audio.url', 'audio_url.url', 'image.url', 'images.0.url'] as const;

export const falManifest = {
  kind: 'fal',
  title: 'fal.ai',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      jwksUrl: { type: 'string', default: FAL_JWKS_URL, httpUrl: true, httpsOnly: { why: 'the keys decide what is authentic, and over plain http anyone on the way could replace them' } },
      timestampToleranceSeconds: SECONDS,
      // owner/alias, as the status and result URLs take it: polling needs it (the webhook does not say which model ran).
      modelId: {
        type: 'string',
        pattern: { regex: '^(?:(?:workflows|comfy)/)?[A-Za-z0-9][A-Za-z0-9_-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$', use: 'use the model\'s owner/alias without its subpath, e.g. "fal-ai/kling-video" for fal-ai/kling-video/v2/master/text-to-video' },
      },
      outputUrlFields: { type: 'strings', default: FAL_OUTPUT_URL_FIELDS },
    },
  },
  // fal's sample: |now - timestamp| > 300 s is refused, either way.
  timestampToleranceSeconds: 300,
  // fal publishes no read limit for the queue's status.
  pollRequestsPerMinute: 60,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://queue.fal.run',
  local: { ...localVariables('FAL'), signingKeyEnv: signingKeyVariable('FAL') },
  // Only final webhooks: OK, ERROR.
  sampleEvents: ['completed', 'failed'],
} as const satisfies VendorManifest;
