/**
 * The generic adapter: a vendor described by options (HMAC over a template, or a static key;
 * fields by dotted JSON paths; a status map; an optional status URL template).
 */
import { createAdapter } from '../../lambda/vendors/registry';
import { customAdapter, type CustomHmacAuth, type CustomOptions } from '../../lambda/vendors/custom';
import { fixture, fixtureJson, hmacBase64, hmacHex, NOW_MS, NOW_S, receive, request } from './support';

const SECRET = 'acme_whsec_5d1f';
const PATHS: CustomOptions['paths'] = {
  jobId: 'data.job.id',
  status: 'data.job.state',
  errorMessage: 'data.job.error.message',
  errorCode: 'data.job.error.code',
  outputUrl: 'data.job.result.url',
  progress: 'data.job.progress',
  stage: 'data.job.steps.0.name',
  time: 'created_at',
  eventType: 'type',
};
const STATUS_MAP: CustomOptions['statusMap'] = { queued: 'queued', rendering: 'processing', done: 'succeeded', error: 'failed', aborted: 'cancelled' };
const HMAC: CustomOptions = {
  auth: { type: 'hmac', signatureHeader: 'X-Acme-Signature', timestampHeader: 'X-Acme-Timestamp', template: '{timestamp}.{body}' },
  paths: PATHS,
  statusMap: STATUS_MAP,
  statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}?expand=result',
};
const hmacAdapter = customAdapter(HMAC, 'acme');
const signed = (body: string, t: number | string = NOW_S, secret = SECRET) =>
  request({ 'X-Acme-Timestamp': String(t), 'X-Acme-Signature': hmacHex(secret, `${t}.`, body) }, body);
const BAD = { ok: false, reason: 'bad_signature' };
const MALFORMED = { ok: false, reason: 'malformed_signature' };
const MISSING = { ok: false, reason: 'missing_signature' };

describe('custom adapter', () => {
  describe('hmac, hex, template "{timestamp}.{body}" with a timestamp header', () => {
    const body = fixture('generic-acme-done');
    const auth = (req: ReturnType<typeof request>, secrets: readonly string[] = [SECRET], a = hmacAdapter) => a.authenticate(req, secrets, NOW_MS);

    it('accepts a delivery signed over "<timestamp>.<raw body>" and reports the timestamp', () => {
      expect(auth(signed(body))).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('keeps the signature and timestamp headers for the quarantine, lower-cased', () => {
      expect(hmacAdapter.authHeaders).toEqual(['x-acme-signature', 'x-acme-timestamp']);
    });
    it('rejects a tampered body, a changed timestamp and another secret as bad_signature', () => {
      expect(auth({ ...signed(body), body: Buffer.from(body.replace('"done"', '"error"')) })).toEqual(BAD);
      const good = signed(body);
      expect(auth({ ...good, headers: { ...good.headers, 'x-acme-timestamp': String(NOW_S - 1) } })).toEqual(BAD);
      expect(auth(signed(body, NOW_S, 'acme_whsec_0000'))).toEqual(BAD);
      expect(auth(signed(body), [])).toEqual(BAD);
    });
    it('accepts either of two configured secrets (rotation)', () => {
      expect(auth(signed(body, NOW_S, 'acme_old'), ['acme_old', SECRET]).ok).toBe(true);
      expect(auth(signed(body, NOW_S, SECRET), ['acme_old', SECRET]).ok).toBe(true);
    });
    it('accepts exactly 300 s either way by default and rejects 301 s old or in the future as stale_timestamp', () => {
      expect(auth(signed(body, NOW_S - 300)).ok).toBe(true);
      expect(auth(signed(body, NOW_S + 300)).ok).toBe(true);
      expect(auth(signed(body, NOW_S - 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(auth(signed(body, NOW_S + 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
    it('honours auth.toleranceSeconds', () => {
      const strict = customAdapter({ ...HMAC, auth: { ...HMAC.auth, toleranceSeconds: 60 } as CustomOptions['auth'] }, 'acme');
      expect(auth(signed(body, NOW_S - 60), [SECRET], strict).ok).toBe(true);
      expect(auth(signed(body, NOW_S - 61), [SECRET], strict)).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
    it("accepts an explicit algorithm: 'sha256'", () => {
      const explicit = customAdapter({ ...HMAC, auth: { ...HMAC.auth, algorithm: 'sha256' } as CustomOptions['auth'] }, 'acme');
      expect(auth(signed(body), [SECRET], explicit).ok).toBe(true);
    });
    it('rejects a delivery without the signature header, or without the timestamp header, as missing_signature', () => {
      expect(auth(request({ 'x-acme-timestamp': String(NOW_S) }, body))).toEqual(MISSING);
      expect(auth(request({ 'x-acme-signature': hmacHex(SECRET, `${NOW_S}.`, body) }, body))).toEqual(MISSING);
    });
    it.each([
      ['a non-hex signature', String(NOW_S), 'z'.repeat(64)],
      ['a 31-byte signature', String(NOW_S), 'a'.repeat(62)],
      ['an odd-length signature', String(NOW_S), 'a'.repeat(63)],
      ['a garbage signature', String(NOW_S), 'sha256=?'],
      ['a non-numeric timestamp', 'now', 'a'.repeat(64)],
      ['a fractional timestamp', `${NOW_S}.5`, 'a'.repeat(64)],
    ])('rejects %s as malformed_signature', (_what, timestamp, signature) => {
      expect(auth(request({ 'x-acme-timestamp': timestamp, 'x-acme-signature': signature }, body))).toEqual(MALFORMED);
    });
    it('signs text around the body too (Slack-style "v0:{timestamp}:{body}" behind a "v0=" prefix)', () => {
      const slack = customAdapter({ ...HMAC, auth: { type: 'hmac', signatureHeader: 'x-slack-signature', signaturePrefix: 'v0=', timestampHeader: 'x-slack-request-timestamp', template: 'v0:{timestamp}:{body}' } }, 'slackish');
      const headers = { 'x-slack-request-timestamp': String(NOW_S), 'x-slack-signature': `v0=${hmacHex(SECRET, `v0:${NOW_S}:`, body)}` };
      expect(slack.authenticate(request(headers, body), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
      expect(slack.authenticate(request({ ...headers, 'x-slack-signature': `v0=${hmacHex(SECRET, `${NOW_S}.`, body)}` }, body), [SECRET], NOW_MS)).toEqual(BAD);
    });
  });

  describe('hmac, base64, "sha256=" prefix, template "{body}"', () => {
    const hub = customAdapter({ ...HMAC, auth: { type: 'hmac', signatureHeader: 'X-Hub-Signature-256', encoding: 'base64', signaturePrefix: 'sha256=' } }, 'hub');
    const body = fixture('generic-acme-done');
    const good = `sha256=${hmacBase64(SECRET, body)}`;
    const auth = (value: string, b = body) => hub.authenticate(request({ 'x-hub-signature-256': value }, b), [SECRET], NOW_MS);

    it('accepts the base64 HMAC of the raw body, with no timestamp to report', () => {
      expect(auth(good)).toEqual({ ok: true, timestampMs: null });
    });
    it('accepts the base64url alphabet for the same bytes', () => {
      expect(auth(`sha256=${hmacBase64(SECRET, body).replace(/\+/g, '-').replace(/\//g, '_')}`).ok).toBe(true);
    });
    it('rejects a tampered body and another secret as bad_signature', () => {
      expect(auth(good, `${body}\n`)).toEqual(BAD);
      expect(auth(`sha256=${hmacBase64('other', body)}`)).toEqual(BAD);
    });
    it('rejects a signature without the prefix, in hex, or not base64 as malformed_signature', () => {
      expect(auth(hmacBase64(SECRET, body))).toEqual(MALFORMED);
      expect(auth(`sha256=${hmacHex(SECRET, body)}`)).toEqual(MALFORMED);
      expect(auth('sha256=not base64!')).toEqual(MALFORMED);
      expect(auth(`sha256=${Buffer.alloc(31, 7).toString('base64')}`)).toEqual(MALFORMED);
    });
    it('rejects a delivery without the header as missing_signature', () => {
      expect(hub.authenticate(request({}, body), [SECRET], NOW_MS)).toEqual(MISSING);
    });
  });

  describe('bearer (a static key, "Bearer " stripped when present)', () => {
    const keyed = customAdapter({ ...HMAC, auth: { type: 'bearer' } }, 'keyed');
    const token = customAdapter({ ...HMAC, auth: { type: 'bearer', header: 'X-Webhook-Token' } }, 'token');
    const body = fixture('generic-acme-done');

    it('accepts Authorization: Bearer <key>, in any case of the scheme', () => {
      expect(keyed.authenticate(request({ authorization: `Bearer ${SECRET}` }, body), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: null });
      expect(keyed.authenticate(request({ authorization: `bearer ${SECRET}` }, body), [SECRET], NOW_MS).ok).toBe(true);
    });
    it('accepts the bare key in a configured header', () => {
      expect(token.authenticate(request({ 'x-webhook-token': SECRET }, body), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: null });
      expect(token.authHeaders).toEqual([]); // a static key is never kept in the quarantine
    });
    it('accepts either of two keys, rejects a wrong one as bad_key and a missing one as missing_key', () => {
      expect(keyed.authenticate(request({ authorization: 'Bearer old' }, body), ['old', SECRET], NOW_MS).ok).toBe(true);
      expect(keyed.authenticate(request({ authorization: `Bearer ${SECRET}x` }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_key' });
      expect(keyed.authenticate(request({ authorization: `Basic ${SECRET}` }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_key' });
      expect(keyed.authenticate(request({}, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'missing_key' });
      expect(token.authenticate(request({ authorization: `Bearer ${SECRET}` }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'missing_key' });
    });
  });

  describe('normalization by JSON paths and the status map', () => {
    const deliver = (body: string, a = hmacAdapter) => receive(a, signed(body), [SECRET]);

    it('reads nested paths and an array index, a numeric id as a string, and maps done to succeeded', () => {
      expect(deliver(fixture('generic-acme-done'))).toEqual({
        kind: 'event',
        fields: {
          jobId: '77',
          status: 'succeeded',
          progress: 1,
          stage: 'encode',
          outputUrl: 'https://cdn.acme.example/renders/77.mp4',
          media: null,
          error: null,
          vendorEventType: 'job.updated',
          vendorStatus: 'done',
          occurredAtMs: Date.parse('2026-04-02T10:00:00Z'),
          raw: fixtureJson('generic-acme-done'),
        },
      });
    });
    it('maps a failure with its message and a numeric code as a string', () => {
      expect(deliver(fixture('generic-acme-failed'))).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job-78',
          status: 'failed',
          progress: 0.5,
          stage: 'encode',
          outputUrl: null,
          media: null,
          error: { message: 'Encoder crashed on frame 1200', code: '4021' },
          vendorEventType: 'job.updated',
          vendorStatus: 'error',
          occurredAtMs: Date.parse('2026-04-02T10:00:30Z'),
          raw: fixtureJson('generic-acme-failed'),
        },
      });
    });
    it('maps a progress event to processing with its progress and stage', () => {
      expect(deliver(fixture('generic-acme-rendering'))).toEqual({
        kind: 'event',
        fields: {
          jobId: 'job-79',
          status: 'processing',
          progress: 0.25,
          stage: 'render',
          outputUrl: null,
          media: null,
          error: null,
          vendorEventType: 'job.progress',
          vendorStatus: 'rendering',
          occurredAtMs: Date.parse('2026-04-02T09:59:40Z'),
          raw: fixtureJson('generic-acme-rendering'),
        },
      });
    });
    it('takes the first path of a list that holds a value', () => {
      const listed = customAdapter({ ...HMAC, paths: { ...PATHS, jobId: ['data.job.uuid', 'data.job.id'], outputUrl: ['data.job.cdn_url', 'data.job.result.url'] } }, 'acme');
      const result = deliver(JSON.stringify({ data: { job: { uuid: 'u-1', id: 5, state: 'done', result: { url: 'https://r' } } } }), listed);
      expect(result).toMatchObject({ kind: 'event', fields: { jobId: 'u-1', outputUrl: 'https://r' } });
    });
    it('uses the signed timestamp as the event time when the body has none', () => {
      const result = deliver(JSON.stringify({ data: { job: { id: 'j', state: 'queued' } } }));
      expect(result).toMatchObject({ kind: 'event', fields: { status: 'queued', occurredAtMs: NOW_S * 1000 } });
    });
    it('looks a numeric status up by its text', () => {
      const numeric = customAdapter({ ...HMAC, statusMap: { '3': 'succeeded' } }, 'acme');
      expect(deliver(JSON.stringify({ data: { job: { id: 'j', state: 3 } } }), numeric)).toMatchObject({ kind: 'event', fields: { status: 'succeeded', vendorStatus: '3' } });
    });
    it('quarantines a status that is not in the status map instead of guessing', () => {
      expect(deliver(fixture('generic-acme-done').replace('"done"', '"paused"'))).toEqual({ kind: 'invalid', reason: 'status "paused" is not in the status map' });
    });
    it('does not take names of Object.prototype for statuses or paths', () => {
      expect(deliver(JSON.stringify({ data: { job: { id: 'j', state: 'constructor' } } }))).toEqual({ kind: 'invalid', reason: 'status "constructor" is not in the status map' });
      const inherited = customAdapter({ ...HMAC, paths: { ...PATHS, jobId: 'data.job.constructor.name' } }, 'acme');
      expect(deliver(JSON.stringify({ data: { job: { state: 'done' } } }), inherited)).toEqual({ kind: 'invalid', reason: 'no job id' });
    });
    it.each([
      ['not JSON', 'OK'],
      ['a JSON array', '[]'],
      ['no job id', JSON.stringify({ data: { job: { state: 'done' } } })],
      ['no status', JSON.stringify({ data: { job: { id: 'j' } } })],
    ])('quarantines (invalid) a body with %s', (_what, body) => {
      expect(deliver(body)).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });

  describe('options are checked at creation (by the manifest\'s spec), with a message that says what to fix', () => {
    const hmacAuth = HMAC.auth as CustomHmacAuth;
    const ALL_STATUSES = "'queued' or 'processing' or 'succeeded' or 'failed' or 'cancelled' or 'expired'";
    it.each<[string, unknown, string]>([
      ['missing options', undefined, 'vendor acme: auth is required'],
      [
        'an unknown auth type',
        { ...HMAC, auth: { type: 'hmac-sha1' } },
        "vendor acme: auth.type is \"hmac-sha1\": use 'hmac' or 'bearer' or 'standard-webhooks' or 'keyed-header' or 'ed25519-jwks' or 'unsigned-hint' or 'poll-only'",
      ],
      ['hmac without a signature header', { ...HMAC, auth: { ...hmacAuth, signatureHeader: '' } }, 'vendor acme: auth.signatureHeader is required for hmac auth'],
      ['a misspelt auth option', { ...HMAC, auth: { ...hmacAuth, signatureHeadr: 'x' } }, 'vendor acme: auth.signatureHeadr is not an option of hmac auth: use type, algorithm, signatureHeader, encoding, signaturePrefix, timestampHeader, template, toleranceSeconds'],
      ['{timestamp} without a timestamp header', { ...HMAC, auth: { type: 'hmac', signatureHeader: 'x-sig', template: '{timestamp}.{body}' } }, 'vendor acme: auth.template uses {timestamp}: set auth.timestampHeader'],
      ['a template without {body}', { ...HMAC, auth: { ...hmacAuth, template: '{timestamp}' } }, 'vendor acme: auth.template "{timestamp}" must contain {body}: a signature that does not cover the body would authenticate any body'],
      ['an unknown encoding', { ...HMAC, auth: { ...hmacAuth, encoding: 'base32' } }, `vendor acme: auth.encoding is "base32": use 'hex' or 'base64'`],
      ['an algorithm other than sha256', { ...HMAC, auth: { ...hmacAuth, algorithm: 'sha1' } }, `vendor acme: auth.algorithm is "sha1": use 'sha256'`],
      ['a negative tolerance', { ...HMAC, auth: { ...hmacAuth, toleranceSeconds: -1 } }, 'vendor acme: auth.toleranceSeconds is -1: use a number of seconds, at least 0'],
      ['a tolerance given as text', { ...HMAC, auth: { ...hmacAuth, toleranceSeconds: '300' } }, 'vendor acme: auth.toleranceSeconds is "300": use a number of seconds, at least 0'],
      ['no paths.jobId', { ...HMAC, paths: { ...PATHS, jobId: '' } }, 'vendor acme: paths.jobId is required'],
      ['no paths.status', { ...HMAC, paths: { jobId: 'id' } }, 'vendor acme: paths.status is required'],
      ['a path that is not a string', { ...HMAC, paths: { ...PATHS, progress: 5 } }, 'vendor acme: paths.progress is 5: use a dotted path such as "data.id", or a list of them'],
      ['an empty list of paths', { ...HMAC, paths: { ...PATHS, outputUrl: [] } }, 'vendor acme: paths.outputUrl is []: use a dotted path such as "data.id", or a list of them'],
      ['a bad status path', { ...HMAC, statusPaths: { jobId: 'id', status: ['state', 3] } }, 'vendor acme: statusPaths.status is ["state",3]: use a dotted path such as "data.id", or a list of them'],
      ['no statusMap', { ...HMAC, statusMap: undefined }, 'vendor acme: statusMap is required'],
      ['a status outside the normalized ones', { ...HMAC, statusMap: { done: 'finished' } }, `vendor acme: statusMap.done is "finished": use ${ALL_STATUSES}`],
      ['a status URL template without {jobId}', { ...HMAC, statusUrlTemplate: 'https://api.acme.example/v1/jobs' }, 'vendor acme: statusUrlTemplate "https://api.acme.example/v1/jobs" must contain {jobId}'],
      ['a relative status URL template', { ...HMAC, statusUrlTemplate: '/v1/jobs/{jobId}' }, 'vendor acme: statusUrlTemplate /v1/jobs/{jobId} is not an absolute http(s) URL'],
      ...(['fragment', 'host', 'userinfo'] as const).map((where): [string, unknown, string] => {
        const template = { fragment: 'https://api.acme.example/v1/jobs#{jobId}', host: 'https://{jobId}.acme.example/v1/jobs', userinfo: 'https://{jobId}@api.acme.example/v1/jobs' }[where];
        return [
          `a status URL template with {jobId} in the ${where}`,
          { ...HMAC, statusUrlTemplate: template },
          `vendor acme: statusUrlTemplate "${template}" has {jobId} in the ${where}: put each {jobId} in the path or the query (elsewhere every job would be polled at one URL, and its answer published for every job)`,
        ];
      }),
      ['{jobId} in the path and also in the fragment', { ...HMAC, statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}#{jobId}' }, 'vendor acme: statusUrlTemplate "https://api.acme.example/v1/jobs/{jobId}#{jobId}" has {jobId} in the fragment: put each {jobId} in the path or the query (elsewhere every job would be polled at one URL, and its answer published for every job)'],
      [
        'a timestamp header without {timestamp} in the template (the default template is {body})',
        { ...HMAC, auth: { type: 'hmac', signatureHeader: 'x-sig', timestampHeader: 'x-ts' } },
        'vendor acme: auth.timestampHeader is set but auth.template "{body}" (the default) does not use {timestamp}, so auth.timestampHeader would be ignored: put {timestamp} in auth.template (e.g. "{timestamp}.{body}"), or remove auth.timestampHeader',
      ],
      [
        'a tolerance without {timestamp} in the template',
        { ...HMAC, auth: { type: 'hmac', signatureHeader: 'x-sig', template: 'v0:{body}', toleranceSeconds: 60 } },
        'vendor acme: auth.toleranceSeconds is set but auth.template "v0:{body}" does not use {timestamp}, so auth.toleranceSeconds would be ignored: put {timestamp} in auth.template (e.g. "{timestamp}.{body}"), or remove auth.toleranceSeconds',
      ],
    ])('refuses %s', (_what, options, message) => {
      expect(() => createAdapter({ id: 'acme', kind: 'custom', options: options as Record<string, unknown> })).toThrow(new Error(message));
    });

    it.each(['https://api.acme.example/v1/jobs/{jobId}', 'https://api.acme.example/v1/status?id={jobId}&expand=1', 'http://127.0.0.1:8080/jobs/{jobId}/status?again={jobId}'])(
      'accepts a status URL template with {jobId} in the path or the query: %s',
      (statusUrlTemplate) => {
        expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...HMAC, statusUrlTemplate } as unknown as Record<string, unknown> })).not.toThrow();
      },
    );

    it('accepts a timestamp header and a tolerance with {timestamp} in the template, and neither without it', () => {
      const auth = (a: Record<string, unknown>) => () => createAdapter({ id: 'acme', kind: 'custom', options: { ...HMAC, auth: { type: 'hmac', signatureHeader: 'x-sig', ...a } } as unknown as Record<string, unknown> });
      expect(auth({ timestampHeader: 'x-ts', template: '{timestamp}.{body}', toleranceSeconds: 60 })).not.toThrow();
      expect(auth({ template: 'v0:{body}' })).not.toThrow();
      expect(auth({})).not.toThrow();
    });
  });

  describe('status API from statusUrlTemplate', () => {
    const api = hmacAdapter.statusApi!;
    it('is absent without a statusUrlTemplate', () => {
      expect(customAdapter({ ...HMAC, statusUrlTemplate: undefined }, 'acme').statusApi).toBeUndefined();
    });
    it("defaults to the template's origin as the base URL", () => {
      expect(api.defaultBaseUrl).toBe('https://api.acme.example');
    });
    it('fills in the encoded job id, keeps path and query, and sends "Authorization: Bearer <key>" by default', () => {
      expect(api.request('job 78/a', { baseUrl: 'https://api.acme.example', apiKey: 'acme_api_k' })).toEqual({
        url: 'https://api.acme.example/v1/jobs/job%2078%2Fa?expand=result',
        headers: { accept: 'application/json', authorization: 'Bearer acme_api_k' },
      });
    });
    it('honours a configured base URL, key header and prefix, and sends no key header without a key', () => {
      const custom = customAdapter({ ...HMAC, apiKeyHeader: 'X-Api-Key', apiKeyPrefix: '' }, 'acme').statusApi!;
      expect(custom.request('78', { baseUrl: 'http://127.0.0.1:4010', apiKey: 'k' })).toEqual({ url: 'http://127.0.0.1:4010/v1/jobs/78?expand=result', headers: { accept: 'application/json', 'x-api-key': 'k' } });
      expect(custom.request('78', { baseUrl: 'http://127.0.0.1:4010', apiKey: undefined }).headers).toEqual({ accept: 'application/json' });
    });
    it('parses an answer with the webhook paths', () => {
      expect(api.parse('77', fixtureJson('generic-acme-done'), { baseUrl: 'x', apiKey: undefined })).toEqual({
        kind: 'status',
        fields: {
          jobId: '77',
          status: 'succeeded',
          progress: 1,
          stage: 'encode',
          outputUrl: 'https://cdn.acme.example/renders/77.mp4',
          media: null,
          error: null,
          vendorEventType: 'job.updated',
          vendorStatus: 'done',
          occurredAtMs: Date.parse('2026-04-02T10:00:00Z'),
          raw: fixtureJson('generic-acme-done'),
        },
      });
    });
    it('parses an answer with statusPaths when they are given, the asked id standing in for a missing one', () => {
      const own = customAdapter({ ...HMAC, statusPaths: { jobId: 'id', status: 'state', outputUrl: 'links.video' } }, 'acme').statusApi!;
      const answer = { state: 'done', links: { video: 'https://cdn.acme.example/renders/78.mp4' } };
      expect(own.parse('78', answer, { baseUrl: 'x', apiKey: undefined })).toEqual({
        kind: 'status',
        fields: { jobId: '78', status: 'succeeded', progress: 1, stage: null, outputUrl: 'https://cdn.acme.example/renders/78.mp4', media: null, error: null, vendorEventType: null, vendorStatus: 'done', occurredAtMs: null, raw: answer },
      });
    });
    it.each([
      ['an array', []],
      ['null', null],
      ['no status', { data: { job: { id: 77 } } }],
      ['an unmapped status', { data: { job: { id: 77, state: 'paused' } } }],
    ])('answers invalid for %s', (_what, body) => {
      expect(api.parse('77', body, { baseUrl: 'x', apiKey: undefined })).toEqual({ kind: 'invalid', reason: expect.any(String) });
    });
  });
});
