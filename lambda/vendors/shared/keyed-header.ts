/**
 * The "keyed header" configuration of the shared HMAC scheme: one header holding the signed
 * timestamp and the signatures as keyed parts, `t=<unix seconds>,<scheme>=<hex>[,<scheme>=<hex>...]`,
 * each signature the hex HMAC-SHA256 of `<t>.<raw body>` keyed with the secret as UTF-8. Every
 * signature labelled with the scheme is tried (a sender lists one per secret during a rotation),
 * others are skipped. Several built-in vendors sign this way, each with its own header, label,
 * tolerance and window (their folders cite their documentation); custom vendors get it as
 * `auth: {"type": "keyed-header"}`.
 */
import type { TimestampWindow } from './crypto';
import type { HmacScheme } from './hmac';

export interface KeyedHeaderOptions {
  /** The headers that may carry it, lower case; the first present and not blank is read. */
  readonly headers: readonly string[];
  /** The label of the signatures (`v1`, `v0`). */
  readonly scheme: string;
  /** Largest distance between `t` and now. */
  readonly toleranceSeconds: number;
  /** Whether that distance is checked either way, or only for a `t` in the past. */
  readonly window: TimestampWindow;
}

/** The key of the signed timestamp in the header. */
export const KEYED_TIMESTAMP_KEY = 't';

export function keyedHeaderScheme(options: KeyedHeaderOptions): HmacScheme {
  return {
    signatureHeaders: options.headers.map((h) => h.toLowerCase()),
    signatures: { kind: 'keyed', separator: ',', timestampKey: KEYED_TIMESTAMP_KEY, signatureKey: options.scheme },
    encoding: 'hex',
    template: '{timestamp}.{body}',
    toleranceSeconds: options.toleranceSeconds,
    window: options.window,
  };
}
