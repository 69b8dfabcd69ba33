import type { JobRecord } from '../../lambda/core/ports';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { pollOnce, type PollerDeps } from '../../lambda/poller/poller';
import { VendorRateLimiter } from '../../lambda/poller/rate-limiter';
import { drainEvents, freshBackend, type TestBackend } from '../support/emulators';
import { pollerDeps, registry, STALE_MS } from './harness';
import { maxInWindow, OffsetClock, startFakeVendor, type FakeVendor, type FakeVendorServer } from './support';

describe('poller under vendor failures: 429, 401/403, 5xx, timeouts, bad answers', () => {
  let backend: TestBackend;
  let clock: OffsetClock;
  let telemetry: CountingTelemetry;
  const servers: FakeVendorServer[] = [];

  async function fake(vendor: FakeVendor, apiKey?: string): Promise<FakeVendorServer> {
    const server = await startFakeVendor(vendor, apiKey);
    servers.push(server);
    return server;
  }
  const run = (deps: PollerDeps, budgetMs = 5000) => pollOnce(deps, { deadlineMs: clock.now() + budgetMs });
  const record = (vendor: string, jobId: string) => backend.store.get(vendor, jobId) as Promise<JobRecord>;
  async function register(vendor: FakeVendor, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await registry(backend.store, clock).register(vendor, id);
      clock.advance(1); // distinct ages: oldest first is observable
    }
  }

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new OffsetClock();
    telemetry = new CountingTelemetry(true);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('pauses a vendor for its Retry-After after a 429 and never exceeds the configured rate', async () => {
    const sync = await fake('sync');
    sync.latencyMs = 5;
    const ids = Array.from({ length: 40 }, (_, i) => `rl-${String(i).padStart(2, '0')}`);
    await register('sync', ids);
    for (const id of ids) sync.jobs.set(id, { id, status: 'PROCESSING' });
    sync.override = (_req, index) => (index === 5 ? { status: 429, headers: { 'retry-after': '1' }, body: '{"errorCode":"rate_limit_exceeded"}' } : undefined);
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync, requestsPerMinute: 600, requestTimeoutMs: 500 }] });
    clock.advance(STALE_MS + 1);

    const started = Date.now();
    const summary = await run(deps, 3000);
    const elapsed = Date.now() - started;
    const times = sync.requests.map((r) => r.at);

    expect(summary.rateLimited).toBe(1);
    expect(telemetry.get('PollRateLimited:sync')).toBe(1);
    const limited = sync.requests[5];
    // Paused for the whole Retry-After from the moment the 429 was handled, then back at the configured
    // pace. A request already sent before that moment (on a busy machine) may still arrive meanwhile.
    // (The poller's clock runs `clock.offset` ahead of the fake vendor's.)
    const pausedUntil = Date.parse(String(telemetry.lines.find((l) => l.message.startsWith('vendor status API rate limit hit'))?.fields.pausedUntil)) - clock.offset;
    const handledAt = pausedUntil - 1000;
    expect(handledAt).toBeGreaterThanOrEqual(limited.at);
    expect(sync.requests.filter((r) => r.at > handledAt + 15 && r.at < pausedUntil - 15)).toEqual([]);
    expect(sync.requests.filter((r) => r.at > limited.at && r.at < pausedUntil - 15).length).toBeLessThanOrEqual(1);
    // 600/min, burst 1: at most 1 + 10 per second and 1 + 5 per half second, counted where they arrive.
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(11);
    expect(maxInWindow(times, 500)).toBeLessThanOrEqual(6);
    expect(maxInWindow(times, 2000)).toBeLessThanOrEqual(21);
    expect(sync.requests.length).toBeLessThanOrEqual(1 + Math.ceil((elapsed - 1000) / 100));
    expect(sync.requests.length).toBeGreaterThanOrEqual(12);
    // No job asked twice; the limited one keeps its place (nothing learned) and is first next run.
    expect(new Set(sync.requests.map((r) => r.jobId)).size).toBe(sync.requests.length);
    const limitedRecord = await record('sync', limited.jobId);
    expect(limitedRecord).toMatchObject({ pollAttempts: 0, status: 'registered' });
    expect(limitedRecord.nextPollAtMs).toBeLessThan(clock.now());
    expect(summary).toMatchObject({ moreDue: false, vendors: { sync: { stop: 'deadline' } } });

    sync.override = () => undefined;
    const before = sync.requests.length;
    await run(deps, 1000);
    expect(sync.requests[before].jobId).toBe(limited.jobId);
  });

  it('honours a Synthesia RateLimit-Reset and an HTTP-date Retry-After past the run: the vendor waits, the rest is left due', async () => {
    const synthesia = await fake('synthesia');
    const lipdub = await fake('lipdub');
    await register('synthesia', ['v1', 'v2', 'v3']);
    await register('lipdub', ['101', '102', '103']);
    for (const id of ['v1', 'v2', 'v3']) synthesia.jobs.set(id, { id, status: 'in_progress' });
    for (const id of ['101', '102', '103']) lipdub.jobs.set(id, { status: 'running' });
    synthesia.override = (_req, i) => (i === 0 ? { status: 429, headers: { 'ratelimit-reset': '1' }, body: '{}' } : undefined);
    lipdub.override = (_req, i) => (i === 1 ? { status: 429, headers: { 'retry-after': new Date(clock.now() + 3600_000).toUTCString() } } : undefined);
    const limiter = new VendorRateLimiter(clock); // one per container: the pause outlives the run
    const deps = pollerDeps({
      ...backend,
      clock,
      telemetry,
      limiter,
      vendors: [
        { server: synthesia, requestsPerMinute: 120, requestTimeoutMs: 500 },
        { server: lipdub, requestsPerMinute: 120, requestTimeoutMs: 500 },
      ],
    });
    clock.advance(STALE_MS + 1);

    const summary = await run(deps, 2500);
    // Arrival times at the fake server: a loaded machine delays one arrival more than the next by
    // tens of ms (479 ms seen for a 500 ms spacing), so the margin is 50 ms, far from no spacing at all.
    expect(synthesia.requests[1].at - synthesia.requests[0].at).toBeGreaterThanOrEqual(1000 - 50);
    expect(synthesia.requests[2].at - synthesia.requests[1].at).toBeGreaterThanOrEqual(500 - 50);
    expect(summary.vendors.synthesia).toMatchObject({ rateLimited: 1, polled: 3, stop: 'done' });
    expect(summary.vendors.lipdub).toMatchObject({ rateLimited: 1, polled: 2, stop: 'rate_limited', remaining: 1 });
    expect(limiter.pausedUntil('lipdub')).toBeGreaterThan(clock.now() + 3500_000);

    // A warm container's next run leaves LipDub alone until the reset.
    const next = await run(deps, 1000);
    expect(lipdub.requests).toHaveLength(2);
    expect(next.vendors.lipdub).toMatchObject({ polled: 0, stop: 'rate_limited', remaining: 2 }); // the limited job and the one not reached
  });

  it('expires the jobs past their give-up age of a vendor that answers 429 for ever (they waited for ever before)', async () => {
    const lipdub = await fake('lipdub');
    await register('lipdub', ['201', '202', '203']);
    lipdub.override = () => ({ status: 429, headers: { 'retry-after': '3600' } });
    const limiter = new VendorRateLimiter(clock);
    const deps = pollerDeps({ ...backend, clock, telemetry, limiter, vendors: [{ server: lipdub, requestsPerMinute: 120, requestTimeoutMs: 500 }] });
    clock.advance(STALE_MS + 1);
    expect((await run(deps, 1000)).vendors.lipdub).toMatchObject({ rateLimited: 1, expired: 0 });
    // The three pass their give-up age while the vendor still answers 429 (a younger job is registered meanwhile).
    clock.advance(deps.config.giveUpAfterMs - STALE_MS - 60_000);
    await register('lipdub', ['204']);
    clock.advance(STALE_MS + 60_000);
    let expired = 0;
    for (let runs = 0; runs < 3; runs++) {
      expired += (await run(deps, 1000)).vendors.lipdub.expired;
      clock.advance(60_000);
    }
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => [e.data.jobId, e.type]).sort()).toEqual([['201', 'video.job.expired'], ['202', 'video.job.expired'], ['203', 'video.job.expired']]);
    expect(expired).toBe(3);
    expect(lipdub.requests.filter((r) => r.jobId === '204')).toHaveLength(0); // paused: not asked, and left due
    expect((await record('lipdub', '204')).nextPollAtMs).not.toBeNull();
  });

  it('survives 500s, timeouts, dropped connections and malformed answers: no message, backed off, retried on a later run', async () => {
    const viralsync = await fake('viralsync');
    const ids = ['e500', 'ehang', 'ereset', 'ebadjson', 'eshape', 'eempty'];
    await register('viralsync', ids);
    for (const id of ids) viralsync.jobs.set(id, { jobId: id, status: 'done', progress: 1, outputUrl: `https://r2.viralsync.io/${id}.mp4` });
    viralsync.override = (req) => {
      switch (req.jobId) {
        case 'e500':
          return { status: 500, body: '{"error":"internal"}' };
        case 'ehang':
          return 'hang';
        case 'ereset':
          return 'reset';
        case 'ebadjson':
          return { status: 200, body: '{"jobId":"ebadjson","status":"do' };
        case 'eshape':
          return { status: 200, body: '{"unexpected":true}' };
        case 'eempty':
          return { status: 200, body: '' };
        default:
          return undefined;
      }
    };
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: viralsync, requestTimeoutMs: 300 }] });
    clock.advance(STALE_MS + 1);

    const first = await run(deps);
    expect(first).toMatchObject({ polled: 6, hits: 0, errors: 6 });
    expect(first.vendors.viralsync.errorsByReason).toEqual({ http_5xx: 1, timeout: 1, network: 1, invalid: 3 });
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
    for (const id of ids) {
      const r = await record('viralsync', id);
      expect(r).toMatchObject({ status: 'registered', pollAttempts: 1 });
      expect(r.nextPollAtMs! - clock.now()).toBeGreaterThan(STALE_MS - 5000);
    }
    expect((await run(deps)).polled).toBe(0); // backed off: not hammered by the next run

    viralsync.override = () => undefined; // the vendor recovers
    clock.advance(STALE_MS + 1);
    const later = await run(deps);
    expect(later).toMatchObject({ polled: 6, hits: 6, errors: 0 });
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => e.subject).sort()).toEqual([...ids].sort());
    expect(events.every((e) => e.data.status === 'succeeded' && e.data.receivedVia === 'poll')).toBe(true);
  });

  it('counts 401/403 for the alarm, backs those jobs off an hour and stops asking the vendor after three in a row', async () => {
    const synthesia = await fake('synthesia');
    const lipdub = await fake('lipdub');
    const vids = ['a1', 'a2', 'a3', 'a4', 'a5'];
    await register('synthesia', vids);
    await register('lipdub', ['201']);
    for (const id of vids) synthesia.jobs.set(id, { id, status: 'complete' });
    lipdub.jobs.set('201', { status: 'finished' });
    const deps = pollerDeps({
      ...backend,
      clock,
      telemetry,
      settings: { concurrency: 1 }, // one answer before the next request: the stop after three is exact
      vendors: [
        { server: synthesia, apiKey: 'wrong-key' },
        { server: lipdub, apiKey: 'wrong-key' },
      ],
    });
    clock.advance(STALE_MS + 1);

    const summary = await run(deps);
    expect(synthesia.requests).toHaveLength(3);
    expect(summary.vendors.synthesia).toMatchObject({ polled: 3, errors: 3, stop: 'auth_errors', remaining: 2, errorsByReason: { auth: 3 } });
    expect(summary.vendors.lipdub).toMatchObject({ polled: 1, errors: 1, errorsByReason: { auth: 1 } }); // LipDub answers 403
    expect(telemetry.get('PollAuthErrors:synthesia')).toBe(3);
    expect(telemetry.get('PollAuthErrors:lipdub')).toBe(1);
    expect(telemetry.lines.some((l) => l.level === 'error' && l.fields.vendor === 'synthesia' && l.fields.httpStatus === 401)).toBe(true);
    for (const id of ['a1', 'a2', 'a3']) {
      const r = await record('synthesia', id);
      expect(r.nextPollAtMs! - clock.now()).toBeGreaterThan(3600_000 - 5000);
    }
    for (const id of ['a4', 'a5']) expect((await record('synthesia', id)).nextPollAtMs).toBeLessThan(clock.now());
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
  });

  it('reports a vendor whose key cannot be read as failed and still polls the others', async () => {
    const sync = await fake('sync');
    const synthesia = await fake('synthesia');
    await register('sync', ['s1']);
    await register('synthesia', ['y1']);
    synthesia.jobs.set('y1', { id: 'y1', status: 'complete' });
    const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }, { server: synthesia }] });
    const broken: PollerDeps = {
      ...deps,
      vendors: deps.vendors.map((v) => (v.id === 'sync' ? { ...v, apiKey: () => Promise.reject(new Error('AccessDenied')) } : v)),
    };
    clock.advance(STALE_MS + 1);
    const summary = await run(broken);
    expect(summary.failedVendors).toEqual(['sync']);
    expect(summary.vendors.synthesia).toMatchObject({ polled: 1, hits: 1 });
    expect(sync.requests).toHaveLength(0);
    expect((await record('sync', 's1')).nextPollAtMs).toBeLessThan(clock.now()); // still due
  });
});
