/**
 * A poll-only vendor (no webhooks: `WebhookAuth.pollOnly()`, Runway): its jobs are registered by
 * the app and asked at the vendor's poll interval from their registration on, so that, with the
 * poller running every minute (the schedule the construct picks for such a vendor), a job's
 * terminal event reaches the queue within a minute of the vendor's status turning final. A fake
 * status API on 127.0.0.1, the emulators, a ManualClock that the test moves a minute per run.
 */
import { buildPoller } from '../../lambda/composition/poller';
import { DEFAULTS, type PollerVendorConfig, type VendorRuntimeConfig } from '../../lambda/contract/deployment';
import { rawRequest } from '../../lambda/core/http';
import { handleWebhook } from '../../lambda/core/webhook';
import { pollOnce, type PollerDeps } from '../../lambda/poller/poller';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { createAdapter } from '../../lambda/vendors/registry';
import { runwayManifest, runwayTask } from '../../lambda/vendors/runway';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { drainEvents, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';
import { startFakeStatusApi, type FakeStatusApi } from '../support/fake-status-api';

const SCHEDULE_MS = 60_000;

describe('a poll-only vendor: asked at its interval from registration on (emulators, fake status API on 127.0.0.1)', () => {
  let backend: TestBackend;
  let clock: ManualClock;
  let api: FakeStatusApi;
  let poller: PollerDeps;
  let jobs: JobRegistry;
  let config: VendorRuntimeConfig;

  const pollerOf = (requestsPerMinute: number, pollIntervalMs: number | undefined = DEFAULTS.pollOnlyIntervalSeconds * 1000) => {
    const vendor: PollerVendorConfig = { vendor: config, apiKeySecretArn: undefined, statusApiBaseUrl: undefined, requestsPerMinute, pollingEnabled: true, requestTimeoutMs: 2000, allowInsecureStatusApi: true, pollIntervalMs };
    return buildPoller([vendor], { ...backend, secrets: new StaticSecretSource({}), clock, telemetry: new CountingTelemetry(), createAdapter }, TEST_DELIVERY_CONFIG, 4);
  };
  /** One scheduled run at the clock's time; the run takes no time on the ManualClock but its rate waits. */
  const run = () => pollOnce(poller, { deadlineMs: clock.now() + 40_000 });

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new ManualClock();
    api = await startFakeStatusApi(/^\/v1\/tasks\/([^/]+)$/);
    config = {
      id: 'acme-poll',
      kind: 'custom',
      options: {
        auth: { type: 'poll-only' },
        paths: { jobId: 'id', status: 'status', progress: 'progress', outputUrl: 'output.0', errorMessage: 'failure' },
        statusMap: { PENDING: 'queued', THROTTLED: 'queued', RUNNING: 'processing', SUCCEEDED: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled' },
        statusUrlTemplate: `${api.baseUrl}/v1/tasks/{jobId}`,
      },
    };
    poller = pollerOf(600);
    jobs = new JobRegistry(backend.store, { staleAfterSeconds: TEST_DELIVERY_CONFIG.staleAfterMs / 1000 }, clock);
  });
  afterEach(() => api.close());

  it('queues the terminal event within a minute of the status turning final, at every offset of the final status between two runs', async () => {
    const latencies: number[] = [];
    for (const offsetS of [1, 17, 29, 31, 44, 59]) {
      const id = `task-${offsetS}`;
      await jobs.register('acme-poll', id);
      api.jobs.set(id, { id, status: 'PENDING' });
      const registeredAt = clock.now();
      let finalAt: number | undefined;
      let queuedAt: number | undefined;
      for (let minute = 0; minute < 6 && queuedAt === undefined; minute++) {
        // The status turns final between two runs, `offsetS` seconds after the run of minute 2.
        if (minute === 3) {
          finalAt = clock.now() - SCHEDULE_MS + offsetS * 1000;
          api.jobs.set(id, { id, status: 'SUCCEEDED', output: [`https://cdn.example/${id}.mp4`] });
        } else if (minute > 0 && minute < 3) {
          api.jobs.set(id, { id, status: 'RUNNING', progress: minute / 4 });
        }
        await run();
        const events = await drainEvents(backend.sqs, backend.queueUrl);
        // Registered at this run's instant: asked from one interval after registration on, so at the next run.
        if (minute === 0) expect(events).toEqual([]);
        if (minute === 1) expect(events.map((e) => [e.type, e.data.receivedVia])).toEqual([['video.job.processing', 'poll']]);
        if (events.some((e) => e.data.terminal)) queuedAt = clock.now();
        clock.advance(SCHEDULE_MS);
      }
      expect(registeredAt).toBeLessThanOrEqual(clock.now());
      expect(queuedAt).toBeDefined();
      latencies.push((queuedAt as number) - (finalAt as number));
    }
    // Final at 1 s to 59 s after a run: queued at the next run, 59 s to 1 s later.
    expect(latencies).toEqual([59_000, 43_000, 31_000, 29_000, 16_000, 1_000]);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(SCHEDULE_MS);
  });

  it('asks each job once per run with a 30 s interval and a 1-minute schedule, and the vendor rate holds across runs', async () => {
    poller = pollerOf(20);
    for (let i = 0; i < 10; i++) {
      await jobs.register('acme-poll', `t${i}`);
      api.jobs.set(`t${i}`, { id: `t${i}`, status: 'RUNNING', progress: 0.1 });
    }
    clock.advance(DEFAULTS.pollOnlyIntervalSeconds * 1000); // one interval after registration
    for (let minute = 0; minute < 5; minute++) {
      const start = clock.now();
      await run();
      // 20 requests a minute: the run's 10 requests take 27 s of the limiter's spacing (3 s apart).
      expect(clock.now() - start).toBeLessThan(SCHEDULE_MS);
      clock.ms = start + SCHEDULE_MS;
    }
    expect(api.requests).toHaveLength(50);
    for (let i = 0; i < 10; i++) expect(api.asked(`t${i}`)).toBe(5);
  });

  it('has no webhook route: a request to it is answered 404 and changes nothing', async () => {
    await jobs.register('acme-poll', 'task-r');
    const deps = { ...backend, clock, telemetry: new CountingTelemetry(), config: TEST_DELIVERY_CONFIG, adapters: new Map([['acme-poll', createAdapter(config)]]), secrets: new StaticSecretSource({}), secretIdFor: (id: string) => id, maxBodyBytes: 1024 };
    const answer = await handleWebhook('acme-poll', rawRequest({}, JSON.stringify({ id: 'task-r', status: 'SUCCEEDED' })), deps);
    expect(answer.statusCode).toBe(404);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]);
  });
});

describe('Runway, built in: poll only at 30 s, terminal event within a minute (emulators, fake status API on 127.0.0.1)', () => {
  it('asks GET /v1/tasks/{id} with its key and X-Runway-Version, and queues SUCCEEDED at the first run after it', async () => {
    const backend = await freshBackend();
    const clock = new ManualClock();
    const api = await startFakeStatusApi(/^\/v1\/tasks\/([^/]+)$/, (h) => h.authorization === 'Bearer rw-key' && h['x-runway-version'] === '2024-11-06');
    try {
      const config: VendorRuntimeConfig = { id: 'runway', kind: 'runway', options: {} };
      const vendor: PollerVendorConfig = {
        vendor: config,
        apiKeySecretArn: 'rw',
        statusApiBaseUrl: api.baseUrl,
        requestsPerMinute: 60,
        pollingEnabled: true,
        requestTimeoutMs: 2000,
        allowInsecureStatusApi: true,
        pollIntervalMs: runwayManifest.pollIntervalSeconds * 1000,
      };
      const poller = buildPoller([vendor], { ...backend, secrets: new StaticSecretSource({ rw: ['rw-key'] }), clock, telemetry: new CountingTelemetry(), createAdapter }, TEST_DELIVERY_CONFIG, 4);
      await new JobRegistry(backend.store, {}, clock).register('runway', 'task-1');
      api.jobs.set('task-1', runwayTask('created', 'task-1', new Date(clock.now()).toISOString()));
      const types: string[][] = [];
      let finalAt = 0;
      for (let minute = 0; minute < 5; minute++) {
        if (minute === 2) api.jobs.set('task-1', runwayTask('progress', 'task-1', ''));
        if (minute === 3) {
          finalAt = clock.now() - 20_000; // 40 s after the run of minute 2
          api.jobs.set('task-1', runwayTask('completed', 'task-1', ''));
        }
        await pollOnce(poller, { deadlineMs: clock.now() + 40_000 });
        types.push((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.type));
        if (minute === 3) expect(clock.now() - finalAt).toBe(20_000);
        clock.advance(SCHEDULE_MS);
      }
      expect(types).toEqual([[], ['video.job.queued'], ['video.job.processing'], ['video.job.succeeded'], []]);
      expect(api.requests).toHaveLength(3); // minutes 1 to 3 asked; final, it is not asked again
    } finally {
      await api.close();
    }
  });
});
