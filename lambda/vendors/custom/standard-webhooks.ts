/**
 * Standard Webhooks as a configuration of the shared HMAC scheme. From the spec
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * the headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`; the signed
 * content `<id>.<timestamp>.<body>`; the key the base64 after the secret's `whsec_` prefix; the
 * signature header a space-separated list of `<version>,<base64>` entries, of which only `v1`
 * (HMAC-SHA256) is symmetric; a 5-minute tolerance. Svix, which the spec comes from, sends the same
 * under `svix-id`, `svix-timestamp` and `svix-signature`: both spellings are read.
 */
import type { HmacScheme } from '../shared/hmac';
import { customManifest } from './manifest';

/** The spec's recommended tolerance of `webhook-timestamp`, either way (the manifest's default). */
export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS: number = customManifest.options.properties.auth.variants['standard-webhooks'].properties.toleranceSeconds.default;

export function standardWebhooksScheme(toleranceSeconds = STANDARD_WEBHOOKS_TOLERANCE_SECONDS): HmacScheme {
  return {
    signatureHeaders: ['webhook-signature', 'svix-signature'],
    // Entries of other versions (`v1a,` asymmetric signatures) do not match and are skipped.
    signatures: { kind: 'list', separator: ' ', read: /^v1,(\S+)$/, write: 'v1,' },
    encoding: 'base64',
    template: '{id}.{timestamp}.{body}',
    timestampHeaders: ['webhook-timestamp', 'svix-timestamp'],
    idHeaders: ['webhook-id', 'svix-id'],
    toleranceSeconds,
    key: 'whsec',
  };
}
