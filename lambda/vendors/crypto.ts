/** Shared, vendor-neutral helpers for adapters: HMAC, constant-time comparison, tolerant JSON reading. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: string, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac('sha256', key); // a string key is used as its UTF-8 bytes
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Constant-time equality of two byte strings; false (not an exception) when the lengths differ. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  return timingSafeEqual(a, b);
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

/** True when `signature` equals the HMAC of the parts under any of the secrets; every secret is tried. */
export function matchesAnySecret(signature: Buffer, secrets: readonly string[], ...parts: Array<string | Buffer>): boolean {
  let ok = false;
  for (const secret of secrets) {
    // No early exit: the time taken does not say which secret matched.
    if (safeEqual(signature, hmacSha256(secret, ...parts))) ok = true;
  }
  return ok;
}

/** Constant-time comparison of a presented key with every configured key. */
export function matchesAnyKey(presented: string, keys: readonly string[]): boolean {
  // Compare fixed-length digests, so a wrong length takes the same time as a wrong key.
  const got = keyDigest(presented);
  let ok = false;
  for (const key of keys) if (safeEqual(got, configuredKeyDigest(key))) ok = true;
  return ok;
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

/** Unix seconds as a string ("1712052052"); undefined unless it is a plain non-negative integer. */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

export function withinTolerance(timestampMs: number, nowMs: number, toleranceSeconds: number): boolean {
  return Math.abs(nowMs - timestampMs) <= toleranceSeconds * 1000;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Parses a JSON object; undefined for anything else (not JSON, an array, a number...). */
export function parseJsonObject(body: Buffer | string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, or a finite number as a string (ids may come as numbers). */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return Number.isSafeInteger(value) ? String(value) : undefined;
  return undefined;
}

export function readString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function readNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** A 0..1 progress figure; null when absent, not a number, or out of range. */
export function readProgress(value: unknown): number | null {
  const n = readNumber(value);
  return n === null || n < 0 || n > 1 ? null : n;
}

/** A 0..100 percentage as 0..1 progress; null when absent, not a number, or out of range. */
export function readPercent(value: unknown): number | null {
  const n = readNumber(value);
  return n === null || n < 0 || n > 100 ? null : n / 100;
}

/** An ISO-8601 time as ms since epoch; null when absent or unparseable. */
export function readTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The value at a dotted path (`data.video.id`, `items.0.id`). */
export function getPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isObject(node)) node = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    else return undefined;
  }
  return node;
}

/** The first of several paths that holds a value. */
export function firstPath(root: unknown, paths: readonly string[]): unknown {
  for (const path of paths) {
    const value = getPath(root, path);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}
