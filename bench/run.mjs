#!/usr/bin/env node
// `npm run bench`: what users pay for in Lambda, each figure beside a baseline measured in the same
// run (this machine is noisy: ratios and medians). Prints a table and writes bench/results.json.
// Runs after `npm run build` (it loads dist/ and assets/).
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const quick = process.env.BENCH_QUICK === '1';
const results = { machine: { node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString() } };
const rows = [];
const row = (part, figure, value, baseline, ratio, target, pass) => rows.push({ part, figure, value, baseline, ratio, target, pass });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

const firstVendor = require('./dist/lambda/vendors/registry.js').BUILT_IN_VENDOR_IDS[0];
// The figures of the code before issue 20, measured by this script on main (see bench/baseline.json).
const baselineFile = join(root, 'bench', 'baseline.json');
const baseline = process.env.BENCH_WRITE_BASELINE === '1' ? undefined : JSON.parse(readFileSync(baselineFile, 'utf8'));
// BENCH_PARTS=latency,cost runs only those parts (all by default).
const parts = new Set((process.env.BENCH_PARTS ?? 'bundles,core,pipeline,poller,latency,lambda,cost,archive').split(','));
if (parts.has('bundles')) await bundles();
if (parts.has('core')) await verifierCore();
if (parts.has('pipeline')) await pipeline();
if (parts.has('poller')) await poller();
if (parts.has('latency')) await latency();
if (parts.has('lambda')) await verifierInLambda();
if (parts.has('cost')) await costModel();
if (parts.has('archive')) await archiveCost();
report();

// 1. Bundle size and cold init, beside the SDK-external build and an empty handler.
async function bundles() {
  const tmp = join(root, 'bench', '.tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const common = { bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: true, legalComments: 'none', mainFields: ['module', 'main'], logLevel: 'error' };
  // What NodejsFunction does by default for Node 22: @aws-sdk/* left to the runtime's copy.
  for (const name of ['verifier', 'poller']) {
    await build({ ...common, entryPoints: [join(root, 'lambda', 'handlers', `${name}.ts`)], outfile: join(tmp, `${name}-sdk-external.js`), external: ['@aws-sdk/*'] });
  }
  writeFileSync(join(tmp, 'empty.js'), 'exports.handler = async () => ({ statusCode: 200 });\n');
  const env = {
    ...process.env,
    VW_VENDOR: JSON.stringify({ id: firstVendor, kind: firstVendor, options: {} }),
    VW_WEBHOOK_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
    VW_TABLE_NAME: 't',
    VW_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo',
    VW_QUARANTINE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/qq.fifo',
    VW_POLLER_VENDORS: '[]',
    AWS_REGION: 'us-east-1',
  };
  const probe = `const t0=process.hrtime.bigint();require(process.argv[1]);const t1=process.hrtime.bigint();process.stdout.write(String(Number(t1-t0)/1e6));`;
  const runs = quick ? 7 : 30;
  const subjects = [
    ['verifier', join(root, 'assets', 'verifier', 'index.js')],
    ['verifier (SDK external)', join(tmp, 'verifier-sdk-external.js')],
    ['poller', join(root, 'assets', 'poller', 'index.js')],
    ['poller (SDK external)', join(tmp, 'poller-sdk-external.js')],
    ['empty handler', join(tmp, 'empty.js')],
  ];
  const times = Object.fromEntries(subjects.map(([n]) => [n, { require: [], process: [] }]));
  for (let i = 0; i < runs; i++) {
    for (const [name, file] of subjects) {
      const t0 = process.hrtime.bigint();
      const out = execFileSync(process.execPath, ['-e', probe, file], { env, encoding: 'utf8' });
      times[name].process.push(Number(process.hrtime.bigint() - t0) / 1e6);
      times[name].require.push(Number(out));
    }
  }
  results.bundles = {};
  for (const [name, file] of subjects) {
    const bytes = statSync(file).size;
    const gzip = gzipSync(readFileSync(file)).length;
    results.bundles[name] = { bytes, gzipBytes: gzip, requireMsMedian: median(times[name].require), processMsMedian: median(times[name].process), runs };
  }
  for (const name of ['verifier', 'poller']) {
    const b = results.bundles[name];
    const ext = results.bundles[`${name} (SDK external)`];
    const kib = b.bytes / 1024;
    row('bundles', `${name} bundle`, `${fmt(kib)} KiB (${fmt(b.gzipBytes / 1024)} KiB gz)`, `${fmt(ext.bytes / 1024)} KiB SDK-external`, '', '<= 400 KiB', kib <= 400);
    const ratio = b.requireMsMedian / ext.requireMsMedian;
    row('bundles', `${name} cold init (require)`, `${fmt(b.requireMsMedian)} ms`, `${fmt(ext.requireMsMedian)} ms SDK-external; empty ${fmt(results.bundles['empty handler'].requireMsMedian, 2)} ms`, `${fmt(ratio, 2)}x`, '<= 0.7x', ratio <= 0.7);
    row('bundles', `${name} whole process`, `${fmt(b.processMsMedian)} ms`, `${fmt(ext.processMsMedian)} ms SDK-external; empty ${fmt(results.bundles['empty handler'].processMsMedian)} ms`, `${fmt(b.processMsMedian / ext.processMsMedian, 2)}x`, '', undefined);
  }
  rmSync(tmp, { recursive: true, force: true });
}

// 2. The verifier core in-process with in-memory ports, beside HMAC + JSON.parse of the same body.
async function verifierCore() {
  const { handleWebhook } = require('./dist/lambda/core/webhook.js');
  const { MemoryJobStore, MemoryQuarantineQueue } = require('./dist/local/adapters/memory.js');
  const { StaticSecretSource } = require('./dist/local/adapters/secrets.js');
  const { createAdapter } = require('./dist/lambda/vendors/registry.js');
  const { REPORT_EVENTS, sampleJobId, samplePayload, sampleSecret, signRequest, signsWithSecret } = require('./dist/lambda/vendors/samples.js');
  const { rawRequest } = require('./dist/lambda/core/http.js');
  const n = quick ? 2000 : 10000;
  const reps = quick ? 3 : 5;
  results.verifierCore = {};
  // The vendors whose webhooks are reports (an unsigned vendor's callback, a poll-only vendor: no
  // event of their own) signed with a secret (a public-key vendor's signature is another measure: an Ed25519 verify).
  for (const vendor of Object.keys(REPORT_EVENTS).filter(signsWithSecret)) {
    const secret = sampleSecret(vendor);
    const now = Date.now();
    const requests = Array.from({ length: n }, (_, i) => {
      const body = JSON.stringify(samplePayload(vendor, 'completed', sampleJobId(vendor, i), now));
      return { body, req: rawRequest(signRequest(vendor, body, secret, now), body) };
    });
    const coreRuns = [];
    const floorRuns = [];
    const latencies = [];
    for (let r = 0; r < reps; r++) {
      const deps = {
        adapters: new Map([[vendor, createAdapter({ id: vendor, kind: vendor, options: {} })]]),
        store: new MemoryJobStore(),
        // A counting sink, like SQS: the queue's contents are not the verifier's memory.
        queue: { sent: 0, async send() { this.sent++; } },
        quarantine: new MemoryQuarantineQueue(),
        secrets: new StaticSecretSource({ s: [secret] }),
        secretIdFor: () => 's',
        clock: { now: () => Date.now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)) },
        telemetry: { log() {}, count() {} },
        config: { dedupeWindowMs: 7 * 86400e3, staleAfterMs: 600e3, giveUpAfterMs: 172800e3, claimLeaseMs: 30e3, busyWaitMs: 1500 },
        maxBodyBytes: 262144,
      };
      // Warm up on the first 10% (JIT), measure the rest.
      const warm = Math.floor(n / 10);
      for (let i = 0; i < warm; i++) await handleWebhook(vendor, requests[i].req, deps);
      const t0 = process.hrtime.bigint();
      for (let i = warm; i < n; i++) {
        const s = process.hrtime.bigint();
        const answer = await handleWebhook(vendor, requests[i].req, deps);
        if (r === reps - 1) latencies.push(Number(process.hrtime.bigint() - s) / 1e3);
        if (answer.statusCode !== 200) throw new Error(`bench: ${vendor} answered ${answer.statusCode}`);
      }
      coreRuns.push(((n - warm) / Number(process.hrtime.bigint() - t0)) * 1e9);
      const f0 = process.hrtime.bigint();
      let sink = 0;
      for (let i = warm; i < n; i++) {
        const mac = createHmac('sha256', secret).update(requests[i].body).digest();
        sink += mac[0] + Object.keys(JSON.parse(requests[i].body)).length;
      }
      floorRuns.push(((n - warm) / Number(process.hrtime.bigint() - f0)) * 1e9);
      if (sink < 0) console.log(sink);
    }
    const core = median(coreRuns);
    const floor = median(floorRuns);
    results.verifierCore[vendor] = { eventsPerSecond: core, p50Us: pct(latencies, 50), p99Us: pct(latencies, 99), floorEventsPerSecond: floor, ratio: core / floor, events: n, repetitions: reps };
    row('verifier core', `${vendor} events/s (p50 / p99)`, `${fmt(core, 0)} (${fmt(pct(latencies, 50), 0)} / ${fmt(pct(latencies, 99), 0)} µs)`, `${fmt(floor, 0)} floor (HMAC + JSON.parse)`, `${fmt(core / floor, 2)}x`, '>= 0.5x', core / floor >= 0.5);
    const stages = await coreStages(vendor, requests, secret, now, reps, 1e6 / core);
    results.verifierCore[vendor].stagesUs = stages;
    row(
      'verifier core',
      `${vendor} µs per event by stage`,
      `auth ${fmt(stages.authenticate, 2)}, normalize ${fmt(stages.normalize, 2)}, event ${fmt(stages.buildEvent, 2)} (id ${fmt(stages.eventId, 2)}), store+queue ${fmt(stages.delivery, 2)}, answer ${fmt(stages.rest, 2)}`,
      `floor ${fmt(stages.floor, 2)} µs`,
      '',
      '',
    );
  }
}

/**
 * Where the verifier core's time goes, per event: each stage run alone over the same requests
 * (median of `reps` passes). `delivery` is `deliver()` on in-memory ports minus building the event;
 * `rest` is the whole core minus the stages (secret lookup, telemetry calls, answer, awaits).
 */
async function coreStages(vendor, requests, secret, now, reps, wholeUs) {
  const { deliver } = require('./dist/lambda/core/delivery.js');
  const { buildEvent, eventIdFor } = require('./dist/lambda/core/event.js');
  const { MemoryJobStore } = require('./dist/local/adapters/memory.js');
  const { createAdapter } = require('./dist/lambda/vendors/registry.js');
  const adapter = createAdapter({ id: vendor, kind: vendor, options: {} });
  const n = requests.length;
  const perEvent = (f) => {
    const runs = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) f(i);
      runs.push(Number(process.hrtime.bigint() - t0) / n / 1e3);
    }
    return median(runs);
  };
  const auths = requests.map((q) => adapter.authenticate(q.req, [secret], now));
  const fields = requests.map((q, i) => adapter.normalize(q.req, auths[i]).fields);
  const source = { vendor, receivedVia: 'webhook', receivedAtMs: now };
  const config = { dedupeWindowMs: 7 * 86400e3, staleAfterMs: 600e3, giveUpAfterMs: 172800e3, claimLeaseMs: 30e3, busyWaitMs: 1500 };
  const stages = {
    floor: perEvent((i) => createHmac('sha256', secret).update(requests[i].body).digest()[0] + Object.keys(JSON.parse(requests[i].body)).length),
    authenticate: perEvent((i) => adapter.authenticate(requests[i].req, [secret], now)),
    normalize: perEvent((i) => adapter.normalize(requests[i].req, auths[i])),
    buildEvent: perEvent((i) => buildEvent(fields[i], source)),
    eventId: perEvent((i) => eventIdFor(vendor, fields[i])),
  };
  // deliver() is async: timed sequentially like the core loop, on a fresh store per pass.
  const deliveryRuns = [];
  for (let r = 0; r < reps; r++) {
    const deps = { store: new MemoryJobStore(), queue: { async send() {} }, clock: { now: () => Date.now(), sleep: async () => {} }, telemetry: { log() {}, count() {} }, config };
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await deliver(fields[i], source, deps);
    deliveryRuns.push(Number(process.hrtime.bigint() - t0) / n / 1e3);
  }
  stages.delivery = Math.max(0, median(deliveryRuns) - stages.buildEvent);
  stages.rest = Math.max(0, wholeUs - stages.authenticate - stages.normalize - stages.buildEvent - stages.delivery);
  return stages;
}

// 3. The whole local pipeline over HTTP: dev server, dynalite, fauxqs.
async function pipeline() {
  const { startDevServer } = require('./dist/local/dev-server/dev-server.js');
  const { webhookSecretEnv } = require('./dist/local/dev-server/wiring.js');
  const { sampleJobId, samplePayload, signRequest } = require('./dist/lambda/vendors/samples.js');
  const vendor = firstVendor;
  const secret = 'bench_pipeline_secret';
  let queued = 0;
  const server = await startDevServer({ port: 0, env: { [webhookSecretEnv(vendor)]: secret }, onEvent: () => queued++, onRejection: () => {}, pollIntervalSeconds: 3600 });
  const n = quick ? 400 : 2000;
  const concurrency = 16;
  const bodies = Array.from({ length: n }, (_, i) => JSON.stringify(samplePayload(vendor, 'completed', sampleJobId(vendor, 200_000 + i), Date.now())));
  const latencies = [];
  let next = 0;
  let errors = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const body = bodies[next++];
        const s = process.hrtime.bigint();
        const res = await fetch(`${server.url}/webhooks/${vendor}`, { method: 'POST', headers: signRequest(vendor, body, secret, Date.now()), body });
        await res.arrayBuffer();
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        if (res.status !== 200) errors++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const deadline = Date.now() + 15_000;
  while (queued < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await server.stop();
  results.pipeline = { vendor, events: n, concurrency, eventsPerSecond: n / seconds, p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), errors, queued, boundBy: 'the in-process emulators (dynalite, fauxqs) on this machine' };
  row('pipeline', `dev server events/s, c=${concurrency} (p50 / p99)`, `${fmt(n / seconds, 0)} (${fmt(pct(latencies, 50))} / ${fmt(pct(latencies, 99))} ms)`, `${queued}/${n} read back from the queue, ${errors} errors`, '', 'bound by the emulators', errors === 0 && queued === n);
}

// 4. The poller against fake status APIs answering in 50 ms.
async function poller() {
  const { pollOnce, DEFAULT_POLLER_SETTINGS } = require('./dist/lambda/poller/poller.js');
  const { VendorRateLimiter } = require('./dist/lambda/poller/rate-limiter.js');
  const { StatusClient } = require('./dist/lambda/poller/status-client.js');
  const { MemoryJobStore, MemoryEventQueue } = require('./dist/local/adapters/memory.js');
  const { newRecord } = require('./dist/lambda/core/delivery.js');
  const { createAdapter, registry, BUILT_IN_VENDOR_IDS } = require('./dist/lambda/vendors/registry.js');
  const { sampleStatusAnswer } = require('./dist/lambda/vendors/samples.js');
  const { DEFAULTS } = require('./dist/lambda/contract/deployment.js');
  const latencyMs = 50;
  const server = createServer((req, res) => {
    const [, vendor, ...rest] = (req.url ?? '').split('/');
    const id = decodeURIComponent(rest.join('/').match(/([^/?]+)(\/status)?(\?.*)?$/)?.[1] ?? 'x');
    const answer = BUILT_IN_VENDOR_IDS.includes(vendor) ? sampleStatusAnswer(vendor, id) : {};
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)), latencyMs);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  // The vendors with a status API by default (one that needs more options, a model id, is left out).
  const polled = BUILT_IN_VENDOR_IDS.filter((id) => createAdapter({ id, kind: id, options: {} }).statusApi);
  const constructDefaults = Object.fromEntries(registry.builtIns.filter((b) => polled.includes(b.id)).map((b) => [b.id, b.manifest.pollRequestsPerMinute]));
  results.poller = { latencyMs, concurrency: DEFAULTS.pollConcurrency };
  for (const mode of ['rate limits off', 'rate limits on (construct defaults)']) {
    const limited = mode.startsWith('rate limits on');
    const store = new MemoryJobStore();
    const perVendor = quick ? 150 : 500;
    for (const vendor of polled) {
      for (let i = 0; i < perVendor; i++) {
        await store.put({ ...newRecord(vendor, `${vendor}-${i}`, Date.now() - 3600e3, { staleAfterMs: 600e3, giveUpAfterMs: 172800e3, dedupeWindowMs: 604800e3 }), nextPollAtMs: Date.now() - 1000 - i }, null);
      }
    }
    const clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
    const deps = {
      store,
      queue: new MemoryEventQueue(),
      clock,
      telemetry: { log() {}, count() {} },
      config: { dedupeWindowMs: 604800e3, staleAfterMs: 600e3, giveUpAfterMs: 172800e3, claimLeaseMs: 30e3, busyWaitMs: 0 },
      vendors: polled.map((id) => ({
        id,
        statusApi: createAdapter({ id, kind: id, options: {} }).statusApi,
        baseUrl: `${base}/${id}`,
        // In the form every vendor's key takes (one sends `<id>:<secret>` as HTTP Basic).
        apiKey: async () => 'bench-key-id:bench-key-secret',
        requestsPerMinute: limited ? constructDefaults[id] : 1e9,
        requestTimeoutMs: 2000,
        allowInsecureStatusApi: true, // the fake status APIs are on loopback over plain http
      })),
      limiter: new VendorRateLimiter(clock),
      statusClient: new StatusClient({ now: () => Date.now() }),
      settings: { ...DEFAULT_POLLER_SETTINGS, concurrency: DEFAULTS.pollConcurrency },
    };
    const windowMs = quick ? 4000 : 10000;
    const t0 = Date.now();
    const summary = await pollOnce(deps, { deadlineMs: t0 + windowMs });
    const seconds = (Date.now() - t0) / 1000;
    results.poller[mode] = { jobsPolled: summary.polled, requests: summary.requests, seconds, jobsPerSecond: summary.polled / seconds, windowMs };
    const ceiling = limited ? Object.values(constructDefaults).reduce((a, b) => a + b, 0) / 60 : DEFAULTS.pollConcurrency / (latencyMs / 1000);
    row('poller', `jobs/s, ${mode}`, `${fmt(summary.polled / seconds)} (${summary.polled} in ${fmt(seconds)} s)`, `ceiling ${fmt(ceiling)}/s (${limited ? 'sum of the rate limits' : `concurrency ${DEFAULTS.pollConcurrency} / ${latencyMs} ms`})`, `${fmt(summary.polled / seconds / ceiling, 2)}x`, '', undefined);
  }
  await new Promise((r) => server.close(r));
}

// 5. The verifier's path with every port call (DynamoDB, SQS) given a fixed simulated round trip:
// the calls are sequential, so how many there are is the latency. In-process, in-memory ports, the
// cost model's webhook mix (new events and 10% vendor retries), jobs in parallel lanes, each job's
// webhooks in order.
async function latency() {
  const rttMs = 8;
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const { handleWebhook } = require('./dist/lambda/core/webhook.js');
  const { MemoryJobStore, MemoryQuarantineQueue, MemoryRequestArchive } = require('./dist/local/adapters/memory.js');
  const { StaticSecretSource } = require('./dist/local/adapters/secrets.js');
  const { JobRegistry } = require('./dist/lambda/runtime/register-job.js');
  const { createAdapter } = require('./dist/lambda/vendors/registry.js');
  const calls = new AsyncLocalStorage();
  // Every method call of a port: noted for the request it serves, then answered after the round trip.
  const remote = (target, service) =>
    new Proxy(target, {
      get(t, prop) {
        const value = t[prop];
        if (typeof value !== 'function') return value;
        return async (...args) => {
          calls.getStore()?.push(`${service}.${String(prop)}`);
          await new Promise((r) => setTimeout(r, rttMs));
          return value.apply(t, args);
        };
      },
    });
  // The same mix without the archive and with it (a Firehose PutRecord at the same 8 ms), in one run:
  // a warm-up pass (not counted), then the two modes alternated twice, each mode's samples together.
  results.latency = { rttMs, note: 'each port call answered after a fixed setTimeout round trip (timers fire at or after it); the archive is one more port (Firehose) at the same round trip; after a warm-up pass, the modes alternate twice', modes: {} };
  const samples = { 'without archive': {}, 'with archive': {} };
  const mix = mixSecrets();
  for (const [round, mode] of ['warm-up', 'without archive', 'with archive', 'without archive', 'with archive'].entries()) {
    const inner = new MemoryJobStore();
    const deps = {
      adapters: new Map(Object.keys(mix).map((v) => [v, createAdapter({ id: v, kind: v, options: {} })])),
      store: remote(inner, 'dynamodb'),
      queue: remote({ async send() {} }, 'sqs'),
      quarantine: new MemoryQuarantineQueue(),
      ...(mode === 'with archive' ? { archive: remote(new MemoryRequestArchive(), 'firehose') } : {}),
      secrets: new StaticSecretSource(Object.fromEntries(Object.entries(mix).map(([v, secret]) => [v, [secret]]))),
      secretIdFor: (v) => v,
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)) },
      telemetry: { log() {}, count() {} },
      config: { dedupeWindowMs: 604800e3, staleAfterMs: 600e3, giveUpAfterMs: 172800e3, claimLeaseMs: 30e3, busyWaitMs: 1500 },
      maxBodyBytes: 262144,
    };
    const jobs = webhookMix(quick ? 40 : 100, 600_000 + round * 10_000);
    // Registrations are the app's, not the verifier's path: made beforehand, without the round trip.
    const registry = new JobRegistry(inner);
    for (const job of jobs) if (job.register) await registry.register(job.vendor, job.jobId);
    const byOutcome = mode === 'warm-up' ? {} : samples[mode];
    let next = 0;
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          for (const req of job.requests) {
            const made = [];
            const t0 = process.hrtime.bigint();
            const answer = await calls.run(made, () => handleWebhook(job.vendor, req(), deps));
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            const kind = answer.result.kind === 'delivered' ? answer.result.outcome : answer.result.kind;
            (byOutcome[kind] ??= []).push({ ms, calls: made });
          }
        }
      }),
    );
  }
  const summary = (list) => {
    const patterns = {};
    for (const r of list) patterns[r.calls.join(' → ')] = (patterns[r.calls.join(' → ')] ?? 0) + 1;
    const pattern = Object.entries(patterns).sort((a, b) => b[1] - a[1])[0][0];
    return { requests: list.length, callsMedian: median(list.map((r) => r.calls.length)), pattern, p50Ms: pct(list.map((r) => r.ms), 50), p99Ms: pct(list.map((r) => r.ms), 99) };
  };
  for (const [mode, byOutcome] of Object.entries(samples)) results.latency.modes[mode] = { outcomes: Object.fromEntries(Object.entries(byOutcome).map(([k, v]) => [k, summary(v)])) };
  // The figures of the baseline file (main before issue 20) are those of the mix without an archive.
  results.latency.outcomes = results.latency.modes['without archive'].outcomes;
  const shown = (s) => `${s.callsMedian} calls (${s.pattern}), p50 ${fmt(s.p50Ms)} / p99 ${fmt(s.p99Ms)} ms`;
  for (const [kind, label, target, ok] of [
    ['enqueued', 'new event', '<= 3 calls', (s) => s.callsMedian <= 3],
    ['duplicate', 'duplicate', '1 call', (s) => s.callsMedian <= 1],
  ]) {
    const now = results.latency.outcomes[kind];
    const before = baseline?.latency?.outcomes?.[kind];
    row('latency', `${label}, ${rttMs} ms per call`, now ? shown(now) : 'none', before ? `${shown(before)} (${baseline.measuredOn})` : '', now && before ? `${fmt(now.p50Ms / before.p50Ms, 2)}x p50` : '', target, now ? ok(now) : false);
  }
  for (const [kind, label, target, ok] of [
    ['enqueued', 'new event', 'no added round trip (p50 within 1.1x)', (w, wo) => w.p50Ms <= wo.p50Ms * 1.1],
    ['duplicate', 'duplicate', '', undefined],
  ]) {
    const w = results.latency.modes['with archive'].outcomes[kind];
    const wo = results.latency.modes['without archive'].outcomes[kind];
    if (!w || !wo) continue;
    row('latency', `${label} with the archive (same run)`, shown(w), `without: p50 ${fmt(wo.p50Ms)} / p99 ${fmt(wo.p99Ms)} ms`, `${fmt(w.p50Ms / wo.p50Ms, 2)}x p50`, target, ok ? ok(w, wo) : undefined);
  }
}

/**
 * The bench's webhook mix: per vendor `jobsPerVendor` jobs, each with the vendor's first
 * progress-like webhook (if it sends one) and its final one, every tenth job's webhooks sent twice
 * (a vendor retry); jobs of a vendor that sends only its final webhook are registered by the app,
 * as the README asks. Each request is signed when it is made.
 */
function webhookMix(jobsPerVendor, firstJob) {
  const { sampleJobId, samplePayload, signRequest, VENDOR_EVENTS } = require('./dist/lambda/vendors/samples.js');
  const { rawRequest } = require('./dist/lambda/core/http.js');
  const sequences = Object.fromEntries(Object.entries(VENDOR_EVENTS).map(([v, events]) => [v, [...events.filter((e) => e === 'progress' || e === 'created').slice(0, 1), 'completed']]));
  const secrets = mixSecrets();
  const jobs = [];
  for (const vendor of Object.keys(secrets)) {
    for (let i = 0; i < jobsPerVendor; i++) {
      const jobId = sampleJobId(vendor, firstJob + i);
      const requests = [];
      for (const event of sequences[vendor]) {
        const body = JSON.stringify(samplePayload(vendor, event, jobId, Date.now()));
        for (let copy = 0; copy < (i % 10 === 0 ? 2 : 1); copy++) requests.push(() => rawRequest(signRequest(vendor, body, secrets[vendor], Date.now()), body));
      }
      jobs.push({ vendor, jobId, register: sequences[vendor].length === 1, requests });
    }
  }
  return jobs;
}

/**
 * The mix's vendors and their webhook secrets, each in its vendor's form: the vendors whose webhooks
 * are reports (an unsigned vendor's callback, a poll-only vendor: no event of their own) that sign
 * with a secret (a public-key vendor's signature is another cost, an Ed25519 verify, left out).
 */
function mixSecrets() {
  if (mixSecrets.memo) return mixSecrets.memo;
  const { REPORT_EVENTS, sampleSecret, signsWithSecret } = require('./dist/lambda/vendors/samples.js');
  mixSecrets.memo = Object.fromEntries(Object.keys(REPORT_EVENTS).filter(signsWithSecret).map((v) => [v, sampleSecret(v)]));
  return mixSecrets.memo;
}

// 6. The verifier's bundle (assets/verifier/index.js) invoked in its own Node process, as Lambda
// runs it, against the strict local emulators and a local Secrets Manager: the CPU time each
// invocation takes (process.cpuUsage in that process: the handler, the SDK's marshalling and
// signing, the HTTP client; not the emulators) and its peak memory. Lambda's duration at a memory
// size is then derived, not measured: the fixed round trips of the calls the invocation made, plus
// its CPU time stretched by the share of a vCPU that memory size gets ("At 1,769 MB, a function has
// the equivalent of one vCPU", https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html),
// billed by the millisecond.
async function verifierInLambda() {
  const rttMs = 8;
  const { startEmulators } = require('./dist/local/strict-aws/emulators.js');
  const { createJobTable, createQueues } = require('./dist/local/strict-aws/resources.js');
  const { sampleJobId, samplePayload, signRequest } = require('./dist/lambda/vendors/samples.js');
  const emulators = await startEmulators();
  const tmp = join(root, 'bench', '.tmp');
  mkdirSync(tmp, { recursive: true });
  // Secrets Manager's GetSecretValue answer for each vendor's secret (SecretId `...:secret:<vendor>`).
  const mix = mixSecrets();
  const secrets = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const vendor = String(JSON.parse(body || '{}').SecretId ?? '').split(':secret:')[1];
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Name: vendor, SecretString: mix[vendor] }));
    });
  });
  await new Promise((r) => secrets.listen(0, '127.0.0.1', r));
  // The runner: loads the bundle, invokes it for each event, reports CPU and wall time per invocation.
  const runner = join(tmp, 'lambda-runner.cjs');
  writeFileSync(
    runner,
    `const { handler } = require(process.argv[2]);
process.on('message', async (events) => {
  const out = [];
  for (const event of events) {
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const answer = await handler(event, { getRemainingTimeInMillis: () => 10000 });
    const used = process.cpuUsage(cpu);
    out.push({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (used.user + used.system) / 1000, status: answer.statusCode, outcome: JSON.parse(answer.body).outcome });
  }
  process.send({ out, maxRssMb: process.resourceUsage().maxRSS / 1024 });
});
process.send('ready');
`,
  );
  const perVendor = quick ? 60 : 200;
  const samples = [];
  const rss = [];
  const { fork } = await import('node:child_process');
  for (const vendor of Object.keys(mix)) {
    const table = `bench-${vendor}`;
    await createJobTable(emulators.dynamoClient(), table);
    const queues = await createQueues(emulators.sqsClient(), `bench-${vendor}`);
    const child = fork(runner, [join(root, 'assets', 'verifier', 'index.js')], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
        AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${secrets.address().port}`,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_LAMBDA_FUNCTION_NAME: `VideoWebhooksProd-WebhooksVerifier${vendor}1A2B3C4D-AbCdEfGhIjKl`,
        VW_DEPLOYMENT: 'VideoWebhooksProd-Webhooks-1A2B3C4D',
        VW_VENDOR: JSON.stringify({ id: vendor, kind: vendor, options: {} }),
        VW_WEBHOOK_SECRET_ID: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${vendor}`,
        VW_TABLE_NAME: table,
        VW_QUEUE_URL: queues.queueUrl,
        VW_QUARANTINE_QUEUE_URL: queues.quarantineQueueUrl,
      },
    });
    await new Promise((r) => child.once('message', r));
    const events = [];
    for (let i = 0; i < perVendor; i++) {
      const body = JSON.stringify(samplePayload(vendor, 'completed', sampleJobId(vendor, 700_000 + i), Date.now()));
      const headers = Object.fromEntries(Object.entries(signRequest(vendor, body, mix[vendor], Date.now())).map(([k, v]) => [k.toLowerCase(), v]));
      const event = { version: '2.0', rawPath: `/webhooks/${vendor}`, headers: { 'content-type': 'application/json', ...headers }, pathParameters: { vendor }, requestContext: { http: { method: 'POST' } }, body, isBase64Encoded: false };
      events.push(event);
      if (i % 10 === 0) events.push(event); // a vendor retry: a duplicate
    }
    const { out, maxRssMb } = await new Promise((r) => {
      child.once('message', r);
      child.send(events);
    });
    child.kill();
    if (out.some((o) => o.status !== 200)) throw new Error(`bench: the ${vendor} bundle answered ${[...new Set(out.map((o) => o.status))].join(', ')}`);
    // The first invocations warm the process (JIT, connections, the secret): left out.
    samples.push(...out.slice(10));
    rss.push(maxRssMb);
  }
  await emulators.stop();
  await new Promise((r) => secrets.close(r));
  const callsOf = (outcome) => (outcome === 'enqueued' ? 3 : 1);
  const sizes = [128, 256, 512, 1024].map((memoryMb) => {
    const billed = samples.map((o) => Math.ceil(callsOf(o.outcome) * rttMs + o.cpuMs * Math.max(1, 1769 / memoryMb)));
    const meanMs = billed.reduce((a, b) => a + b, 0) / billed.length;
    return { memoryMb, billedMsMean: meanMs, p50Ms: pct(billed, 50), p99Ms: pct(billed, 99), usdPerMillion: (memoryMb / 1024) * (meanMs / 1000) * 0.0000133334 * 1e6 };
  });
  const cheapest = sizes.reduce((a, b) => (b.usdPerMillion < a.usdPerMillion ? b : a));
  results.lambda = {
    rttMs,
    note: 'CPU time measured on the bundle in its own process (Node ' + process.version + '); durations derived: round trips of the calls made + CPU time x max(1, 1769 MB / memory)',
    invocations: samples.length,
    cpuMsMedian: median(samples.map((o) => o.cpuMs)),
    cpuMsP99: pct(samples.map((o) => o.cpuMs), 99),
    maxRssMb: Math.max(...rss),
    sizes,
    cheapestMb: cheapest.memoryMb,
  };
  row('lambda', 'verifier bundle CPU per invocation (median / p99), peak RSS', `${fmt(results.lambda.cpuMsMedian, 2)} / ${fmt(results.lambda.cpuMsP99, 2)} ms, ${fmt(results.lambda.maxRssMb, 0)} MB`, `${samples.length} invocations, ${Object.keys(mix).length} vendors, 10% duplicates`, '', '', undefined);
  for (const size of sizes) {
    row('lambda', `derived billed duration at ${size.memoryMb} MB (mean, p50 / p99)`, `${fmt(size.billedMsMean)} ms (${size.p50Ms} / ${size.p99Ms}), $${fmt(size.usdPerMillion, 3)}/M`, size.memoryMb === cheapest.memoryMb ? 'cheapest' : '', '', '', undefined);
  }
}

// 6. Cost per million webhook events at on-demand us-east-1 prices. Request units are counted by
// running the webhook mix through the real core with a store that applies DynamoDB's rules.
async function costModel() {
  const prices = {
    apiGatewayHttpPerMillion: 1.0,
    lambdaArmPerGbSecond: 0.0000133334,
    lambdaRequestsPerMillion: 0.2,
    sqsFifoPerMillion: 0.5,
    dynamoWriteUnitsPerMillion: 0.625,
    dynamoReadUnitsPerMillion: 0.125,
    cloudWatchLogsPerGb: 0.5,
  };
  const { handleWebhook } = require('./dist/lambda/core/webhook.js');
  const { MemoryJobStore, MemoryQuarantineQueue } = require('./dist/local/adapters/memory.js');
  const { StaticSecretSource } = require('./dist/local/adapters/secrets.js');
  const { telemetryFromEnv } = require('./dist/lambda/composition/lambda.js');
  const { JobRegistry } = require('./dist/lambda/runtime/register-job.js');
  const { createAdapter } = require('./dist/lambda/vendors/registry.js');
  // The rules of a claim (absent before issue 20: the store's claim is then never called).
  let claimRules;
  try {
    claimRules = require('./dist/lambda/core/claim.js');
  } catch {
    claimRules = undefined;
  }
  // Item sizes as DynamoDB bills them, from the real marshalling (which deflates a pending terminal event).
  const { itemSizeOf } = require('./dist/lambda/adapters/aws/dynamo-store.js');

  // DynamoDB's accounting (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):
  // a PutItem or UpdateItem is ceil(size / 1 KB) WRU of the larger of the item before and after it,
  // a conditional one that fails too (of the larger of the item there and the one it would have
  // written); a consistent GetItem ceil(size / 4 KB) RRU, 1 for an absent item; the keys-only sparse
  // index costs 1 WRU when an item enters or leaves it, 2 when its key changes.
  const units = { wru: 0, rru: 0, gsiWru: 0 };
  const callsByName = {};
  const inner = new MemoryJobStore();
  let largestItem = 0;
  // Which item it was: its vendor, its status, and whether it kept a terminal event pending.
  let largestItemOf = '';
  const wru = (...records) => {
    for (const r of records) {
      if (!r || itemSizeOf(r) <= largestItem) continue;
      largestItem = itemSizeOf(r);
      largestItemOf = `${r.vendor}, ${r.status}${r.pendingTerminal !== null ? ', its terminal event pending' : ''}`;
    }
    return Math.max(1, ...records.map((r) => (r ? Math.ceil(itemSizeOf(r) / 1024) : 0)));
  };
  const index = (before, after) => {
    const was = before?.nextPollAtMs ?? null;
    const now = after?.nextPollAtMs ?? null;
    if ((was === null) !== (now === null)) units.gsiWru += 1;
    else if (was !== null && was !== now) units.gsiWru += 2;
  };
  const called = (name) => (callsByName[name] = (callsByName[name] ?? 0) + 1);
  const store = {
    async get(v, j) {
      called('GetItem');
      const r = await inner.get(v, j);
      units.rru += r ? Math.ceil(itemSizeOf(r) / 4096) : 1;
      return r;
    },
    async put(record, expected) {
      called('PutItem');
      const before = await inner.get(record.vendor, record.jobId);
      const ok = await inner.put(record, expected);
      units.wru += wru(before, record);
      if (ok) index(before, record);
      return ok;
    },
    async claim(request) {
      called('UpdateItem');
      const before = await inner.get(request.vendor, request.jobId);
      const result = await inner.claim(request);
      const after = await inner.get(request.vendor, request.jobId);
      units.wru += wru(before, result.claimed ? after : claimRules.applyClaim(before && before.expiresAtMs > request.nowMs ? before : undefined, request));
      if (result.claimed) index(before, after);
      return result;
    },
    listDue: (...a) => inner.listDue(...a),
  };
  let logBytes = 0;
  // The verifier's telemetry as the Lambda composition builds it: a function name as long as the
  // ones CDK generates, and the deployment dimension the construct sets.
  const env = { AWS_LAMBDA_FUNCTION_NAME: 'VideoWebhooksProd-WebhooksVerifierSync1A2B3C4D-AbCdEfGhIjKl', VW_DEPLOYMENT: 'VideoWebhooksProd-Webhooks-1A2B3C4D' };
  const telemetry = telemetryFromEnv(env, { buffered: true, oneLinePerInvocation: true, write: (line) => (logBytes += Buffer.byteLength(line) + 1) });
  let sends = 0;
  const deps = {
    adapters: new Map(Object.keys(mixSecrets()).map((v) => [v, createAdapter({ id: v, kind: v, options: {} })])),
    store,
    queue: { async send() { called('SendMessage'); sends++; } },
    quarantine: new MemoryQuarantineQueue(),
    secrets: new StaticSecretSource(Object.fromEntries(Object.entries(mixSecrets()).map(([v, secret]) => [v, [secret]]))),
    secretIdFor: (v) => v,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    telemetry,
    config: { dedupeWindowMs: 604800e3, staleAfterMs: 600e3, giveUpAfterMs: 172800e3, claimLeaseMs: 30e3, busyWaitMs: 0 },
    maxBodyBytes: 262144,
  };
  const registry = new JobRegistry(store);
  const jobsPerVendor = 250;
  let webhooks = 0;
  let registrations = 0;
  for (const job of webhookMix(jobsPerVendor, 400_000)) {
    if (job.register) {
      await registry.register(job.vendor, job.jobId);
      registrations++;
    }
    for (const req of job.requests) {
      const answer = await handleWebhook(job.vendor, req(), deps);
      telemetry.flush();
      if (answer.statusCode !== 200) throw new Error(`bench: ${job.vendor} answered ${answer.statusCode} (${JSON.stringify(answer.result)})`);
      webhooks++;
    }
  }
  // Lambda: the construct's default memory (verifierMemorySize, lib/private/settings.ts) and the
  // billed duration derived from the bundle's measured CPU time (part 6), or, when that part did not
  // run, the old assumption (4 round trips at ~8 ms and ~8 ms of handler).
  const verifierMemoryMb = 256;
  const measured = results.lambda?.sizes.find((size) => size.memoryMb === verifierMemoryMb);
  const durationMs = measured ? measured.billedMsMean : 40;
  // Lambda's own lines per invocation in its text log format, as its documentation shows them
  // (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html), with this run's figures.
  const requestId = 'c793869b-ee49-115b-a5b6-4fd21e8dedac';
  const platformLines = [
    `START RequestId: ${requestId} Version: $LATEST`,
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${fmt(durationMs, 2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${verifierMemoryMb} MB\tMax Memory Used: ${Math.round(results.lambda?.maxRssMb ?? 80)} MB\t`,
  ];
  const platformBytes = platformLines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  const perEvent = {
    apiGatewayRequests: 1,
    lambdaInvocations: 1,
    lambdaGbSeconds: (verifierMemoryMb / 1024) * (durationMs / 1000),
    // SendMessage by the verifier (measured), ReceiveMessage + DeleteMessageBatch by a consumer at batch 10.
    sqsRequests: sends / webhooks + 0.2,
    dynamoWriteUnits: (units.wru + units.gsiWru) / webhooks,
    dynamoReadUnits: units.rru / webhooks,
    // Our lines (measured) plus Lambda's START/END/REPORT lines.
    ownLogBytes: logBytes / webhooks,
    platformLogBytes: platformBytes,
    logBytes: logBytes / webhooks + platformBytes,
  };
  const cost = {
    apiGateway: perEvent.apiGatewayRequests * prices.apiGatewayHttpPerMillion,
    lambdaRequests: perEvent.lambdaInvocations * prices.lambdaRequestsPerMillion,
    lambdaCompute: perEvent.lambdaGbSeconds * prices.lambdaArmPerGbSecond * 1e6,
    sqs: perEvent.sqsRequests * prices.sqsFifoPerMillion,
    dynamoWrites: perEvent.dynamoWriteUnits * prices.dynamoWriteUnitsPerMillion,
    dynamoReads: perEvent.dynamoReadUnits * prices.dynamoReadUnitsPerMillion,
    logs: ((perEvent.logBytes * 1e6) / 1024 ** 3) * prices.cloudWatchLogsPerGb,
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);
  results.cost = {
    prices,
    assumptions: { verifierMemoryMb, durationMs, durationFrom: measured ? 'derived from the measured CPU time of the bundle (part 6)' : 'assumed', platformLogLines: platformLines, mix: `${jobsPerVendor} jobs per vendor, each vendor's first progress-like webhook and its final one, 10% retries, the jobs of vendors that send only their final webhook registered`, secretsManager: 'cached per container: negligible per event' },
    counted: { largestItemBytes: largestItem, largestItemOf, webhooks, registrations, tableWriteUnits: units.wru, indexWriteUnits: units.gsiWru, readUnits: units.rru, sqsSends: sends, calls: callsByName },
    perEvent,
    perMillionUsd: cost,
    totalPerMillionUsd: total,
  };
  const before = baseline?.cost;
  const was = (f) => (before ? f(before) : '');
  row('cost', 'USD per million webhook events', `$${fmt(total, 2)}`, was((b) => `$${fmt(b.totalPerMillionUsd, 2)} (${baseline.measuredOn})`), '', '<= $3.25', total <= 3.25);
  row('cost', 'by line, USD per million', Object.entries(cost).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', '), was((b) => Object.entries(b.perMillionUsd).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')), '', '', undefined);
  row('cost', 'DynamoDB WRU / RRU per event', `${fmt(perEvent.dynamoWriteUnits, 2)} / ${fmt(perEvent.dynamoReadUnits, 2)}`, was((b) => `${fmt(b.perEvent.dynamoWriteUnits, 2)} / ${fmt(b.perEvent.dynamoReadUnits, 2)}`), '', '<= 2.0 / 0', perEvent.dynamoWriteUnits <= 2 && perEvent.dynamoReadUnits === 0);
  row('cost', 'largest item written (bytes as DynamoDB bills them)', `${largestItem} (${largestItemOf})`, was((b) => String(b.counted.largestItemBytes ?? '')), '', '<= 1024', largestItem <= 1024);
  row('cost', 'our log bytes per event (all lines)', `${fmt(perEvent.ownLogBytes, 0)} B (${fmt(perEvent.logBytes, 0)} B)`, was((b) => `${fmt(b.perEvent.ownLogBytes ?? b.perEvent.logBytes - 350, 0)} B (${fmt(b.perEvent.logBytes, 0)} B)`), '', '<= 400 B ours', perEvent.ownLogBytes <= 400);
  row('cost', 'SQS requests per event', fmt(perEvent.sqsRequests, 2), was((b) => fmt(b.perEvent.sqsRequests, 2)), '', '', undefined);
  row('cost', `Lambda: ${verifierMemoryMb} MB x billed ms`, `${fmt(durationMs)} ms (${measured ? 'derived from measured CPU' : 'assumed'})`, was((b) => `${fmt(b.assumptions.durationMs)} ms (${b.assumptions.durationFrom ?? 'assumed'})`), '', '', undefined);
}

// 8. The archive's cost per million webhook events (issue 22): the records the bench's webhook mix
// makes (the real core, an in-memory archive), priced as Amazon Data Firehose (Direct PUT, dynamic
// partitioning with JQ) and S3 bill them, us-east-1 on-demand (https://aws.amazon.com/firehose/pricing/,
// https://aws.amazon.com/s3/pricing/). Ingestion is billed per record rounded up to 5 KB; dynamic
// partitioning per GB processed (counted here on the records' own bytes, and at 5 KB each as the
// upper bound), per 1,000 objects delivered and per JQ processing hour (measured by running the
// stream's JQ query with jq 1.6 over the records, when jq is installed: its CPU time, not Firehose's).
// Objects: at most one per active vendor per 900 s buffer (1.5 times that with multi-stage
// buffering), each also an S3 PUT; storage: the records GZIP-compressed per vendor, kept 90 days.
async function archiveCost() {
  const prices = {
    firehoseIngestPerGb: 0.029,
    firehoseBillingIncrementBytes: 5 * 1024,
    dynamicPartitioningPerGb: 0.02,
    dynamicPartitioningPerThousandObjects: 0.005,
    jqPerHour: 0.07,
    s3PutPerThousand: 0.005,
    s3StandardPerGbMonth: 0.023,
  };
  const GB = 1024 ** 3;
  const retentionMonths = 90 / 30;
  const { handleWebhook } = require('./dist/lambda/core/webhook.js');
  const { archiveLine } = require('./dist/lambda/core/archive.js');
  const { MemoryJobStore, MemoryQuarantineQueue, MemoryRequestArchive } = require('./dist/local/adapters/memory.js');
  const { StaticSecretSource } = require('./dist/local/adapters/secrets.js');
  const { JobRegistry } = require('./dist/lambda/runtime/register-job.js');
  const { createAdapter } = require('./dist/lambda/vendors/registry.js');
  const { ARCHIVE_PARTITION_QUERY, ARCHIVE_BUFFER } = require('./dist/lib/private/archive.js');
  const archive = new MemoryRequestArchive();
  const store = new MemoryJobStore();
  const mix = mixSecrets();
  const deps = {
    adapters: new Map(Object.keys(mix).map((v) => [v, createAdapter({ id: v, kind: v, options: {} })])),
    store,
    queue: { async send() {} },
    quarantine: new MemoryQuarantineQueue(),
    archive,
    secrets: new StaticSecretSource(Object.fromEntries(Object.entries(mix).map(([v, secret]) => [v, [secret]]))),
    secretIdFor: (v) => v,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    telemetry: { log() {}, count() {} },
    config: { dedupeWindowMs: 604800e3, staleAfterMs: 600e3, giveUpAfterMs: 172800e3, claimLeaseMs: 30e3, busyWaitMs: 0 },
    maxBodyBytes: 262144,
  };
  const registry = new JobRegistry(store);
  let webhooks = 0;
  for (const job of webhookMix(250, 800_000)) {
    if (job.register) await registry.register(job.vendor, job.jobId);
    for (const req of job.requests) {
      await handleWebhook(job.vendor, req(), deps);
      webhooks++;
    }
  }
  const lines = archive.records.map(archiveLine);
  const sizes = lines.map((l) => Buffer.byteLength(l));
  const perRecord = { meanBytes: sizes.reduce((a, b) => a + b, 0) / sizes.length, maxBytes: Math.max(...sizes) };
  const billedBytes = sizes.reduce((sum, b) => sum + Math.ceil(b / prices.firehoseBillingIncrementBytes) * prices.firehoseBillingIncrementBytes, 0);
  const rawBytes = sizes.reduce((a, b) => a + b, 0);
  const byVendor = {};
  for (const [i, r] of archive.records.entries()) (byVendor[r.vendor] ??= []).push(lines[i]);
  const gzipBytes = Object.values(byVendor).reduce((sum, ls) => sum + gzipSync(ls.join('')).length, 0);
  // JQ: jq 1.6 over every line, minus its start (jq on an empty input), as CPU time per record.
  let jqMsPerRecord;
  try {
    const t0 = process.hrtime.bigint();
    execFileSync('jq', ['-c', ARCHIVE_PARTITION_QUERY], { input: '', encoding: 'utf8' });
    const empty = Number(process.hrtime.bigint() - t0) / 1e6;
    const input = lines.join('').repeat(5);
    const t1 = process.hrtime.bigint();
    execFileSync('jq', ['-c', ARCHIVE_PARTITION_QUERY], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    jqMsPerRecord = Math.max(0, Number(process.hrtime.bigint() - t1) / 1e6 - empty) / (lines.length * 5);
  } catch {
    jqMsPerRecord = undefined;
  }
  const perMillion = (bytesPerRecordTotal) => (bytesPerRecordTotal / webhooks) * 1e6;
  const variable = {
    firehoseIngest: (perMillion(billedBytes) / GB) * prices.firehoseIngestPerGb,
    dynamicPartitioningBytes: (perMillion(rawBytes) / GB) * prices.dynamicPartitioningPerGb,
    jq: jqMsPerRecord === undefined ? 0 : ((jqMsPerRecord * 1e6) / 3600e3) * prices.jqPerHour,
    s3Storage90Days: (perMillion(gzipBytes) / GB) * prices.s3StandardPerGbMonth * retentionMonths,
  };
  // Objects (DP object charge + S3 PUT each) by rate: a vendor's partition at most once per buffer interval x 1.5.
  const vendors = Object.keys(mix).length;
  const objectsPerVendorMonth = ((30 * 86400) / ARCHIVE_BUFFER.intervalSeconds) * 1.5;
  const perObject = (prices.dynamicPartitioningPerThousandObjects + prices.s3PutPerThousand) / 1000;
  const atRate = (eventsPerSecond) => {
    const eventsPerMonth = eventsPerSecond * 30 * 86400;
    const objects = Math.min(vendors * objectsPerVendorMonth, eventsPerMonth) + (perMillion(rawBytes) * eventsPerMonth) / 1e6 / (ARCHIVE_BUFFER.sizeMiB * 1024 ** 2);
    return (objects * perObject * 1e6) / eventsPerMonth;
  };
  const variableTotal = Object.values(variable).reduce((a, b) => a + b, 0);
  const rates = [1, 10, 100];
  results.archive = {
    prices,
    mix: `${webhooks} webhooks (the cost model's mix), ${archive.records.length} records`,
    perRecord,
    recordsPerWebhook: archive.records.length / webhooks,
    billedKbPerRecord: billedBytes / archive.records.length / 1024,
    gzipRatio: rawBytes / gzipBytes,
    jqMsPerRecord: jqMsPerRecord ?? 'jq not installed: JQ hours not measured',
    perMillionUsd: variable,
    dynamicPartitioningBytesAt5KbUsd: (perMillion(billedBytes) / GB) * prices.dynamicPartitioningPerGb,
    fixedUsdPerVendorMonth: objectsPerVendorMonth * perObject,
    objectsPerMillionUsdAt: Object.fromEntries(rates.map((r) => [`${r}/s`, atRate(r)])),
    totalPerMillionUsdAt: Object.fromEntries(rates.map((r) => [`${r}/s`, variableTotal + atRate(r)])),
  };
  const at10 = variableTotal + atRate(10);
  row('archive', 'USD per million webhook events (10 events/s)', `$${fmt(at10, 3)}`, `at 1/s $${fmt(variableTotal + atRate(1), 3)}, at 100/s $${fmt(variableTotal + atRate(100), 3)}`, '', '< $0.25', at10 < 0.25);
  row('archive', 'by line, USD per million', `${Object.entries(variable).map(([k, v]) => `${k} ${fmt(v, 4)}`).join(', ')}, objects+PUTs ${fmt(atRate(10), 4)} at 10/s`, `DP bytes at 5 KB a record: ${fmt(results.archive.dynamicPartitioningBytesAt5KbUsd, 4)}; fixed $${fmt(results.archive.fixedUsdPerVendorMonth, 3)} per active vendor a month`, '', '', undefined);
  row('archive', 'record size mean / max, billed, gzip ratio, JQ', `${fmt(perRecord.meanBytes, 0)} / ${perRecord.maxBytes} B, ${fmt(results.archive.billedKbPerRecord, 1)} KB billed, ${fmt(results.archive.gzipRatio, 1)}x`, jqMsPerRecord === undefined ? 'jq not installed' : `jq 1.6: ${fmt(jqMsPerRecord * 1000, 1)} µs a record`, '', '', undefined);
}

function report() {
  const headers = ['part', 'figure', 'value', 'baseline', 'ratio', 'target', 'pass'];
  const cells = rows.map((r) => [r.part, r.figure, r.value, r.baseline, r.ratio, r.target, r.pass === undefined ? '' : r.pass ? 'pass' : 'MISS']);
  const widths = headers.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((c) => String(c[i]).length))));
  const line = (c) => c.map((v, i) => String(v).padEnd(widths[i])).join(' | ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of cells) console.log(line(c));
  results.table = rows;
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (process.env.BENCH_WRITE_BASELINE === '1') {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const kept = { measuredOn: `main@${commit}`, note: 'written by BENCH_WRITE_BASELINE=1 npm run bench on the code before issue 20', machine: results.machine, latency: results.latency, cost: results.cost };
    writeFileSync(baselineFile, `${JSON.stringify(kept, null, 2)}\n`);
    console.log('written bench/baseline.json');
  }
  console.log(`\nwritten bench/results.json (${rows.filter((r) => r.pass === false).length} targets missed)`);
}
