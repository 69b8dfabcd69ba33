/**
 * The poller's status answers in the archive (issue 22): one record per answer the adapter read
 * that made, or could have made, an event, with the bytes the vendor sent (and a follow-up's),
 * written in batches during and at the end of the run, and finished before the run ends. Real
 * poller, status client and adapters against fake vendor status APIs on 127.0.0.1, dynalite and
 * fauxqs; the archive in memory.
 */
import { decodedBody } from '../../lambda/core/archive';
import { pollOnce, type PollerDeps } from '../../lambda/poller/poller';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { MemoryRequestArchive } from '../../local/adapters/memory';
import { drainEvents, freshBackend, type TestBackend } from '../support/emulators';
import { pollerDeps, registry, STALE_MS } from './harness';
import { OffsetClock, startFakeVendor, type FakeVendorServer } from './support';

describe('the poller\'s status answers in the archive', () => {
  let backend: TestBackend;
  let clock: OffsetClock;
  let telemetry: CountingTelemetry;
  const servers: FakeVendorServer[] = [];
  const run = (deps: PollerDeps, budgetMs = 5000) => pollOnce(deps, { deadlineMs: clock.now() + budgetMs });

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new OffsetClock();
    telemetry = new CountingTelemetry(true);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('keeps each answer that made an event, with the vendor\'s bytes, a follow-up\'s bytes and status, and the event id', async () => {
    const lipdub = await startFakeVendor('lipdub');
    servers.push(lipdub);
    const archive = new MemoryRequestArchive();
    const deps: PollerDeps = { ...pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: lipdub }] }), archive };
    await registry(backend.store, clock).register('lipdub', '4711');
    lipdub.jobs.set('4711', { status: 'finished', generate_id: 4711, download_url: 'https://cdn.lipdub.ai/4711.mp4' });
    clock.advance(STALE_MS + 1);

    expect(await run(deps)).toMatchObject({ polled: 1, hits: 1 });
    const [event] = await drainEvents(backend.sqs, backend.queueUrl);
    expect(archive.records).toHaveLength(1);
    const [record] = archive.records;
    expect(record).toMatchObject({ v: 1, vendor: 'lipdub', jobId: '4711', receivedVia: 'poll', verdict: 'enqueued', eventId: event.id, headers: {} });
    expect(JSON.parse(decodedBody(record).toString('utf8'))).toEqual({ status: 'finished', generate_id: 4711 });
    expect(record.followUps).toHaveLength(1);
    expect(record.followUps?.[0].status).toBe(200);
    expect(JSON.parse(decodedBody(record.followUps![0]).toString('utf8'))).toEqual({ download_url: 'https://cdn.lipdub.ai/4711.mp4' });
    expect(JSON.stringify(archive.records)).not.toContain(lipdub.apiKey);
  });

  it('keeps an answer with nothing new as a duplicate, and an answer the adapter cannot read as quarantined with its reason; nothing for a 5xx', async () => {
    const sync = await startFakeVendor('sync');
    servers.push(sync);
    const archive = new MemoryRequestArchive();
    const deps: PollerDeps = { ...pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }] }), archive };
    const jobs = registry(backend.store, clock);
    for (const id of ['gen-1', 'gen-2', 'gen-3']) await jobs.register('sync', id);
    sync.jobs.set('gen-1', { id: 'gen-1', status: 'PROCESSING' });
    sync.jobs.set('gen-2', { id: 'gen-2', status: 'A_STATUS_NOBODY_KNOWS' });
    sync.override = (req) => (req.jobId === 'gen-3' ? { status: 503, body: 'busy' } : undefined);
    clock.advance(STALE_MS + 1);
    await run(deps);
    clock.advance(STALE_MS * 100);
    await run(deps); // gen-1 again: the same status

    const byJob = (id: string) => archive.records.filter((r) => r.jobId === id).map((r) => r.verdict);
    expect(byJob('gen-1')).toEqual(['enqueued', 'duplicate']);
    expect(byJob('gen-2')[0]).toBe('quarantined');
    expect(archive.records.find((r) => r.jobId === 'gen-2')?.reason).toMatch(/status/i);
    expect(byJob('gen-3')).toEqual([]);
  });

  it('writes a run\'s records in batches of at most 500, all of them done when the run returns', async () => {
    const viralsync = await startFakeVendor('viralsync');
    servers.push(viralsync);
    const archive = new MemoryRequestArchive();
    const deps: PollerDeps = { ...pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: viralsync, requestsPerMinute: 600_000, burst: 100 }], settings: { concurrency: 32, pageSize: 100 } }), archive };
    const jobs = registry(backend.store, clock);
    const n = 540;
    for (let i = 0; i < n; i++) {
      await jobs.register('viralsync', `job-${i}`);
      viralsync.jobs.set(`job-${i}`, { jobId: `job-${i}`, status: 'running', progress: 0.5 });
    }
    clock.advance(STALE_MS + 1);
    const summary = await run(deps, 45_000);
    expect(summary.polled).toBe(n);
    expect(archive.records).toHaveLength(n);
    expect(archive.calls.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...archive.calls.map((c) => c.length))).toBeLessThanOrEqual(500);
  }, 90_000);

  it('counts the records a batch could not write as ArchiveFailed, and the run goes on', async () => {
    const sync = await startFakeVendor('sync');
    servers.push(sync);
    const archive = new MemoryRequestArchive();
    archive.failNext('partial');
    const deps: PollerDeps = { ...pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }] }), archive };
    const jobs = registry(backend.store, clock);
    for (const id of ['gen-a', 'gen-b', 'gen-c', 'gen-d']) {
      await jobs.register('sync', id);
      sync.jobs.set(id, { id, status: 'COMPLETED', outputUrl: `https://x/${id}.mp4` });
    }
    clock.advance(STALE_MS + 1);
    expect(await run(deps)).toMatchObject({ polled: 4, hits: 4 });
    expect(archive.records).toHaveLength(2);
    expect(telemetry.get('ArchiveFailed:sync')).toBe(2);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(4);
  });
});
