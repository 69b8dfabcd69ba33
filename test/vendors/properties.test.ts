/**
 * Property-based checks, per adapter: random and mutated headers and bodies (random bytes,
 * unicode, huge numbers, truncated JSON, mutated genuine signatures and bodies) never
 * authenticate without the right secret, and authenticate(), normalize() and the status parser
 * never throw and only produce well-formed results. Genuine requests are signed here with
 * node:crypto, as each vendor signs (see VENDORS.md).
 */
import fc from 'fast-check';
import { customAdapter, type CustomOptions } from '../../lambda/vendors/custom';
import { lipdubAdapter } from '../../lambda/vendors/lipdub';
import { syncAdapter } from '../../lambda/vendors/sync';
import { synthesiaAdapter } from '../../lambda/vendors/synthesia';
import type { StatusParseResult, VendorAdapter } from '../../lambda/core/adapter';
import { viralsyncAdapter } from '../../lambda/vendors/viralsync';
import { expectWellFormed, expectWellFormedFields, fixture, flipByte, flipHexDigit, hmacBase64, hmacHex, NOW_MS, NOW_S, request } from './support';

type Headers = Record<string, string>;

interface Harness {
  readonly name: string;
  readonly adapter: VendorAdapter;
  readonly secret: string;
  /** Genuine bodies (fixtures), as sent. */
  readonly genuine: readonly string[];
  /** The headers the vendor sends with `body`, signed with `secret` at unix second `t`. */
  sign(body: Buffer, secret: string, t: number): Headers;
  /** Changes a genuine header set so that it no longer proves the secret (i and d pick where and how). */
  mutate(headers: Headers, i: number, d: number): Headers;
  /** Random JSON shaped like this vendor's payloads and status answers. */
  readonly shape: fc.Arbitrary<unknown>;
  /** Whether the signature covers the body (not so for a static key). */
  readonly bodySigned: boolean;
  /** Whether a body that differs only in JSON whitespace may still verify (Sync's compact-JSON fallback). */
  readonly whitespaceInsensitive?: boolean;
}

/** Runs per property; raise it for a deeper search, e.g. VW_PROPERTY_RUNS=20000. */
const RUNS = Number(process.env.VW_PROPERTY_RUNS ?? 250);
const SPECIAL = fc.constantFrom<unknown>('', ' ', '0:00:12.34', '99:99:99.9', 'NaN', 'Infinity', '-1', '__proto__', 'constructor', 'toString', '2026-04-02T10:00:00Z', 'CODE: message', -1, 0, 1.5, 46, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 1712052052, 1712052052000);
const value = (): fc.Arbitrary<unknown> => fc.oneof(SPECIAL, fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'binary', maxLength: 40 }));
const optional = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) => fc.record(model, { requiredKeys: [] });
const either = (known: readonly string[]) => fc.oneof(fc.constantFrom(...known), value());
/** Numeric texts JSON.stringify never writes: beyond double range, beyond 2^53, denormal, negative zero. */
const HUGE_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '9007199254740993', '1e-400', '-0', '0.000000000000000000000001'];

const hex = (secret: string, ...parts: Array<string | Buffer>) => hmacHex(secret, ...parts);
/** Moves a unix-seconds timestamp by 1..250 s either way: still within every default tolerance. */
const shiftTimestamp = (t: string, d: number) => String(Number(t) + (1 + (Math.abs(d) % 250)) * (d % 2 === 0 ? 1 : -1));
/** Replaces one character with another that differs in more than case (hex and key comparison may ignore case). */
function flipChar(text: string, i: number, d: number): string {
  const at = Math.abs(i) % text.length;
  const pool = '0123456789ghijklmnopqrstuvwxyz=,.;:_-+/';
  let c = pool[Math.abs(d) % pool.length];
  if (c.toLowerCase() === text[at].toLowerCase()) c = c === '0' ? '1' : '0';
  return `${text.slice(0, at)}${c}${text.slice(at + 1)}`;
}

const SYNC_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'REJECTED', 'CANCELED', 'TIMED_OUT'];
const syncShape = optional({
  id: either(['gen_1', '6533643b-acbe-4c40-967e-d9ba9baac39e']),
  status: either(SYNC_STATUSES),
  outputUrl: value(),
  outputDuration: value(),
  error: value(),
  error_code: value(),
  errorCode: value(),
  progress_percent: value(),
  input: value(),
});
const syncHarness = (name: string, adapter: VendorAdapter, whitespaceInsensitive = false): Harness => ({
  name,
  adapter,
  secret: 'whsec_c2b1e8f0a9d7',
  genuine: ['sync-completed', 'sync-failed', 'sync-canceled', 'sync-pending'].map(fixture),
  sign: (body, secret, t) => ({ 'sync-signature': `t=${t},v1=${hex(secret, `${t}.`, body)}` }),
  mutate(headers, i, d): Headers {
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(headers['sync-signature'])!;
    switch (Math.abs(d) % 4) {
      case 0:
        return { 'sync-signature': `t=${t},v1=${flipHexDigit(v1, i, d)}` };
      case 1:
        return { 'sync-signature': `t=${shiftTimestamp(t, i)},v1=${v1}` };
      case 2:
        return { 'x-signature-primary': `t=${t},v1=${flipHexDigit(v1, i, d)},v1=${flipHexDigit(v1, i + 7, d + 3)}` };
      default:
        return { 'sync-signature': flipChar(headers['sync-signature'], i, d) };
    }
  },
  shape: syncShape,
  bodySigned: true,
  whitespaceInsensitive,
});

const LIPDUB_KEY = 'ld_whk_7f2a9c41e0';
const LIPDUB_EVENTS = ['VIDEO_RENDER_COMPLETE', 'RENDER_PROCESSING_FAILED', 'PREPROCESSING_COMPLETE', 'TRAINING_COMPLETE', 'FILE_UPLOAD_FAILED', 'BEGIN_TRAINING_FAILURE', 'SOMETHING_NEW'];
const LIPDUB_RENDER_STATUSES = ['not_started', 'pending', 'running', 'finished', 'failed', 'cancelled', 'skipped'];
const lipdubData = optional({
  generate_id: either(['48213']),
  render_id: value(),
  job_id: value(),
  id: value(),
  stage: value(),
  status: value(),
  download_url: value(),
  output_url: value(),
  failure_reason: value(),
  error: value(),
  message: value(),
});
const lipdubHarness: Harness = {
  name: 'LipDub AI',
  adapter: lipdubAdapter(),
  secret: LIPDUB_KEY,
  genuine: ['lipdub-video-render-complete', 'lipdub-render-processing-failed', 'lipdub-training-complete', 'lipdub-unknown-event'].map(fixture),
  sign: (_body, key) => ({ authorization: `Bearer ${key}` }),
  mutate(headers, i, d): Headers {
    const key = headers.authorization.slice('Bearer '.length);
    const wrong = flipChar(key, i, d);
    return Math.abs(d) % 3 === 0 ? { 'x-api-key': wrong } : Math.abs(d) % 3 === 1 ? { authorization: `Bearer ${wrong}` } : { authorization: flipChar(headers.authorization, i, d) };
  },
  shape: fc.oneof(
    optional({ event_type: either(LIPDUB_EVENTS), created_at: value(), data: fc.oneof(lipdubData, value()) }),
    optional({ status: either(LIPDUB_RENDER_STATUSES), generate_id: value(), failure_reason: value() }),
  ),
  bodySigned: false,
};

const viralsyncHarness: Harness = {
  name: 'ViralSync',
  adapter: viralsyncAdapter(),
  secret: 'vs_whsec_2f9c81d07a',
  genuine: ['viralsync-running', 'viralsync-done', 'viralsync-failed', 'viralsync-cancelled'].map(fixture),
  sign: (body, secret) => ({ 'x-render-signature': hex(secret, body) }),
  mutate: (headers, i, d) => ({ 'x-render-signature': Math.abs(d) % 2 === 0 ? flipHexDigit(headers['x-render-signature'], i, d) : flipChar(headers['x-render-signature'], i, d) }),
  shape: optional({
    jobId: either(['job_a1b2c3d4e5f6']),
    id: value(),
    status: either(['running', 'done', 'failed', 'cancelled']),
    phase: value(),
    progress: value(),
    children: value(),
    outputUrl: value(),
    mediaData: fc.oneof(optional({ duration: value(), width: value(), height: value(), fileSize: value(), thumbnailUrl: value() }), value()),
    error: value(),
    timestamp: value(),
  }),
  bodySigned: true,
};

const synthesiaVideo = optional({
  id: either(['video-abc123']),
  status: either(['in_progress', 'complete', 'error', 'rejected', 'deleted', 'approved', 'failed']),
  download: value(),
  duration: value(),
  thumbnail: value(),
  thumbnails: value(),
  captions: fc.oneof(optional({ srt: value(), vtt: value() }), value()),
  message: value(),
  error: value(),
  errorCode: value(),
  lastUpdatedAt: value(),
  updatedAt: value(),
});
const synthesiaHarness: Harness = {
  name: 'Synthesia',
  adapter: synthesiaAdapter(),
  secret: 'syn_sub_secret_41c0e7',
  genuine: ['synthesia-api-completed', 'synthesia-api-failed', 'synthesia-sdk-created', 'synthesia-sdk-completed'].map(fixture),
  sign: (body, secret, t) => ({ 'synthesia-timestamp': String(t), 'synthesia-signature': hex(secret, `${t}.`, body) }),
  mutate(headers, i, d): Headers {
    if (Math.abs(d) % 3 === 0) return { ...headers, 'synthesia-timestamp': shiftTimestamp(headers['synthesia-timestamp'], i) };
    if (Math.abs(d) % 3 === 1) return { ...headers, 'synthesia-signature': flipHexDigit(headers['synthesia-signature'], i, d) };
    return { ...headers, 'synthesia-signature': flipChar(headers['synthesia-signature'], i, d) };
  },
  shape: fc.oneof(
    optional({ type: either(['video.completed', 'video.failed']), data: fc.oneof(synthesiaVideo, value()) }),
    optional({ event: either(['video.created', 'video.completed', 'video.failed']), data: fc.oneof(synthesiaVideo, value()), timestamp: value(), webhook_id: value() }),
    synthesiaVideo,
  ),
  bodySigned: true,
};

const GENERIC_BASE: Omit<CustomOptions, 'auth'> = {
  paths: {
    jobId: ['data.job.id', 'data.items.0.id'],
    status: 'data.job.state',
    errorMessage: 'data.job.error.message',
    errorCode: 'data.job.error.code',
    outputUrl: 'data.job.result.url',
    progress: 'data.job.progress',
    stage: 'data.job.steps.0.name',
    time: 'created_at',
    eventType: 'type',
  },
  statusMap: { queued: 'queued', rendering: 'processing', done: 'succeeded', error: 'failed', aborted: 'cancelled' },
  statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}',
};
const genericShape = optional({
  type: value(),
  created_at: value(),
  data: fc.oneof(
    optional({
      job: fc.oneof(
        optional({ id: either(['77']), state: either(['queued', 'rendering', 'done', 'error', 'aborted', 'paused']), progress: value(), error: value(), result: value(), steps: value() }),
        value(),
      ),
      items: value(),
    }),
    value(),
  ),
});
const genericGenuine = ['generic-acme-done', 'generic-acme-failed', 'generic-acme-rendering'].map(fixture);
const genericHarnesses: Harness[] = [
  {
    name: 'generic (hmac hex, "{timestamp}.{body}")',
    adapter: customAdapter({ ...GENERIC_BASE, auth: { type: 'hmac', signatureHeader: 'x-acme-signature', timestampHeader: 'x-acme-timestamp', template: '{timestamp}.{body}' } }, 'acme'),
    secret: 'acme_whsec_5d1f',
    genuine: genericGenuine,
    sign: (body, secret, t) => ({ 'x-acme-timestamp': String(t), 'x-acme-signature': hex(secret, `${t}.`, body) }),
    mutate(headers, i, d): Headers {
      if (Math.abs(d) % 2 === 0) return { ...headers, 'x-acme-timestamp': shiftTimestamp(headers['x-acme-timestamp'], i) };
      return { ...headers, 'x-acme-signature': flipHexDigit(headers['x-acme-signature'], i, d) };
    },
    shape: genericShape,
    bodySigned: true,
  },
  {
    name: 'generic (hmac base64, "sha256=" prefix, "{body}")',
    adapter: customAdapter({ ...GENERIC_BASE, auth: { type: 'hmac', signatureHeader: 'x-hub-signature-256', encoding: 'base64', signaturePrefix: 'sha256=' } }, 'hub'),
    secret: 'hub_secret_8e21',
    genuine: genericGenuine,
    sign: (body, secret) => ({ 'x-hub-signature-256': `sha256=${hmacBase64(secret, body)}` }),
    // Flip a byte of the decoded signature: flipping a base64 character may keep the bytes (padding bits).
    mutate: (headers, i, d) => ({ 'x-hub-signature-256': `sha256=${flipByte(Buffer.from(headers['x-hub-signature-256'].slice(7), 'base64'), i, d).toString('base64')}` }),
    shape: genericShape,
    bodySigned: true,
  },
  {
    name: 'generic (bearer)',
    adapter: customAdapter({ ...GENERIC_BASE, auth: { type: 'bearer' } }, 'keyed'),
    secret: 'acme_key_31f0',
    genuine: genericGenuine,
    sign: (_body, key) => ({ authorization: `Bearer ${key}` }),
    mutate: (headers, i, d) => ({ authorization: `Bearer ${flipChar(headers.authorization.slice(7), i, d)}` }),
    shape: genericShape,
    bodySigned: false,
  },
];

const HARNESSES: Harness[] = [
  syncHarness('Sync', syncAdapter()),
  syncHarness('Sync (compactJsonFallback on)', syncAdapter({ compactJsonFallback: true }), true),
  lipdubHarness,
  viralsyncHarness,
  synthesiaHarness,
  ...genericHarnesses,
];

/**
 * Whether two secrets are the same key: a static key is compared trimmed, and HMAC pads its key
 * with zero bytes, so "k" and "k\u0000" (and "" and "\u0000") are one HMAC key.
 */
function sameKey(a: string, b: string): boolean {
  const hmacKey = (s: string) => Buffer.from(s, 'utf8').toString('latin1').replace(/\0+$/, '');
  return a.trim() === b.trim() || hmacKey(a) === hmacKey(b);
}

/** Bodies: random bytes, unicode, JSON, truncated and byte-mutated genuine bodies, genuine bodies with huge numbers. */
function bodies(genuine: readonly string[]): fc.Arbitrary<Buffer> {
  const g = fc.constantFrom(...genuine);
  return fc.oneof(
    fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
    fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s, 'utf8')),
    fc.tuple(g, fc.nat()).map(([body, n]) => Buffer.from(body, 'utf8').subarray(0, n % body.length)),
    fc.tuple(g, fc.nat(), fc.nat()).map(([body, i, d]) => flipByte(Buffer.from(body, 'utf8'), i, d)),
    fc.tuple(g, fc.constantFrom(...HUGE_NUMBERS)).map(([body, n]) => Buffer.from(body.replace(/\b\d+(\.\d+)?\b/g, n), 'utf8')),
    g.map((body) => Buffer.from(body, 'utf8')),
  );
}

/** Header values: free text, hex and base64 look-alikes, signature-shaped and key-shaped values. */
const headerValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
  fc.tuple(fc.integer({ min: NOW_S - 400, max: NOW_S + 400 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })).map(([t, h]) => `t=${t},v1=${h}`),
  fc.integer({ min: -1, max: 2 ** 42 }).map(String),
  fc.constant(String(NOW_S)),
  fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `sha256=${Buffer.from(b).toString('base64')}`),
);

/** Bodies without a change in JSON meaning ruled out: for the compact-JSON fallback, flip only non-whitespace bytes. */
function mutatedBody(h: Harness, body: Buffer, i: number, d: number): Buffer {
  if (!h.whitespaceInsensitive) return flipByte(body, i, d);
  const positions = [...body.keys()].filter((k) => !/\s/.test(String.fromCharCode(body[k])));
  const at = positions[Math.abs(i) % positions.length];
  const copy = Buffer.from(body);
  let next = (copy[at] + 1 + (Math.abs(d) % 255)) % 256;
  if (/\s/.test(String.fromCharCode(next))) next = 0x7e; // '~': never whitespace
  copy[at] = next === body[at] ? 0x7d : next;
  return copy;
}

/** A strict prefix of the body; for the compact-JSON fallback, one that cuts into the JSON, not just trailing whitespace. */
function truncated(h: Harness, body: Buffer, i: number): Buffer {
  const end = h.whitespaceInsensitive ? body.toString('latin1').trimEnd().length - 1 : body.length;
  return body.subarray(0, i % end);
}

function expectWellFormedStatus(result: StatusParseResult, depth = 0): void {
  if (result.kind === 'invalid') return void expect(typeof result.reason).toBe('string');
  if (result.kind === 'status') return expectWellFormedFields(result.fields);
  expect(result.kind).toBe('follow');
  expect(depth).toBe(0);
  expect(typeof result.request.url).toBe('string');
}

describe.each(HARNESSES.map((h) => [h.name, h] as const))('%s adapter, property-based', (_name, h) => {
  const { adapter, secret } = h;

  it('never authenticates random headers over random, unicode, truncated, mutated or huge-number bodies, and never throws', () => {
    const names = [...adapter.authHeaders, 'sync-signature', 'x-signature-primary', 'authorization', 'x-api-key', 'content-type'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), headerValue, { maxKeys: 4 }), bodies(h.genuine), (headers, body) => {
        const req = request(headers, body);
        const auth = adapter.authenticate(req, [secret], NOW_MS);
        expect(auth.ok).toBe(false);
        expectWellFormed(adapter.normalize(req, { ok: true, timestampMs: NOW_MS }));
        expectWellFormed(adapter.normalize(req, { ok: true, timestampMs: null }));
      }),
      { numRuns: RUNS },
    );
  });

  it('never authenticates a request signed with a secret that is not configured', () => {
    const other = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !sameKey(s, secret));
    // The secret sources never hand an adapter an empty secret.
    const configurable = other.filter((s) => s.length > 0);
    fc.assert(
      fc.property(other, fc.array(configurable, { maxLength: 3 }), bodies(h.genuine), fc.integer({ min: -200, max: 200 }), (signer, configured, body, skew) => {
        fc.pre(!configured.some((c) => sameKey(c, signer)));
        const req = request(h.sign(body, signer, NOW_S + skew), body);
        expect(adapter.authenticate(req, [...configured, secret], NOW_MS).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  if (h.bodySigned) {
    it('never authenticates a genuine signature over a body changed after signing (one byte, truncated, or extended)', () => {
      fc.assert(
        fc.property(fc.constantFrom(...h.genuine), fc.nat(), fc.nat(), fc.nat(2), (text, i, d, how) => {
          const body = Buffer.from(text, 'utf8');
          const headers = h.sign(body, secret, NOW_S);
          if (!adapter.authenticate(request(headers, body), [secret], NOW_MS).ok) throw new Error('the genuine request must authenticate');
          const changed = how === 0 ? mutatedBody(h, body, i, d) : how === 1 ? truncated(h, body, i) : Buffer.concat([body, Buffer.from(h.whitespaceInsensitive ? ',' : String.fromCharCode(32 + (d % 90)))]);
          expect(adapter.authenticate(request(headers, changed), [secret], NOW_MS).ok).toBe(false);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('never authenticates a genuine request whose signature headers were mutated', () => {
    fc.assert(
      fc.property(fc.constantFrom(...h.genuine), fc.nat(), fc.integer(), (text, i, d) => {
        const body = Buffer.from(text, 'utf8');
        const headers = h.sign(body, secret, NOW_S);
        const mutated = h.mutate(headers, i, d);
        expect(mutated).not.toEqual(headers);
        const auth = adapter.authenticate(request(mutated, body), [secret], NOW_MS);
        expect(auth.ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('normalizes, and parses as a status answer, any payload shaped like the vendor\'s without throwing', () => {
    const ctx = { baseUrl: 'https://api.vendor.example', apiKey: 'k' };
    fc.assert(
      fc.property(h.shape, fc.integer({ min: 100, max: 599 }), value(), (payload, httpStatus, download) => {
        const body = Buffer.from(JSON.stringify(payload) ?? 'null', 'utf8');
        expectWellFormed(adapter.normalize(request({ 'x-lipdub-event': 'VIDEO_RENDER_COMPLETE' }, body), { ok: true, timestampMs: NOW_MS }));
        const api = adapter.statusApi;
        if (!api) return;
        const parsed = api.parse('job-1', JSON.parse(body.toString('utf8')), ctx);
        expectWellFormedStatus(parsed);
        if (parsed.kind === 'follow') expectWellFormedStatus(parsed.then(httpStatus, download), 1);
      }),
      { numRuns: RUNS },
    );
  });
});
