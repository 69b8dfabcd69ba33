/**
 * How each built-in vendor that signs its webhooks signs one, written here from the vendors' docs
 * (the sources are in each vendor's manifest) with node:crypto, independently of the adapters and
 * of lambda/vendors/*\/samples.ts: what the reliability suites sign with, so that an adapter and
 * its own samples cannot agree on a mistake.
 */
import { createHmac } from 'node:crypto';
import { falHeaders, type Ed25519Key } from './jwks-server';

/** The built-in vendors that sign (or key) their webhooks. */
export const SIGNING_VENDORS = ['sync', 'lipdub', 'viralsync', 'synthesia', 'replicate', 'mux', 'elevenlabs', 'fal'] as const;
export type SigningVendor = (typeof SIGNING_VENDORS)[number];

export interface SignerKeys {
  /** The webhook secret (LipDub's API key; fal's accepted user id). */
  readonly secret: string;
  /** fal: the Ed25519 key its JWKS serves. */
  readonly falKey?: Ed25519Key;
}

const hex = (key: string | Buffer, ...parts: Array<string | Buffer>) => {
  const mac = createHmac('sha256', key);
  for (const p of parts) mac.update(p);
  return mac.digest('hex');
};

/** The headers `vendor` sends with `body` (any bytes) at `nowMs`. */
export function signAs(vendor: SigningVendor, body: string | Buffer, keys: SignerKeys, nowMs: number): Record<string, string> {
  const t = String(Math.floor(nowMs / 1000));
  const { secret } = keys;
  switch (vendor) {
    case 'sync': // Sync-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">
      return { 'sync-signature': `t=${t},v1=${hex(secret, `${t}.`, body)}` };
    case 'lipdub': // the API key as a bearer token
      return { authorization: `Bearer ${secret}` };
    case 'viralsync': // hex HMAC-SHA256 of the body
      return { 'x-render-signature': hex(secret, body) };
    case 'synthesia': // hex HMAC-SHA256 of "<timestamp>.<body>"
      return { 'synthesia-timestamp': t, 'synthesia-signature': hex(secret, `${t}.`, body) };
    case 'mux': // Mux-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">
      return { 'mux-signature': `t=${t},v1=${hex(secret, `${t}.`, body)}` };
    case 'elevenlabs': // ElevenLabs-Signature: t=<unix>,v0=<hex HMAC-SHA256 of "<t>.<body>">
      return { 'elevenlabs-signature': `t=${t},v0=${hex(secret, `${t}.`, body)}` };
    case 'replicate': {
      // Standard Webhooks: HMAC-SHA256 with the base64-decoded key over "<id>.<timestamp>.<body>", base64.
      const id = `msg_${hex(secret, body).slice(0, 24)}`;
      const mac = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${t}.`).update(body).digest('base64');
      return { 'webhook-id': id, 'webhook-timestamp': t, 'webhook-signature': `v1,${mac}` };
    }
    case 'fal': {
      // Ed25519 over "<request id>\n<user id>\n<timestamp>\n<hex SHA-256 of the body>", hex.
      if (!keys.falKey) throw new Error('signAs(fal) needs the Ed25519 key its JWKS serves (keys.falKey)');
      return falHeaders(keys.falKey, body, { requestId: `req_${hex('fal', body).slice(0, 20)}`, userId: secret, timestamp: t });
    }
  }
}
