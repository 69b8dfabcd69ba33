/**
 * Standard Webhooks as a configuration of the shared HMAC scheme (for custom vendors, and for the
 * built-in vendors that sign this way). From the spec
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * the headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`; the signed
 * content `<id>.<timestamp>.<body>`; the key the base64 after the secret's `whsec_` prefix; the
 * signature header a space-separated list of `<version>,<base64>` entries, of which only `v1`
 * (HMAC-SHA256) is symmetric; a 5-minute tolerance. Svix, which the spec comes from, sends the same
 * under `svix-id`, `svix-timestamp` and `svix-signature`: both spellings are read.
 */
import type { HmacScheme } from './hmac';

/** The spec's recommended tolerance of `webhook-timestamp`, either way. */
export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 300;

export function standardWebhooksScheme(toleranceSeconds: number = STANDARD_WEBHOOKS_TOLERANCE_SECONDS): HmacScheme {
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
