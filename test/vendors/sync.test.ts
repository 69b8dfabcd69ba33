/**
 * Sync (sync.so), from VENDORS.md: `Sync-Signature: t=<unix>,v1=<hex>` (or `X-Signature-Primary`),
 * hex HMAC-SHA256 of `<t>.<raw body>` keyed with the secret as UTF-8, `whsec_` included; default
 * tolerance 300 s; every `v1` accepted; the generation object as body, no event time in it.
 */
import { EMPTY_MEDIA } from '../../lambda/core/event';
import { syncAdapter } from '../../lambda/vendors/sync';
import { fixture, fixtureJson, hmacHex, NOW_MS, NOW_S, receive, request } from './support';

const SECRET = 'whsec_c2b1e8f0a9d7';
const adapter = syncAdapter();
const sig = (body: string, t: number | string = NOW_S, secret = SECRET) => hmacHex(secret, `${t}.`, body);
const header = (body: string, t: number | string = NOW_S, secret = SECRET) => `t=${t},v1=${sig(body, t, secret)}`;
const signed = (body: string, t: number | string = NOW_S, secret = SECRET) => request({ 'Sync-Signature': header(body, t, secret) }, body);
const auth = (req: ReturnType<typeof request>, secrets: readonly string[] = [SECRET], now = NOW_MS) => adapter.authenticate(req, secrets, now);
const BAD = { ok: false, reason: 'bad_signature' };
const STALE = { ok: false, reason: 'stale_timestamp' };
const MALFORMED = { ok: false, reason: 'malformed_signature' };
const MISSING = { ok: false, reason: 'missing_signature' };

describe('Sync adapter', () => {
  describe('authentication', () => {
    const body = fixture('sync-completed');

    it('accepts a delivery signed over "<t>.<raw body>" and reports t as the timestamp', () => {
      expect(auth(signed(body))).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('rejects a Sync delivery whose body was changed after signing as bad_signature', () => {
      expect(auth(request({ 'sync-signature': header(body) }, body.replace('"COMPLETED"', '"FAILED"')))).toEqual(BAD);
    });
    it('rejects a Sync delivery whose body gained a trailing newline as bad_signature (the raw bytes are signed)', () => {
      expect(auth(request({ 'sync-signature': header(body) }, `${body}\n`))).toEqual(BAD);
    });
    it('refuses more than 8 signatures as malformed before comparing any (issue 14, finding 7: 145 cost 73 ms at 256 KiB)', () => {
      const big = JSON.stringify({ id: 'gen', status: 'COMPLETED', pad: 'x'.repeat(256 * 1024) });
      const wrong = (n: number) => Array.from({ length: n }, (_, i) => `v1=${sig(big, NOW_S, `whsec_wrong${i}`)}`).join(',');
      expect(auth(request({ 'sync-signature': `t=${NOW_S},${wrong(144)},v1=${sig(big)}` }, big))).toEqual(MALFORMED);
      expect(auth(request({ 'sync-signature': `t=${NOW_S},${wrong(7)},v1=${sig(big)}` }, big))).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('rejects a Sync delivery signed with another secret as bad_signature', () => {
      expect(auth(signed(body, NOW_S, 'whsec_0000000000aa'))).toEqual(BAD);
    });
    it('keys the HMAC with the whole secret: a signature keyed without the whsec_ prefix is bad_signature', () => {
      expect(auth(signed(body, NOW_S, SECRET.slice('whsec_'.length)))).toEqual(BAD);
    });
    it('rejects a Sync delivery whose t was changed after signing as bad_signature (t is signed)', () => {
      expect(auth(request({ 'sync-signature': `t=${NOW_S - 5},v1=${sig(body)}` }, body))).toEqual(BAD);
    });
    it('rejects every delivery when no secret is configured', () => {
      expect(auth(signed(body), [])).toEqual(BAD);
    });

    it('accepts a Sync delivery exactly 300 s old', () => {
      expect(auth(signed(body, NOW_S - 300))).toEqual({ ok: true, timestampMs: (NOW_S - 300) * 1000 });
    });
    it('accepts a Sync delivery stamped exactly 300 s in the future', () => {
      expect(auth(signed(body, NOW_S + 300))).toEqual({ ok: true, timestampMs: (NOW_S + 300) * 1000 });
    });
    it('rejects a Sync delivery whose timestamp is 301 s old as stale_timestamp', () => {
      expect(auth(signed(body, NOW_S - 301))).toEqual(STALE);
    });
    it('rejects a Sync delivery whose timestamp is 301 s in the future as stale_timestamp', () => {
      expect(auth(signed(body, NOW_S + 301))).toEqual(STALE);
    });
    it('honours timestampToleranceSeconds: 30 s accepted and 31 s stale at 30, an hour accepted at 3600', () => {
      const strict = syncAdapter({ timestampToleranceSeconds: 30 });
      expect(strict.authenticate(signed(body, NOW_S - 30), [SECRET], NOW_MS).ok).toBe(true);
      expect(strict.authenticate(signed(body, NOW_S - 31), [SECRET], NOW_MS)).toEqual(STALE);
      expect(strict.authenticate(signed(body, NOW_S + 31), [SECRET], NOW_MS)).toEqual(STALE);
      const lenient = syncAdapter({ timestampToleranceSeconds: 3600 });
      expect(lenient.authenticate(signed(body, NOW_S - 3600), [SECRET], NOW_MS).ok).toBe(true);
      expect(lenient.authenticate(signed(body, NOW_S - 3601), [SECRET], NOW_MS)).toEqual(STALE);
    });

    it('rejects a request without a signature header, or with an empty one, as missing_signature', () => {
      expect(auth(request({}, body))).toEqual(MISSING);
      expect(auth(request({ 'sync-signature': '' }, body))).toEqual(MISSING);
      expect(auth(request({ 'sync-signature': '   ' }, body))).toEqual(MISSING);
      expect(auth(request({ 'x-sync-signature': header(body) }, body))).toEqual(MISSING);
    });
    it.each([
      ['a non-hex v1', `t=${NOW_S},v1=${'z'.repeat(64)}`],
      ['a v1 one hex digit short', `t=${NOW_S},v1=${'a'.repeat(63)}`],
      ['a v1 of 31 bytes', `t=${NOW_S},v1=${'a'.repeat(62)}`],
      ['a v1 of 33 bytes', `t=${NOW_S},v1=${'a'.repeat(66)}`],
      ['an empty v1', `t=${NOW_S},v1=`],
      ['no v1 at all', `t=${NOW_S}`],
      ['no t=', `v1=${'a'.repeat(64)}`],
      ['a non-numeric t', `t=yesterday,v1=${'a'.repeat(64)}`],
      ['a negative t', `t=-${NOW_S},v1=${'a'.repeat(64)}`],
      ['a fractional t', `t=${NOW_S}.5,v1=${'a'.repeat(64)}`],
      ['a t in milliseconds (13 digits)', `t=${NOW_MS},v1=${'a'.repeat(64)}`],
      ['garbage', 'garbage'],
      ['only separators', ',,,=,'],
      ['a bare hex signature', 'a'.repeat(64)],
    ])('rejects a Sync-Signature with %s as malformed_signature', (_what, value) => {
      expect(auth(request({ 'sync-signature': value }, body))).toEqual(MALFORMED);
    });

    it('accepts a delivery signed with either of two configured secrets (rotation)', () => {
      expect(auth(signed(body, NOW_S, 'whsec_old'), ['whsec_old', SECRET]).ok).toBe(true);
      expect(auth(signed(body, NOW_S, SECRET), ['whsec_old', SECRET]).ok).toBe(true);
    });
    it('accepts a Sync-Signature with two v1= values where only the second matches', () => {
      const value = `t=${NOW_S},v1=${sig(body, NOW_S, 'whsec_retired')},v1=${sig(body)}`;
      expect(auth(request({ 'sync-signature': value }, body))).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('rejects a Sync-Signature with two v1= values when neither matches', () => {
      const value = `t=${NOW_S},v1=${sig(body, NOW_S, 'whsec_a')},v1=${sig(body, NOW_S, 'whsec_b')}`;
      expect(auth(request({ 'sync-signature': value }, body))).toEqual(BAD);
    });
    it('accepts a matching v1 next to a malformed one', () => {
      expect(auth(request({ 'sync-signature': `t=${NOW_S},v1=nothex,v1=${sig(body)}` }, body)).ok).toBe(true);
    });
    it('parses the header leniently: any order, spaces around parts, unknown parts ignored', () => {
      expect(auth(request({ 'sync-signature': ` v1=${sig(body)} ,  t=${NOW_S} ` }, body)).ok).toBe(true);
      expect(auth(request({ 'sync-signature': `t=${NOW_S},v0=${'0'.repeat(64)},scheme=hmac,v1=${sig(body)}` }, body)).ok).toBe(true);
    });
    it('accepts the header name X-Signature-Primary of the generated payload reference', () => {
      expect(auth(request({ 'X-Signature-Primary': header(body) }, body))).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });

    describe('compactJsonFallback (Sync samples hash compact re-serialized JSON)', () => {
      const pretty = JSON.stringify(JSON.parse(body), null, 2);
      const compactHeader = `t=${NOW_S},v1=${sig(JSON.stringify(JSON.parse(pretty)))}`;
      it('is off by default: a signature over re-serialized JSON of a pretty-printed body is bad_signature', () => {
        expect(auth(request({ 'sync-signature': compactHeader }, pretty))).toEqual(BAD);
      });
      it('when enabled, accepts a signature over the compact re-serialization of the body', () => {
        const fallback = syncAdapter({ compactJsonFallback: true });
        expect(fallback.authenticate(request({ 'sync-signature': compactHeader }, pretty), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
      });
      it('when enabled, still rejects a body whose JSON means something else as bad_signature', () => {
        const fallback = syncAdapter({ compactJsonFallback: true });
        const changed = pretty.replace('"COMPLETED"', '"FAILED"');
        expect(fallback.authenticate(request({ 'sync-signature': compactHeader }, changed), [SECRET], NOW_MS)).toEqual(BAD);
        expect(fallback.authenticate(request({ 'sync-signature': compactHeader }, '{not json'), [SECRET], NOW_MS)).toEqual(BAD);
      });
      it('when enabled, still checks the timestamp first', () => {
        const fallback = syncAdapter({ compactJsonFallback: true });
        const stale = `t=${NOW_S - 301},v1=${sig(JSON.stringify(JSON.parse(pretty)), NOW_S - 301)}`;
        expect(fallback.authenticate(request({ 'sync-signature': stale }, pretty), [SECRET], NOW_MS)).toEqual(STALE);
      });
    });
  });

  describe('normalization of the generation object (occurredAtMs is the signed t: the body has no event time)', () => {
    const T = NOW_S - 2;
    const normalize = (name: string) => receive(adapter, signed(fixture(name), T), [SECRET]);
    const input = (audio: string) => [
      { type: 'video', url: 'https://assets.example.com/input/talking-head.mp4' },
      { type: 'audio', url: `https://assets.example.com/input/${audio}` },
    ];

    it('maps COMPLETED to succeeded with the output URL and outputDuration as media duration', () => {
      expect(normalize('sync-completed')).toEqual({
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
          occurredAtMs: T * 1000,
          raw: fixtureJson('sync-completed'),
        },
      });
    });
    it('maps FAILED to failed with error as the message and error_code as the code', () => {
      expect(normalize('sync-failed')).toEqual({
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
          occurredAtMs: T * 1000,
          raw: fixtureJson('sync-failed'),
        },
      });
    });
    it('maps REJECTED to failed with its error and no code', () => {
      expect(normalize('sync-rejected')).toEqual({
        kind: 'event',
        fields: {
          jobId: '0f6b2c7e-5d1a-4b8e-9c3f-7a2e1d4b6c80',
          status: 'failed',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: { message: 'No face could be detected in the input video', code: null },
          vendorEventType: null,
          vendorStatus: 'REJECTED',
          occurredAtMs: T * 1000,
          raw: fixtureJson('sync-rejected'),
        },
      });
    });
    it('maps TIMED_OUT to failed with the generation_timeout code', () => {
      expect(normalize('sync-timed-out')).toEqual({
        kind: 'event',
        fields: {
          jobId: '9a4d1e22-3b7c-4f0e-8d5a-1c6b2e9f7a13',
          status: 'failed',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: { message: 'Generation did not finish in time', code: 'generation_timeout' },
          vendorEventType: null,
          vendorStatus: 'TIMED_OUT',
          occurredAtMs: T * 1000,
          raw: fixtureJson('sync-timed-out'),
        },
      });
    });
    it('maps CANCELED to cancelled without an error', () => {
      expect(normalize('sync-canceled')).toEqual({
        kind: 'event',
        fields: {
          jobId: 'c47e0b9d-21f3-4a6e-b8d0-5e3f9a1c2d74',
          status: 'cancelled',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: null,
          vendorStatus: 'CANCELED',
          occurredAtMs: T * 1000,
          raw: fixtureJson('sync-canceled'),
        },
      });
    });
    it('maps a PENDING body to queued', () => {
      expect(normalize('sync-pending')).toEqual({
        kind: 'event',
        fields: {
          jobId: '2b8f6a1c-9e4d-4c7b-a3f0-6d1e8b2c5a97',
          status: 'queued',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: null,
          vendorStatus: 'PENDING',
          occurredAtMs: T * 1000,
          raw: fixtureJson('sync-pending'),
        },
      });
    });
    it('maps a PROCESSING body to processing', () => {
      expect(normalize('sync-processing')).toEqual({
        kind: 'event',
        fields: {
          jobId: '2b8f6a1c-9e4d-4c7b-a3f0-6d1e8b2c5a97',
          status: 'processing',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: null,
          vendorStatus: 'PROCESSING',
          occurredAtMs: T * 1000,
          raw: fixtureJson('sync-processing'),
        },
      });
    });
    it('gives a failure without error or error_code a message that names the status', () => {
      const body = JSON.stringify({ id: 'gen_r', status: 'REJECTED', model: 'lipsync-2', input: input('a.wav'), outputUrl: null, error: null, error_code: null });
      const result = receive(adapter, signed(body), [SECRET]);
      expect(result.kind === 'event' && result.fields.error).toEqual({ message: 'generation rejected', code: null });
    });
    it('uses error_code as the message when error is absent', () => {
      const body = JSON.stringify({ id: 'gen_t', status: 'TIMED_OUT', error_code: 'generation_timeout' });
      const result = receive(adapter, signed(body), [SECRET]);
      expect(result.kind === 'event' && result.fields.error).toEqual({ message: 'generation_timeout', code: 'generation_timeout' });
    });
    it.each([
      ['not JSON', 'Internal Server Error'],
      ['a JSON array', '[{"id":"g","status":"COMPLETED"}]'],
      ['JSON null', 'null'],
      ['no id', JSON.stringify({ status: 'COMPLETED', outputUrl: 'https://x/y.mp4' })],
      ['an empty id', JSON.stringify({ id: '', status: 'COMPLETED' })],
      ['no status', JSON.stringify({ id: 'g' })],
      ['a status Sync does not have', JSON.stringify({ id: 'g', status: 'EXPLODED' })],
      ['a numeric status', JSON.stringify({ id: 'g', status: 3 })],
    ])('quarantines (invalid) a body with %s', (_what, body) => {
      expect(receive(adapter, signed(body), [SECRET])).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });

  describe('the batch status webhook (POST /v2/batch webhook_url: "a POST request will be sent when the batch completes or fails")', () => {
    // The payload reference's example (camelCase) and its field list's snake_case spelling.
    const example = { id: 'batch_abc123', status: 'COMPLETED', metrics: { totalGenerations: 5, successCount: 4, failedCount: 1, pendingCount: 0 }, outputUrl: 'https://api.sync.so/v2/batches/batch_abc123/result', webhookUrl: 'https://your-webhook-url.com/batch-webhook', createdAt: '2024-01-15T10:30:00Z', options: {} };
    const snake = { id: 'batch_9f1e', created_at: '2026-04-02T09:00:00Z', status: 'FAILED', metrics: { total_generations: 3, success_count: 0, failed_count: 3, pending_count: 0 } };
    it.each([
      ['COMPLETED (the docs example)', example],
      ['FAILED (snake_case fields)', snake],
      ['JOBS_CREATED', { ...example, status: 'JOBS_CREATED' }],
      ['PENDING', { ...example, status: 'PENDING' }],
      ['PROCESSING', { ...example, status: 'PROCESSING' }],
    ])('authenticates a batch delivery signed like a generation\'s (%s) and answers it ignored with the reason: never a generation event, never quarantined', (_what, body) => {
      const text = JSON.stringify(body);
      expect(receive(adapter, signed(text), [SECRET])).toEqual({
        kind: 'ignored',
        vendorEventType: `batch ${body.status}`,
        reason: `a batch status webhook (batch ${body.id}): its generations' results are in the batch's result file, not in the webhook; each generation is a job of its own`,
      });
    });
    it('still refuses a batch delivery with a bad signature', () => {
      const text = JSON.stringify(example);
      expect(auth(request({ 'sync-signature': header(text, NOW_S, 'whsec_other') }, text))).toEqual(BAD);
    });
  });

  describe('status API (GET https://api.sync.so/v2/generate/{id}, x-api-key)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.sync.so', apiKey: 'sk-live-3f9a' };

    it('defaults to https://api.sync.so with the documented read limit of 600/min', () => {
      expect(api.defaultBaseUrl).toBe('https://api.sync.so');
    });
    it('asks GET /v2/generate/{id} with include=progress and the key in x-api-key', () => {
      expect(api.request('6533643b-acbe-4c40-967e-d9ba9baac39e', ctx)).toEqual({
        url: 'https://api.sync.so/v2/generate/6533643b-acbe-4c40-967e-d9ba9baac39e?include=progress',
        headers: { accept: 'application/json', 'x-api-key': 'sk-live-3f9a' },
      });
    });
    it('encodes the id into one path segment, honours a configured base URL, and sends no key header without a key', () => {
      expect(api.request('a/../b c', { baseUrl: 'http://127.0.0.1:4010', apiKey: undefined })).toEqual({
        url: 'http://127.0.0.1:4010/v2/generate/a%2F..%2Fb%20c?include=progress',
        headers: { accept: 'application/json' },
      });
    });

    const processing = fixtureJson('sync-api-processing');
    const expectedFor = (vendorStatus: string, status: string, extra: Record<string, unknown> = {}) => ({
      kind: 'status',
      fields: {
        jobId: '2b8f6a1c-9e4d-4c7b-a3f0-6d1e8b2c5a97',
        status,
        progress: status === 'succeeded' ? 1 : 0.46,
        stage: null,
        outputUrl: null,
        media: null,
        error: null,
        vendorEventType: null,
        vendorStatus,
        occurredAtMs: null,
        raw: { ...processing, status: vendorStatus },
        ...extra,
      },
    });
    it.each([
      ['PENDING', 'queued'],
      ['PROCESSING', 'processing'],
      ['COMPLETED', 'succeeded'],
      ['CANCELED', 'cancelled'],
    ])('parses %s as %s (progress_percent 46 is progress 0.46 until it succeeds)', (vendorStatus, status) => {
      expect(api.parse('2b8f6a1c-9e4d-4c7b-a3f0-6d1e8b2c5a97', { ...processing, status: vendorStatus }, ctx)).toEqual(expectedFor(vendorStatus, status));
    });
    it.each(['FAILED', 'REJECTED', 'TIMED_OUT'])('parses %s as failed', (vendorStatus) => {
      expect(api.parse('2b8f6a1c-9e4d-4c7b-a3f0-6d1e8b2c5a97', { ...processing, status: vendorStatus }, ctx)).toEqual(
        expectedFor(vendorStatus, 'failed', { error: { message: `generation ${vendorStatus.toLowerCase()}`, code: null } }),
      );
    });
    it('reads the API spelling errorCode as the error code', () => {
      expect(api.parse('7e1c3a5b-0d9f-4e2a-b6c8-3f5d7a9b1e24', fixtureJson('sync-api-failed'), ctx)).toEqual({
        kind: 'status',
        fields: {
          jobId: '7e1c3a5b-0d9f-4e2a-b6c8-3f5d7a9b1e24',
          status: 'failed',
          progress: null,
          stage: null,
          outputUrl: null,
          media: null,
          error: { message: 'The generation pipeline failed', code: 'generation_pipeline_failed' },
          vendorEventType: null,
          vendorStatus: 'FAILED',
          occurredAtMs: null,
          raw: fixtureJson('sync-api-failed'),
        },
      });
    });
    it('reads a completed answer with its output URL and duration', () => {
      expect(api.parse('6533643b-acbe-4c40-967e-d9ba9baac39e', fixtureJson('sync-completed'), ctx)).toEqual({
        kind: 'status',
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
          occurredAtMs: null,
          raw: fixtureJson('sync-completed'),
        },
      });
    });
    it('uses the id it asked about when the answer has none, and ignores an out-of-range progress_percent', () => {
      expect(api.parse('gen_9', { status: 'PROCESSING', progress_percent: 140 }, ctx)).toMatchObject({ kind: 'status', fields: { jobId: 'gen_9', progress: null } });
    });
    it.each([
      ['an array', [processing]],
      ['null', null],
      ['a string', 'PROCESSING'],
      ['an empty object', {}],
      ['no status', { id: 'g', progress_percent: 10 }],
      ['an unknown status', { id: 'g', status: 'QUEUED_FOR_REVIEW' }],
      ['a non-string status', { id: 'g', status: { value: 'COMPLETED' } }],
    ])('answers invalid for %s', (_what, body) => {
      expect(api.parse('g', body, ctx)).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });
});
