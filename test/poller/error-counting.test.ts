/**
 * Every failure of a poll run is counted once, under its reason, in the run's summary and in the
 * metrics (`PollErrors` with its `Reason`, or `PollAuthErrors` for a 401/403): whatever path it
 * took through the run, the summary's `errors` is the sum of `errorsByReason` and of the metrics.
 * Where DynamoDB has to fail on cue, a store with injected faults (FaultyStore) wraps the emulator's.
 */
import type { DuePage, JobStore } from '../../lambda/core/ports';
import { pollOnce, type PollerDeps, type PollSummary } from '../../lambda/poller/poller';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { FaultyStore, freshBackend, type TestBackend } from '../support/emulators';
import { pollerDeps, registry, STALE_MS } from './harness';
import { OffsetClock, startFakeVendor, type FakeVendorServer } from './support';

describe('poll errors are counted once each', () => {
  let backend: TestBackend;
  let clock: OffsetClock;
  let telemetry: CountingTelemetry;
  let sync: FakeVendorServer;

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new OffsetClock();
    telemetry = new CountingTelemetry(true);
    sync = await startFakeVendor('sync');
    await registry(backend.store, clock).register('sync', 'job-1');
    sync.jobs.set('job-1', { id: 'job-1', status: 'PROCESSING' });
    clock.advance(STALE_MS + 1);
  });
  afterEach(() => sync.close());

  const deps = (store: JobStore = backend.store): PollerDeps => pollerDeps({ ...backend, store, clock, telemetry, vendors: [{ server: sync }] });
  const run = (d: PollerDeps) => pollOnce(d, { deadlineMs: clock.now() + 5000 });
  /** What the run counted, from the summary and from the metrics. */
  function counted(summary: PollSummary) {
    const byReason = summary.vendors.sync.errorsByReason;
    const metrics = Object.fromEntries(Object.keys(byReason).map((reason) => [reason, telemetry.get(reason === 'auth' ? 'PollAuthErrors:sync' : `PollErrors:${reason}`)]));
    return { errors: summary.errors, byReason, metrics, metricTotal: telemetry.get('PollErrors:sync') + telemetry.get('PollAuthErrors:sync') };
  }

  it('a 5xx: once, as http_5xx', async () => {
    sync.override = () => ({ status: 503, body: '{}' });
    const summary = await run(deps());
    expect(counted(summary)).toEqual({ errors: 1, byReason: { http_5xx: 1 }, metrics: { http_5xx: 1 }, metricTotal: 1 });
  });

  it('a 5xx whose backoff then cannot be written: the vendor failure and the backend failure, once each', async () => {
    sync.override = () => ({ status: 503, body: '{}' });
    const store = new FaultyStore(backend.store);
    store.failPuts = 1; // the backoff write (the only write of a failed poll)
    const summary = await run(deps(store));
    expect(summary.polled).toBe(1);
    expect(counted(summary)).toEqual({ errors: 2, byReason: { http_5xx: 1, backend: 1 }, metrics: { http_5xx: 1, backend: 1 }, metricTotal: 2 });
  });

  it("a vendor answer whose delivery fails on DynamoDB: once, as backend, and not as the poll's", async () => {
    sync.jobs.set('job-1', { id: 'job-1', status: 'COMPLETED', outputUrl: 'https://cdn.sync.so/job-1.mp4' });
    const store = new FaultyStore(backend.store);
    store.failPuts = 1; // the claim
    const summary = await run(deps(store));
    expect(summary.hits).toBe(0);
    expect(telemetry.get('BackendErrors')).toBe(0); // the webhook path's counter: not counted there as well
    expect(counted(summary)).toEqual({ errors: 1, byReason: { backend: 1 }, metrics: { backend: 1 }, metricTotal: 1 });
  });

  it('a 401: once, as auth, in PollAuthErrors (not in PollErrors)', async () => {
    sync.override = () => ({ status: 401, body: '{}' });
    const summary = await run(deps());
    expect(counted(summary)).toEqual({ errors: 1, byReason: { auth: 1 }, metrics: { auth: 1 }, metricTotal: 1 });
    expect(telemetry.get('PollErrors:sync')).toBe(0);
  });

  it('a status-API key that cannot be read: once, as secret, and the vendor failed', async () => {
    const d = deps();
    const summary = await run({ ...d, vendors: d.vendors.map((v) => ({ ...v, apiKey: () => Promise.reject(new Error('AccessDeniedException')) })) });
    expect(summary.failedVendors).toEqual(['sync']);
    expect(counted(summary)).toEqual({ errors: 1, byReason: { secret: 1 }, metrics: { secret: 1 }, metricTotal: 1 });
  });

  it('an index that cannot be read: once, as index, and the vendor failed', async () => {
    const store = new FaultyStore(backend.store);
    store.listDue = (): Promise<DuePage> => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    const summary = await run(deps(store));
    expect(summary.failedVendors).toEqual(['sync']);
    expect(counted(summary)).toEqual({ errors: 1, byReason: { index: 1 }, metrics: { index: 1 }, metricTotal: 1 });
  });
});
