/** fal.ai: its options, and what they are to its adapter (lambda/vendors/fal/). */
import type { Duration } from 'aws-cdk-lib/core';
import { falManifest } from '../../lambda/vendors/fal/manifest';
import { toleranceSeconds } from '../private/validate';
import { vendorDefinition, vendorSubject, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * fal.ai: Ed25519 webhooks checked with fal's public keys (the verifier fetches fal's JWKS, keeps
 * it in memory and asks again at most once a minute). fal signs every customer's webhooks with the
 * same keys, so `webhookSecret` holds the fal user id(s) this deployment accepts (the
 * `X-Fal-Webhook-User-Id` header fal sends with your deliveries; a JSON array for several); a
 * delivery signed for another user is refused (401, reason `wrong_account`). `apiKey` is a fal key
 * (`Authorization: Key <key>`).
 *
 * Polling needs `modelId`: the webhook does not say which model ran, and fal's status URL is
 * per model. Without it fal is webhook-only (`polling` is false), and a job whose webhook never
 * comes gets its `expired` event at the give-up age. One `Vendor.fal` serves one model's status
 * API; give each model its own (`id: 'fal-kling'`, ...) to poll several.
 *
 * Defaults of the shared options: `id` 'fal', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://queue.fal.run'.
 */
export interface FalVendorOptions extends BuiltInVendorOptions {
  /**
   * fal's JWKS (https).
   *
   * @default 'https://rest.alpha.fal.ai/.well-known/jwks.json'
   */
  readonly jwksUrl?: string;

  /**
   * How far `X-Fal-Webhook-Timestamp` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.seconds(300)
   */
  readonly timestampTolerance?: Duration;

  /**
   * The model the jobs run, as owner/alias without its subpath (`fal-ai/kling-video` for
   * `fal-ai/kling-video/v2/master/text-to-video`): turns polling on, at
   * `https://queue.fal.run/<modelId>/requests/<request id>/status`.
   *
   * @default - none: webhook only
   */
  readonly modelId?: string;

  /**
   * Dotted paths to the output URL in the model's result (the webhook's `payload`), first match wins.
   *
   * @default ['video.url', 'videos.0.url', 'audio.url', 'audio_url.url', 'image.url', 'images.0.url']
   */
  readonly outputUrlFields?: string[];
}

export function falDefinition(options: FalVendorOptions): VendorDefinition {
  const subject = vendorSubject(falManifest, options);
  if (options.polling === true && options.modelId === undefined) {
    throw new Error(`${subject}: polling is on but modelId is not set: the webhook does not say which model ran, and fal's status URL is per model; set modelId (e.g. "fal-ai/kling-video"), or leave polling off`);
  }
  return vendorDefinition(
    falManifest,
    { ...options, polling: options.polling ?? options.modelId !== undefined },
    {
      jwksUrl: options.jwksUrl,
      timestampToleranceSeconds: toleranceSeconds(subject, 'timestampTolerance', options.timestampTolerance) ?? falManifest.timestampToleranceSeconds,
      modelId: options.modelId,
      outputUrlFields: options.outputUrlFields,
    },
  );
}
