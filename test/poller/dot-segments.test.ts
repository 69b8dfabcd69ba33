/**
 * A job id is never allowed to change which API path is asked: `.` and `..` (and dot segments the
 * URL parser would resolve however they are spelt) would make the poller GET another path of the
 * vendor's API with the key and publish the answer as that job's status. The shared status-API
 * helper refuses to build such a URL for every vendor (built-in and custom); the job is never
 * polled, is counted and logged with the reason, and still expires at the give-up age.
 */
import type { VendorStatusApi } from '../../lambda/core/adapter';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import type { JobRecord } from '../../lambda/core/ports';
import { pollOnce, type PollerDeps } from '../../lambda/poller/poller';
import { createAdapter } from '../../lambda/vendors/registry';
import { drainEvents, freshBackend, type TestBackend } from '../support/emulators';
import { GIVE_UP_MS, pollerDeps, registry, STALE_MS } from './harness';
import { OffsetClock, startFakeVendor, type FakeVendorServer } from './support';

const custom = (statusUrlTemplate: string): VendorStatusApi =>
  createAdapter({ id: 'acme', kind: 'custom', options: { auth: { type: 'bearer' }, paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' }, statusUrlTemplate } }).statusApi!;

const APIS: ReadonlyArray<readonly [string, VendorStatusApi]> = [
  ...(['sync', 'lipdub', 'viralsync', 'synthesia'] as const).map((kind) => [kind, createAdapter({ id: kind, kind, options: {} }).statusApi!] as const),
  ['custom, id as the last segment', custom('https://api.acme.example/v1/jobs/{jobId}')],
  ['custom, id mid-path', custom('https://api.acme.example/v1/jobs/{jobId}/status')],
];
const ctx = { baseUrl: 'https://api.vendor.example', apiKey: 'k' };

describe('status URLs whose path a job id would change are refused', () => {
  describe.each(APIS)('%s', (_name, api) => {
    it.each(['.', '..'])('refuses to build a status request for job id %j', (id) => {
      expect(() => api.request(id, ctx)).toThrow(`job id ${JSON.stringify(id)} would change the status URL's path`);
    });

    it.each(['%2e', '%2E%2e', '.%2e', '%2e.', '...', '.hidden', 'a..b'])('asks for job id %j at its own path, percent-encoded', (id) => {
      const { url } = api.request(id, ctx);
      expect(new URL(url).pathname).toContain(encodeURIComponent(id));
    });
  });

  it('refuses a dot segment a custom template makes from its own text and the id', () => {
    expect(() => custom('https://api.acme.example/v1/jobs/.{jobId}/status').request('.', ctx)).toThrow("would change the status URL's path");
    expect(() => custom('https://api.acme.example/v1/jobs/.{jobId}/status').request('x', ctx)).not.toThrow();
  });

  it('leaves a dot id alone where the parser does not resolve it (a custom template with the id in the query)', () => {
    const { url } = custom('https://api.acme.example/v1/status?job={jobId}').request('..', ctx);
    expect(url).toBe('https://api.vendor.example/v1/status?job=..');
  });

  it('refuses an empty job id, which would ask for the collection instead of a job', () => {
    for (const [, api] of APIS) expect(() => api.request('', ctx)).toThrow('job id is empty: not polled');
  });
});

describe('a poll run with dot-segment job ids (Sync and a custom vendor, on dynalite and fauxqs)', () => {
  let backend: TestBackend;
  let clock: OffsetClock;
  let telemetry: CountingTelemetry;
  const servers: FakeVendorServer[] = [];
  const run = (deps: PollerDeps) => pollOnce(deps, { deadlineMs: clock.now() + 5000 });
  const record = (vendor: string, jobId: string) => backend.store.get(vendor, jobId) as Promise<JobRecord>;

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new OffsetClock();
    telemetry = new CountingTelemetry(true);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('never asks another path, publishes nothing for those jobs, counts and logs them, and expires them at the give-up age', async () => {
    const sync = await startFakeVendor('sync');
    const acme = await startFakeVendor('viralsync', 'acme-key'); // serves GET /v1/jobs/{id}, the custom template's path
    servers.push(sync, acme);
    // Any other path of the API answers what a followed dot segment would publish.
    sync.override = (req) => (req.jobId ? undefined : { status: 200, body: JSON.stringify({ id: 'other', status: 'COMPLETED', outputUrl: 'https://cdn/other.mp4' }) });
    acme.override = (req) => (req.jobId ? undefined : { status: 200, body: JSON.stringify({ id: 'other', state: 'done' }) });
    sync.jobs.set('ok-1', { id: 'ok-1', status: 'PROCESSING' });
    acme.jobs.set('ok-1', { id: 'ok-1', state: 'done' });
    const ids = ['ok-1', '.', '..'];
    for (const vendor of ['sync', 'acme']) for (const id of ids) await registry(backend.store, clock).register(vendor, id);
    const deps = pollerDeps({
      ...backend,
      clock,
      telemetry,
      vendors: [
        { server: sync },
        { server: acme, id: 'acme', apiKey: 'acme-key', statusApi: custom('https://api.acme.example/v1/jobs/{jobId}') },
      ],
    });

    clock.advance(STALE_MS + 1);
    const summary = await run(deps);
    expect(sync.requests.map((r) => r.path)).toEqual(['/v2/generate/ok-1']);
    expect(acme.requests.map((r) => r.path)).toEqual(['/v1/jobs/ok-1']);
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => `${e.data.vendor}#${e.data.jobId}:${e.data.status}`).sort()).toEqual(['acme#ok-1:succeeded', 'sync#ok-1:processing']);
    for (const vendor of ['sync', 'acme']) {
      expect(summary.vendors[vendor]).toMatchObject({ polled: 1, requests: 1, errors: 2, errorsByReason: { refused: 2 } });
      for (const id of ['.', '..']) {
        const job = await record(vendor, id);
        expect(job.nextPollAtMs).toBe(job.lastActivityMs + GIVE_UP_MS + 1); // not asked again before it expires
      }
    }
    expect(telemetry.get('PollErrors:refused')).toBe(4);
    const logged = telemetry.lines.filter((l) => l.fields.reason === 'refused');
    expect(logged.map((l) => [l.level, l.fields.vendor, l.fields.jobId, l.fields.detail])).toEqual(
      expect.arrayContaining([['warn', 'sync', '..', 'job id ".." would change the status URL\'s path from "/v2/generate/.." to "/v2/": not polled']]),
    );

    clock.advance(GIVE_UP_MS + 1);
    await run(deps);
    const expired = await drainEvents(backend.sqs, backend.queueUrl);
    expect(expired.filter((e) => e.data.status === 'expired').map((e) => `${e.data.vendor}#${e.data.jobId}`).sort()).toEqual(['acme#.', 'acme#..', 'sync#.', 'sync#..', 'sync#ok-1']);
    expect(sync.requests.every((r) => r.path === '/v2/generate/ok-1')).toBe(true);
    expect(acme.requests.every((r) => r.path === '/v1/jobs/ok-1')).toBe(true);
  });
});
