/**
 * The hostile-status run: real poll runs (pollOnce on dynalite and fauxqs) against status APIs that
 * answer nothing but trouble: redirects (another origin, another scheme, the same origin, loops),
 * gzip, deflate and brotli bombs, endless chunked bodies, bodies that trickle past the request
 * timeout, garbage JSON, odd 4xx, 429s with odd Retry-After / RateLimit-Reset values, and jobs
 * whose ids are dot segments. Two canaries (http, and https with a certificate nobody trusts)
 * stand where the redirects point and record every request and connection.
 *
 * Asserted: no key reaches any server it was not meant for; RSS stays under a stated bound;
 * nothing is published from a hostile answer; every job is backed off (its next poll time moved
 * forward) or keeps its place after a 429, and none is lost: each expires once at its give-up age.
 * RELIABILITY=full sends 10,000 requests; `npm test` a few hundred.
 */
import { randomUUID } from 'node:crypto';
import { CountingTelemetry } from '../../lambda/adapters/local/counting-telemetry';
import type { VendorStatusApi } from '../../lambda/core/adapter';
import type { JobRecord } from '../../lambda/core/ports';
import { pollOnce } from '../../lambda/poller/poller';
import { VendorRateLimiter } from '../../lambda/poller/rate-limiter';
import { createAdapter } from '../../lambda/vendors/registry';
import { drainEvents, freshBackend } from '../support/emulators';
import { GIVE_UP_MS, pollerDeps, registry, STALE_MS } from '../poller/harness';
import { bomb, compressed, endlessChunked, headerValues, redirect, selfSignedCertificate, startRecordingServer, trickle, type Coding, type Written } from '../poller/hostile-http';
import { OffsetClock, startFakeVendor, type FakeVendor, type FakeVendorServer, type Override } from '../poller/support';

const FULL = process.env.RELIABILITY === 'full';
/** Five polled lanes × RUNS runs × JOBS_PER_LANE: 10,000 requests in full, 150 in `npm test` (plus the give-up run's). */
const RUNS = FULL ? 5 : 3;
const JOBS_PER_LANE = FULL ? 400 : 10;
const DOT_IDS = ['.', '..'];
const INFLATED = FULL ? 157_000_000 : 32 << 20;
const REQUEST_TIMEOUT_MS = 250;
/** The bound this run states: peak RSS over the RSS before the first run. */
const RSS_BOUND_MIB = 128;
const DEFAULT_PAUSE_MS = 60_000; // the StatusClient default for a 429 without a usable value
/** One per run (every 429 of the run carries it), so each run shows what that value alone does. */
const ODD_RATE_LIMITS: ReadonlyArray<Record<string, string>> = [
  { 'retry-after': '-1' },
  { 'retry-after': '5, 10' },
  { 'ratelimit-reset': '1000000000' },
  { 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' },
  { 'retry-after': '99999999999999999999' },
  { 'ratelimit-reset': '-5' },
  { 'retry-after': '1e3' },
  { 'x-ratelimit-reset': '0x10', 'retry-after': 'soon' },
];
const GARBAGE = ['{"status":"COMPLETED"', '<html>502 Bad Gateway</html>', '[]', 'null', '"COMPLETED"', '{"status":12}', '{"id":"x","status":"EXPLODED","state":"exploded"}', '\ufeff{"status":"done"}', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, ''];

type Lane = { readonly id: string; readonly fake: FakeVendor; readonly api: VendorStatusApi; readonly key: string };
const custom = (statusUrlTemplate: string): VendorStatusApi =>
  createAdapter({ id: 'acme', kind: 'custom', options: { auth: { type: 'bearer' }, paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' }, statusUrlTemplate } }).statusApi!;
const LANES: readonly Lane[] = [
  ...(['sync', 'lipdub', 'viralsync', 'synthesia'] as const).map((v) => ({ id: v, fake: v, api: createAdapter({ id: v, kind: v, options: {} }).statusApi!, key: `key-${v}-${randomUUID()}` })),
  { id: 'acme', fake: 'viralsync', api: custom('https://api.acme.example/v1/jobs/{jobId}'), key: `key-acme-${randomUUID()}` },
];
/** A custom vendor whose API answers every request 429 with an odd pause. */
const LIMITS: Lane = { id: 'limits', fake: 'viralsync', api: custom('https://api.limits.example/v1/jobs/{jobId}'), key: `key-limits-${randomUUID()}` };

jest.setTimeout(FULL ? 30 * 60_000 : 120_000);

describe(`hostile status APIs (${RUNS} runs × ${LANES.length} lanes × ${JOBS_PER_LANE} jobs, plus dot-segment ids and an always-429 vendor)`, () => {
  it('never leaks a key, stays under its memory bound, publishes nothing from a hostile answer, and backs off every job without losing one', async () => {
    const started = Date.now();
    const tls = selfSignedCertificate();
    // What the canaries (and any path no job id should reach) answer: a status the adapters would publish.
    const publishable = (path: string) => JSON.stringify({ id: 'x', jobId: 'x', status: path.startsWith('/v2/generate') ? 'COMPLETED' : path.startsWith('/v2/videos') ? 'complete' : 'done', state: 'done' });
    const canary = await startRecordingServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(publishable(req.url ?? '/')));
    const tlsCanary = await startRecordingServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(publishable(req.url ?? '/')), tls);
    const bombs = new Map<string, { body: Buffer; coding: Coding; layers: number }>();
    for (const [coding, layers] of [['gzip', 1], ['deflate', 1], ['br', 1], ['gzip', 2]] as const) bombs.set(`${coding} bomb${layers > 1 ? ' ×2' : ''}`, { body: await bomb(coding, INFLATED, layers), coding, layers });
    const written: Written = { bytes: 0 };
    const scenarios: ReadonlyArray<readonly [string, (path: string) => Override]> = [
      ['redirect to another origin', (path) => redirect([301, 302, 303, 307, 308][path.length % 5], `${canary.baseUrl}${path}`)],
      ['redirect to https', (path) => redirect(302, `${tlsCanary.baseUrl}${path}`)],
      ['redirect to another host name', (path) => redirect(307, `http://localhost:${new URL(canary.baseUrl).port}${path}`)],
      ['scheme-relative redirect', (path) => redirect(308, `//127.0.0.1:${new URL(canary.baseUrl).port}${path}`)],
      ['same-origin redirect', (path) => redirect(302, `/moved${path}`)],
      ['redirect loop', (path) => redirect(307, path)],
      ...[...bombs].map(([name, b]) => [name, () => compressed(b.body, b.coding, b.layers)] as const),
      ['endless chunked 200', () => endlessChunked(400_000_000, written)],
      ['endless chunked 500', () => endlessChunked(400_000_000, written, 500)],
      ['trickled body', () => trickle(50)],
      ['no answer', () => 'hang' as const],
      ['garbage JSON', (path) => ({ status: 200, body: GARBAGE[path.length % GARBAGE.length] })],
      ['odd 4xx', (path) => ({ status: [400, 410, 418, 451][path.length % 4], body: '{"error":"no"}' })],
    ];

    // The servers: each lane's scenario depends on its job and the run only, not on timing.
    let run = 0;
    const byScenario = new Map<string, number>();
    const servers = new Map<string, FakeVendorServer>();
    for (const lane of [...LANES, LIMITS]) {
      const server = await startFakeVendor(lane.fake, lane.key);
      server.override = (req) => {
        if (!req.jobId) return { status: 200, body: publishable(req.path) }; // a path no job id should reach
        const [name, answer] = lane === LIMITS ? ['429 with an odd pause', () => ({ status: 429, headers: ODD_RATE_LIMITS[(run - 1) % ODD_RATE_LIMITS.length], body: '{}' })] : scenarios[hash(`${req.jobId}#${run}`) % scenarios.length];
        byScenario.set(name, (byScenario.get(name) ?? 0) + 1);
        return answer(req.path);
      };
      servers.set(lane.id, server);
    }

    const backend = await freshBackend();
    const telemetry = new CountingTelemetry();
    const clock = new OffsetClock();
    const limiter = new VendorRateLimiter(clock);
    const jobs = new Map<string, string[]>();
    for (const lane of [...LANES, LIMITS]) {
      const ids = [...Array.from({ length: JOBS_PER_LANE }, (_, i) => (lane.id === 'lipdub' ? String(100_000 + i) : `${lane.id}-${i}`)), ...DOT_IDS, '%2e%2e', '.%2E'];
      jobs.set(lane.id, ids);
      await inBatches(ids, (id) => registry(backend.store, clock).register(lane.id, id));
    }
    const depsOf = (lanes: readonly Lane[]) =>
      pollerDeps({
        ...backend,
        clock,
        telemetry,
        limiter,
        vendors: lanes.map((lane) => ({ server: servers.get(lane.id)!, id: lane.id, apiKey: lane.key, statusApi: lane.api, requestTimeoutMs: REQUEST_TIMEOUT_MS, requestsPerMinute: 600_000 })),
      });
    const [deps, limitsDeps] = [depsOf(LANES), depsOf([LIMITS])];
    const pollRun = async () => {
      const at = clock.now();
      const [polled, limited] = await Promise.all([
        pollOnce(deps, { deadlineMs: at + (FULL ? 20 * 60_000 : 60_000) }),
        // A run shorter than the default pause: the always-429 vendor stops at its first pause instead of waiting it out.
        pollOnce(limitsDeps, { deadlineMs: at + DEFAULT_PAUSE_MS / 2 }),
      ]);
      return { ...polled, vendors: { ...polled.vendors, ...limited.vendors } };
    };

    const setUpSeconds = +((Date.now() - started) / 1000).toFixed(1);
    const runSeconds: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
    const errorsByReason: Record<string, number> = {};
    const lanesNotDone: string[] = [];
    let hits = 0;
    const pausesAfterOdd429: number[] = [];
    const notMovedOn: string[] = [];
    clock.advance(STALE_MS + 1);
    for (run = 1; run <= RUNS; run++) {
      const runStartedAt = clock.now();
      const runStarted = Date.now();
      const summary = await pollRun();
      runSeconds.push(+((Date.now() - runStarted) / 1000).toFixed(1));
      for (const lane of LANES) {
        for (const [reason, n] of Object.entries(summary.vendors[lane.id].errorsByReason)) errorsByReason[reason] = (errorsByReason[reason] ?? 0) + n;
        const { stop, remaining } = summary.vendors[lane.id];
        hits += summary.vendors[lane.id].hits;
        if (stop !== 'done' || remaining !== 0) lanesNotDone.push(`${lane.id} run ${run}: ${stop}, ${remaining} remaining`);
        // Every job moved forward: none is due any more at the time the run started.
        const due = await backend.store.listDue(lane.id, runStartedAt, 100);
        notMovedOn.push(...due.items.map((j) => `${lane.id}#${j.jobId} (run ${run})`));
      }
      pausesAfterOdd429.push(limiter.pausedUntil(LIMITS.id) - runStartedAt);
      clock.advance(7 * 3600_000); // past any backoff (6 h at most) and any pause (1 h at most)
    }
    const published = await drainEvents(backend.sqs, backend.queueUrl);

    // Every job is still there, not final, and was moved on once per run (a refused one once, to its give-up age).
    const records = new Map<string, JobRecord | undefined>();
    for (const [vendor, ids] of jobs) await inBatches(ids, async (id) => void records.set(`${vendor}#${id}`, await backend.store.get(vendor, id)));
    const lost = [...records].filter(([, r]) => r === undefined || r.status !== 'registered').map(([k]) => k);
    const wrongAttempts = [...records].filter(([key, r]) => {
      if (!r || key.startsWith(`${LIMITS.id}#`)) return false;
      return DOT_IDS.includes(r.jobId) ? r.pollAttempts !== 1 || r.nextPollAtMs !== r.lastActivityMs + GIVE_UP_MS + 1 : r.pollAttempts !== RUNS;
    });
    const limitsRecords = jobs.get(LIMITS.id)!.filter((id) => !DOT_IDS.includes(id)).map((id) => records.get(`${LIMITS.id}#${id}`)!);

    // The give-up age: every polled lane's job expires, once, and nothing else is published.
    clock.advance(GIVE_UP_MS - RUNS * 7 * 3600_000);
    const giveUp = await pollRun();
    const expired = await drainEvents(backend.sqs, backend.queueUrl);
    clearInterval(sampler);

    const requests = [...servers.values()].reduce((n, s) => n + s.requests.length, 0);
    const allKeys = [...LANES, LIMITS].map((l) => l.key);
    const keysAtCanaries = headerValues([...canary.requests, ...tlsCanary.requests]).filter((v) => allKeys.some((k) => v.includes(k)));
    const foreignKeys = [...LANES, LIMITS].flatMap((lane) => headerValues(servers.get(lane.id)!.requests).filter((v) => allKeys.some((k) => k !== lane.key && v.includes(k))).map(() => lane.id));
    const offPath = [...servers].flatMap(([id, s]) => s.requests.filter((r) => !r.jobId || DOT_IDS.includes(r.jobId)).map((r) => `${id} ${r.path}`));
    const figures = {
      requests,
      byScenario: Object.fromEntries([...byScenario].sort((a, b) => b[1] - a[1])),
      errorsByReason,
      canaryRequests: canary.requests.length + tlsCanary.requests.length,
      canaryConnections: canary.connections + tlsCanary.connections,
      keysAtCanaries: keysAtCanaries.length,
      foreignKeys: foreignKeys.length,
      offPathRequests: offPath.length,
      publishedFromHostileAnswers: published.length,
      hits,
      lanesNotDone: lanesNotDone.length,
      mibWrittenByEndlessBodies: +(written.bytes / (1 << 20)).toFixed(1),
      notMovedOn: notMovedOn.length,
      lost: lost.length,
      wrongPollAttempts: wrongAttempts.length,
      pauseAfterOdd429Ms: Object.fromEntries(pausesAfterOdd429.map((ms, i) => [JSON.stringify(ODD_RATE_LIMITS[i % ODD_RATE_LIMITS.length]), ms])),
      alwaysLimitedRequests: servers.get(LIMITS.id)!.requests.length,
      expiredAtGiveUp: expired.length,
      alwaysLimitedJobsLeftAtGiveUp: `${giveUp.vendors[LIMITS.id].stop}: ${limitsRecords.length} jobs keep their place`,
      rssBeforeMiB: Math.round(rssBefore / (1 << 20)),
      rssPeakGrowthMiB: +((rssPeak - rssBefore) / (1 << 20)).toFixed(1),
      setUpSeconds,
      runSeconds,
      wallSeconds: +((Date.now() - started) / 1000).toFixed(1),
    };
    console.log(`hostile status figures\n${JSON.stringify(figures, null, 2)}`);
    await Promise.all([canary.close(), tlsCanary.close(), ...[...servers.values()].map((s) => s.close())]);

    expect(keysAtCanaries).toEqual([]);
    expect(canary.requests).toEqual([]);
    expect(canary.connections + tlsCanary.connections).toBe(0);
    expect(foreignKeys).toEqual([]);
    expect(offPath).toEqual([]);
    expect(published).toEqual([]);
    expect(hits).toBe(0);
    expect(lanesNotDone).toEqual([]);
    expect(notMovedOn).toEqual([]);
    expect(lost).toEqual([]);
    expect(wrongAttempts.map(([key]) => key)).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(RUNS * LANES.length * JOBS_PER_LANE);
    expect(errorsByReason.refused).toBe(LANES.length * DOT_IDS.length); // once each, then left until their give-up age
    // An odd 429 pauses the vendor for the default, never for nothing; its jobs keep their place.
    expect(Math.min(...pausesAfterOdd429)).toBeGreaterThanOrEqual(DEFAULT_PAUSE_MS - 5000);
    expect(limitsRecords.every((r) => r.pollAttempts === 0)).toBe(true);
    const expiredKeys = expired.map((e) => `${e.data.vendor}#${e.data.jobId}:${e.data.status}`).sort();
    const polledLaneJobs = LANES.flatMap((lane) => jobs.get(lane.id)!.map((id) => `${lane.id}#${id}:expired`)).sort();
    expect(expiredKeys).toEqual(polledLaneJobs);
    expect(rssPeak - rssBefore).toBeLessThan(RSS_BOUND_MIB << 20);
  });
});

/** FNV-1a: a job's scenario in a run, the same whatever order the requests arrive in. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<unknown>, size = 50): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
