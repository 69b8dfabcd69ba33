/**
 * Helpers for the adapter tests: fixtures read as the exact bytes a vendor sends, and signatures
 * computed here with node:crypto, independently of lambda/vendors/crypto.ts and samples.ts.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIDEO_JOB_STATUSES, type NormalizedFields } from '../../lambda/core/event';
import type { AuthResult, NormalizeResult, RawRequest, VendorAdapter } from '../../lambda/core/adapter';

/** "Now" for every test: a minute after the ViralSync doc examples. */
export const NOW_MS = Date.parse('2026-04-02T10:01:00.000Z');
export const NOW_S = Math.floor(NOW_MS / 1000);

/** The fixture exactly as stored: its bytes are what gets signed and sent. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8');
}

/** The fixture parsed, for `raw` in expectations and for status-API answers. */
export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name)) as Record<string, unknown>;
}

export function hmacHex(key: string, ...parts: Array<string | Buffer>): string {
  return hmac(key, parts).digest('hex');
}

export function hmacBase64(key: string, ...parts: Array<string | Buffer>): string {
  return hmac(key, parts).digest('base64');
}

function hmac(key: string, parts: Array<string | Buffer>) {
  const mac = createHmac('sha256', Buffer.from(key, 'utf8'));
  for (const part of parts) mac.update(typeof part === 'string' ? Buffer.from(part, 'utf8') : part);
  return mac;
}

/** A raw request as the handler builds it: lower-case header names, the body as bytes. */
export function request(headers: Record<string, string>, body: string | Buffer): RawRequest {
  return {
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

export type AuthOk = Extract<AuthResult, { ok: true }>;

/** Authenticates, failing the test with the reason when that does not work. */
export function authenticated(adapter: VendorAdapter, req: RawRequest, secrets: readonly string[], nowMs = NOW_MS): AuthOk {
  const auth = adapter.authenticate(req, secrets, nowMs);
  if (!auth.ok) throw new Error(`expected the request to authenticate, got ${auth.reason}`);
  return auth;
}

/** Authenticates then normalizes, as the core does. */
export function receive(adapter: VendorAdapter, req: RawRequest, secrets: readonly string[], nowMs = NOW_MS): NormalizeResult {
  return adapter.normalize(req, authenticated(adapter, req, secrets, nowMs));
}

/** Flips one byte of `bytes` (index and delta taken modulo, so any integers will do): always a different buffer. */
export function flipByte(bytes: Buffer, index: number, delta: number): Buffer {
  const copy = Buffer.from(bytes);
  const i = Math.abs(index) % copy.length;
  copy[i] = (copy[i] + 1 + (Math.abs(delta) % 255)) % 256;
  return copy;
}

/** Changes one hex digit of `hex` to another value (not just its case): always a different signature. */
export function flipHexDigit(hex: string, index: number, delta: number): string {
  const i = Math.abs(index) % hex.length;
  const value = (parseInt(hex[i], 16) + 1 + (Math.abs(delta) % 15)) % 16;
  return `${hex.slice(0, i)}${value.toString(16)}${hex.slice(i + 1)}`;
}

/** Checks what the core relies on in any normalize() result, whatever the input. */
export function expectWellFormed(result: NormalizeResult): void {
  if (result.kind === 'invalid') {
    expect(typeof result.reason).toBe('string');
    return;
  }
  if (result.kind === 'ignored') {
    expect(typeof result.reason).toBe('string');
    return;
  }
  if (result.kind === 'hint') {
    expect(result.jobId.length).toBeGreaterThan(0);
    return;
  }
  expect(result.kind).toBe('event');
  expectWellFormedFields(result.fields);
}

export function expectWellFormedFields(fields: NormalizedFields): void {
  expect(typeof fields.jobId).toBe('string');
  expect(fields.jobId.length).toBeGreaterThan(0);
  expect(VIDEO_JOB_STATUSES).toContain(fields.status);
  if (fields.progress !== null) {
    expect(fields.progress).toBeGreaterThanOrEqual(0);
    expect(fields.progress).toBeLessThanOrEqual(1);
  }
  for (const key of ['stage', 'outputUrl', 'vendorEventType', 'vendorStatus'] as const) {
    if (fields[key] !== null) expect(typeof fields[key]).toBe('string');
  }
  if (fields.error !== null) expect(typeof fields.error.message).toBe('string');
  if (fields.occurredAtMs !== null) expect(Number.isFinite(fields.occurredAtMs)).toBe(true);
}
