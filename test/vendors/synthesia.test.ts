import fc from 'fast-check';
import { EMPTY_MEDIA } from '../../lambda/core/event';
import { synthesiaAdapter } from '../../lambda/vendors/synthesia';
import { fixture, hmacHex, NOW_MS, NOW_S, request } from './support';

const SECRET = 'syn_sub_secret_41c0';
const adapter = synthesiaAdapter();
const signed = (body: string, t = NOW_S, secret = SECRET) =>
  request({ 'Synthesia-Timestamp': String(t), 'Synthesia-Signature': hmacHex(secret, `${t}.${body}`) }, body);
const OK = { ok: true as const, timestampMs: NOW_S * 1000 };

describe('Synthesia adapter', () => {
  describe('authentication (Synthesia-Signature: hex HMAC of "<Synthesia-Timestamp>.<raw body>")', () => {
    const body = fixture('synthesia-api-completed');
    it('accepts a fresh signature', () => {
      expect(adapter.authenticate(signed(body), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('accepts 600 s of age and rejects 601 s, either way, as stale_timestamp', () => {
      expect(adapter.authenticate(signed(body, NOW_S - 600), [SECRET], NOW_MS).ok).toBe(true);
      expect(adapter.authenticate(signed(body, NOW_S - 601), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(adapter.authenticate(signed(body, NOW_S + 601), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(synthesiaAdapter({ timestampToleranceSeconds: 60 }).authenticate(signed(body, NOW_S - 61), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
    it('accepts the secrets of both subscriptions during a rotation', () => {
      expect(adapter.authenticate(signed(body, NOW_S, 'old'), ['old', SECRET], NOW_MS).ok).toBe(true);
      expect(adapter.authenticate(signed(body, NOW_S, SECRET), ['old', SECRET], NOW_MS).ok).toBe(true);
    });
    it('rejects a tampered body, a changed timestamp and a wrong secret as bad_signature', () => {
      const good = signed(body);
      expect(adapter.authenticate({ ...good, body: Buffer.from(body.replace('complete', 'error')) }, [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(adapter.authenticate({ ...good, headers: { ...good.headers, 'synthesia-timestamp': String(NOW_S - 1) } }, [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(adapter.authenticate(signed(body, NOW_S, 'wrong'), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });
    it('rejects missing headers as missing_signature and malformed ones as malformed_signature', () => {
      expect(adapter.authenticate(request({ 'synthesia-signature': 'ab' }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'missing_signature' });
      expect(adapter.authenticate(request({ 'synthesia-timestamp': String(NOW_S) }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'missing_signature' });
      expect(adapter.authenticate(request({ 'synthesia-timestamp': 'yesterday', 'synthesia-signature': 'a'.repeat(64) }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'malformed_signature' });
      expect(adapter.authenticate(request({ 'synthesia-timestamp': String(NOW_S), 'synthesia-signature': 'not-hex' }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'malformed_signature' });
    });
  });

  describe('normalization of both envelopes', () => {
    it('maps {type: video.completed} to succeeded with download, clock-string duration, thumbnail and captions', () => {
      const body = fixture('synthesia-api-completed');
      expect(adapter.normalize(signed(body), OK)).toEqual({
        kind: 'event',
        fields: {
          jobId: 'c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11',
          status: 'succeeded',
          progress: 1,
          stage: null,
          outputUrl: 'https://synthesia-ttv-data.s3.amazonaws.com/video_data/c2d6e0b1/transfers/rendered_video.mp4',
          media: {
            ...EMPTY_MEDIA,
            durationSeconds: 12.34,
            thumbnailUrl: 'https://synthesia-ttv-data.s3.amazonaws.com/video_data/c2d6e0b1/thumbnail.jpg',
            captions: { srt: 'https://captions.synthesia.io/c2d6e0b1.srt', vtt: 'https://captions.synthesia.io/c2d6e0b1.vtt' },
          },
          error: null,
          vendorEventType: 'video.completed',
          vendorStatus: 'complete',
          occurredAtMs: 1712052052 * 1000,
          raw: JSON.parse(body),
        },
      });
    });
    it('maps {type: video.failed} to failed with its message', () => {
      const body = fixture('synthesia-api-failed');
      expect(adapter.normalize(signed(body), OK)).toMatchObject({
        kind: 'event',
        fields: { status: 'failed', error: { message: 'The script contains unsupported characters', code: null }, vendorStatus: 'error', occurredAtMs: 1712052031 * 1000 },
      });
    });
    it('maps the SDK envelope {event: video.created} to processing', () => {
      const body = fixture('synthesia-sdk-created');
      expect(adapter.normalize(signed(body), OK)).toEqual({
        kind: 'event',
        fields: {
          jobId: 'video-abc123',
          status: 'processing',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: 'video.created',
          vendorStatus: 'in_progress',
          occurredAtMs: Date.parse('2024-01-15T10:30:00Z'),
          raw: JSON.parse(body),
        },
      });
    });
    it('maps the SDK envelope {event: video.completed} with numeric duration and thumbnails.static', () => {
      const body = fixture('synthesia-sdk-completed');
      expect(adapter.normalize(signed(body), OK)).toMatchObject({
        kind: 'event',
        fields: {
          status: 'succeeded',
          outputUrl: 'https://download.synthesia.io/videos/video-abc123.mp4',
          media: { durationSeconds: 45, thumbnailUrl: 'https://thumbnails.synthesia.io/video-abc123-static.jpg', captions: { srt: 'https://captions.synthesia.io/video-abc123.srt' } },
          occurredAtMs: Date.parse('2024-01-15T10:35:30Z'),
        },
      });
    });
    it('maps the SDK envelope {event: video.failed} to failed', () => {
      expect(adapter.normalize(signed(fixture('synthesia-sdk-failed')), OK)).toMatchObject({ kind: 'event', fields: { status: 'failed', error: { message: 'video failed', code: null } } });
    });
    it('ignores an event type that is not a status change, and quarantines what it cannot read', () => {
      expect(adapter.normalize(signed(JSON.stringify({ type: 'video.shared', data: { id: 'v' } })), OK)).toMatchObject({ kind: 'ignored', vendorEventType: 'video.shared' });
      for (const body of ['<html>', JSON.stringify({ type: 'video.completed' }), JSON.stringify({ type: 'video.completed', data: { status: 'complete' } })]) {
        expect(adapter.normalize(signed(body), OK).kind).toBe('invalid');
      }
    });
  });

  describe('status API (GET https://api.synthesia.io/v2/videos/{id}, Authorization: <key>)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.synthesia.io', apiKey: 'syn-key' };
    it('sends the key without "Bearer"', () => {
      expect(api.request('v1', ctx)).toEqual({ url: 'https://api.synthesia.io/v2/videos/v1', headers: { accept: 'application/json', authorization: 'syn-key' } });
      expect(api.documentedReadsPerMinute).toBe(60);
    });
    it.each([
      ['in_progress', 'processing'],
      ['complete', 'succeeded'],
      ['error', 'failed'],
      ['rejected', 'failed'],
      ['deleted', 'cancelled'],
    ])('parses %s as %s', (vendorStatus, status) => {
      expect(api.parse('v1', { id: 'v1', status: vendorStatus }, ctx)).toMatchObject({ kind: 'status', fields: { jobId: 'v1', status, vendorStatus } });
    });
    it('answers invalid for malformed answers', () => {
      for (const body of [null, 'x', [], {}, { id: 'v', status: 'melted' }]) expect(api.parse('v', body, ctx).kind).toBe('invalid');
    });
  });

  it('never authenticates, and never throws, for random and mutated requests without the secret (property-based)', () => {
    const genuine = fixture('synthesia-api-completed');
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.integer().map(String), fc.constant(String(NOW_S))),
        fc.oneof(fc.string(), fc.constant(hmacHex('x', `${NOW_S}.${genuine}`)), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })),
        fc.oneof(fc.string(), fc.constant(genuine)),
        (timestamp, signature, body) => {
          const req = request({ 'synthesia-timestamp': timestamp, 'synthesia-signature': signature }, body);
          expect(adapter.authenticate(req, [SECRET], NOW_MS).ok).toBe(false);
          expect(() => adapter.normalize(req, OK)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});
