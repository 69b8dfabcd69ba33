/**
 * An unsigned callback is a hint: its body is never trusted. A callback for a registered job makes
 * that job due at once (one conditional UpdateItem on its item), the poller's next run asks the
 * vendor's status API and publishes only what the API says (`receivedVia: "callback"`); a callback
 * for a job the app never registered, or a flood of callbacks, costs a bounded number of status
 * requests: per registered job at most one per HINT_INTERVAL, per unknown job none.
 * On the emulators, with a fake status API on 127.0.0.1 and a ManualClock.
 */
import { buildPoller } from '../../lambda/composition/poller';
import { DEFAULTS, type PollerVendorConfig, type VendorRuntimeConfig } from '../../lambda/contract/deployment';
import { rawRequest } from '../../lambda/core/http';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { pollOnce, type PollerDeps } from '../../lambda/poller/poller';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { parseVideoJobEvent } from '../../lambda/runtime/parse-event';
import { createAdapter } from '../../lambda/vendors/registry';
import { sampleJobId, samplePayload, sampleQuery, signRequest } from '../../lambda/vendors/samples';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { drainEvents, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';
import { startFakeStatusApi, type FakeStatusApi } from '../support/fake-status-api';

const TOKEN = 'cb-token-9f8e7d6c5b4a39281706';
const HINT_INTERVAL_MS = DEFAULTS.hintIntervalSeconds * 1000;

describe('an unsigned callback is a hint, answered by the status API (emulators, fake status API on 127.0.0.1)', () => {
  let backend: TestBackend;
  let clock: ManualClock;
  let api: FakeStatusApi;
  let telemetry: CountingTelemetry;
  let webhook: WebhookDeps;
  let poller: PollerDeps;
  let jobs: JobRegistry;

  const vendor = (baseUrl: string): VendorRuntimeConfig => ({
    id: 'acme',
    kind: 'custom',
    options: {
      auth: { type: 'unsigned-hint' },
      paths: { jobId: 'id', status: 'state', outputUrl: 'assets.video' },
      statusMap: { queued: 'queued', dreaming: 'processing', completed: 'succeeded', failed: 'failed' },
      statusUrlTemplate: `${baseUrl}/v1/generations/{jobId}`,
    },
  });
  const callback = (body: unknown, token: string | null = TOKEN) =>
    handleWebhook('acme', rawRequest({ 'content-type': 'application/json' }, JSON.stringify(body), false, token === null ? {} : { token }), webhook);
  const run = () => pollOnce(poller, { deadlineMs: clock.now() + 20_000 });

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new ManualClock();
    api = await startFakeStatusApi(/^\/v1\/generations\/([^/]+)$/);
    telemetry = new CountingTelemetry(true);
    const config = vendor(api.baseUrl);
    const adapter = createAdapter(config);
    webhook = {
      ...backend,
      clock,
      telemetry,
      config: TEST_DELIVERY_CONFIG,
      adapters: new Map([['acme', adapter]]),
      secrets: new StaticSecretSource({ acme: [TOKEN] }),
      secretIdFor: (id) => id,
      maxBodyBytes: DEFAULTS.maxBodyBytes,
    };
    const pollerConfig: PollerVendorConfig = { vendor: config, apiKeySecretArn: undefined, statusApiBaseUrl: undefined, requestsPerMinute: 600, pollingEnabled: true, requestTimeoutMs: 2000, allowInsecureStatusApi: true };
    poller = buildPoller([pollerConfig], { ...backend, secrets: new StaticSecretSource({}), clock, telemetry, createAdapter }, TEST_DELIVERY_CONFIG, 4);
    jobs = new JobRegistry(backend.store, { staleAfterSeconds: TEST_DELIVERY_CONFIG.staleAfterMs / 1000 }, clock);
  });
  afterEach(() => api.close());

  it('never makes an event of a forged terminal callback: the status API says dreaming, so only that is queued, received via callback', async () => {
    await jobs.register('acme', 'gen-1');
    api.jobs.set('gen-1', { id: 'gen-1', state: 'dreaming' });
    const forged = await callback({ id: 'gen-1', state: 'completed', assets: { video: 'https://evil.example/x.mp4' } });
    expect(forged).toMatchObject({ statusCode: 200, body: { accepted: true, check: 'scheduled' } });
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]); // nothing from the body itself

    // The job was registered a moment ago, so without the hint the poller would leave it for staleAfter.
    const summary = await run();
    expect(summary).toMatchObject({ polled: 1, requests: 1, hits: 1 });
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => [e.type, e.data.receivedVia, e.data.outputUrl])).toEqual([['video.job.processing', 'callback', null]]);

    // The vendor's status turns final; its real callback (any body) makes the next run publish it.
    api.jobs.set('gen-1', { id: 'gen-1', state: 'completed', assets: { video: 'https://cdn.acme.example/gen-1.mp4' } });
    clock.advance(HINT_INTERVAL_MS);
    expect((await callback({ id: 'gen-1' })).statusCode).toBe(200);
    await run();
    const final = await drainEvents(backend.sqs, backend.queueUrl);
    expect(final.map((e) => [e.type, e.data.receivedVia, e.data.outputUrl])).toEqual([['video.job.succeeded', 'callback', 'https://cdn.acme.example/gen-1.mp4']]);
  });

  it('answers 202 for a job nobody registered and asks the status API nothing about it', async () => {
    api.jobs.set('gen-x', { id: 'gen-x', state: 'completed' });
    const answer = await callback({ id: 'gen-x', state: 'completed' });
    expect(answer).toMatchObject({ statusCode: 202, body: { accepted: true, ignored: true }, result: { kind: 'hinted', outcome: 'unknown_job' } });
    for (let minute = 0; minute < 5; minute++) {
      await run();
      clock.advance(60_000);
    }
    expect(api.requests).toHaveLength(0);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]);
  });

  it('bounds a flood: per registered job one status request per hint interval, none for unknown ones, whatever the number of callbacks', async () => {
    await jobs.register('acme', 'gen-2');
    api.jobs.set('gen-2', { id: 'gen-2', state: 'dreaming' });
    const minutes = 5;
    for (let minute = 0; minute < minutes; minute++) {
      const answers = await Promise.all([
        ...Array.from({ length: 30 }, () => callback({ id: 'gen-2', state: 'completed' })),
        ...Array.from({ length: 30 }, (_, i) => callback({ id: `unknown-${minute}-${i}` })),
      ]);
      expect(answers.slice(0, 30).filter((a) => a.result.kind === 'hinted' && a.result.outcome === 'scheduled')).toHaveLength(1);
      expect(answers.slice(30).every((a) => a.statusCode === 202)).toBe(true);
      await run();
      clock.advance(HINT_INTERVAL_MS);
    }
    // 300 callbacks: 5 status requests (one per interval), all for the registered job.
    expect(api.requests.map((r) => r.jobId)).toEqual(Array(minutes).fill('gen-2'));
  });

  it('answers 401 without the token in the URL, and records nothing', async () => {
    await jobs.register('acme', 'gen-3');
    expect((await callback({ id: 'gen-3' }, null)).statusCode).toBe(401);
    expect((await callback({ id: 'gen-3' }, 'wrong')).statusCode).toBe(401);
    expect((await backend.store.get('acme', 'gen-3'))?.hintedAtMs).toBeUndefined();
    await run();
    expect(api.requests).toHaveLength(0);
  });

  it('answers 202 ignored for a callback that names no job, and 200 for a job that is final, without asking the status API', async () => {
    expect(await callback({ nothing: true })).toMatchObject({ statusCode: 202, body: { accepted: true, ignored: true } });
    expect((await handleWebhook('acme', rawRequest({}, 'not json', false, { token: TOKEN }), webhook)).statusCode).toBe(202);

    await jobs.register('acme', 'gen-4');
    api.jobs.set('gen-4', { id: 'gen-4', state: 'failed' });
    expect((await callback({ id: 'gen-4' })).statusCode).toBe(200);
    await run();
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.type)).toEqual(['video.job.failed']);
    clock.advance(HINT_INTERVAL_MS);
    expect(await callback({ id: 'gen-4' })).toMatchObject({ statusCode: 200, result: { kind: 'hinted', outcome: 'job_final' } });
    await run();
    expect(api.asked('gen-4')).toBe(1);
  });
});

describe('the built-in unsigned vendors end to end: a forged terminal callback never becomes an event (emulators, fake status APIs)', () => {
  const cases = [
    { vendor: 'luma', route: /^\/dream-machine\/v1\/generations\/([^/]+)$/, running: (id: string) => ({ id, state: 'dreaming', assets: {} }), forged: 'completed' as const, key: (h: Record<string, unknown>) => h.authorization === 'Bearer luma-key' },
    { vendor: 'heygen', route: /^\/v3\/videos\/([^/]+)$/, running: (id: string) => ({ data: { id, status: 'processing' } }), forged: 'completed' as const, key: (h: Record<string, unknown>) => h['x-api-key'] === 'heygen-key' },
    { vendor: 'tavus', route: /^\/v2\/videos\/([^/]+)$/, running: (id: string) => ({ video_id: id, status: 'generating', generation_progress: '10/100' }), forged: 'completed' as const, key: (h: Record<string, unknown>) => h['x-api-key'] === 'tavus-key' },
  ];

  it.each(cases)('$vendor: the status API says still running, so nothing terminal is queued; only its answer, received via callback', async ({ vendor, route, running, forged, key }) => {
    const backend = await freshBackend();
    const clock = new ManualClock();
    const api = await startFakeStatusApi(route, key);
    try {
      const config: VendorRuntimeConfig = { id: vendor, kind: vendor, options: {} };
      const telemetry = new CountingTelemetry();
      const deps: WebhookDeps = { ...backend, clock, telemetry, config: TEST_DELIVERY_CONFIG, adapters: new Map([[vendor, createAdapter(config)]]), secrets: new StaticSecretSource({ [vendor]: [TOKEN] }), secretIdFor: (id) => id, maxBodyBytes: DEFAULTS.maxBodyBytes };
      const poller = buildPoller(
        [{ vendor: config, apiKeySecretArn: 'key', statusApiBaseUrl: api.baseUrl, requestsPerMinute: 600, pollingEnabled: true, requestTimeoutMs: 2000, allowInsecureStatusApi: true }],
        { ...backend, secrets: new StaticSecretSource({ key: [`${vendor}-key`] }), clock, telemetry, createAdapter },
        TEST_DELIVERY_CONFIG,
        4,
      );
      const jobId = sampleJobId(vendor, 7);
      await new JobRegistry(backend.store, {}, clock).register(vendor, jobId);
      api.jobs.set(jobId, running(jobId));
      // The vendor's own completed sample, its token right: still only a hint.
      const body = JSON.stringify(samplePayload(vendor, forged, jobId, clock.now()));
      const answer = await handleWebhook(vendor, rawRequest(signRequest(vendor, body, TOKEN, clock.now()), body, false, sampleQuery(vendor, TOKEN)), deps);
      expect(answer.statusCode).toBe(200);
      await pollOnce(poller, { deadlineMs: clock.now() + 20_000 });
      const events = await drainEvents(backend.sqs, backend.queueUrl);
      expect(events.map((e) => [e.type, e.data.terminal, e.data.receivedVia])).toEqual([['video.job.processing', false, 'callback']]);
      expect(api.asked(jobId)).toBe(1);
      for (const e of events) expect(parseVideoJobEvent(e).id).toBe(e.id);
    } finally {
      await api.close();
    }
  });
});
