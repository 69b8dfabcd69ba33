import { createAdapter } from '../../lambda/vendors/registry';
import { genericAdapter, type GenericOptions } from '../../lambda/vendors/generic';
import { samplePayload, signRequest, UnsupportedSampleError, VENDOR_EVENTS } from '../../lambda/vendors/samples';
import { hmacBase64, hmacHex, NOW_MS, NOW_S, request } from './support';

const SECRET = 'acme_secret';
const base: GenericOptions = {
  auth: { type: 'hmac', signatureHeader: 'X-Acme-Signature', timestampHeader: 'X-Acme-Timestamp', template: '{timestamp}.{body}', toleranceSeconds: 300 },
  paths: { jobId: 'data.job.id', status: 'data.job.state', errorMessage: 'data.job.error.message', errorCode: 'data.job.error.code', outputUrl: 'data.job.result.url', progress: 'data.job.progress', time: 'created_at', eventType: 'type', stage: 'data.job.steps.0.name' },
  statusMap: { rendering: 'processing', done: 'succeeded', error: 'failed' },
  statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}?expand=result',
};
const body = JSON.stringify({ type: 'job.updated', created_at: '2026-04-02T10:00:00Z', data: { job: { id: 77, state: 'done', progress: 1, result: { url: 'https://acme/o.mp4' }, steps: [{ name: 'encode' }] } } });
const OK = { ok: true as const, timestampMs: null };

describe('generic adapter', () => {
  it('verifies hex HMAC over "{timestamp}.{body}" with the timestamp header, within tolerance', () => {
    const adapter = genericAdapter(base, 'acme');
    const req = request({ 'x-acme-timestamp': String(NOW_S), 'x-acme-signature': hmacHex(SECRET, `${NOW_S}.${body}`) }, body);
    expect(adapter.authenticate(req, [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    const stale = request({ 'x-acme-timestamp': String(NOW_S - 301), 'x-acme-signature': hmacHex(SECRET, `${NOW_S - 301}.${body}`) }, body);
    expect(adapter.authenticate(stale, [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(adapter.authenticate(request({ 'x-acme-timestamp': String(NOW_S), 'x-acme-signature': hmacHex('x', `${NOW_S}.${body}`) }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(adapter.authenticate(request({ 'x-acme-signature': hmacHex(SECRET, body) }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('verifies base64 HMAC over "{body}" behind a "sha256=" prefix', () => {
    const adapter = genericAdapter({ ...base, auth: { type: 'hmac', signatureHeader: 'x-hub-signature-256', encoding: 'base64', signaturePrefix: 'sha256=' } }, 'hub');
    expect(adapter.authenticate(request({ 'x-hub-signature-256': `sha256=${hmacBase64(SECRET, body)}` }, body), [SECRET], NOW_MS).ok).toBe(true);
    expect(adapter.authenticate(request({ 'x-hub-signature-256': hmacBase64(SECRET, body) }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it('verifies a bearer key', () => {
    const adapter = genericAdapter({ ...base, auth: { type: 'bearer' } }, 'keyed');
    expect(adapter.authenticate(request({ authorization: `Bearer ${SECRET}` }, body), [SECRET], NOW_MS).ok).toBe(true);
    expect(adapter.authenticate(request({ authorization: 'Bearer nope' }, body), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_key' });
  });

  it('reads fields by dotted JSON path (array indexes too) and maps the status through the status map', () => {
    expect(genericAdapter(base, 'acme').normalize(request({}, body), OK)).toEqual({
      kind: 'event',
      fields: {
        jobId: '77',
        status: 'succeeded',
        progress: 1,
        stage: 'encode',
        outputUrl: 'https://acme/o.mp4',
        media: null,
        error: null,
        vendorEventType: 'job.updated',
        vendorStatus: 'done',
        occurredAtMs: Date.parse('2026-04-02T10:00:00Z'),
        raw: JSON.parse(body),
      },
    });
    const failed = body.replace('"done"', '"error"').replace('"progress":1', '"progress":0.5,"error":{"message":"bad","code":"E42"}');
    expect(genericAdapter(base, 'acme').normalize(request({}, failed), OK)).toMatchObject({ fields: { status: 'failed', error: { message: 'bad', code: 'E42' } } });
  });

  it('quarantines a status that is not in the status map instead of guessing', () => {
    expect(genericAdapter(base, 'acme').normalize(request({}, body.replace('"done"', '"paused"')), OK)).toEqual({ kind: 'invalid', reason: 'status "paused" is not in the status map' });
  });

  it('builds status requests from the URL template against an overridable base URL, and parses answers', () => {
    const api = genericAdapter(base, 'acme').statusApi!;
    expect(api.defaultBaseUrl).toBe('https://api.acme.example');
    expect(api.request('a b', { baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })).toEqual({ url: 'http://127.0.0.1:9/v1/jobs/a%20b?expand=result', headers: { accept: 'application/json', authorization: 'Bearer k' } });
    expect(api.parse('77', JSON.parse(body), { baseUrl: 'x', apiKey: undefined })).toMatchObject({ kind: 'status', fields: { jobId: '77', status: 'succeeded' } });
    expect(api.parse('77', [], { baseUrl: 'x', apiKey: undefined }).kind).toBe('invalid');
  });

  it('refuses bad options at creation with a message that says what to fix', () => {
    expect(() => genericAdapter({ ...base, auth: { type: 'hmac', signatureHeader: 'x', template: '{timestamp}.{body}' } }, 'acme')).toThrow('generic vendor acme: auth.template uses {timestamp}: set auth.timestampHeader');
    expect(() => genericAdapter({ ...base, statusMap: { done: 'finished' as never } }, 'acme')).toThrow('statusMap.done is finished: use one of queued, processing, succeeded, failed, cancelled, expired');
    expect(() => genericAdapter({ ...base, statusUrlTemplate: 'https://x/jobs' }, 'acme')).toThrow('statusUrlTemplate must contain {jobId}');
    expect(() => genericAdapter({ ...base, paths: { jobId: '', status: 's' } }, 'acme')).toThrow('paths.jobId and paths.status are required');
  });
});

describe('vendor registry', () => {
  it.each(['sync', 'lipdub', 'viralsync', 'synthesia'] as const)('creates the %s adapter under the configured id', (kind) => {
    const adapter = createAdapter({ id: `${kind}-eu`, kind, options: {} });
    expect(adapter.id).toBe(`${kind}-eu`);
    expect(adapter.statusApi).toBeDefined();
  });
  it('creates a generic adapter from options and refuses an unknown kind', () => {
    expect(createAdapter({ id: 'acme', kind: 'generic', options: base as unknown as Record<string, unknown> }).id).toBe('acme');
    expect(() => createAdapter({ id: 'x', kind: 'heygen' as never, options: {} })).toThrow('unknown vendor kind "heygen": use one of sync, lipdub, viralsync, synthesia, generic');
  });
});

describe('samples for `video-webhooks send`', () => {
  it('signs exactly as each vendor does (checked against signatures computed here)', () => {
    const b = '{"a":1}';
    expect(signRequest('sync', b, 'whsec_x', NOW_MS)['sync-signature']).toBe(`t=${NOW_S},v1=${hmacHex('whsec_x', `${NOW_S}.${b}`)}`);
    expect(signRequest('viralsync', b, 's', NOW_MS)['x-render-signature']).toBe(hmacHex('s', b));
    expect(signRequest('synthesia', b, 's', NOW_MS)).toMatchObject({ 'synthesia-timestamp': String(NOW_S), 'synthesia-signature': hmacHex('s', `${NOW_S}.${b}`) });
    expect(signRequest('lipdub', '{"event_type":"X"}', 'k', NOW_MS)).toMatchObject({ authorization: 'Bearer k', 'x-lipdub-event': 'X' });
  });

  it.each(Object.entries(VENDOR_EVENTS).flatMap(([vendor, events]) => events.map((e) => [vendor, e] as const)))('builds a %s %s sample that authenticates and normalizes', (vendor, event) => {
    const adapter = createAdapter({ id: vendor, kind: vendor as 'sync', options: {} });
    const payload = JSON.stringify(samplePayload(vendor as 'sync', event, vendor === 'lipdub' ? '4821' : 'job_1', NOW_MS));
    const req = request(signRequest(vendor as 'sync', payload, 'secret', NOW_MS), payload);
    const auth = adapter.authenticate(req, ['secret'], NOW_MS);
    expect(auth.ok).toBe(true);
    const expected = { created: 'processing', progress: 'processing', completed: 'succeeded', failed: 'failed', cancelled: 'cancelled' }[event];
    expect(adapter.normalize(req, auth as { ok: true; timestampMs: number | null })).toMatchObject({ kind: 'event', fields: { status: expected } });
  });

  it('refuses an event the vendor does not send', () => {
    expect(() => samplePayload('sync', 'progress', 'j', NOW_MS)).toThrow(UnsupportedSampleError);
    expect(() => samplePayload('lipdub', 'cancelled', 'j', NOW_MS)).toThrow('lipdub has no cancelled webhook; it sends: progress, completed, failed');
  });
});
