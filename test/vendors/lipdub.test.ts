import fc from 'fast-check';
import { lipdubAdapter } from '../../lambda/vendors/lipdub';
import { fixture, NOW_MS, request } from './support';

const KEY = 'ld_whk_7f2a9c';
const adapter = lipdubAdapter();
const bearer = (body: string, key = KEY) => request({ Authorization: `Bearer ${key}` }, body);
const OK = { ok: true as const, timestampMs: null };
const envelope = (eventType: string, data: Record<string, unknown>) => JSON.stringify({ event_type: eventType, created_at: '2026-04-02T10:00:40Z', data });

describe('LipDub AI adapter', () => {
  describe('authentication (static key: Authorization: Bearer, or legacy X-Api-Key)', () => {
    const body = fixture('lipdub-render-complete');
    it('accepts the Bearer key and the legacy X-Api-Key', () => {
      expect(adapter.authenticate(bearer(body), [KEY], NOW_MS)).toEqual(OK);
      expect(adapter.authenticate(request({ 'X-Api-Key': KEY }, body), [KEY], NOW_MS)).toEqual(OK);
    });
    it('accepts either key during a rotation', () => {
      expect(adapter.authenticate(bearer(body, 'new'), ['old', 'new'], NOW_MS).ok).toBe(true);
    });
    it('rejects a wrong key as bad_key, a missing one as missing_key, and another scheme as malformed', () => {
      expect(adapter.authenticate(bearer(body, 'ld_whk_7f2a9d'), [KEY], NOW_MS)).toEqual({ ok: false, reason: 'bad_key' });
      expect(adapter.authenticate(bearer(body, `${KEY}x`), [KEY], NOW_MS)).toEqual({ ok: false, reason: 'bad_key' });
      expect(adapter.authenticate(request({}, body), [KEY], NOW_MS)).toEqual({ ok: false, reason: 'missing_key' });
      expect(adapter.authenticate(request({ Authorization: `Basic ${KEY}` }, body), [KEY], NOW_MS)).toEqual({ ok: false, reason: 'malformed_signature' });
    });
  });

  describe('normalization', () => {
    it('maps VIDEO_RENDER_COMPLETE to succeeded with generate_id (a number) as a string and the download URL', () => {
      const body = fixture('lipdub-render-complete');
      expect(adapter.normalize(bearer(body), OK)).toEqual({
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
          raw: JSON.parse(body),
        },
      });
    });
    it('maps RENDER_PROCESSING_FAILED to failed with failure_reason and the event type as code', () => {
      const body = fixture('lipdub-render-failed');
      expect(adapter.normalize(bearer(body), OK)).toEqual({
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
          raw: JSON.parse(body),
        },
      });
    });
    it.each(['PREPROCESSING_COMPLETE', 'TRAINING_COMPLETE', 'FILE_UPLOAD_COMPLETE', 'VIDEO_VALIDATION_COMPLETE'])('maps the stage event %s to processing with its stage', (type) => {
      const result = adapter.normalize(bearer(envelope(type, { generate_id: 7, stage: type.toLowerCase() })), OK);
      expect(result).toMatchObject({ kind: 'event', fields: { jobId: '7', status: 'processing', stage: type.toLowerCase(), vendorEventType: type, error: null } });
    });
    it.each(['FILE_UPLOAD_FAILED', 'VIDEO_VALIDATION_FAILED', 'BEGIN_TRAINING_FAILURE'])('maps %s to failed, as the normalized-status table says for *_FAILED/*_FAILURE', (type) => {
      const result = adapter.normalize(bearer(envelope(type, { generate_id: 7, stage: 'upload', error: 'bad file' })), OK);
      expect(result).toMatchObject({ kind: 'event', fields: { status: 'failed', error: { message: 'bad file', code: type }, stage: 'upload' } });
    });
    it('ignores an event type it does not know (answered 2xx), or emits it as processing when configured', () => {
      const body = envelope('AVATAR_PUBLISHED', { generate_id: 7 });
      expect(adapter.normalize(bearer(body), OK)).toEqual({ kind: 'ignored', vendorEventType: 'AVATAR_PUBLISHED', reason: 'event type AVATAR_PUBLISHED is not one we turn into events' });
      expect(lipdubAdapter({ emitUnknownEvents: true }).normalize(bearer(body), OK)).toMatchObject({ kind: 'event', fields: { status: 'processing', vendorEventType: 'AVATAR_PUBLISHED', stage: 'AVATAR_PUBLISHED' } });
    });
    it('finds the job id in render_id, job_id or id when generate_id is absent, or in configured fields', () => {
      for (const [field, value] of [['render_id', 'r1'], ['job_id', 'j1'], ['id', 99]] as const) {
        expect(adapter.normalize(bearer(envelope('VIDEO_RENDER_COMPLETE', { [field]: value })), OK)).toMatchObject({ fields: { jobId: String(value) } });
      }
      expect(lipdubAdapter({ jobIdFields: ['render.uuid'] }).normalize(bearer(envelope('VIDEO_RENDER_COMPLETE', { render: { uuid: 'u-1' } })), OK)).toMatchObject({ fields: { jobId: 'u-1' } });
    });
    it('falls back to the X-LipDub-Event header for the type, and quarantines bodies it cannot read', () => {
      const req = request({ authorization: `Bearer ${KEY}`, 'x-lipdub-event': 'VIDEO_RENDER_COMPLETE' }, JSON.stringify({ data: { generate_id: 1 } }));
      expect(adapter.normalize(req, OK)).toMatchObject({ kind: 'event', fields: { status: 'succeeded' } });
      for (const body of ['nope', JSON.stringify({ event_type: 'VIDEO_RENDER_COMPLETE' }), envelope('VIDEO_RENDER_COMPLETE', { other: 1 })]) {
        expect(adapter.normalize(bearer(body), OK).kind).toBe('invalid');
      }
    });
  });

  describe('status API (GET /v1/renders/{id}/status, X-Api-Key; /download once finished)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.lipdub.ai', apiKey: 'ak' };
    it('asks with X-Api-Key', () => {
      expect(api.request('48213', ctx)).toEqual({ url: 'https://api.lipdub.ai/v1/renders/48213/status', headers: { accept: 'application/json', 'x-api-key': 'ak' } });
    });
    it.each([
      ['not_started', 'queued'],
      ['pending', 'queued'],
      ['running', 'processing'],
      ['failed', 'failed'],
      ['skipped', 'failed'],
      ['cancelled', 'cancelled'],
    ])('parses %s as %s', (vendorStatus, status) => {
      expect(api.parse('48213', { status: vendorStatus, generate_id: 48213 }, ctx)).toMatchObject({ kind: 'status', fields: { jobId: '48213', status, vendorStatus } });
    });
    it('follows a finished render to /download for its URL', () => {
      const parsed = api.parse('48213', { status: 'finished', generate_id: 48213 }, ctx);
      if (parsed.kind !== 'follow') throw new Error(`expected follow, got ${parsed.kind}`);
      expect(parsed.request).toEqual({ url: 'https://api.lipdub.ai/v1/renders/48213/download', headers: { accept: 'application/json', 'x-api-key': 'ak' } });
      expect(parsed.then(200, { download_url: 'https://cdn/x.mp4' })).toMatchObject({ kind: 'status', fields: { status: 'succeeded', outputUrl: 'https://cdn/x.mp4' } });
      expect(parsed.then(500, null)).toMatchObject({ kind: 'status', fields: { status: 'succeeded', outputUrl: null } });
    });
    it('answers invalid for malformed answers', () => {
      for (const body of [null, [], {}, { status: 7 }, { status: 'teleported' }]) expect(api.parse('1', body, ctx).kind).toBe('invalid');
    });
  });

  it('never authenticates, and never throws, for random and mutated requests without the key (property-based)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('authorization', 'x-api-key', 'x-lipdub-event'), fc.oneof(fc.string(), fc.constant(`Bearer ${KEY.slice(1)}`), fc.constant(`bearer ${KEY}x`), fc.constant(KEY.toUpperCase()))),
        fc.oneof(fc.string(), fc.json()),
        (headers, body) => {
          const req = request(headers, body);
          expect(adapter.authenticate(req, [KEY], NOW_MS).ok).toBe(false);
          expect(() => adapter.normalize(req, OK)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});
