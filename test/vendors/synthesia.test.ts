/**
 * Synthesia, from VENDORS.md: `Synthesia-Signature` = hex HMAC-SHA256 of
 * `<Synthesia-Timestamp>.<raw body>` keyed with the subscription secret; default tolerance 600 s;
 * one secret per subscription (rotation = two secrets); two envelopes, `{type, data}` (API
 * reference) and `{event, data, timestamp, webhook_id}` (SDK notes, with video.created).
 */
import { EMPTY_MEDIA } from '../../lambda/core/event';
import { synthesiaAdapter } from '../../lambda/vendors/synthesia';
import { fixture, fixtureJson, hmacHex, NOW_MS, NOW_S, receive, request } from './support';

const SECRET = 'syn_sub_secret_41c0e7';
const adapter = synthesiaAdapter();
const sig = (body: string, t: number | string = NOW_S, secret = SECRET) => hmacHex(secret, `${t}.`, body);
const signed = (body: string, t: number | string = NOW_S, secret = SECRET) => request({ 'Synthesia-Timestamp': String(t), 'Synthesia-Signature': sig(body, t, secret) }, body);
const auth = (req: ReturnType<typeof request>, secrets: readonly string[] = [SECRET], now = NOW_MS) => adapter.authenticate(req, secrets, now);
const deliver = (name: string, t = NOW_S) => receive(adapter, signed(fixture(name), t), [SECRET]);
const BAD = { ok: false, reason: 'bad_signature' };
const STALE = { ok: false, reason: 'stale_timestamp' };
const MISSING = { ok: false, reason: 'missing_signature' };
const MALFORMED = { ok: false, reason: 'malformed_signature' };

describe('Synthesia adapter', () => {
  describe('authentication', () => {
    const body = fixture('synthesia-api-completed');

    it('accepts a delivery signed over "<Synthesia-Timestamp>.<raw body>" and reports that timestamp', () => {
      expect(auth(signed(body))).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('rejects a Synthesia delivery whose body was changed after signing as bad_signature', () => {
      const good = signed(body);
      expect(auth({ ...good, body: Buffer.from(body.replace('"complete"', '"error"')) })).toEqual(BAD);
      expect(auth({ ...good, body: Buffer.from(`${body} `) })).toEqual(BAD);
    });
    it('rejects a Synthesia delivery whose timestamp header was changed after signing as bad_signature', () => {
      const good = signed(body);
      expect(auth({ ...good, headers: { ...good.headers, 'synthesia-timestamp': String(NOW_S - 1) } })).toEqual(BAD);
    });
    it('rejects a Synthesia delivery signed with another secret as bad_signature', () => {
      expect(auth(signed(body, NOW_S, 'syn_sub_secret_000000'))).toEqual(BAD);
    });
    it('rejects every delivery when no secret is configured', () => {
      expect(auth(signed(body), [])).toEqual(BAD);
    });
    it('accepts the secrets of both subscriptions during a rotation', () => {
      expect(auth(signed(body, NOW_S, 'syn_sub_old'), ['syn_sub_old', SECRET]).ok).toBe(true);
      expect(auth(signed(body, NOW_S, SECRET), ['syn_sub_old', SECRET]).ok).toBe(true);
    });

    it('accepts a Synthesia delivery exactly 600 s old', () => {
      expect(auth(signed(body, NOW_S - 600))).toEqual({ ok: true, timestampMs: (NOW_S - 600) * 1000 });
    });
    it('accepts a Synthesia delivery stamped exactly 600 s in the future', () => {
      expect(auth(signed(body, NOW_S + 600)).ok).toBe(true);
    });
    it('rejects a Synthesia delivery whose timestamp is 601 s old as stale_timestamp', () => {
      expect(auth(signed(body, NOW_S - 601))).toEqual(STALE);
    });
    it('rejects a Synthesia delivery whose timestamp is 601 s in the future as stale_timestamp', () => {
      expect(auth(signed(body, NOW_S + 601))).toEqual(STALE);
    });
    it('honours timestampToleranceSeconds: 60 s accepted and 61 s stale at 60', () => {
      const strict = synthesiaAdapter({ timestampToleranceSeconds: 60 });
      expect(strict.authenticate(signed(body, NOW_S - 60), [SECRET], NOW_MS).ok).toBe(true);
      expect(strict.authenticate(signed(body, NOW_S - 61), [SECRET], NOW_MS)).toEqual(STALE);
      expect(strict.authenticate(signed(body, NOW_S + 61), [SECRET], NOW_MS)).toEqual(STALE);
    });

    it('rejects a delivery without Synthesia-Signature, without Synthesia-Timestamp, or without both, as missing_signature', () => {
      expect(auth(request({ 'synthesia-timestamp': String(NOW_S) }, body))).toEqual(MISSING);
      expect(auth(request({ 'synthesia-signature': sig(body) }, body))).toEqual(MISSING);
      expect(auth(request({}, body))).toEqual(MISSING);
      expect(auth(request({ 'synthesia-timestamp': ' ', 'synthesia-signature': sig(body) }, body))).toEqual(MISSING);
    });
    it.each([
      ['a non-hex signature', String(NOW_S), 'z'.repeat(64)],
      ['a signature one hex digit short', String(NOW_S), 'a'.repeat(63)],
      ['a 31-byte signature', String(NOW_S), 'a'.repeat(62)],
      ['a 33-byte signature', String(NOW_S), 'a'.repeat(66)],
      ['a garbage signature', String(NOW_S), 'not-a-signature'],
      ['a non-numeric timestamp', 'yesterday', 'a'.repeat(64)],
      ['an ISO timestamp', new Date(NOW_MS).toISOString(), 'a'.repeat(64)],
      ['a fractional timestamp', `${NOW_S}.25`, 'a'.repeat(64)],
      ['a negative timestamp', `-${NOW_S}`, 'a'.repeat(64)],
    ])('rejects %s as malformed_signature', (_what, timestamp, signature) => {
      expect(auth(request({ 'synthesia-timestamp': timestamp, 'synthesia-signature': signature }, body))).toEqual(MALFORMED);
    });
  });

  describe('normalization of the {type, data} envelope (API reference)', () => {
    it('maps video.completed to succeeded with download, duration "0:00:12.34" as 12.34 s, thumbnail and captions', () => {
      expect(deliver('synthesia-api-completed')).toEqual({
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
          raw: fixtureJson('synthesia-api-completed'),
        },
      });
    });
    it('maps video.failed to failed with data.message as the message', () => {
      expect(deliver('synthesia-api-failed')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11',
          status: 'failed',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: { message: 'The script contains unsupported characters', code: null },
          vendorEventType: 'video.failed',
          vendorStatus: 'error',
          occurredAtMs: 1712052031 * 1000,
          raw: fixtureJson('synthesia-api-failed'),
        },
      });
    });
  });

  describe('normalization of the {event, data, timestamp, webhook_id} envelope (SDK notes)', () => {
    it('maps video.created to processing', () => {
      expect(deliver('synthesia-sdk-created')).toEqual({
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
          raw: fixtureJson('synthesia-sdk-created'),
        },
      });
    });
    it('maps video.completed to succeeded with duration 45 (a number) and thumbnails.static', () => {
      expect(deliver('synthesia-sdk-completed')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'video-abc123',
          status: 'succeeded',
          progress: 1,
          stage: null,
          outputUrl: 'https://download.synthesia.io/videos/video-abc123.mp4',
          media: {
            ...EMPTY_MEDIA,
            durationSeconds: 45,
            thumbnailUrl: 'https://thumbnails.synthesia.io/video-abc123-static.jpg',
            captions: { srt: 'https://captions.synthesia.io/video-abc123.srt', vtt: 'https://captions.synthesia.io/video-abc123.vtt' },
          },
          error: null,
          vendorEventType: 'video.completed',
          vendorStatus: 'complete',
          occurredAtMs: Date.parse('2024-01-15T10:35:30Z'),
          raw: fixtureJson('synthesia-sdk-completed'),
        },
      });
    });
    it('maps video.failed (data.status "failed", no message) to failed with a message naming the status', () => {
      expect(deliver('synthesia-sdk-failed')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'video-abc123',
          status: 'failed',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: { message: 'video failed', code: null },
          vendorEventType: 'video.failed',
          vendorStatus: 'failed',
          occurredAtMs: Date.parse('2024-01-15T10:32:15Z'),
          raw: fixtureJson('synthesia-sdk-failed'),
        },
      });
    });
  });

  describe('normalization details', () => {
    const video = { id: 'v-1', status: 'complete', download: 'https://d/v-1.mp4' };
    const fieldsOf = (body: unknown, t = NOW_S) => {
      const result = receive(adapter, signed(JSON.stringify(body), t), [SECRET]);
      if (result.kind !== 'event') throw new Error(`expected an event, got ${result.kind}`);
      return result.fields;
    };
    it('takes the time from the envelope timestamp when the video has none, else from Synthesia-Timestamp', () => {
      expect(fieldsOf({ event: 'video.completed', data: video, timestamp: '2026-04-02T10:00:40Z', webhook_id: 'w' }).occurredAtMs).toBe(Date.parse('2026-04-02T10:00:40Z'));
      expect(fieldsOf({ type: 'video.completed', data: video }, NOW_S - 7).occurredAtMs).toBe((NOW_S - 7) * 1000);
    });
    it('reads durations as seconds: "1:02:03.5", "0:00:12.34", 45, "45.2"; an unreadable one is null', () => {
      const durationOf = (duration: unknown) => fieldsOf({ type: 'video.completed', data: { ...video, duration } }).media?.durationSeconds;
      expect(durationOf('1:02:03.5')).toBe(3723.5);
      expect(durationOf('0:00:12.34')).toBe(12.34);
      expect(durationOf(45)).toBe(45);
      expect(durationOf('45.2')).toBe(45.2);
      expect(durationOf('twelve seconds')).toBeNull();
      expect(durationOf(-3)).toBeNull();
    });
    it('falls back to data.status when the envelope names no event type', () => {
      expect(fieldsOf({ data: { id: 'v-2', status: 'in_progress' } })).toMatchObject({ jobId: 'v-2', status: 'processing', vendorEventType: null });
    });
    it('falls back to data.status for a video.* event type it does not know yet', () => {
      expect(fieldsOf({ type: 'video.deleted', data: { id: 'v-5', status: 'deleted' } })).toMatchObject({ jobId: 'v-5', status: 'cancelled', vendorEventType: 'video.deleted' });
    });
    it('ignores an event type outside video.* even when its data carries a video-like status', () => {
      expect(receive(adapter, signed(JSON.stringify({ type: 'avatar.completed', data: { id: 'a-1', status: 'complete' } })), [SECRET])).toEqual({
        kind: 'ignored',
        vendorEventType: 'avatar.completed',
        reason: 'event type avatar.completed is not a video status change',
      });
    });
    it('ignores an event type that is not a video status change', () => {
      expect(receive(adapter, signed(JSON.stringify({ type: 'video.shared', data: { id: 'v-3' } })), [SECRET])).toEqual({
        kind: 'ignored',
        vendorEventType: 'video.shared',
        reason: 'event type video.shared is not a video status change',
      });
    });
    it('does not take Object.prototype names for event types or statuses', () => {
      expect(receive(adapter, signed(JSON.stringify({ type: '__proto__', data: { id: 'v-4' } })), [SECRET])).toEqual({
        kind: 'ignored',
        vendorEventType: '__proto__',
        reason: 'event type __proto__ is not a video status change',
      });
      expect(receive(adapter, signed(JSON.stringify({ type: 'constructor', data: { id: 'v-4', status: 'complete' } })), [SECRET])).toMatchObject({ kind: 'ignored', vendorEventType: 'constructor' });
      expect(receive(adapter, signed(JSON.stringify({ data: { id: 'v-4', status: 'constructor' } })), [SECRET])).toEqual({ kind: 'invalid', reason: 'no event type and no known video status' });
    });
    it.each([
      ['not JSON', '<html>'],
      ['a JSON array', '[]'],
      ['no data', JSON.stringify({ type: 'video.completed' })],
      ['data that is not an object', JSON.stringify({ type: 'video.completed', data: 'v-1' })],
      ['no data.id', JSON.stringify({ type: 'video.completed', data: { status: 'complete' } })],
      ['neither event type nor known status', JSON.stringify({ data: { id: 'v', status: 'melted' } })],
    ])('quarantines (invalid) a body with %s', (_what, body) => {
      expect(receive(adapter, signed(body), [SECRET])).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });

  describe('status API (GET https://api.synthesia.io/v2/videos/{id}, Authorization: <key> without Bearer)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.synthesia.io', apiKey: 'f3a9c2e1d0b8' };

    it('defaults to https://api.synthesia.io with the documented read limit', () => {
      expect(api.defaultBaseUrl).toBe('https://api.synthesia.io');
    });
    it('asks GET /v2/videos/{id} with the bare key in Authorization', () => {
      expect(api.request('c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11', ctx)).toEqual({
        url: 'https://api.synthesia.io/v2/videos/c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11',
        headers: { accept: 'application/json', authorization: 'f3a9c2e1d0b8' },
      });
    });
    it('encodes the id and sends no Authorization without a key', () => {
      expect(api.request('v/1', { baseUrl: 'http://127.0.0.1:4010', apiKey: undefined })).toEqual({ url: 'http://127.0.0.1:4010/v2/videos/v%2F1', headers: { accept: 'application/json' } });
    });

    const inProgress = fixtureJson('synthesia-api-video');
    const expectedFor = (vendorStatus: string, status: string, error: unknown = null) => ({
      kind: 'status',
      fields: {
        jobId: 'c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11',
        status,
        progress: null,
        stage: null,
        outputUrl: null,
        media: null,
        error,
        vendorEventType: null,
        vendorStatus,
        occurredAtMs: 1712052031 * 1000,
        raw: { ...inProgress, status: vendorStatus },
      },
    });
    it.each([
      ['in_progress', 'processing', null],
      ['approved', 'processing', null],
      ['error', 'failed', { message: 'video error', code: null }],
      ['rejected', 'failed', { message: 'video rejected', code: null }],
      ['deleted', 'cancelled', null],
    ])('parses %s as %s', (vendorStatus, status, error) => {
      expect(api.parse('c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11', { ...inProgress, status: vendorStatus }, ctx)).toEqual(expectedFor(vendorStatus, status, error));
    });
    it('parses complete as succeeded with the download URL, duration, thumbnail and captions', () => {
      expect(api.parse('c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11', fixtureJson('synthesia-api-video-complete'), ctx)).toEqual({
        kind: 'status',
        fields: {
          jobId: 'c2d6e0b1-7f1c-4c1e-9a57-2b1d0f3e8a11',
          status: 'succeeded',
          progress: 1,
          stage: null,
          outputUrl: 'https://synthesia-ttv-data.s3.amazonaws.com/video_data/c2d6e0b1/transfers/rendered_video.mp4',
          media: {
            ...EMPTY_MEDIA,
            durationSeconds: 65.5,
            thumbnailUrl: 'https://synthesia-ttv-data.s3.amazonaws.com/video_data/c2d6e0b1/thumbnail.jpg',
            captions: { srt: 'https://captions.synthesia.io/c2d6e0b1.srt', vtt: 'https://captions.synthesia.io/c2d6e0b1.vtt' },
          },
          error: null,
          vendorEventType: null,
          vendorStatus: 'complete',
          occurredAtMs: 1712052052 * 1000,
          raw: fixtureJson('synthesia-api-video-complete'),
        },
      });
    });
    it.each([
      ['an array', [inProgress]],
      ['null', null],
      ['a string', 'complete'],
      ['no status', { id: 'v' }],
      ['an unknown status', { id: 'v', status: 'melted' }],
      ['a numeric status', { id: 'v', status: 1 }],      ['a status named like an Object.prototype property', { id: 'v', status: 'constructor' }],

    ])('answers invalid for %s', (_what, body) => {
      expect(api.parse('v', body, ctx)).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });
});
