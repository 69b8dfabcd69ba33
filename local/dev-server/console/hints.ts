/**
 * What the console says under a refused request: the usual causes of each refusal, in the order a
 * developer checks them. Only the vendor's variable name and its tolerance are named, never a value.
 */
import type { AuthFailureReason } from '../../../lambda/core/adapter';

export interface HintContext {
  /** The variable the dev server reads the vendor's secret from (`SYNC_WEBHOOK_SECRET`). */
  readonly secretVariable: string;
  /** The headers the vendor's adapter reads its signature or key from. */
  readonly authHeaders: readonly string[];
  /** How far the signed timestamp may be from this machine's clock, when the vendor signs one. */
  readonly toleranceSeconds: number | undefined;
}

/** The hint for a refusal reason, or null when the reason needs none (a delivered request, a duplicate). */
export function refusalHint(reason: string, context: HintContext): string | null {
  const headers = context.authHeaders.length > 0 ? context.authHeaders.join(', ') : 'its signature header';
  const clock =
    context.toleranceSeconds === undefined
      ? 'a clock off by more than the vendor\'s tolerance'
      : `a clock off by more than the tolerance (${context.toleranceSeconds} s) on this machine or the sender's`;
  const causes: Record<AuthFailureReason | 'not_configured' | 'body_too_large', string> = {
    bad_signature: [
      'The signature does not match the body. Usual causes:',
      'the body was parsed and re-serialized before it was signed or forwarded (sign and send the exact bytes; a proxy or framework that re-encodes JSON changes them);',
      `the wrong secret (${context.secretVariable} is not the one the vendor signs with, e.g. another environment's endpoint);`,
      `a secret in the wrong format (the whole secret as the vendor shows it, prefix such as whsec_ included; a JSON array only for several secrets at once);`,
      `${clock}.`,
    ].join(' '),
    stale_timestamp: `The signed timestamp is too far from now: ${clock}, or an old request sent again (send a fresh one; a retry by the vendor is signed anew).`,
    missing_signature: `No signature: the request has none of ${headers}. The sender did not sign it, or a proxy or tunnel dropped the header.`,
    malformed_signature: `The signature header is not in the vendor's format (${headers}): a header written by hand, cut by a proxy, or a secret in the wrong format that signs differently.`,
    missing_key: `No key: the request carries none of the vendor's key headers. The sender did not set it, or a proxy dropped it; the key is ${context.secretVariable}.`,
    wrong_account: `The signature is the vendor's, but for another account: the request was signed for a user id that ${context.secretVariable} does not list (the vendor signs every customer's webhooks with the same keys). Add your account's id, or the request is someone else's.`,
    bad_key: `The key does not match ${context.secretVariable}: the wrong key (another environment's), or a key in the wrong format (the whole key as the vendor shows it; a JSON array only for several keys at once).`,
    not_configured: `The vendor has no secret here: set ${context.secretVariable} (a JSON array '["old","new"]' accepts several) and restart video-webhooks dev.`,
    body_too_large: 'The body is over the size limit: the vendor does not send such bodies; check what is being posted.',
  };
  return (causes as Record<string, string>)[reason] ?? null;
}
