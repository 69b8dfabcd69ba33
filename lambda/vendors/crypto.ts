/** Shared, vendor-neutral helpers for adapters: HMAC, constant-time comparison, tolerant JSON reading. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of the parts, in order. A string key is used as its UTF-8 bytes; string parts likewise. */
export function hmacSha256(key: string, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export function hmacSha256Hex(key: string, ...parts: Array<string | Buffer>): string {
  return hmacSha256(key, ...parts).toString('hex');
}

export function hmacSha256Base64(key: string, ...parts: Array<string | Buffer>): string {
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

/** True when `signature` equals the HMAC of the parts under any of the secrets; every secret is tried. */
export function matchesAnySecret(signature: Buffer, secrets: readonly string[], ...parts: Array<string | Buffer>): boolean {
  let ok = false;
  for (const secret of secrets) {
    // An empty secret is a configuration slip, never a key anyone may sign with.
    if (!usable(secret)) continue;
    // No early exit: the time taken does not say which secret matched.
    if (safeEqual(signature, hmacSha256(secret, ...parts))) ok = true;
  }
  return ok;
}

/** Constant-time comparison of a presented key with every configured (non-empty) key. */
export function matchesAnyKey(presented: string, keys: readonly string[]): boolean {
  if (presented.length === 0) return false;
  // Compare fixed-length digests, so a wrong length takes the same time as a wrong key.
  const got = keyDigest(presented);
  let ok = false;
  for (const key of keys) if (usable(key) && safeEqual(got, configuredKeyDigest(key))) ok = true;
  return ok;
}

function usable(secret: string): boolean {
  return typeof secret === 'string' && secret.trim().length > 0;
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

/** Parses JSON without throwing; undefined when the text is not JSON. */
export function safeJsonParse(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses a JSON object; undefined for anything else (not JSON, an array, a number...). */
export function parseJsonObject(body: Buffer | string): JsonObject | undefined {
  const value = safeJsonParse(body);
  return isObject(value) ? value : undefined;
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

/**
 * Adapter options travel as JSON in an environment variable: a wrong type there should fail the
 * cold start with a message that says what to fix, not quietly reject every webhook.
 */
export function secondsOption(vendor: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`vendor ${vendor}: ${name} is ${JSON.stringify(value)}: use a number of seconds, at least 0 (default ${fallback})`);
  }
  return value;
}

/** A list-of-strings option (field names, paths), checked like secondsOption. */
export function stringListOption(vendor: string, name: string, value: unknown, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new Error(`vendor ${vendor}: ${name} is ${JSON.stringify(value)}: use a non-empty list of field names, e.g. ${JSON.stringify(fallback)}`);
  }
  return value as string[];
}

/** A non-empty string option (a header name), checked like secondsOption. */
export function stringOption(vendor: string, name: string, value: unknown, fallback: string, allowEmpty = false): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) {
    throw new Error(`vendor ${vendor}: ${name} is ${JSON.stringify(value)}: use a ${allowEmpty ? '' : 'non-empty '}string (default ${JSON.stringify(fallback)})`);
  }
  return value;
}
