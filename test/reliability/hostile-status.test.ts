/**
 * The hostile-status run: real poll runs (pollOnce on dynalite and fauxqs) against status APIs that
 * answer nothing but trouble: redirects (another origin, another scheme, the same origin, loops),
 * gzip, deflate and brotli bombs, endless chunked bodies, bodies that trickle past the request
 * timeout, garbage JSON, odd 4xx, 429s with odd Retry-After / RateLimit-Reset values, and jobs
 * whose ids are dot segments. Two canaries (http, and https with a certificate nobody trusts)
 * stand where the redirects point and record every request and connection.
 *
 * The poller runs in a child process (./hostile-poller-child.ts), as it would in Lambda, so its
 * peak RSS is its own; the emulators, servers and canaries stay in the jest process.
 *
 * Asserted: no key reaches any server it was not meant for; the poller's peak RSS stays under a stated bound;
 * nothing is published from a hostile answer; every job is backed off (its next poll time moved
 * forward) or keeps its place after a 429, and none is lost: each expires once at its give-up age.
 * RELIABILITY=full sends 10,000 requests; `npm test` a few hundred.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import type { JobRecord } from '../../lambda/core/ports';
import { clockShiftEnv } from '../support/child-env';
import { drainEvents, freshBackend } from '../support/emulators';
import { GIVE_UP_MS, registry, STALE_MS } from '../poller/harness';
import { bomb, compressed, endlessChunked, headerValues, redirect, selfSignedCertificate, startRecordingServer, trickle, type Coding, type Written } from '../poller/hostile-http';
import { OffsetClock, startFakeVendor, type FakeVendorServer, type Override } from '../poller/support';
import type { ChildLane, ChildRun, ChildRunReport, ChildSetup } from './hostile-poller-child';

const FULL = process.env.RELIABILITY === 'full';
/** Five polled lanes × RUNS runs × JOBS_PER_LANE: 10,000 requests in full, 150 in `npm test` (plus the give-up run's). */
const RUNS = FULL ? 5 : 3;
const JOBS_PER_LANE = FULL ? 400 : 10;
const DOT_IDS = ['.', '..'];
const INFLATED = FULL ? 157_000_000 : 32 << 20;
const REQUEST_TIMEOUT_MS = 250;
/**
 * The bound this run states: how much the poller process's peak RSS may grow over its runs. A
 * hostile answer holds at most the 1 MiB cap (plus a 64 KiB chunk) while it is read, 8 at a time;
 * what it leaves is garbage, collected when external memory has grown by V8's 64 MiB soft limit.
 * So: 64 + 8 × 1.1 MiB, and room for the heap and the allocator.
 */
const PEAK_RSS_GROWTH_BOUND_MIB = 96;
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

type Lane = Omit<ChildLane, 'baseUrl'> & { readonly id: string };
const custom = (id: string, statusUrlTemplate: string): Lane => ({
  id,
  vendor: { id, kind: 'custom', options: { auth: { type: 'bearer' }, paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' }, statusUrlTemplate } },
  fake: 'viralsync', // its server serves GET /v1/jobs/{id}, the template's path
  key: `key-${id}-${randomUUID()}`,
});
const LANES: readonly Lane[] = [
  ...(['sync', 'lipdub', 'viralsync', 'synthesia'] as const).map((v) => ({ id: v, vendor: { id: v, kind: v, options: {} }, fake: v, key: `key-${v}-${randomUUID()}` })),
  custom('acme', 'https://api.acme.example/v1/jobs/{jobId}'),
];
/** A custom vendor whose API answers every request 429 with an odd pause. */
const LIMITS: Lane = custom('limits', 'https://api.limits.example/v1/jobs/{jobId}');

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
      ['no answer', () => ({ respond: () => undefined })], // held by nothing but its socket, which the poller drops at its timeout
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
    const clock = new OffsetClock();
    const jobs = new Map<string, string[]>();
    for (const lane of [...LANES, LIMITS]) {
      const ids = [...Array.from({ length: JOBS_PER_LANE }, (_, i) => (lane.id === 'lipdub' ? String(100_000 + i) : `${lane.id}-${i}`)), ...DOT_IDS, '%2e%2e', '.%2E'];
      jobs.set(lane.id, ids);
      await inBatches(ids, (id) => registry(backend.store, clock).register(lane.id, id));
    }
    const laneOf = (lane: Lane): ChildLane => ({ vendor: lane.vendor, fake: lane.fake, key: lane.key, baseUrl: servers.get(lane.id)!.baseUrl });
    const poller = await startPoller({
      dynamoEndpoint: process.env.VW_TEST_DYNAMO_ENDPOINT!,
      sqsEndpoint: process.env.VW_TEST_SQS_ENDPOINT!,
      tableName: backend.tableName,
      queueUrl: backend.queueUrl,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      lanes: LANES.map(laneOf),
      shortLanes: [laneOf(LIMITS)],
    });
    // The always-429 vendor polls in a run shorter than its pause: it stops at its first pause instead of waiting it out.
    const pollRun = () => poller.run({ offsetMs: clock.offset, budgetMs: FULL ? 20 * 60_000 : 60_000, shortBudgetMs: DEFAULT_PAUSE_MS / 2 });

    const setUpSeconds = +((Date.now() - started) / 1000).toFixed(1);
    const runSeconds: number[] = [];
    const peakRssGrowthMiB: number[] = [];
    const growthOf = (report: ChildRunReport) => +((report.maxRssKb - report.maxRssBeforeRunsKb) / 1024).toFixed(1);
    const errorsByReason: Record<string, number> = {};
    const lanesNotDone: string[] = [];
    let hits = 0;
    const pausesAfterOdd429: number[] = [];
    const notMovedOn: string[] = [];
    clock.advance(STALE_MS + 1);
    for (run = 1; run <= RUNS; run++) {
      const runStartedAt = clock.now();
      const runStarted = Date.now();
      const report = await pollRun();
      const { summary } = report;
      runSeconds.push(+((Date.now() - runStarted) / 1000).toFixed(1));
      peakRssGrowthMiB.push(growthOf(report));
      for (const lane of LANES) {
        for (const [reason, n] of Object.entries(summary.vendors[lane.id].errorsByReason)) errorsByReason[reason] = (errorsByReason[reason] ?? 0) + n;
        const { stop, remaining } = summary.vendors[lane.id];
        hits += summary.vendors[lane.id].hits;
        if (stop !== 'done' || remaining !== 0) lanesNotDone.push(`${lane.id} run ${run}: ${stop}, ${remaining} remaining`);
        // Every job moved forward: none is due any more at the time the run started.
        const due = await backend.store.listDue(lane.id, runStartedAt, 100);
        notMovedOn.push(...due.items.map((j) => `${lane.id}#${j.jobId} (run ${run})`));
      }
      pausesAfterOdd429.push(report.pausedUntil[LIMITS.id] - runStartedAt);
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

    // The give-up age: every job expires, once, and nothing else is published; the always-limited
    // vendor's too (they waited for ever before), but for those asked in that very run, which got its 429.
    clock.advance(GIVE_UP_MS - RUNS * 7 * 3600_000);
    const limitsAskedBefore = servers.get(LIMITS.id)!.requests.length;
    const giveUp = await pollRun();
    const limitsAskedAtGiveUp = servers.get(LIMITS.id)!.requests.length - limitsAskedBefore;
    peakRssGrowthMiB.push(growthOf(giveUp));
    await poller.stop();
    const expired = await drainEvents(backend.sqs, backend.queueUrl);

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
      alwaysLimitedJobsAtGiveUp: `${giveUp.summary.vendors[LIMITS.id].expired} of ${jobs.get(LIMITS.id)!.length} expired (${limitsAskedAtGiveUp} asked in that run got its 429)`,
      pollerPeakRssBeforeRunsMiB: Math.round(giveUp.maxRssBeforeRunsKb / 1024),
      pollerPeakRssMiB: Math.round(giveUp.maxRssKb / 1024),
      pollerPeakRssGrowthAfterEachRunMiB: peakRssGrowthMiB,
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
    expect(expiredKeys.filter((k) => !k.startsWith(`${LIMITS.id}#`))).toEqual(polledLaneJobs);
    expect(new Set(expiredKeys).size).toBe(expiredKeys.length);
    expect(expiredKeys.filter((k) => k.startsWith(`${LIMITS.id}#`))).toHaveLength(jobs.get(LIMITS.id)!.length - limitsAskedAtGiveUp);
    expect(giveUp.maxRssKb - giveUp.maxRssBeforeRunsKb).toBeLessThan(PEAK_RSS_GROWTH_BOUND_MIB * 1024);
  });
});

/** FNV-1a: a job's scenario in a run, the same whatever order the requests arrive in. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The poller in its own process (see ./hostile-poller-child.ts): one poll run per call. */
async function startPoller(setup: ChildSetup): Promise<{ run(run: ChildRun): Promise<ChildRunReport>; stop(): Promise<void> }> {
  const child: ChildProcess = fork(join(__dirname, 'hostile-poller-child.ts'), [JSON.stringify(setup)], {
    execArgv: ['--import', 'tsx'],
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true', ...clockShiftEnv() },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the poller child exited with ${code}`));
      child.once('exit', exited);
      child.once('message', (m) => {
        child.off('exit', exited);
        resolve(m);
      });
    });
  const ready = await next();
  if (ready !== 'ready') throw new Error(`the poller child said ${JSON.stringify(ready)}`);
  return {
    async run(run) {
      child.send(run);
      return (await next()) as ChildRunReport;
    },
    async stop() {
      child.kill();
      await once(child, 'exit');
    },
  };
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<unknown>, size = 50): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
