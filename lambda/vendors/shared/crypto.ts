/** Vendor-neutral crypto for adapters: HMAC, constant-time comparison, signature decoding, signed times. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of the parts, in order. A string key is used as its UTF-8 bytes; string parts likewise. */
export function hmacSha256(key: string | Buffer, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export function hmacSha256Hex(key: string | Buffer, ...parts: Array<string | Buffer>): string {
  return hmacSha256(key, ...parts).toString('hex');
}

export function hmacSha256Base64(key: string | Buffer, ...parts: Array<string | Buffer>): string {
  return hmacSha256(key, ...parts).toString('base64');
}

/** Constant-time equality of two byte strings; false (not an exception) when the lengths differ or both are empty. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  return timingSafeEqual(a, b);
}

/**
 * Constant-time equality of two strings (compared as UTF-8 through fixed-length digests, so a
 * length difference neither throws nor shows in the timing); false when either is empty.
 */
export function safeEqualStrings(a: string, b: string): boolean {
  if (a.length === 0 || b.length === 0) return false;
  return safeEqual(keyDigest(a), keyDigest(b));
}

/** Decodes a hex signature; undefined when it is not an even-length hex string. */
export function fromHex(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(trimmed)) return undefined;
  return Buffer.from(trimmed, 'hex');
}

/** Decodes a base64 (or base64url) signature; undefined when it is not one. */
export function fromBase64(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const decoded = Buffer.from(trimmed, 'base64');
  return decoded.length > 0 ? decoded : undefined;
}

/** Constant-time comparison of a presented key with every configured (non-empty) key. */
export function matchesAnyKey(presented: string, keys: readonly string[]): boolean {
  if (presented.length === 0) return false;
  // Compare fixed-length digests, so a wrong length takes the same time as a wrong key.
  const got = keyDigest(presented);
  let ok = false;
  for (const key of keys) if (usableSecret(key) && safeEqual(got, configuredKeyDigest(key))) ok = true;
  return ok;
}

/** An empty or blank secret is a configuration slip, never a key anyone may sign with. */
export function usableSecret(secret: string): boolean {
  return typeof secret === 'string' && secret.trim().length > 0;
}

/** Unix seconds as a string ("1712052052"); undefined unless it is a plain non-negative integer. */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

/**
 * Which side of now a signed timestamp's tolerance applies to: `either-way` (a timestamp too far
 * ahead is refused too), or `past-only` (only a timestamp too old is refused, as some vendors' SDKs
 * check it).
 */
export type TimestampWindow = 'either-way' | 'past-only';

export function withinTolerance(timestampMs: number, nowMs: number, toleranceSeconds: number, window: TimestampWindow = 'either-way'): boolean {
  const age = nowMs - timestampMs;
  return age <= toleranceSeconds * 1000 && (window === 'past-only' || -age <= toleranceSeconds * 1000);
}

function keyDigest(key: string): Buffer {
  return hmacSha256('key-compare', key);
}

/** Digests of the configured keys, computed once per container (a rotation adds one entry). */
const configuredDigests = new Map<string, Buffer>();
function configuredKeyDigest(key: string): Buffer {
  let digest = configuredDigests.get(key);
  if (!digest) {
    if (configuredDigests.size > 64) configuredDigests.clear();
    digest = keyDigest(key);
    configuredDigests.set(key, digest);
  }
  return digest;
}
