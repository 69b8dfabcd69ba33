import { createHmac } from 'node:crypto';
import { deliver } from '../../lambda/core/delivery';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { handleWebhook, type WebhookAnswer, type WebhookDeps } from '../../lambda/core/webhook';
import { createAdapter } from '../../lambda/vendors/registry';
import type { JobRecord } from '../../lambda/core/ports';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { pollOnce, type PollerDeps } from '../../lambda/poller/poller';
import { drainEvents, freshBackend, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';
import { GIVE_UP_MS, pollerDeps, registry, STALE_MS } from './harness';
import { OffsetClock, startFakeVendor, type FakeVendorServer } from './support';

describe('poller against fake vendor status APIs, DynamoDB (dynalite) and SQS FIFO (fauxqs)', () => {
  let backend: TestBackend;
  let clock: OffsetClock;
  let telemetry: CountingTelemetry;
  const servers: FakeVendorServer[] = [];

  async function fake(vendor: Parameters<typeof startFakeVendor>[0], apiKey?: string): Promise<FakeVendorServer> {
    const server = await startFakeVendor(vendor, apiKey);
    servers.push(server);
    return server;
  }
  const run = (deps: PollerDeps, budgetMs = 5000) => pollOnce(deps, { deadlineMs: clock.now() + budgetMs });
  const record = (vendor: string, jobId: string) => backend.store.get(vendor, jobId) as Promise<JobRecord>;

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new OffsetClock();
    telemetry = new CountingTelemetry(true);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('publishes a registered Sync job whose only webhook was lost, once, with the fields of the status answer', async () => {
    const sync = await fake('sync');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }] });
    await registry(backend.store, clock).register('sync', 'gen-1');
    sync.jobs.set('gen-1', {
      id: 'gen-1',
      status: 'COMPLETED',
      createdAt: '2026-11-24T11:00:00Z',
      model: 'lipsync-2',
      input: [],
      outputUrl: 'https://cdn.sync.so/gen-1.mp4',
      outputDuration: 12.5,
      error: null,
      errorCode: null,
    });

    expect((await run(deps)).polled).toBe(0); // not stale yet
    expect(sync.requests).toHaveLength(0);

    clock.advance(STALE_MS + 1);
    const summary = await run(deps);
    expect(summary).toMatchObject({ polled: 1, requests: 1, hits: 1, errors: 0, remaining: 0, moreDue: false });
    expect(sync.requests[0]).toMatchObject({ method: 'GET', path: '/v2/generate/gen-1' });
    expect(sync.requests[0].headers['x-api-key']).toBe(sync.apiKey);

    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'video-webhooks/sync',
      type: 'video.job.succeeded',
      subject: 'gen-1',
      data: {
        vendor: 'sync',
        jobId: 'gen-1',
        status: 'succeeded',
        terminal: true,
        outputUrl: 'https://cdn.sync.so/gen-1.mp4',
        vendorStatus: 'COMPLETED',
        receivedVia: 'poll',
        raw: { id: 'gen-1', status: 'COMPLETED' },
      },
    });
    expect(telemetry.get('PollHits:sync')).toBe(1);

    // Final: off the index, never polled again, nothing more queued.
    expect((await record('sync', 'gen-1')).nextPollAtMs).toBeNull();
    clock.advance(10 * STALE_MS);
    expect((await run(deps)).polled).toBe(0);
    expect(sync.requests).toHaveLength(1);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
  });

  it('queues one message per job when the webhook arrives while the poller finds the same terminal state', async () => {
    const sync = await fake('sync');
    sync.latencyMs = 20;
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }] });
    const ids = Array.from({ length: 16 }, (_, i) => `race-${i}`);
    for (const id of ids) {
      await registry(backend.store, clock).register('sync', id);
      sync.jobs.set(id, { id, status: 'FAILED', error: 'pipeline failed', errorCode: 'generation_pipeline_failed', outputUrl: null });
    }
    clock.advance(STALE_MS + 1);

    // The webhook path: the verifier core with the real Sync adapter, on a webhook signed here as
    // Sync signs (hex HMAC-SHA256 of `<t>.<raw body>`). Each webhook is sent when the poller's
    // request for that job reaches the vendor: for even jobs at once (delivered while the poll's
    // answer is in flight), for odd jobs 25 ms later (while the poll's own delivery is under way).
    const secret = 'whsec_race-test-secret';
    const webhookDeps: WebhookDeps = {
      store: backend.store,
      queue: backend.queue,
      clock,
      telemetry,
      config: TEST_DELIVERY_CONFIG,
      adapters: new Map([['sync', createAdapter({ id: 'sync', kind: 'sync', options: {} })]]),
      secrets: new StaticSecretSource({ sync: [secret] }),
      secretIdFor: (vendor) => vendor,
      quarantine: backend.quarantine,
      maxBodyBytes: 256 * 1024,
    };
    const webhook = async (id: string, delayMs: number): Promise<WebhookAnswer> => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const body = Buffer.from(JSON.stringify({ id, status: 'FAILED', error: 'pipeline failed', error_code: 'generation_pipeline_failed', outputUrl: null }));
      const t = Math.floor(clock.now() / 1000);
      const signature = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
      return handleWebhook('sync', { headers: { 'sync-signature': `t=${t},v1=${signature}`, 'content-type': 'application/json' }, body }, webhookDeps);
    };
    const webhooks: Array<Promise<WebhookAnswer>> = [];
    sync.override = (req) => {
      webhooks.push(webhook(req.jobId, Number(req.jobId.split('-')[1]) % 2 === 0 ? 0 : 25));
      return undefined;
    };
    const summary = await run(deps);
    const answers = await Promise.all(webhooks);

    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => e.subject).sort()).toEqual([...ids].sort());
    expect(events.every((e) => e.type === 'video.job.failed')).toBe(true);
    expect(answers).toHaveLength(ids.length);
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 503)).toBe(true); // 503: busy, the vendor retries
    expect(summary).toMatchObject({ polled: ids.length, errors: 0 });
    // Both paths ran for real: some jobs were delivered by the webhook, some by the poll.
    const outcomes = answers.map((a) => (a.result.kind === 'delivered' ? a.result.outcome : a.result.kind));
    expect(outcomes).toContain('enqueued');
    expect(summary.hits).toBeGreaterThan(0);
    for (const id of ids) expect((await record('sync', id)).terminalDelivered).toBe(true);
  });

  it('sends a terminal event whose webhook attempt died after the claim, without asking the vendor, polled or not', async () => {
    const sync = await fake('sync');
    const viralsync = await fake('viralsync');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }, { server: viralsync, statusApi: null }] });
    // A webhook attempt per vendor claims the final event and dies before sending it (SendMessage fails).
    const dying = { ...deps, queue: { send: async () => Promise.reject(new Error('SendMessage: connection reset')) } };
    for (const [vendor, jobId] of [['sync', 'gen-9'], ['viralsync', 'vs-9']] as const) {
      const fields = { jobId, status: 'succeeded' as const, progress: null, stage: null, outputUrl: `https://cdn.example/${jobId}.mp4`, media: null, error: null, vendorEventType: null, vendorStatus: 'done', occurredAtMs: null, raw: { jobId } };
      await expect(deliver(fields, { vendor, receivedVia: 'webhook', receivedAtMs: clock.now() }, dying)).rejects.toThrow('connection reset');
    }

    clock.advance(STALE_MS + 1);
    const summary = await run(deps);
    expect(summary).toMatchObject({ redelivered: 2, polled: 0, requests: 0, errors: 0 });
    expect(sync.requests).toHaveLength(0);
    expect(viralsync.requests).toHaveLength(0);
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => [e.data.vendor, e.subject, e.type, e.data.receivedVia]).sort()).toEqual([
      ['sync', 'gen-9', 'video.job.succeeded', 'webhook'],
      ['viralsync', 'vs-9', 'video.job.succeeded', 'webhook'],
    ]);
    expect((await record('sync', 'gen-9')).nextPollAtMs).toBeNull();
    clock.advance(GIVE_UP_MS + 1);
    expect(await run(deps)).toMatchObject({ redelivered: 0, expired: 0, polled: 0 }); // final: nothing left to do
  });

  it('follows LipDub from /status to /download and publishes the download URL', async () => {
    const lipdub = await fake('lipdub');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: lipdub }] });
    await registry(backend.store, clock).register('lipdub', '4711');
    lipdub.jobs.set('4711', { status: 'finished', generate_id: 4711, download_url: 'https://cdn.lipdub.ai/4711.mp4' });
    clock.advance(STALE_MS + 1);

    const summary = await run(deps);
    expect(summary).toMatchObject({ polled: 1, requests: 2, hits: 1 });
    expect(lipdub.requests.map((r) => r.path)).toEqual(['/v1/renders/4711/status', '/v1/renders/4711/download']);
    expect(lipdub.requests.every((r) => r.headers['x-api-key'] === lipdub.apiKey)).toBe(true);
    const [event] = await drainEvents(backend.sqs, backend.queueUrl);
    expect(event.data).toMatchObject({ status: 'succeeded', vendorStatus: 'finished', outputUrl: 'https://cdn.lipdub.ai/4711.mp4', receivedVia: 'poll' });
  });

  it('publishes new progress from a poll, then backs a job with no news off exponentially', async () => {
    const viralsync = await fake('viralsync');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: viralsync }] });
    await registry(backend.store, clock).register('viralsync', 'job_a');
    viralsync.jobs.set('job_a', { jobId: 'job_a', status: 'running', phase: 'rendering', progress: 0.46, timestamp: '2026-11-24T12:00:00Z' });

    clock.advance(STALE_MS + 1);
    expect((await run(deps)).hits).toBe(1);
    const afterProgress = await record('viralsync', 'job_a');
    expect(afterProgress).toMatchObject({ status: 'processing', pollAttempts: 0 });
    expect(afterProgress.nextPollAtMs).toBeGreaterThan(clock.now() + STALE_MS - 1000);

    // No news: first STALE, then 2x STALE.
    for (const factor of [1, 2]) {
      clock.advance((await record('viralsync', 'job_a')).nextPollAtMs! - clock.now() + 1);
      const before = clock.now();
      expect(await run(deps)).toMatchObject({ polled: 1, hits: 0 });
      const r = await record('viralsync', 'job_a');
      expect(r.pollAttempts).toBe(factor);
      expect(r.nextPollAtMs! - before).toBeGreaterThanOrEqual(factor * STALE_MS - 50);
      expect(r.nextPollAtMs! - before).toBeLessThanOrEqual(factor * STALE_MS + 1000);
      expect((await run(deps)).polled).toBe(0); // the next run right after does not poll it again
    }
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => [e.data.status, e.data.progress, e.data.stage])).toEqual([['processing', 0.46, 'rendering']]);
  });

  it('emits exactly one expired event at the give-up age, across repeated and concurrent runs', async () => {
    const sync = await fake('sync');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }] });
    await registry(backend.store, clock).register('sync', 'stuck');
    await registry(backend.store, clock).register('sync', 'unknown-to-vendor');
    sync.jobs.set('stuck', { id: 'stuck', status: 'PROCESSING' });

    clock.advance(STALE_MS + 1);
    await run(deps); // 'stuck' -> processing event; 'unknown-to-vendor' -> 404, backed off
    expect(telemetry.get('PollErrors:not_found')).toBe(1);

    clock.advance(GIVE_UP_MS + 1);
    const [a, b] = await Promise.all([run(deps), run(deps)]);
    const c = await run(deps);
    clock.advance(STALE_MS * 10);
    const d = await run(deps);
    // Two concurrent runs may both send the same expired event (the core lets a copy of an undelivered
    // claim through; SQS FIFO drops it by its deduplication id): the queue holds exactly one per job.
    expect(a.expired + b.expired + c.expired + d.expired).toBeGreaterThanOrEqual(2);
    expect(c.expired + d.expired).toBe(0);

    const events = await drainEvents(backend.sqs, backend.queueUrl);
    const expired = events.filter((e) => e.data.status === 'expired');
    expect(expired.map((e) => e.subject).sort()).toEqual(['stuck', 'unknown-to-vendor']);
    const stuck = expired.find((e) => e.subject === 'stuck')!;
    expect(stuck).toMatchObject({
      type: 'video.job.expired',
      data: {
        terminal: true,
        receivedVia: 'poll',
        error: { message: 'no final status within 48 hours', code: 'expired' },
        vendorStatus: 'PROCESSING',
        raw: { id: 'stuck', status: 'PROCESSING' },
        outputUrl: null,
        media: null,
      },
    });
    const unknown = expired.find((e) => e.subject === 'unknown-to-vendor')!;
    expect(unknown.data).toMatchObject({ vendorStatus: null, raw: { reason: 'give-up', lastKnownStatus: 'registered' } });
    expect((await record('sync', 'stuck')).nextPollAtMs).toBeNull();
    expect(telemetry.get('Expired:sync')).toBe(a.expired + b.expired);
  });

  it('publishes a final status found at the give-up age instead of expiring the job', async () => {
    const synthesia = await fake('synthesia');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: synthesia }] });
    await registry(backend.store, clock).register('synthesia', 'vid-1');
    synthesia.jobs.set('vid-1', { id: 'vid-1', status: 'complete', download: 'https://dl.synthesia.io/vid-1.mp4' });
    clock.advance(GIVE_UP_MS + 1);
    expect(await run(deps)).toMatchObject({ polled: 1, hits: 1, expired: 0 });
    expect(synthesia.requests[0].headers.authorization).toBe(synthesia.apiKey);
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.type)).toEqual(['video.job.succeeded']);
  });

  /** A status API on 127.0.0.1 that answers for job-A whatever job it is asked about, per vendor. */
  const WRONG_JOB: Array<[string, Parameters<typeof startFakeVendor>[0], string, Record<string, unknown>]> = [
    ['sync', 'sync', 'job-b', { id: 'job-a', status: 'COMPLETED', outputUrl: 'https://cdn.sync.so/job-a.mp4' }],
    ['synthesia', 'synthesia', 'job-b', { id: 'job-a', status: 'complete', download: 'https://dl.synthesia.io/job-a.mp4' }],
    ['viralsync', 'viralsync', 'job-b', { jobId: 'job-a', status: 'done', outputUrl: 'https://r2.viralsync.io/job-a.mp4' }],
    ['lipdub', 'lipdub', '4712', { status: 'finished', generate_id: 4711, download_url: 'https://cdn.lipdub.ai/4711.mp4' }],
    ['a custom vendor (acme, on the Sync-shaped server)', 'sync', 'job-b', { id: 'job-a', status: 'COMPLETED', outputUrl: 'https://cdn.acme.example/job-a.mp4' }],
  ];

  it.each(WRONG_JOB)('publishes nothing when the %s status answer names another job id: counted as wrong_job, backed off', async (what, kind, asked, answer) => {
    const server = await fake(kind);
    const custom = what.startsWith('a custom');
    const id = custom ? 'acme' : kind;
    const statusApi = custom
      ? createAdapter({
          id,
          kind: 'custom',
          options: {
            auth: { type: 'bearer' },
            paths: { jobId: 'id', status: 'status', outputUrl: 'outputUrl' },
            statusMap: { COMPLETED: 'succeeded' },
            statusUrlTemplate: `${server.baseUrl}/v2/generate/{jobId}`,
            apiKeyHeader: 'x-api-key',
            apiKeyPrefix: '',
          },
        }).statusApi
      : undefined;
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server, id, statusApi }] });
    await registry(backend.store, clock).register(id, asked);
    server.jobs.set(asked, answer);
    clock.advance(STALE_MS + 1);

    const summary = await run(deps);

    expect(summary).toMatchObject({ polled: 1, hits: 0, errors: 1, vendors: { [id]: { errorsByReason: { wrong_job: 1 } } } });
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]);
    expect(telemetry.get('PollErrors:wrong_job')).toBe(1);
    const job = await record(id, asked);
    expect(job.status).toBe('registered');
    expect(job.nextPollAtMs).toBeGreaterThan(clock.now()); // backed off, polled again later
    expect(telemetry.lines.find((l) => l.fields.reason === 'wrong_job')?.fields).toMatchObject({ vendor: id, jobId: asked });
  });

  it('does not ask about a job whose webhooks kept coming: it moves its index entry to its last event plus staleAfter (issue 20)', async () => {
    const viralsync = await fake('viralsync');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: viralsync }] });
    const progress = (p: number) => ({ jobId: 'busy-job', status: 'processing' as const, progress: p, stage: 'rendering', outputUrl: null, media: null, error: null, vendorEventType: null, vendorStatus: 'running', occurredAtMs: null, raw: {} });
    // A webhook's claim writes the job's index entry once: due STALE_MS after its first event.
    await deliver(progress(0.2), { vendor: 'viralsync', receivedVia: 'webhook', receivedAtMs: clock.now() }, deps);
    clock.advance(STALE_MS / 2);
    await deliver(progress(0.4), { vendor: 'viralsync', receivedVia: 'webhook', receivedAtMs: clock.now() }, deps);
    const lastEventAt = (await record('viralsync', 'busy-job')).lastActivityMs;
    clock.advance(STALE_MS / 2 + 1);
    expect(await run(deps)).toMatchObject({ polled: 0, requests: 0, errors: 0 });
    expect(viralsync.requests).toHaveLength(0);
    expect(await record('viralsync', 'busy-job')).toMatchObject({ nextPollAtMs: lastEventAt + STALE_MS, pollAttempts: 0 });
    // Quiet for staleAfter since its last event: now it is asked.
    viralsync.jobs.set('busy-job', { jobId: 'busy-job', status: 'running', phase: 'rendering', progress: 0.4, timestamp: '2026-11-24T12:00:00Z' });
    clock.advance(STALE_MS / 2);
    expect(await run(deps)).toMatchObject({ polled: 1, requests: 1 });
  });

  it('leaves a job alone while another attempt holds its lease', async () => {
    const sync = await fake('sync');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }] });
    await registry(backend.store, clock).register('sync', 'leased');
    clock.advance(STALE_MS + 1);
    const r = await record('sync', 'leased');
    await backend.store.put({ ...r, version: r.version + 1, leaseUntilMs: clock.now() + 30_000 }, r.version);
    sync.jobs.set('leased', { id: 'leased', status: 'COMPLETED' });
    expect(await run(deps)).toMatchObject({ polled: 0, skipped: 1 });
    expect(sync.requests).toHaveLength(0);
    clock.advance(30_001);
    expect(await run(deps)).toMatchObject({ polled: 1, hits: 1 });
  });

  it('only expires the jobs of a vendor that is not polled, without calling it', async () => {
    const viralsync = await fake('viralsync');
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: viralsync, statusApi: null }] });
    await registry(backend.store, clock).register('viralsync', 'quiet');
    clock.advance(STALE_MS + 1);
    expect(await run(deps)).toMatchObject({ polled: 0, expired: 0 });
    const r = await record('viralsync', 'quiet');
    expect(r.nextPollAtMs).toBeLessThanOrEqual(clock.now() + DEFAULT_MAX_BACKOFF_MS);
    expect(r.nextPollAtMs).toBeGreaterThan(clock.now());
    clock.advance(GIVE_UP_MS);
    expect(await run(deps)).toMatchObject({ polled: 0, expired: 1 });
    expect(viralsync.requests).toHaveLength(0);
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.type)).toEqual(['video.job.expired']);
  });
});

const DEFAULT_MAX_BACKOFF_MS = 6 * 3600_000;
