/** Test helpers for adapter tests: fixtures read as raw bytes, signatures computed independently. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRequest } from '../../lambda/vendors/types';

export const NOW_MS = Date.parse('2026-04-02T10:01:00.000Z');
export const NOW_S = Math.floor(NOW_MS / 1000);

/** The fixture exactly as stored (its bytes are what gets signed). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8');
}

export function hmacHex(key: string, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}

export function hmacBase64(key: string, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64');
}

export function request(headers: Record<string, string>, body: string): RawRequest {
  return { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body, 'utf8') };
}
