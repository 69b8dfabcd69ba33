/**
 * ViralSync, from VENDORS.md and its doc: `x-render-signature` = hex HMAC-SHA256 of the raw body
 * keyed with the secret as UTF-8 (no timestamp); events told apart by `status`: running, done,
 * failed ("CODE: message"), cancelled. The fixtures are the doc's examples verbatim.
 */
import { EMPTY_MEDIA } from '../../lambda/core/event';
import { viralsyncAdapter } from '../../lambda/vendors/viralsync';
import { fixture, fixtureJson, hmacHex, NOW_MS, receive, request } from './support';

const SECRET = 'vs_whsec_2f9c81d07a';
const adapter = viralsyncAdapter();
const signed = (body: string, secret = SECRET) => request({ 'x-render-signature': hmacHex(secret, body) }, body);
const auth = (req: ReturnType<typeof request>, secrets: readonly string[] = [SECRET]) => adapter.authenticate(req, secrets, NOW_MS);
const deliver = (name: string) => receive(adapter, signed(fixture(name)), [SECRET]);
const BAD = { ok: false, reason: 'bad_signature' };
const MALFORMED = { ok: false, reason: 'malformed_signature' };

describe('ViralSync adapter', () => {
  describe('authentication (x-render-signature: hex HMAC-SHA256 of the raw body)', () => {
    const body = fixture('viralsync-done');
    const good = hmacHex(SECRET, body);

    it('accepts the signature over the exact bytes received, with no timestamp to report', () => {
      expect(auth(signed(body))).toEqual({ ok: true, timestampMs: null });
    });
    it('accepts the signature in upper-case hex', () => {
      expect(auth(request({ 'x-render-signature': good.toUpperCase() }, body))).toEqual({ ok: true, timestampMs: null });
    });
    it('rejects a ViralSync delivery whose body was changed after signing as bad_signature', () => {
      expect(auth(request({ 'x-render-signature': good }, body.replace('"done"', '"failed"')))).toEqual(BAD);
      expect(auth(request({ 'x-render-signature': good }, body.replace('8432156', '8432157')))).toEqual(BAD);
    });
    it('rejects a signature over the re-serialized JSON instead of the raw bytes as bad_signature', () => {
      expect(auth(request({ 'x-render-signature': hmacHex(SECRET, JSON.stringify(JSON.parse(body))) }, body))).toEqual(BAD);
    });
    it('rejects a ViralSync delivery signed with another secret as bad_signature', () => {
      expect(auth(signed(body, 'vs_whsec_000000000'))).toEqual(BAD);
    });
    it('rejects every delivery when no secret is configured', () => {
      expect(auth(signed(body), [])).toEqual(BAD);
    });
    it('accepts a delivery signed with either of two configured secrets (rotation)', () => {
      expect(auth(signed(body, 'vs_old'), ['vs_old', SECRET])).toEqual({ ok: true, timestampMs: null });
      expect(auth(signed(body, SECRET), ['vs_old', SECRET])).toEqual({ ok: true, timestampMs: null });
    });
    it('does not judge age: ViralSync signs no timestamp, so an old delivery still authenticates (dedupe stops replays)', () => {
      expect(adapter.authenticate(signed(body), [SECRET], NOW_MS + 30 * 24 * 3600 * 1000).ok).toBe(true);
    });
    it('rejects a delivery without the header, or with an empty one, as missing_signature', () => {
      expect(auth(request({}, body))).toEqual({ ok: false, reason: 'missing_signature' });
      expect(auth(request({ 'x-render-signature': '  ' }, body))).toEqual({ ok: false, reason: 'missing_signature' });
      expect(auth(request({ 'x-signature': good }, body))).toEqual({ ok: false, reason: 'missing_signature' });
    });
    it.each([
      ['non-hex', `zz${good.slice(2)}`],
      ['one hex digit short', good.slice(0, 63)],
      ['31 bytes', good.slice(0, 62)],
      ['33 bytes', `${good}00`],
      ['base64 instead of hex', Buffer.from(good, 'hex').toString('base64')],
      ['garbage', 'not a signature'],
      ['a Sync-style t=,v1= header', `t=1775124000,v1=${good}`],
    ])('rejects an x-render-signature that is %s as malformed_signature', (_what, value) => {
      expect(auth(request({ 'x-render-signature': value }, body))).toEqual(MALFORMED);
    });
    it('reads the signature from a configured header', () => {
      const custom = viralsyncAdapter({ signatureHeader: 'X-ViralSync-Signature' });
      expect(custom.authenticate(request({ 'x-viralsync-signature': good }, body), [SECRET], NOW_MS).ok).toBe(true);
      expect(custom.authenticate(request({ 'x-render-signature': good }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'missing_signature' });
    });
  });

  describe('normalization of every event in the ViralSync doc (occurredAtMs from timestamp)', () => {
    it('maps running (a parent job with children) to processing with phase as stage and progress 0..1', () => {
      expect(deliver('viralsync-running')).toEqual({
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
          raw: fixtureJson('viralsync-running'),
        },
      });
    });
    it('maps running without children (a child job) to processing', () => {
      expect(deliver('viralsync-running-child')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job_a1b2c3d4e5f6_s2',
          status: 'processing',
          progress: 0.8,
          stage: 'encoding',
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: 'running',
          vendorStatus: 'running',
          occurredAtMs: Date.parse('2026-04-02T10:00:27.000Z'),
          raw: fixtureJson('viralsync-running-child'),
        },
      });
    });
    it('maps done to succeeded with outputUrl and mediaData as media', () => {
      expect(deliver('viralsync-done')).toEqual({
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
          raw: fixtureJson('viralsync-done'),
        },
      });
    });
    it('maps failed to failed, splitting "SCENE_RENDER_FAILED: FFmpeg exited..." into code and message', () => {
      expect(deliver('viralsync-failed')).toEqual({
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
          raw: fixtureJson('viralsync-failed'),
        },
      });
    });
    it('keeps an error without a code whole, with a null code', () => {
      expect(deliver('viralsync-failed-no-code')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job_7c9e1f2a3b4d',
          status: 'failed',
          progress: 0.58,
          stage: null,
          outputUrl: null,
          media: null,
          error: { code: null, message: 'Render worker lost connection; the job was not retried' },
          vendorEventType: 'failed',
          vendorStatus: 'failed',
          occurredAtMs: Date.parse('2026-04-02T10:00:44.000Z'),
          raw: fixtureJson('viralsync-failed-no-code'),
        },
      });
    });
    it('does not take a lower-case prefix for a code, and still reports a failure without error text', () => {
      const errorOf = (error: unknown) => {
        const result = receive(adapter, signed(JSON.stringify({ jobId: 'j1', status: 'failed', progress: 0.1, error, timestamp: '2026-04-02T10:00:31.000Z' })), [SECRET]);
        return result.kind === 'event' ? result.fields.error : result.kind;
      };
      expect(errorOf('render node lost: retry later')).toEqual({ code: null, message: 'render node lost: retry later' });
      expect(errorOf(undefined)).toEqual({ code: null, message: 'failed' });
      expect(errorOf({ message: 'OUT_OF_MEMORY: worker killed' })).toEqual({ code: 'OUT_OF_MEMORY', message: 'worker killed' });
    });
    it('maps cancelled to cancelled without an error', () => {
      expect(deliver('viralsync-cancelled')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job_a1b2c3d4e5f6',
          status: 'cancelled',
          progress: 0.12,
          stage: null,
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: 'cancelled',
          vendorStatus: 'cancelled',
          occurredAtMs: Date.parse('2026-04-02T10:00:15.000Z'),
          raw: fixtureJson('viralsync-cancelled'),
        },
      });
    });
    it('drops a progress outside 0..1 rather than passing it on', () => {
      const result = receive(adapter, signed(JSON.stringify({ jobId: 'j1', status: 'running', progress: 46, timestamp: '2026-04-02T10:00:08.000Z' })), [SECRET]);
      expect(result).toMatchObject({ kind: 'event', fields: { status: 'processing', progress: null } });
    });
    it.each(['constructor', '__proto__', 'toString'])('quarantines a status named like an Object.prototype property (%s) instead of passing it on', (word) => {
      expect(receive(adapter, signed(JSON.stringify({ jobId: 'j', status: word, progress: 0.5 })), [SECRET])).toEqual({ kind: 'invalid', reason: `unknown status ${JSON.stringify(word)}` });
    });
    it.each([
      ['not JSON', 'upstream timed out'],
      ['a JSON array', '[{"jobId":"j","status":"done"}]'],
      ['no jobId', JSON.stringify({ status: 'done', progress: 1 })],
      ['no status', JSON.stringify({ jobId: 'j', progress: 0.5 })],
      ['a status ViralSync does not have', JSON.stringify({ jobId: 'j', status: 'exploded' })],
    ])('quarantines (invalid) a body with %s', (_what, body) => {
      expect(receive(adapter, signed(body), [SECRET])).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });

  describe('status API (GET {base}/v1/jobs/{jobId}: base URL and key header configurable)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.viralsync.example', apiKey: 'vs_api_9d2e' };

    it('has no default base URL: it must be configured', () => {
      expect(api.defaultBaseUrl).toBeUndefined();
    });
    it('asks GET {base}/v1/jobs/{jobId} with the key as "Authorization: Bearer <key>" by default', () => {
      expect(api.request('job_a1b2c3d4e5f6', ctx)).toEqual({
        url: 'https://api.viralsync.example/v1/jobs/job_a1b2c3d4e5f6',
        headers: { accept: 'application/json', authorization: 'Bearer vs_api_9d2e' },
      });
    });
    it('sends the key in a configured header with a configured prefix', () => {
      const custom = viralsyncAdapter({ statusApiKeyHeader: 'X-Api-Key', statusApiKeyPrefix: '' }).statusApi!;
      expect(custom.request('job 1', ctx)).toEqual({ url: 'https://api.viralsync.example/v1/jobs/job%201', headers: { accept: 'application/json', 'x-api-key': 'vs_api_9d2e' } });
      const token = viralsyncAdapter({ statusApiKeyHeader: 'Authorization', statusApiKeyPrefix: 'Token ' }).statusApi!;
      expect(token.request('j', ctx).headers).toEqual({ accept: 'application/json', authorization: 'Token vs_api_9d2e' });
    });
    it('sends no key header without a key', () => {
      expect(api.request('j', { baseUrl: 'http://127.0.0.1:4010', apiKey: undefined })).toEqual({ url: 'http://127.0.0.1:4010/v1/jobs/j', headers: { accept: 'application/json' } });
    });
    it.each([
      ['viralsync-running', 'processing'],
      ['viralsync-done', 'succeeded'],
      ['viralsync-failed', 'failed'],
      ['viralsync-cancelled', 'cancelled'],
    ])('parses an answer shaped like %s as %s, exactly as the webhook is normalized', (name, status) => {
      const webhook = deliver(name);
      if (webhook.kind !== 'event') throw new Error('fixture did not normalize');
      expect(webhook.fields.status).toBe(status);
      expect(api.parse('job_a1b2c3d4e5f6', fixtureJson(name), ctx)).toEqual({ kind: 'status', fields: webhook.fields });
    });
    it('uses the job id it asked about when the answer has none', () => {
      expect(api.parse('job_x', { status: 'running', progress: 0.2 }, ctx)).toMatchObject({ kind: 'status', fields: { jobId: 'job_x', status: 'processing', progress: 0.2 } });
    });
    it.each([
      ['an array', [fixtureJson('viralsync-done')]],
      ['null', null],
      ['a number', 42],
      ['no status', { jobId: 'j', progress: 0.5 }],
      ['an unknown status', { jobId: 'j', status: 'warping' }],
      ['a non-string status', { jobId: 'j', status: ['done'] }],      ['a status named like an Object.prototype property', { jobId: 'j', status: 'constructor' }],

    ])('answers invalid for %s', (_what, body) => {
      expect(api.parse('j', body, ctx)).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });
});
