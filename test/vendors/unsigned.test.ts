/**
 * The vendors that cannot be trusted or do not call back: Luma, HeyGen and Tavus send unsigned
 * callbacks (each a hint: only its job id is read, after the callback URL's token), Runway sends
 * none (poll only). Their status APIs make the events: the answers below are typed by the vendors'
 * official SDKs where there is one (`lumaai`'s `Generation`, `@runwayml/sdk`'s
 * `TaskRetrieveResponse`), so a field or status the SDK does not have fails the type check, and a
 * status the SDK has but the adapter does not map fails here. Every event built from them validates
 * against the published schema.
 */
import type { TaskRetrieveResponse } from '@runwayml/sdk/resources/tasks';
import type { Generation } from 'lumaai/resources/generations/generations';
import type { StatusParseResult, StatusRequestContext, VendorAdapter } from '../../lambda/core/adapter';
import { buildEvent, eventJson } from '../../lambda/core/event';
import { parseVideoJobEvent } from '../../lambda/runtime/parse-event';
import { HEYGEN_STATUSES } from '../../lambda/vendors/heygen';
import { LUMA_STATES } from '../../lambda/vendors/luma';
import { createAdapter } from '../../lambda/vendors/registry';
import { RUNWAY_STATUSES } from '../../lambda/vendors/runway';
import { samplePayload, sampleQuery, UnsupportedSampleError } from '../../lambda/vendors/samples';
import { TAVUS_STATUSES } from '../../lambda/vendors/tavus';
import { NOW_MS, request } from './support';
import { rawRequest } from '../../lambda/core/http';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { MemoryEventQueue, MemoryJobStore, MemoryQuarantineQueue } from '../../local/adapters/memory';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { TEST_DELIVERY_CONFIG } from '../support/emulators';

const adapter = (id: string): VendorAdapter => createAdapter({ id, kind: id, options: {} });
const CTX: StatusRequestContext = { baseUrl: 'https://api.example.test', apiKey: 'key-123' };

function parsed(vendor: string, jobId: string, answer: unknown): Extract<StatusParseResult, { kind: 'status' }>['fields'] {
  const result = adapter(vendor).statusApi!.parse(jobId, answer, CTX);
  if (result.kind !== 'status') throw new Error(`${vendor}: ${JSON.stringify(result)}`);
  // Built as the poller builds it, the event is valid against the schema consumers check it with.
  const event = buildEvent(result.fields, { vendor, receivedVia: 'callback', receivedAtMs: NOW_MS });
  expect(parseVideoJobEvent(eventJson(event)).data.status).toBe(result.fields.status);
  return result.fields;
}

describe('unsigned callbacks are hints: the token in the URL, then only the job id', () => {
  it.each([
    ['luma', 'progress', 'gen-7f3a'],
    ['luma', 'completed', 'gen-7f3a'],
    ['luma', 'failed', 'gen-7f3a'],
    ['heygen', 'completed', 'vid123'],
    ['heygen', 'failed', 'vid123'],
    ['tavus', 'completed', 'e2c4a8b1'],
    ['tavus', 'failed', 'e2c4a8b1'],
  ] as const)('%s %s: with the token it is a hint naming the job, never an event; without it, refused', (vendor, event, jobId) => {
    const a = adapter(vendor);
    expect(a.reports).toBe('hint');
    const body = JSON.stringify(samplePayload(vendor, event, jobId, NOW_MS));
    const query = sampleQuery(vendor, 'tok-secret');
    expect(query).toEqual({ token: 'tok-secret' });
    const req = { ...request({ 'content-type': 'application/json' }, body), query };
    const auth = a.authenticate(req, ['tok-secret'], NOW_MS);
    expect(auth).toEqual({ ok: true, timestampMs: null });
    const hint = a.normalize(req, { ok: true, timestampMs: null });
    expect(hint).toMatchObject({ kind: 'hint', jobId });
    expect(a.authenticate({ ...req, query: { token: 'tok-wrong' } }, ['tok-secret'], NOW_MS)).toEqual({ ok: false, reason: 'bad_key' });
    expect(a.authenticate(request({}, body), ['tok-secret'], NOW_MS)).toEqual({ ok: false, reason: 'missing_key' });
    // Rotation: either of two tokens.
    expect(a.authenticate(req, ['tok-old', 'tok-secret'], NOW_MS).ok).toBe(true);
  });

  it('ignores a callback that names no job or is not JSON (never quarantined: it is no report)', () => {
    for (const vendor of ['luma', 'heygen', 'tavus']) {
      const a = adapter(vendor);
      expect(a.normalize(request({}, '{"state":"completed"}'), { ok: true, timestampMs: null })).toMatchObject({ kind: 'ignored' });
      expect(a.normalize(request({}, 'not json'), { ok: true, timestampMs: null })).toMatchObject({ kind: 'ignored' });
    }
  });

  it('Runway sends none: poll only, no sample to send', () => {
    expect(adapter('runway').reports).toBe('poll');
    expect(() => samplePayload('runway', 'completed', 't', NOW_MS)).toThrow(UnsupportedSampleError);
    expect(() => samplePayload('runway', 'completed', 't', NOW_MS)).toThrow('runway sends no webhooks: it is polled');
  });
});

describe('an unsigned callback is never quarantined, however bad its body (the verifier core, memory ports)', () => {
  it.each(['luma', 'heygen', 'tavus'])('%s: a body nested deeper than 64 levels, token right, is answered 202 ignored and kept nowhere', async (vendor) => {
    const queue = new MemoryEventQueue();
    const quarantine = new MemoryQuarantineQueue();
    const deps: WebhookDeps = {
      adapters: new Map([[vendor, adapter(vendor)]]),
      store: new MemoryJobStore(),
      queue,
      quarantine,
      secrets: new StaticSecretSource({ [vendor]: ['tok-secret'] }),
      secretIdFor: (v) => v,
      clock: { now: () => NOW_MS, sleep: async () => undefined },
      telemetry: new CountingTelemetry(),
      config: TEST_DELIVERY_CONFIG,
      maxBodyBytes: 256 * 1024,
    };
    for (const body of [`{"id":"gen-1","video_id":"gen-1","x":${'['.repeat(70)}${']'.repeat(70)}}`, '{'.repeat(100)]) {
      const answer = await handleWebhook(vendor, rawRequest({ 'content-type': 'application/json' }, body, false, { token: 'tok-secret' }), deps);
      expect([answer.statusCode, answer.result.kind]).toEqual([202, 'ignored']);
    }
    expect(quarantine.messages).toEqual([]);
    expect(queue.events).toEqual([]);
  });
});

describe('Luma: GET /dream-machine/v1/generations/{id}, Authorization: Bearer (lumaai types)', () => {
  it('asks the documented URL with the key', () => {
    expect(adapter('luma').statusApi!.request('gen 1', CTX)).toEqual({ url: 'https://api.example.test/dream-machine/v1/generations/gen%201', headers: { accept: 'application/json', authorization: 'Bearer key-123' } });
    expect(adapter('luma').statusApi!.defaultBaseUrl).toBe('https://api.lumalabs.ai');
  });

  it('maps every state the SDK has', () => {
    const states: Record<NonNullable<Generation['state']>, true> = { queued: true, dreaming: true, completed: true, failed: true };
    expect(Object.keys(LUMA_STATES).sort()).toEqual(Object.keys(states).sort());
  });

  it('reads a completed video generation, a dreaming one and a failed one', () => {
    const completed: Generation = {
      id: 'gen-1',
      generation_type: 'video',
      state: 'completed',
      created_at: '2026-05-01T10:00:00.000Z',
      model: 'ray-2',
      assets: { video: 'https://storage.cdn-luma.com/gen-1/video.mp4', image: 'https://storage.cdn-luma.com/gen-1/thumb.jpg' },
      request: { generation_type: 'video', model: 'ray-2', prompt: 'a teddy bear' },
    };
    expect(parsed('luma', 'gen-1', completed)).toMatchObject({
      jobId: 'gen-1',
      status: 'succeeded',
      progress: 1,
      outputUrl: 'https://storage.cdn-luma.com/gen-1/video.mp4',
      media: { thumbnailUrl: 'https://storage.cdn-luma.com/gen-1/thumb.jpg' },
      vendorStatus: 'completed',
      error: null,
    });
    const dreaming: Generation = { id: 'gen-1', state: 'dreaming', assets: { progress_video: 'https://storage.cdn-luma.com/gen-1/p.mp4' } };
    expect(parsed('luma', 'gen-1', dreaming)).toMatchObject({ status: 'processing', outputUrl: null, progress: null });
    const failed: Generation = { id: 'gen-1', state: 'failed', failure_reason: 'prompt flagged' };
    expect(parsed('luma', 'gen-1', failed)).toMatchObject({ status: 'failed', error: { message: 'prompt flagged', code: null } });
    const image: Generation = { id: 'img-1', generation_type: 'image', state: 'completed', assets: { image: 'https://storage.cdn-luma.com/img-1.jpg' } };
    expect(parsed('luma', 'img-1', image)).toMatchObject({ outputUrl: 'https://storage.cdn-luma.com/img-1.jpg', media: null });
  });

  it('refuses an unknown state', () => {
    expect(adapter('luma').statusApi!.parse('g', { id: 'g', state: 'paused' }, CTX)).toMatchObject({ kind: 'invalid' });
  });
});

describe('Runway: GET /v1/tasks/{id}, Authorization: Bearer, X-Runway-Version (@runwayml/sdk types)', () => {
  it('asks the documented URL with the key and the API version', () => {
    expect(adapter('runway').statusApi!.request('t-1', CTX)).toEqual({
      url: 'https://api.example.test/v1/tasks/t-1',
      headers: { accept: 'application/json', 'x-runway-version': '2024-11-06', authorization: 'Bearer key-123' },
    });
    expect(createAdapter({ id: 'runway', kind: 'runway', options: { runwayVersion: '2025-01-01' } }).statusApi!.request('t', CTX).headers['x-runway-version']).toBe('2025-01-01');
    expect(adapter('runway').statusApi!.defaultBaseUrl).toBe('https://api.dev.runwayml.com');
  });

  it('maps every status the SDK has', () => {
    const statuses: Record<TaskRetrieveResponse['status'], true> = { PENDING: true, THROTTLED: true, RUNNING: true, SUCCEEDED: true, FAILED: true, CANCELLED: true };
    expect(Object.keys(RUNWAY_STATUSES).sort()).toEqual(Object.keys(statuses).sort());
  });

  it('reads each status of a task', () => {
    const createdAt = '2026-05-01T10:00:00.000Z';
    const answers: Array<[TaskRetrieveResponse, object]> = [
      [{ id: 't-1', createdAt, status: 'PENDING', estimatedCost: { credits: 50 } } as TaskRetrieveResponse, { status: 'queued', stage: null }],
      [{ id: 't-1', createdAt, status: 'THROTTLED', estimatedCost: { credits: 50 } } as TaskRetrieveResponse, { status: 'queued', stage: 'throttled' }],
      [{ id: 't-1', createdAt, status: 'RUNNING', progress: 0.42, estimatedCost: { credits: 50 } } as TaskRetrieveResponse, { status: 'processing', progress: 0.42 }],
      [{ id: 't-1', createdAt, status: 'SUCCEEDED', cost: { credits: 50 }, output: ['https://cdn.runway.example/t-1.mp4'] } as TaskRetrieveResponse, { status: 'succeeded', outputUrl: 'https://cdn.runway.example/t-1.mp4', progress: 1 }],
      [{ id: 't-1', createdAt, status: 'FAILED', cost: { credits: 0 }, failure: 'bad input image', failureCode: 'INPUT_PREPROCESSING.SAFETY.INPUT.TEXT' } as TaskRetrieveResponse, { status: 'failed', error: { message: 'bad input image', code: 'INPUT_PREPROCESSING.SAFETY.INPUT.TEXT' } }],
      [{ id: 't-1', createdAt, status: 'CANCELLED', cost: { credits: 0 } } as TaskRetrieveResponse, { status: 'cancelled' }],
    ];
    for (const [answer, expected] of answers) expect(parsed('runway', 't-1', answer)).toMatchObject({ jobId: 't-1', vendorStatus: answer.status, ...expected });
  });
});

describe('HeyGen: GET /v3/videos/{video_id}, X-Api-Key', () => {
  it('asks the documented URL with the key, and maps the v3 statuses (and the create answer\'s waiting)', () => {
    expect(adapter('heygen').statusApi!.request('abc', CTX)).toEqual({ url: 'https://api.example.test/v3/videos/abc', headers: { accept: 'application/json', 'x-api-key': 'key-123' } });
    expect(Object.keys(HEYGEN_STATUSES).sort()).toEqual(['completed', 'failed', 'pending', 'processing', 'waiting']);
  });

  it('reads a completed video and a failed one', () => {
    const done = { data: { id: 'abc', status: 'completed', video_url: 'https://files.heygen.ai/abc.mp4', thumbnail_url: 'https://files.heygen.ai/abc.jpg', subtitle_url: 'https://files.heygen.ai/abc.srt', duration: 12.5, created_at: 1777700000, completed_at: 1777700300 } };
    expect(parsed('heygen', 'abc', done)).toMatchObject({
      status: 'succeeded',
      outputUrl: 'https://files.heygen.ai/abc.mp4',
      media: { durationSeconds: 12.5, thumbnailUrl: 'https://files.heygen.ai/abc.jpg', captions: { srt: 'https://files.heygen.ai/abc.srt', vtt: null } },
      occurredAtMs: 1777700300000,
    });
    expect(parsed('heygen', 'abc', { data: { id: 'abc', status: 'failed', failure_code: 'AVATAR_NOT_FOUND', failure_message: 'avatar not found' } })).toMatchObject({ status: 'failed', error: { message: 'avatar not found', code: 'AVATAR_NOT_FOUND' } });
    expect(adapter('heygen').statusApi!.parse('abc', { error: 'x' }, CTX)).toMatchObject({ kind: 'invalid' });
  });
});

describe('Tavus: GET /v2/videos/{video_id}, x-api-key', () => {
  it('asks the documented URL with the key, and maps its five statuses', () => {
    expect(adapter('tavus').statusApi!.request('e2c4', CTX)).toEqual({ url: 'https://api.example.test/v2/videos/e2c4', headers: { accept: 'application/json', 'x-api-key': 'key-123' } });
    expect(Object.keys(TAVUS_STATUSES).sort()).toEqual(['deleted', 'error', 'generating', 'queued', 'ready']);
  });

  it('reads a ready video, a generating one with its progress, an error and a deleted one', () => {
    const ready = samplePayload('tavus', 'completed', 'e2c4', NOW_MS);
    expect(parsed('tavus', 'e2c4', ready)).toMatchObject({ status: 'succeeded', outputUrl: ready.download_url, progress: 1 });
    expect(parsed('tavus', 'e2c4', { video_id: 'e2c4', status: 'generating', generation_progress: '46/100' })).toMatchObject({ status: 'processing', progress: 0.46 });
    expect(parsed('tavus', 'e2c4', samplePayload('tavus', 'failed', 'e2c4', NOW_MS))).toMatchObject({ status: 'failed', error: { message: 'An error occurred while generating this video.' } });
    expect(parsed('tavus', 'e2c4', { video_id: 'e2c4', status: 'deleted' })).toMatchObject({ status: 'cancelled' });
  });
});
