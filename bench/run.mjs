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
await bundles();
await verifierCore();
await pipeline();
await poller();
await costModel();
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
  const { createAdapter, BUILT_IN_VENDOR_IDS } = require('./dist/lambda/vendors/registry.js');
  const { sampleJobId, samplePayload, sampleSecret, signRequest, signsWithSecret } = require('./dist/lambda/vendors/samples.js');
  const { rawRequest } = require('./dist/lambda/core/http.js');
  const n = quick ? 2000 : 10000;
  const reps = quick ? 3 : 5;
  results.verifierCore = {};
  // The vendors signed with a secret (a public-key vendor's signature is another measure: an Ed25519 verify).
  for (const vendor of BUILT_IN_VENDOR_IDS.filter(signsWithSecret)) {
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

// 5. Cost per million webhook events at on-demand us-east-1 prices. Request units are counted by
// running a realistic webhook mix through the real core with a store that applies DynamoDB's rules.
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
  const { JsonTelemetry } = require('./dist/lambda/adapters/aws/emf-telemetry.js');
  const { JobRegistry } = require('./dist/lambda/runtime/register-job.js');
  const { createAdapter, BUILT_IN_VENDOR_IDS } = require('./dist/lambda/vendors/registry.js');
  const { sampleJobId, samplePayload, sampleSecret, signRequest, signsWithSecret, VENDOR_EVENTS } = require('./dist/lambda/vendors/samples.js');
  const { rawRequest } = require('./dist/lambda/core/http.js');
  const vendors = BUILT_IN_VENDOR_IDS.filter(signsWithSecret);
  const secrets = Object.fromEntries(vendors.map((v) => [v, sampleSecret(v)]));

  // DynamoDB's accounting: a PutItem is ceil(size / 1 KB) WRU of the larger of the item it replaces
  // and the new one (a failed conditional write too); the keys-only sparse index costs 1 WRU when
  // an item enters or leaves it, 2 when its key changes.
  const units = { wru: 0, rru: 0, gsiWru: 0 };
  const inner = new MemoryJobStore();
  // Item sizes as DynamoDB bills them, from the real marshalling (which deflates a pending terminal event).
  const { itemSizeOf } = require('./dist/lambda/adapters/aws/dynamo-store.js');
  const size = (r) => itemSizeOf(r);
  const store = {
    async get(v, j) {
      const r = await inner.get(v, j);
      units.rru += r ? Math.ceil(size(r) / 4096) : 1;
      return r;
    },
    async put(record, expected) {
      const before = await inner.get(record.vendor, record.jobId);
      const ok = await inner.put(record, expected);
      units.wru += Math.ceil(Math.max(before ? size(before) : 0, size(record)) / 1024);
      if (ok) {
        const was = before?.nextPollAtMs ?? null;
        const now = record.nextPollAtMs;
        if (was === null && now !== null) units.gsiWru += 1;
        else if (was !== null && now === null) units.gsiWru += 1;
        else if (was !== null && now !== null && was !== now) units.gsiWru += 2;
      }
      return ok;
    },
    listDue: (...a) => inner.listDue(...a),
  };
  let logBytes = 0;
  const telemetry = new JsonTelemetry({ write: (line) => (logBytes += Buffer.byteLength(line) + 1), buffered: true });
  let sends = 0;
  const deps = {
    adapters: new Map(vendors.map((v) => [v, createAdapter({ id: v, kind: v, options: {} })])),
    store,
    queue: { async send() { sends++; } },
    quarantine: new MemoryQuarantineQueue(),
    secrets: new StaticSecretSource(Object.fromEntries(vendors.map((v) => [v, [secrets[v]]]))),
    secretIdFor: (v) => v,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    telemetry,
    config: { dedupeWindowMs: 604800e3, staleAfterMs: 600e3, giveUpAfterMs: 172800e3, claimLeaseMs: 30e3, busyWaitMs: 0 },
    maxBodyBytes: 262144,
  };
  // The mix: each vendor's documented webhooks per job, Sync jobs registered by the app (as the
  // README asks), and 10% vendor retries (duplicates).
  const registry = new JobRegistry(store);
  // Each vendor's first progress-like webhook, if it sends one, then its final one.
  const sequences = Object.fromEntries(Object.entries(VENDOR_EVENTS).map(([v, events]) => [v, [...events.filter((e) => e === 'progress' || e === 'created').slice(0, 1), 'completed']]));
  let webhooks = 0;
  let registrations = 0;
  const jobsPerVendor = 250;
  const unitsBefore = { ...units };
  for (const vendor of vendors) {
    for (let i = 0; i < jobsPerVendor; i++) {
      const jobId = sampleJobId(vendor, 400_000 + i);
      // A vendor that sends only its final webhook: its jobs are registered by the app, as the README asks.
      if (sequences[vendor].length === 1) {
        await registry.register(vendor, jobId);
        registrations++;
      }
      for (const event of sequences[vendor]) {
        const body = JSON.stringify(samplePayload(vendor, event, jobId, Date.now()));
        const req = rawRequest(signRequest(vendor, body, secrets[vendor], Date.now()), body);
        for (let copy = 0; copy < (i % 10 === 0 ? 2 : 1); copy++) {
          await handleWebhook(vendor, req, deps);
          telemetry.flush();
          webhooks++;
        }
      }
    }
  }
  const memoryGb = 256 / 1024;
  // Assumed billed duration: the core (well under 1 ms, part 2) plus 4 AWS round trips at ~8 ms
  // (1 GetItem, 2 PutItem, 1 SendMessage) and ~5 ms of handler overhead.
  const durationMs = 40;
  const perEvent = {
    apiGatewayRequests: 1,
    lambdaInvocations: 1,
    lambdaGbSeconds: memoryGb * (durationMs / 1000),
    // SendMessage by the verifier (measured), ReceiveMessage + DeleteMessageBatch by a consumer at batch 10.
    sqsRequests: sends / webhooks + 0.2,
    dynamoWriteUnits: (units.wru + units.gsiWru - unitsBefore.wru - unitsBefore.gsiWru) / webhooks,
    dynamoReadUnits: (units.rru - unitsBefore.rru) / webhooks,
    // Our log and EMF lines (measured) plus Lambda's START/END/REPORT lines (~350 bytes).
    logBytes: logBytes / webhooks + 350,
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
    assumptions: { verifierMemoryMb: 256, durationMs, mix: `${jobsPerVendor} jobs per vendor, each vendor's webhooks per job, 10% retries, Sync jobs registered`, secretsManager: 'cached per container: negligible per event' },
    counted: { webhooks, registrations, tableWriteUnits: units.wru, indexWriteUnits: units.gsiWru, readUnits: units.rru, sqsSends: sends },
    perEvent,
    perMillionUsd: cost,
    totalPerMillionUsd: total,
  };
  row('cost', 'USD per million webhook events', `$${fmt(total, 2)}`, Object.entries(cost).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', '), '', '<= $5', total <= 5);
  row('cost', 'per event: DynamoDB WRU / RRU, SQS requests, log bytes', `${fmt(perEvent.dynamoWriteUnits, 2)} / ${fmt(perEvent.dynamoReadUnits, 2)}, ${fmt(perEvent.sqsRequests, 2)}, ${fmt(perEvent.logBytes, 0)} B`, 'counted on the real core', '', '', undefined);
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
  console.log(`\nwritten bench/results.json (${rows.filter((r) => r.pass === false).length} targets missed)`);
}
