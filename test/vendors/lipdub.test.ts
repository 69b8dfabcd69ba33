/**
 * LipDub AI, from VENDORS.md: a static key, `Authorization: Bearer <key>` (older tenants:
 * `X-Api-Key`), no HMAC, no timestamp; envelope `{event_type, created_at, data}`; the job id in
 * `data` (generate_id, then render_id, job_id, id); unknown event types accepted and ignored.
 */
import { lipdubAdapter } from '../../lambda/vendors/lipdub';
import type { StatusParseResult } from '../../lambda/core/adapter';
import { fixture, fixtureJson, NOW_MS, receive, request } from './support';

const KEY = 'ld_whk_7f2a9c41e0';
const adapter = lipdubAdapter();
const bearer = (body: string, key = KEY) => request({ Authorization: `Bearer ${key}`, 'X-LipDub-Event': eventTypeOf(body) }, body);
const auth = (req: ReturnType<typeof request>, keys: readonly string[] = [KEY]) => adapter.authenticate(req, keys, NOW_MS);
const OK = { ok: true, timestampMs: null };
const BAD_KEY = { ok: false, reason: 'bad_key' };
const deliver = (name: string, a = adapter) => receive(a, bearer(fixture(name)), [KEY]);
const envelope = (eventType: string, data: unknown) => JSON.stringify({ event_type: eventType, created_at: '2026-04-02T10:00:52Z', data });

function eventTypeOf(body: string): string {
  try {
    return String((JSON.parse(body) as { event_type?: unknown }).event_type ?? '');
  } catch {
    return '';
  }
}

describe('LipDub AI adapter', () => {
  describe('authentication (static key, compared in constant time)', () => {
    const body = fixture('lipdub-video-render-complete');

    it('accepts Authorization: Bearer <key>, with no timestamp to report', () => {
      expect(auth(bearer(body))).toEqual(OK);
    });
    it('accepts the Bearer scheme in any case and with extra spaces', () => {
      expect(auth(request({ authorization: `bearer ${KEY}` }, body))).toEqual(OK);
      expect(auth(request({ authorization: `  Bearer   ${KEY}  ` }, body))).toEqual(OK);
    });
    it('accepts the legacy X-Api-Key header of older tenants', () => {
      expect(auth(request({ 'X-Api-Key': KEY }, body))).toEqual(OK);
    });
    it('accepts either of two configured keys (rotation), by Bearer and by X-Api-Key', () => {
      expect(auth(bearer(body, 'ld_whk_old'), ['ld_whk_old', KEY])).toEqual(OK);
      expect(auth(bearer(body, KEY), ['ld_whk_old', KEY])).toEqual(OK);
      expect(auth(request({ 'x-api-key': 'ld_whk_old' }, body), ['ld_whk_old', KEY])).toEqual(OK);
    });
    it('rejects a wrong Bearer key as bad_key, including one that differs in one character, case, or length', () => {
      expect(auth(bearer(body, 'ld_whk_0000000000'))).toEqual(BAD_KEY);
      expect(auth(bearer(body, `${KEY.slice(0, -1)}1`))).toEqual(BAD_KEY);
      expect(auth(bearer(body, KEY.toUpperCase()))).toEqual(BAD_KEY);
      expect(auth(bearer(body, `${KEY}0`))).toEqual(BAD_KEY);
      expect(auth(bearer(body, KEY.slice(0, 6)))).toEqual(BAD_KEY);
    });
    it('rejects a wrong legacy X-Api-Key as bad_key', () => {
      expect(auth(request({ 'x-api-key': 'ld_whk_0000000000' }, body))).toEqual(BAD_KEY);
    });
    it('accepts a right legacy X-Api-Key next to an Authorization header that is not a Bearer token', () => {
      expect(auth(request({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': KEY }, body))).toEqual(OK);
    });
    it('accepts a delivery when either the Bearer token or the X-Api-Key is right, and rejects it as bad_key when neither is', () => {
      expect(auth(request({ authorization: 'Bearer ld_whk_wrong', 'x-api-key': KEY }, body))).toEqual(OK);
      expect(auth(request({ authorization: `Bearer ${KEY}`, 'x-api-key': 'ld_whk_wrong' }, body))).toEqual(OK);
      expect(auth(request({ authorization: 'Bearer ld_whk_wrong', 'x-api-key': 'ld_whk_wrong2' }, body))).toEqual(BAD_KEY);
    });
    it('never matches an empty or blank configured key', () => {
      expect(auth(bearer(body, 'x'), ['', ' '])).toEqual(BAD_KEY);
      expect(auth(request({ 'x-api-key': 'x' }, body), ['', ' ', '\u0000'])).toEqual(BAD_KEY);
    });
    it('rejects every delivery when no key is configured', () => {
      expect(auth(bearer(body), [])).toEqual(BAD_KEY);
    });
    it('rejects a delivery with neither header, or with empty ones, as missing_key', () => {
      expect(auth(request({}, body))).toEqual({ ok: false, reason: 'missing_key' });
      expect(auth(request({ authorization: '', 'x-api-key': ' ' }, body))).toEqual({ ok: false, reason: 'missing_key' });
    });
    it.each([
      ['Basic credentials', `Basic ${Buffer.from(`lipdub:${KEY}`).toString('base64')}`],
      ['the key without a scheme', KEY],
      ['Bearer without a key', 'Bearer'],
      ['a Bearer key with a space in it', `Bearer ${KEY} extra`],
      ['another scheme', `Token ${KEY}`],
    ])('rejects an Authorization header with %s as malformed_signature', (_what, value) => {
      expect(auth(request({ authorization: value }, body))).toEqual({ ok: false, reason: 'malformed_signature' });
    });
  });

  describe('normalization of every documented event (occurredAtMs from created_at)', () => {
    it('maps VIDEO_RENDER_COMPLETE to succeeded with the numeric generate_id as a string and download_url', () => {
      expect(deliver('lipdub-video-render-complete')).toEqual({
        kind: 'event',
        fields: {
          jobId: '48213',
          status: 'succeeded',
          progress: 1,
          stage: null,
          outputUrl: 'https://cdn.lipdub.ai/renders/48213/output.mp4',
          media: null,
          error: null,
          vendorEventType: 'VIDEO_RENDER_COMPLETE',
          vendorStatus: null,
          occurredAtMs: Date.parse('2026-04-02T10:00:52Z'),
          raw: fixtureJson('lipdub-video-render-complete'),
        },
      });
    });
    it('maps RENDER_PROCESSING_FAILED to failed with failure_reason as message and the event type as code', () => {
      expect(deliver('lipdub-render-processing-failed')).toEqual({
        kind: 'event',
        fields: {
          jobId: '48213',
          status: 'failed',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: { message: 'Face not detected in source shot', code: 'RENDER_PROCESSING_FAILED' },
          vendorEventType: 'RENDER_PROCESSING_FAILED',
          vendorStatus: null,
          occurredAtMs: Date.parse('2026-04-02T10:00:31Z'),
          raw: fixtureJson('lipdub-render-processing-failed'),
        },
      });
    });
    it.each([
      ['PREPROCESSING_COMPLETE', 'lipdub-preprocessing-complete', 'preprocessing', 'running', '2026-04-02T09:12:03Z'],
      ['TRAINING_COMPLETE', 'lipdub-training-complete', 'training', 'running', '2026-04-02T09:41:27Z'],
      ['FILE_UPLOAD_COMPLETE', 'lipdub-file-upload-complete', 'file_upload', null, '2026-04-02T09:05:44Z'],
      ['VIDEO_VALIDATION_COMPLETE', 'lipdub-video-validation-complete', 'video_validation', null, '2026-04-02T09:07:10Z'],
    ])('maps the stage event %s to processing with data.stage as the stage', (eventType, name, stage, vendorStatus, at) => {
      expect(deliver(name)).toEqual({
        kind: 'event',
        fields: {
          jobId: '48213',
          status: 'processing',
          progress: null,
          stage,
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: eventType,
          vendorStatus,
          occurredAtMs: Date.parse(at),
          raw: fixtureJson(name),
        },
      });
    });
    it.each([
      ['FILE_UPLOAD_FAILED', 'lipdub-file-upload-failed', '48214', 'file_upload', 'Uploaded file is not a supported audio format', '2026-04-02T09:05:51Z'],
      ['VIDEO_VALIDATION_FAILED', 'lipdub-video-validation-failed', '48215', 'video_validation', 'Video frame rate 12 fps is below the minimum of 23.976 fps', '2026-04-02T09:07:19Z'],
      ['BEGIN_TRAINING_FAILURE', 'lipdub-begin-training-failure', '48216', 'training', 'Training could not start: no clear face track in the shot', '2026-04-02T09:15:36Z'],
    ])('maps %s to failed (a *_FAILED/*_FAILURE event), reading failure_reason, error or message', (eventType, name, jobId, stage, message, at) => {
      expect(deliver(name)).toEqual({
        kind: 'event',
        fields: {
          jobId,
          status: 'failed',
          progress: null,
          stage,
          outputUrl: null,
          media: null,
          error: { message, code: eventType },
          vendorEventType: eventType,
          vendorStatus: null,
          occurredAtMs: Date.parse(at),
          raw: fixtureJson(name),
        },
      });
    });
    it('gives a failure event without any failure text its event type as the message', () => {
      const result = receive(adapter, bearer(envelope('RENDER_PROCESSING_FAILED', { generate_id: 48213 })), [KEY]);
      expect(result.kind === 'event' && result.fields.error).toEqual({ message: 'RENDER_PROCESSING_FAILED', code: 'RENDER_PROCESSING_FAILED' });
    });
    it('ignores an event type it does not know (answered 2xx, nothing delivered)', () => {
      expect(deliver('lipdub-unknown-event')).toEqual({
        kind: 'ignored',
        vendorEventType: 'VOICE_CLONE_COMPLETE',
        reason: 'event type VOICE_CLONE_COMPLETE is not one we turn into events',
      });
    });
    it('ignores an unknown event type whatever its data looks like (no data, data null, data a list)', () => {
      for (const body of [JSON.stringify({ event_type: 'CREDITS_LOW', created_at: '2026-04-02T10:00:00Z' }), envelope('CREDITS_LOW', null), envelope('CREDITS_LOW', [1, 2])]) {
        expect(receive(adapter, bearer(body), [KEY])).toEqual({ kind: 'ignored', vendorEventType: 'CREDITS_LOW', reason: 'event type CREDITS_LOW is not one we turn into events' });
      }
    });
    it('with emitUnknownEvents, turns an unknown event type into a processing event named after it', () => {
      const emitting = lipdubAdapter({ emitUnknownEvents: true, jobIdFields: ['voice_id'] });
      expect(deliver('lipdub-unknown-event', emitting)).toEqual({
        kind: 'event',
        fields: {
          jobId: 'v_8812',
          status: 'processing',
          progress: null,
          stage: 'voice_clone',
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: 'VOICE_CLONE_COMPLETE',
          vendorStatus: null,
          occurredAtMs: Date.parse('2026-04-02T09:20:00Z'),
          raw: fixtureJson('lipdub-unknown-event'),
        },
      });
    });
    it('with emitUnknownEvents, uses the event type as the stage when data has none', () => {
      const result = receive(lipdubAdapter({ emitUnknownEvents: true }), bearer(envelope('LIPSYNC_QA_COMPLETE', { generate_id: 48213 })), [KEY]);
      expect(result).toMatchObject({ kind: 'event', fields: { jobId: '48213', status: 'processing', stage: 'LIPSYNC_QA_COMPLETE', vendorEventType: 'LIPSYNC_QA_COMPLETE' } });
    });
  });

  describe('job id, output URL and failure text lookups (data field names are not public)', () => {
    const jobIdOf = (data: Record<string, unknown>, a = adapter) => {
      const result = receive(a, bearer(envelope('VIDEO_RENDER_COMPLETE', data)), [KEY]);
      return result.kind === 'event' ? result.fields.jobId : result.kind;
    };
    it('turns a numeric generate_id into a string', () => {
      expect(jobIdOf({ generate_id: 48213 })).toBe('48213');
      expect(jobIdOf({ generate_id: 0 })).toBe('0');
    });
    it('falls back to render_id when generate_id is null, with output_url as the output URL', () => {
      expect(deliver('lipdub-render-id')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'rnd_5e21c0',
          status: 'succeeded',
          progress: 1,
          stage: null,
          outputUrl: 'https://cdn.lipdub.ai/renders/rnd_5e21c0/output.mp4',
          media: null,
          error: null,
          vendorEventType: 'VIDEO_RENDER_COMPLETE',
          vendorStatus: null,
          occurredAtMs: Date.parse('2026-04-02T10:00:52Z'),
          raw: fixtureJson('lipdub-render-id'),
        },
      });
    });
    it('falls back to render_id, then job_id, then id, in that order', () => {
      expect(jobIdOf({ render_id: 'r1', job_id: 'j1', id: 9 })).toBe('r1');
      expect(jobIdOf({ job_id: 'j1', id: 9 })).toBe('j1');
      expect(jobIdOf({ id: 9 })).toBe('9');
      expect(jobIdOf({ generate_id: '', render_id: 'r1' })).toBe('r1');
      expect(jobIdOf({ generate_id: 48213, render_id: 'r1' })).toBe('48213');
    });
    it('reads the job id from configured fields, dotted paths included', () => {
      expect(jobIdOf({ render: { uuid: 'u-1' }, generate_id: 3 }, lipdubAdapter({ jobIdFields: ['render.uuid'] }))).toBe('u-1');
    });
    it('quarantines a known event without a usable job id (none, an object, or a number beyond 2^53)', () => {
      expect(jobIdOf({ project_id: 4211 })).toBe('invalid');
      expect(jobIdOf({ generate_id: { value: 1 } })).toBe('invalid');
      expect(receive(adapter, bearer('{"event_type":"VIDEO_RENDER_COMPLETE","data":{"generate_id":123456789012345678901}}'), [KEY]).kind).toBe('invalid');
    });
    it('reads the output URL from download_url, output_url or video_url', () => {
      const urlOf = (data: Record<string, unknown>) => {
        const result = receive(adapter, bearer(envelope('VIDEO_RENDER_COMPLETE', { generate_id: 1, ...data })), [KEY]);
        return result.kind === 'event' ? result.fields.outputUrl : undefined;
      };
      expect(urlOf({ video_url: 'https://v', output_url: 'https://o', download_url: 'https://d' })).toBe('https://d');
      expect(urlOf({ video_url: 'https://v', output_url: 'https://o' })).toBe('https://o');
      expect(urlOf({ video_url: 'https://v' })).toBe('https://v');
      expect(urlOf({})).toBeNull();
    });
    it('takes the event type from X-LipDub-Event when the body lacks it', () => {
      const req = request({ authorization: `Bearer ${KEY}`, 'x-lipdub-event': 'VIDEO_RENDER_COMPLETE' }, JSON.stringify({ created_at: '2026-04-02T10:00:52Z', data: { generate_id: 1 } }));
      expect(receive(adapter, req, [KEY])).toMatchObject({ kind: 'event', fields: { jobId: '1', status: 'succeeded', vendorEventType: 'VIDEO_RENDER_COMPLETE' } });
    });
    it.each([
      ['not JSON', '<html>502 Bad Gateway</html>'],
      ['a JSON array', '[]'],
      ['no event type in body or header', JSON.stringify({ created_at: '2026-04-02T10:00:52Z', data: { generate_id: 1 } })],
      ['a known event without data', JSON.stringify({ event_type: 'VIDEO_RENDER_COMPLETE', created_at: '2026-04-02T10:00:52Z' })],
    ])('quarantines (invalid) a body with %s', (_what, body) => {
      expect(receive(adapter, request({ authorization: `Bearer ${KEY}` }, body), [KEY])).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });

  describe('status API (GET /v1/renders/{generate_id}/status with X-Api-Key; /download once finished)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.lipdub.ai', apiKey: 'ld_api_51c0' };
    const headers = { accept: 'application/json', 'x-api-key': 'ld_api_51c0' };

    it('defaults to https://api.lipdub.ai and asks /v1/renders/{id}/status with X-Api-Key', () => {
      expect(api.defaultBaseUrl).toBe('https://api.lipdub.ai');
      expect(api.request('48213', ctx)).toEqual({ url: 'https://api.lipdub.ai/v1/renders/48213/status', headers });
    });
    it('encodes the id and sends no key header without a key', () => {
      expect(api.request('a/b', { baseUrl: 'http://127.0.0.1:4010', apiKey: undefined })).toEqual({ url: 'http://127.0.0.1:4010/v1/renders/a%2Fb/status', headers: { accept: 'application/json' } });
    });
    it.each([
      ['not_started', 'queued', null],
      ['pending', 'queued', null],
      ['running', 'processing', null],
      ['failed', 'failed', { message: 'render failed', code: 'failed' }],
      ['skipped', 'failed', { message: 'render skipped', code: 'skipped' }],
      ['cancelled', 'cancelled', null],
    ])('parses %s as %s', (vendorStatus, status, error) => {
      const body = { status: vendorStatus, generate_id: 48213 };
      expect(api.parse('48213', body, ctx)).toEqual({
        kind: 'status',
        fields: { jobId: '48213', status, progress: null, stage: null, outputUrl: null, media: null, error, vendorEventType: null, vendorStatus, occurredAtMs: null, raw: body },
      });
    });
    it('reads failure_reason of a failed render as the message', () => {
      expect(api.parse('48213', { status: 'failed', generate_id: 48213, failure_reason: 'Face not detected in source shot' }, ctx)).toMatchObject({
        kind: 'status',
        fields: { status: 'failed', error: { message: 'Face not detected in source shot', code: 'failed' } },
      });
    });

    describe('a finished render', () => {
      const body = { status: 'finished', generate_id: 48213 };
      const follow = (): Extract<StatusParseResult, { kind: 'follow' }> => {
        const parsed = api.parse('48213', body, ctx);
        if (parsed.kind !== 'follow') throw new Error(`expected follow, got ${parsed.kind}`);
        return parsed;
      };
      const succeeded = (outputUrl: string | null, download: unknown) => ({
        kind: 'status',
        fields: { jobId: '48213', status: 'succeeded', progress: 1, stage: null, outputUrl, media: null, error: null, vendorEventType: null, vendorStatus: 'finished', occurredAtMs: null, raw: { status: body, download } },
      });
      it('follows to /v1/renders/{id}/download with the same key', () => {
        expect(follow().request).toEqual({ url: 'https://api.lipdub.ai/v1/renders/48213/download', headers });
      });
      it("takes the output URL from the download answer's download_url", () => {
        const download = { download_url: 'https://cdn.lipdub.ai/renders/48213/output.mp4?sig=abc', generate_id: 48213 };
        expect(follow().then(200, download)).toEqual(succeeded('https://cdn.lipdub.ai/renders/48213/output.mp4?sig=abc', download));
      });
      it('accepts output_url or video_url in the download answer too', () => {
        expect(follow().then(200, { output_url: 'https://o' })).toEqual(succeeded('https://o', { output_url: 'https://o' }));
        expect(follow().then(200, { video_url: 'https://v' })).toEqual(succeeded('https://v', { video_url: 'https://v' }));
      });
      it('still reports success, without a URL, when /download answers 404 or something unreadable', () => {
        expect(follow().then(404, { detail: 'Not Found' })).toEqual(succeeded(null, { detail: 'Not Found' }));
        expect(follow().then(200, ['https://x'])).toEqual(succeeded(null, null));
        expect(follow().then(200, undefined)).toEqual(succeeded(null, null));
      });
    });

    it.each([
      ['an array', [{ status: 'running' }]],
      ['null', null],
      ['a string', 'running'],
      ['no status', { generate_id: 48213 }],
      ['an unknown status', { status: 'teleported', generate_id: 48213 }],
      ['a numeric status', { status: 2, generate_id: 48213 }],      ['a status named like an Object.prototype property', { status: '__proto__', generate_id: 48213 }],
      ['another one', { status: 'constructor', generate_id: 48213 }],

    ])('answers invalid for %s', (_what, body) => {
      expect(api.parse('48213', body, ctx)).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });
});
