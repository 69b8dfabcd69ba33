/** Reading untrusted JSON without throwing: parse, narrow and read fields the way every adapter does. */

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

/** The map's own entry for a key: "constructor" or "__proto__" are never found on Object.prototype. */
export function ownValue<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
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
    else if (isObject(node)) node = ownValue(node, key);
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

/** Deeper than any vendor payload or status answer needs (theirs are a few levels deep). */
export const MAX_JSON_DEPTH = 64;

/**
 * True when JSON text opens more than `max` arrays or objects inside each other (brackets inside
 * strings are text). One pass over the bytes, before JSON.parse builds anything: `[[[[...` of a
 * few hundred KiB would parse into a deep tree that JSON.stringify then cannot serialize.
 */
export function nestsDeeperThan(json: Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // a backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
