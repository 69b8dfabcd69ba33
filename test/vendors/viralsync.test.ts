import fc from 'fast-check';
import { EMPTY_MEDIA } from '../../lambda/core/event';
import { viralsyncAdapter } from '../../lambda/vendors/viralsync';
import { fixture, hmacHex, NOW_MS, request } from './support';

const SECRET = 'vs_whsec_2f9c';
const adapter = viralsyncAdapter();
const signed = (body: string, secret = SECRET) => request({ 'x-render-signature': hmacHex(secret, body) }, body);
const normalizeSigned = (body: string) => {
  const req = signed(body);
  const auth = adapter.authenticate(req, [SECRET], NOW_MS);
  if (!auth.ok) throw new Error(`not authenticated: ${auth.reason}`);
  return adapter.normalize(req, auth);
};

describe('ViralSync adapter', () => {
  describe('authentication (x-render-signature: hex HMAC-SHA256 of the raw body)', () => {
    it('accepts the documented signature over the exact bytes received', () => {
      expect(adapter.authenticate(signed(fixture('viralsync-done')), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: null });
    });
    it('accepts either secret during a rotation', () => {
      const body = fixture('viralsync-done');
      expect(adapter.authenticate(signed(body, 'old'), ['old', 'new'], NOW_MS).ok).toBe(true);
      expect(adapter.authenticate(signed(body, 'new'), ['old', 'new'], NOW_MS).ok).toBe(true);
    });
    it('rejects a tampered body as bad_signature', () => {
      const body = fixture('viralsync-done');
      const req = request({ 'x-render-signature': hmacHex(SECRET, body) }, body.replace('"done"', '"failed"'));
      expect(adapter.authenticate(req, [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });
    it('rejects a signature made with another secret as bad_signature', () => {
      expect(adapter.authenticate(signed(fixture('viralsync-done'), 'wrong'), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });
    it('rejects a missing header as missing_signature and a non-hex or short one as malformed_signature', () => {
      const body = fixture('viralsync-done');
      expect(adapter.authenticate(request({}, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'missing_signature' });
      expect(adapter.authenticate(request({ 'x-render-signature': 'zz' + hmacHex(SECRET, body).slice(2) }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'malformed_signature' });
      expect(adapter.authenticate(request({ 'x-render-signature': hmacHex(SECRET, body).slice(0, 62) }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'malformed_signature' });
    });
    it('reads the signature from a configured header', () => {
      const custom = viralsyncAdapter({ signatureHeader: 'X-Signature' });
      const body = fixture('viralsync-done');
      expect(custom.authenticate(request({ 'x-signature': hmacHex(SECRET, body) }, body), [SECRET], NOW_MS).ok).toBe(true);
    });
  });

  describe('normalization of every event in the ViralSync docs', () => {
    it('maps running to processing with phase as stage and progress 0..1', () => {
      const body = fixture('viralsync-running');
      expect(normalizeSigned(body)).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job_a1b2c3d4e5f6',
          status: 'processing',
          progress: 0.46,
          stage: 'rendering',
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: 'running',
          vendorStatus: 'running',
          occurredAtMs: Date.parse('2026-04-02T10:00:08.000Z'),
          raw: JSON.parse(body),
        },
      });
    });
    it('maps done to succeeded with the output URL and media data', () => {
      const body = fixture('viralsync-done');
      expect(normalizeSigned(body)).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job_a1b2c3d4e5f6',
          status: 'succeeded',
          progress: 1,
          stage: null,
          outputUrl: 'https://r2.viralsync.io/outputs/job_a1b2c3d4e5f6/output.mp4',
          media: { ...EMPTY_MEDIA, durationSeconds: 10, width: 1920, height: 1080, fileSizeBytes: 8432156 },
          error: null,
          vendorEventType: 'done',
          vendorStatus: 'done',
          occurredAtMs: Date.parse('2026-04-02T10:00:52.000Z'),
          raw: JSON.parse(body),
        },
      });
    });
    it('maps failed to failed, splitting "CODE: message" into code and message', () => {
      const body = fixture('viralsync-failed');
      expect(normalizeSigned(body)).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job_a1b2c3d4e5f6',
          status: 'failed',
          progress: 0.33,
          stage: null,
          outputUrl: null,
          media: null,
          error: { code: 'SCENE_RENDER_FAILED', message: 'FFmpeg exited with code 1 on scene_2' },
          vendorEventType: 'failed',
          vendorStatus: 'failed',
          occurredAtMs: Date.parse('2026-04-02T10:00:31.000Z'),
          raw: JSON.parse(body),
        },
      });
    });
    it('keeps an error without a code prefix whole, with a null code', () => {
      const body = JSON.stringify({ jobId: 'j1', status: 'failed', error: 'render node lost: retry later', timestamp: '2026-04-02T10:00:31.000Z' });
      const result = normalizeSigned(body);
      expect(result.kind === 'event' && result.fields.error).toEqual({ code: null, message: 'render node lost: retry later' });
    });
    it('maps cancelled to cancelled', () => {
      const result = normalizeSigned(fixture('viralsync-cancelled'));
      expect(result).toMatchObject({ kind: 'event', fields: { status: 'cancelled', progress: 0.12, error: null, occurredAtMs: Date.parse('2026-04-02T10:00:15.000Z') } });
    });
    it('quarantines (invalid) a body that is not JSON, has no job id, or has an unknown status', () => {
      for (const body of ['not json', '[1,2]', JSON.stringify({ status: 'done' }), JSON.stringify({ jobId: 'j', status: 'exploded' })]) {
        expect(normalizeSigned(body).kind).toBe('invalid');
      }
    });
  });

  describe('status API (GET {base}/v1/jobs/{jobId})', () => {
    const api = adapter.statusApi!;
    it('has no public base URL and sends the key as a configurable header (Bearer by default: a guess)', () => {
      expect(api.defaultBaseUrl).toBeUndefined();
      expect(api.request('job 1', { baseUrl: 'https://api.viralsync.test', apiKey: 'k' })).toEqual({
        url: 'https://api.viralsync.test/v1/jobs/job%201',
        headers: { accept: 'application/json', authorization: 'Bearer k' },
      });
      const custom = viralsyncAdapter({ statusApiKeyHeader: 'X-Api-Key', statusApiKeyPrefix: '' }).statusApi!;
      expect(custom.request('j', { baseUrl: 'https://b', apiKey: 'k' }).headers).toEqual({ accept: 'application/json', 'x-api-key': 'k' });
    });
    it.each([
      ['running', 'processing'],
      ['done', 'succeeded'],
      ['failed', 'failed'],
      ['cancelled', 'cancelled'],
    ])('parses status %s as %s', (vendorStatus, status) => {
      const parsed = api.parse('job_a1', { jobId: 'job_a1', status: vendorStatus, progress: 0.5 }, { baseUrl: 'x', apiKey: undefined });
      expect(parsed).toMatchObject({ kind: 'status', fields: { jobId: 'job_a1', status } });
    });
    it('answers invalid, never throws, for malformed answers', () => {
      for (const body of [null, [], 'x', 42, {}, { status: 'warp' }]) {
        expect(api.parse('j', body, { baseUrl: 'x', apiKey: undefined }).kind).toBe('invalid');
      }
    });
  });

  it('never authenticates, and never throws, for random and mutated requests without the secret (property-based)', () => {
    const genuine = fixture('viralsync-done');
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), fc.constant(hmacHex('other', genuine))),
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')), fc.constant(genuine)),
        (signature, body) => {
          const req = request({ 'x-render-signature': signature }, body);
          const auth = adapter.authenticate(req, [SECRET], NOW_MS);
          expect(auth.ok).toBe(false);
          expect(() => adapter.normalize(req, { ok: true, timestampMs: null })).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});
