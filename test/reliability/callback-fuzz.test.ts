/**
 * Fuzz of the vendors whose callbacks are unsigned (manifest `reports: 'hint'`: Luma, HeyGen,
 * Tavus) and of the poll-only ones (Runway), through the verifier core on DynamoDB and SQS FIFO
 * (dynalite and fauxqs behind the strict local AWS), with a few jobs registered by JobRegistry.
 *
 * Any request (any headers, any body, the callback token right, rotated, wrong or missing, any job
 * id, registered or not) is answered only what DESIGN.md's bad-input table and core/hint.ts allow
 * (ALLOWED below), never puts an event on the queue (core/hint.ts: "Nothing a callback says becomes
 * an event"), never quarantines (shared/hint.ts: a callback "is no report"), never throws, and makes
 * only registered jobs due: each at most once per hint interval, and no record appears for a job
 * nobody registered. A genuine callback for a registered job makes exactly that job due (the fuzz
 * could fail). A poll-only vendor answers every request the same 404 (core/webhook.ts; the dev
 * server routes POST /webhooks/{vendor} to the same handleWebhook, and on AWS it has no route).
 * RELIABILITY=full sends 10,000 per vendor; `npm test` 400.
 */
import fc from 'fast-check';
import { DEFAULTS } from '../../lambda/contract/deployment';
import { rawRequest } from '../../lambda/core/http';
import { handleWebhook, type WebhookAnswer, type WebhookDeps } from '../../lambda/core/webhook';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { createAdapter, registry } from '../../lambda/vendors/registry';
import { sampleJobId, samplePayload, sampleQuery, VENDOR_EVENTS } from '../../lambda/vendors/samples';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { drainQueue, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';

const PER_VENDOR = process.env.RELIABILITY === 'full' ? 10_000 : 400;
const HINT_VENDORS = registry.builtIns.filter((b) => b.reports === 'hint').map((b) => b.id);
const POLL_VENDORS = registry.builtIns.filter((b) => b.reports === 'poll').map((b) => b.id);
const TOKEN = 'cb-token-4f1e9d2c7b6a5038';
const OLD_TOKEN = 'cb-token-old-0a1b2c3d4e5f';
const MAX_BODY = 4096;
const HINT_INTERVAL_MS = DEFAULTS.hintIntervalSeconds * 1000;
/** The fuzz's clock moves this much per request, so a registered job can be hinted again every 60 requests. */
const STEP_MS = 1000;
/** Registered jobs are not due by themselves during the fuzz (10,000 requests are 10,000 s of its clock). */
const STALE_AFTER_SECONDS = 86_400;
const REGISTERED = 3;

/**
 * What a callback may be answered: `<status> <result kind> <reason or outcome>`. From DESIGN.md's
 * bad-input table (401 a missing or wrong key, 413 a body over the limit, 202 ignored) and
 * core/hint.ts's table (202 unknown_job; 200 scheduled, already_scheduled, job_final; 503 busy, a
 * delivery of the job under way, which nothing here starts). Never delivered, quarantined or failed.
 */
const ALLOWED = new Set([
  '401 rejected missing_key',
  '401 rejected bad_key',
  '413 rejected body_too_large',
  '202 ignored',
  '202 hinted unknown_job',
  '200 hinted scheduled',
  '200 hinted already_scheduled',
  '200 hinted job_final',
  '503 hinted busy',
]);

jest.setTimeout(30 * 60_000);

function webhookDeps(vendor: string, backend: TestBackend, clock: ManualClock): WebhookDeps {
  return {
    adapters: new Map([[vendor, createAdapter({ id: vendor, kind: vendor, options: {} })]]),
    store: backend.store,
    queue: backend.queue,
    quarantine: backend.quarantine,
    // Two accepted tokens: the callback URLs of a rotation.
    secrets: new StaticSecretSource({ [vendor]: [TOKEN, OLD_TOKEN] }),
    secretIdFor: (v) => v,
    clock,
    telemetry: new CountingTelemetry(),
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes: MAX_BODY,
  };
}

async function registeredJobs(vendor: string, backend: TestBackend, clock: ManualClock): Promise<string[]> {
  const jobs = new JobRegistry(backend.store, { staleAfterSeconds: STALE_AFTER_SECONDS }, clock);
  const ids = Array.from({ length: REGISTERED }, (_, i) => sampleJobId(vendor, i + 1));
  for (const id of ids) expect(await jobs.register(vendor, id)).toEqual({ registered: true });
  return ids;
}

/** The answer as ALLOWED spells it. */
function answerKey(answer: WebhookAnswer): string {
  const r = answer.result;
  const detail = r.kind === 'hinted' ? r.outcome : r.kind === 'rejected' || r.kind === 'quarantined' || r.kind === 'failed' ? r.reason : r.kind === 'delivered' ? r.outcome : '';
  return `${answer.statusCode} ${r.kind}${detail ? ` ${detail}` : ''}`;
}

const dueIds = async (backend: TestBackend, vendor: string, atMs: number) => (await backend.store.listDue(vendor, atMs, 1000)).items.map((r) => r.jobId).sort();

describe(`callback fuzz: ${PER_VENDOR} requests per unsigned vendor, on the emulators`, () => {
  it('covers every vendor whose callbacks are hints, and the poll-only ones', () => {
    expect(HINT_VENDORS).toEqual(expect.arrayContaining(['luma', 'heygen', 'tavus']));
    expect(POLL_VENDORS).toEqual(expect.arrayContaining(['runway']));
  });

  it.each(HINT_VENDORS)('%s: a genuine callback for a registered job makes exactly that job due, and queues nothing (the check below can fail)', async (vendor) => {
    const backend = await freshBackend();
    const clock = new ManualClock();
    const ids = await registeredJobs(vendor, backend, clock);
    const body = JSON.stringify(samplePayload(vendor, 'completed', ids[1], clock.now()));
    const answer = await handleWebhook(vendor, rawRequest({ 'content-type': 'application/json' }, body, false, sampleQuery(vendor, TOKEN)), webhookDeps(vendor, backend, clock));
    expect(answerKey(answer)).toBe('200 hinted scheduled');
    expect(await dueIds(backend, vendor, clock.now())).toEqual([ids[1]]);
    expect(await drainQueue(backend.sqs, backend.queueUrl)).toEqual([]);
  });

  it.each(HINT_VENDORS)('%s: never an event, never quarantined, never thrown, only allowed answers, only registered jobs made due', async (vendor) => {
    const backend = await freshBackend();
    const clock = new ManualClock();
    const registered = await registeredJobs(vendor, backend, clock);
    const deps = webhookDeps(vendor, backend, clock);
    const startMs = clock.now();

    const parameter = Object.keys(sampleQuery(vendor, TOKEN))[0];
    const flipped = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('8') ? '9' : '8'}`;
    const query = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<Record<string, string>>({ [parameter]: TOKEN }, { [parameter]: OLD_TOKEN }) },
      {
        weight: 3,
        arbitrary: fc.oneof(
          fc.constantFrom<Record<string, string> | undefined>(undefined, {}, { [parameter]: '' }, { [parameter]: flipped }, { [parameter]: TOKEN.slice(0, -1) }, { [parameter]: `${TOKEN} ` }),
          // A repeated parameter arrives joined with `,` (API Gateway, the dev server).
          fc.constantFrom<Record<string, string>>({ [parameter]: `${TOKEN},${TOKEN}` }, { [parameter]: `${TOKEN},x` }, { [`${parameter}x`]: TOKEN }, { [parameter.toUpperCase()]: TOKEN }),
          fc.dictionary(fc.constantFrom(parameter, 'callback_id', 'id', 'x'), fc.string()),
        ),
      },
    );
    const headers = fc.dictionary(fc.constantFrom('content-type', 'content-encoding', 'authorization', 'x-api-key', 'x-forwarded-for', 'user-agent', 'x-signature', 'transfer-encoding'), fc.string());

    // A job id: registered, someone else's, or one the pipeline cannot carry (in the vendor's own place in its payload).
    const jobId = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...registered) },
      { weight: 2, arbitrary: fc.nat(10_000).map((n) => sampleJobId(vendor, 1000 + n)) },
      {
        weight: 2,
        arbitrary: fc.oneof(
          fc.constantFrom<unknown>('', ' ', '__proto__', 'constructor', '../x', 'x'.repeat(1025), 'é'.repeat(600), '\u0000', 'a\u202Eb', null, true, 0, -1, 2 ** 64, 4242, 1.5, [], {}, { id: registered[0] }, [registered[0]]),
          fc.string({ unit: 'binary', maxLength: 40 }),
        ),
      },
    );
    const PLACEHOLDER = 'JOB-ID-PLACEHOLDER';
    const payload = fc.record({ event: fc.constantFrom(...VENDOR_EVENTS[vendor]), id: jobId }).map(({ event, id }) =>
      JSON.stringify(samplePayload(vendor, event, PLACEHOLDER, startMs))
        .split(`"${PLACEHOLDER}"`)
        .join(JSON.stringify(id) ?? 'null'),
    );
    // Nesting on both sides of MAX_JSON_DEPTH (64): a callback too deep to parse is ignored like any unusable one.
    const body = fc.oneof(
      { weight: 6, arbitrary: payload },
      {
        weight: 4,
        arbitrary: fc.oneof(
          payload.chain((p) => fc.nat(p.length).map((n) => p.slice(0, n))),
          fc.tuple(payload, fc.constantFrom(...registered)).map(([p, id]) => (p.startsWith('{') ? `{"id":${JSON.stringify(id)},"video_id":${JSON.stringify(id)},${p.slice(1)}` : p)),
          payload.map((p) => `\uFEFF${p}`),
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.json({ maxDepth: 3 }),
          fc.integer({ min: 1, max: 200 }).map((d) => `{"id":"deep","video_id":"deep","x":${'['.repeat(d)}${']'.repeat(d)}}`),
          fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
          fc.nat(3).map((k) => 'x'.repeat(MAX_BODY - 1 + k)),
        ),
      },
    );

    const answers = new Map<string, number>();
    const scheduled = new Map<string, number>();
    const unknownHinted = new Set<string>();
    let thrown = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.record({ query, headers, body }), async (r) => {
        clock.advance(STEP_MS);
        let key: string;
        try {
          const answer = await handleWebhook(vendor, rawRequest(r.headers, r.body, false, r.query), deps);
          key = answerKey(answer);
          if (answer.result.kind === 'hinted' && answer.result.outcome === 'scheduled') scheduled.set(answer.result.jobId, (scheduled.get(answer.result.jobId) ?? 0) + 1);
          if (answer.result.kind === 'hinted' && answer.result.outcome === 'unknown_job') unknownHinted.add(answer.result.jobId);
        } catch {
          thrown++;
          key = 'thrown';
        }
        answers.set(key, (answers.get(key) ?? 0) + 1);
        return ALLOWED.has(key);
      }),
      { numRuns: PER_VENDOR, seed: 212121 + HINT_VENDORS.indexOf(vendor), endOnFailure: true },
    );
    const elapsedMs = clock.now() - startMs;
    const queued = await drainQueue(backend.sqs, backend.queueUrl);
    const quarantined = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    // Every record that can be polled (none is final here): the registered jobs, and nothing a callback made up.
    const stored = await dueIds(backend, vendor, Number.MAX_SAFE_INTEGER);
    const due = await dueIds(backend, vendor, clock.now());
    const createdForUnknown = (await Promise.all([...unknownHinted].map((id) => backend.store.get(vendor, id)))).filter((r) => r !== undefined);
    const perJobBound = 1 + Math.floor(elapsedMs / HINT_INTERVAL_MS);
    const hints = [...scheduled.values()].reduce((a, b) => a + b, 0);
    console.log(
      `callback fuzz ${vendor}: ${PER_VENDOR} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, by answer ${JSON.stringify(Object.fromEntries([...answers].sort()))}; ` +
        `made due ${due.length} of ${REGISTERED} registered (hints recorded ${hints}, at most ${perJobBound} per job over ${elapsedMs / 1000} s of the fuzz's clock; ` +
        `unknown jobs hinted ${unknownHinted.size}, records made for them ${createdForUnknown.length}); queued ${queued.length}, quarantined ${quarantined.length}, thrown ${thrown}`,
    );
    expect({ thrown, queued: queued.length, quarantined: quarantined.length, createdForUnknown: createdForUnknown.length }).toEqual({ thrown: 0, queued: 0, quarantined: 0, createdForUnknown: 0 });
    expect(stored).toEqual([...registered].sort());
    expect(due).toEqual([...scheduled.keys()].sort());
    for (const [id, times] of scheduled) expect({ id, within: times <= perJobBound }).toEqual({ id, within: true });
    // The fuzz reached the store: registered jobs were made due, and unknown ones were asked about.
    expect(hints).toBeGreaterThan(0);
    expect(unknownHinted.size).toBeGreaterThan(0);
  });

  it.each(POLL_VENDORS)('%s (poll only): every request, token or not, gets the same 404 and queues, quarantines and stores nothing', async (vendor) => {
    const backend = await freshBackend();
    const clock = new ManualClock();
    const deps = webhookDeps(vendor, backend, clock);
    const answers = new Set<string>();
    const request = fc.record({
      headers: fc.dictionary(fc.constantFrom('content-type', 'authorization', 'x-runway-signature', 'webhook-signature'), fc.string()),
      body: fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 }), fc.constant(JSON.stringify({ id: 'task-1', status: 'SUCCEEDED', output: ['https://x.example/v.mp4'] })), fc.nat(3).map((k) => 'x'.repeat(MAX_BODY - 1 + k))),
      query: fc.option(fc.dictionary(fc.constantFrom('token', 'x'), fc.constantFrom(TOKEN, '', 'wrong'))),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const answer = await handleWebhook(vendor, rawRequest(r.headers, r.body, false, r.query), deps);
        answers.add(JSON.stringify({ statusCode: answer.statusCode, body: answer.body, result: answer.result }));
      }),
      { numRuns: 100, seed: 313131 },
    );
    expect([...answers]).toEqual([JSON.stringify({ statusCode: 404, body: { error: `vendor ${vendor} sends no webhooks: it is polled (register its jobs)` }, result: { kind: 'rejected', reason: 'poll_only' } })]);
    expect(await drainQueue(backend.sqs, backend.queueUrl)).toEqual([]);
    expect(await drainQueue(backend.sqs, backend.quarantineQueueUrl)).toEqual([]);
    expect(await dueIds(backend, vendor, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});
