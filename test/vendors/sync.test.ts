import fc from 'fast-check';
import { EMPTY_MEDIA } from '../../lambda/core/event';
import { syncAdapter } from '../../lambda/vendors/sync';
import { fixture, hmacHex, NOW_MS, NOW_S, request } from './support';

const SECRET = 'whsec_c2b1e8f0a9d7';
const adapter = syncAdapter();
const header = (body: string, t = NOW_S, secret = SECRET) => `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;
const signed = (body: string, t = NOW_S, secret = SECRET) => request({ 'Sync-Signature': header(body, t, secret) }, body);
const auth = (req: ReturnType<typeof request>, secrets = [SECRET], now = NOW_MS) => adapter.authenticate(req, secrets, now);

describe('Sync adapter', () => {
  describe('authentication (Sync-Signature: t=<unix>,v1=<hex HMAC of "<t>.<raw body>">, whsec_ key included)', () => {
    const body = fixture('sync-completed');
    it('accepts a fresh signature and reports its timestamp', () => {
      expect(auth(signed(body))).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('accepts a delivery exactly 300 s old and rejects one 301 s old as stale_timestamp', () => {
      expect(auth(signed(body, NOW_S - 300)).ok).toBe(true);
      expect(auth(signed(body, NOW_S - 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
    it('rejects a timestamp 301 s in the future as stale_timestamp', () => {
      expect(auth(signed(body, NOW_S + 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
    it('honours a configured tolerance', () => {
      expect(syncAdapter({ timestampToleranceSeconds: 30 }).authenticate(signed(body, NOW_S - 31), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
    it('rejects a tampered body and a wrong secret as bad_signature', () => {
      const req = request({ 'sync-signature': header(body) }, body.replace('COMPLETED', 'FAILED'));
      expect(auth(req)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(auth(signed(body, NOW_S, 'whsec_other'))).toEqual({ ok: false, reason: 'bad_signature' });
    });
    it('keys the HMAC with the whole secret, whsec_ prefix included', () => {
      expect(auth(signed(body, NOW_S, SECRET.replace('whsec_', '')))).toEqual({ ok: false, reason: 'bad_signature' });
    });
    it('accepts any of several v1 signatures (rotation) and any of several secrets', () => {
      const both = `t=${NOW_S},v1=${hmacHex('whsec_old', `${NOW_S}.${body}`)}, v1=${hmacHex(SECRET, `${NOW_S}.${body}`)}`;
      expect(auth(request({ 'sync-signature': both }, body)).ok).toBe(true);
      expect(auth(signed(body, NOW_S, 'whsec_old'), ['whsec_old', SECRET]).ok).toBe(true);
    });
    it('parses the header leniently: order and spaces do not matter', () => {
      const sig = hmacHex(SECRET, `${NOW_S}.${body}`);
      expect(auth(request({ 'sync-signature': ` v1=${sig} ,  t=${NOW_S} ` }, body)).ok).toBe(true);
    });
    it('accepts the header name X-Signature-Primary of the payload reference', () => {
      expect(auth(request({ 'X-Signature-Primary': header(body) }, body)).ok).toBe(true);
    });
    it('rejects a missing header as missing_signature and broken ones as malformed_signature', () => {
      expect(auth(request({}, body))).toEqual({ ok: false, reason: 'missing_signature' });
      for (const h of [`v1=${'a'.repeat(64)}`, `t=${NOW_S}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${NOW_S},v1=xyz`, `t=${NOW_S},v1=${'a'.repeat(63)}`, 'garbage']) {
        expect(auth(request({ 'sync-signature': h }, body))).toEqual({ ok: false, reason: 'malformed_signature' });
      }
    });
    it('does not verify a signature over re-serialized JSON unless compactJsonFallback is on', () => {
      const pretty = JSON.stringify(JSON.parse(body), null, 2);
      const compactSig = `t=${NOW_S},v1=${hmacHex(SECRET, `${NOW_S}.${JSON.stringify(JSON.parse(pretty))}`)}`;
      expect(auth(request({ 'sync-signature': compactSig }, pretty))).toEqual({ ok: false, reason: 'bad_signature' });
      expect(syncAdapter({ compactJsonFallback: true }).authenticate(request({ 'sync-signature': compactSig }, pretty), [SECRET], NOW_MS).ok).toBe(true);
    });
  });

  describe('normalization of the generation object', () => {
    it('maps COMPLETED to succeeded with the output URL, duration and the signed time', () => {
      const body = fixture('sync-completed');
      const req = signed(body);
      const result = adapter.normalize(req, { ok: true, timestampMs: NOW_S * 1000 });
      expect(result).toEqual({
        kind: 'event',
        fields: {
          jobId: '6533643b-acbe-4c40-967e-d9ba9baac39e',
          status: 'succeeded',
          progress: 1,
          stage: null,
          outputUrl: 'https://api.sync.so/v2/generations/6533643b/result.mp4',
          media: { ...EMPTY_MEDIA, durationSeconds: 12.48 },
          error: null,
          vendorEventType: null,
          vendorStatus: 'COMPLETED',
          occurredAtMs: NOW_S * 1000,
          raw: JSON.parse(body),
        },
      });
    });
    it('maps FAILED to failed with error and error_code', () => {
      const body = fixture('sync-failed');
      const result = adapter.normalize(signed(body), { ok: true, timestampMs: NOW_S * 1000 });
      expect(result).toEqual({
        kind: 'event',
        fields: {
          jobId: '6533643b-acbe-4c40-967e-d9ba9baac39e',
          status: 'failed',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: { message: 'Audio is longer than the maximum duration for this model', code: 'generation_audio_length_exceeded' },
          vendorEventType: null,
          vendorStatus: 'FAILED',
          occurredAtMs: NOW_S * 1000,
          raw: JSON.parse(body),
        },
      });
    });
    it.each([
      ['PENDING', 'queued'],
      ['PROCESSING', 'processing'],
      ['REJECTED', 'failed'],
      ['TIMED_OUT', 'failed'],
      ['CANCELED', 'cancelled'],
    ])('maps %s to %s', (vendorStatus, status) => {
      const body = JSON.stringify({ id: 'gen_1', status: vendorStatus, error_code: vendorStatus === 'TIMED_OUT' ? 'generation_timeout' : null });
      expect(adapter.normalize(signed(body), { ok: true, timestampMs: NOW_MS })).toMatchObject({ kind: 'event', fields: { jobId: 'gen_1', status, vendorStatus } });
    });
    it('quarantines a body without an id or with an unknown status', () => {
      for (const body of ['{', JSON.stringify({ status: 'COMPLETED' }), JSON.stringify({ id: 'g', status: 'EXPLODED' })]) {
        expect(adapter.normalize(signed(body), { ok: true, timestampMs: NOW_MS }).kind).toBe('invalid');
      }
    });
  });

  describe('status API (GET https://api.sync.so/v2/generate/{id}, x-api-key)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.sync.so', apiKey: 'sk-123' };
    it('asks with x-api-key at the default base URL, progress included', () => {
      expect(api.defaultBaseUrl).toBe('https://api.sync.so');
      expect(api.documentedReadsPerMinute).toBe(600);
      expect(api.request('gen/1', ctx)).toEqual({ url: 'https://api.sync.so/v2/generate/gen%2F1?include=progress', headers: { accept: 'application/json', 'x-api-key': 'sk-123' } });
    });
    it.each([
      ['PENDING', 'queued'],
      ['PROCESSING', 'processing'],
      ['COMPLETED', 'succeeded'],
      ['FAILED', 'failed'],
      ['REJECTED', 'failed'],
      ['CANCELED', 'cancelled'],
      ['TIMED_OUT', 'failed'],
    ])('parses %s as %s', (vendorStatus, status) => {
      expect(api.parse('gen_1', { id: 'gen_1', status: vendorStatus }, ctx)).toMatchObject({ kind: 'status', fields: { jobId: 'gen_1', status, vendorStatus } });
    });
    it('reads progress_percent as 0..1 progress and errorCode as the code', () => {
      expect(api.parse('g', { id: 'g', status: 'PROCESSING', progress_percent: 46 }, ctx)).toMatchObject({ fields: { progress: 0.46 } });
      expect(api.parse('g', { id: 'g', status: 'FAILED', error: 'boom', errorCode: 'generation_pipeline_failed' }, ctx)).toMatchObject({
        fields: { error: { message: 'boom', code: 'generation_pipeline_failed' } },
      });
    });
    it('answers invalid for malformed answers', () => {
      for (const body of [null, [], {}, { id: 'g' }, { id: 'g', status: 'NOPE' }]) expect(api.parse('g', body, ctx).kind).toBe('invalid');
    });
  });

  it('never authenticates, and never throws, for random and mutated requests without the secret (property-based)', () => {
    const genuine = fixture('sync-completed');
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constant(header(genuine, NOW_S, 'other')), fc.integer().map((t) => `t=${t},v1=${'0'.repeat(64)}`), fc.nat(400).map((skew) => header(genuine, NOW_S - 301 - skew))),
        fc.oneof(fc.string(), fc.constant(genuine), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'))),
        (signature, body) => {
          const req = request({ 'sync-signature': signature }, body);
          expect(auth(req).ok).toBe(false);
          expect(() => adapter.normalize(req, { ok: true, timestampMs: null })).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});
