/**
 * The chaos run: every built-in vendor, simulated, delivers N jobs through the real verifier core
 * on dynalite and fauxqs: signed webhooks (signed here: test/support/vendor-signers.ts) with each
 * vendor's retry behaviour, duplicates, out-of-order progress, lost webhooks and a secret rotation;
 * unsigned callbacks (some lying about the outcome, some for jobs nobody registered); a poll-only
 * vendor; and 5% faults at every backend step. The poller, built as the Lambda builds it, runs
 * while the webhooks arrive (each run beside a slice of them, so both race for the same job
 * records) and after them, on status APIs on 127.0.0.1 that say a job is running until its end,
 * and for three jobs in ten are behind its webhooks by up to 8 s; it recovers what webhooks could
 * not. Checked on the queue: one terminal event per job, the status API's, no progress after it,
 * no duplicate ids, nothing lost, nothing left claimed. Time is compressed on a ManualClock.
 * RELIABILITY=full runs 2,400 jobs; `npm test` 240.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { JwksKeySource } from '../../lambda/adapters/http/jwks-source';
import { buildPoller } from '../../lambda/composition/poller';
import type { PollerVendorConfig, VendorRuntimeConfig } from '../../lambda/contract/deployment';
import type { VendorAdapter } from '../../lambda/core/adapter';
import { eventIdFor, isTerminal, type VideoJobEvent } from '../../lambda/core/event';
import { rawRequest } from '../../lambda/core/http';
import type { SecretSource } from '../../lambda/core/ports';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { pollOnce } from '../../lambda/poller/poller';
import { parseVideoJobEvent } from '../../lambda/runtime/parse-event';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { BUILT_IN_VENDOR_IDS, createAdapter, registry } from '../../lambda/vendors/registry';
import { sampleJobId, samplePayload } from '../../lambda/vendors/samples';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { drainQueue, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, testEmulators } from '../support/emulators';
import { ed25519Key, JwksServer } from '../support/jwks-server';
import { signAs, type SigningVendor } from '../support/vendor-signers';
import { ChaosQueue, ChaosStore, FaultLog, rng, startChaosStatusApi, type ChaosStatusApi } from './chaos-support';
import { appRegisters, CHAOS_VENDORS, FINAL_EVENT, finalFor, sampleEventsOf, type ChaosVendor, type Final } from './chaos-vendors';

const FULL = process.env.RELIABILITY === 'full';
// The shifted-clock passes of `npm test` (VW_TEST_CLOCK_SHIFT) check that nothing here meets a fixed
// date, not scale: half the jobs, the same code paths.
const JOBS = FULL ? 2400 : process.env.VW_TEST_CLOCK_SHIFT ? 120 : 240;
const SEED = Number(process.env.CHAOS_SEED ?? 20261124);
const VENDORS = CHAOS_VENDORS;
/** Webhook secrets: Replicate's is a Standard Webhooks key, fal's the accepted fal user id, an unsigned vendor's the callback URL's token. */
const SECRET_OF = (vendor: string) => (vendor === 'replicate' ? `whsec_${Buffer.alloc(32, 0x3c).toString('base64')}` : vendor === 'fal' ? 'github|4242424' : vendor === 'synthesia' ? 'syn_old' : `${vendor}_chaos`);
const SYNTHESIA_NEW = 'syn_new';
const FAL_KEY = ed25519Key('fal-chaos-1');
/**
 * Simulated time between poller runs while webhooks arrive (the deployed poller runs each minute;
 * more often here, to race them; each run reads every vendor's 16 index shards, so `npm test`'s
 * smaller run polls less often).
 */
const POLL_EVERY_MS = FULL ? 2000 : 5000;
/** A job is stale (polled) 4 s after its last report here, not 10 minutes: the poller asks while its webhooks still arrive. */
const CONFIG = { ...TEST_DELIVERY_CONFIG, staleAfterMs: 4000 };

const countBy = (values: readonly string[]) => Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]));

interface Delivery {
  readonly vendor: ChaosVendor;
  readonly jobId: string;
  readonly kind: 'progress' | 'terminal';
  readonly body: string;
}

interface Pending {
  at: number;
  delivery: Delivery;
  attempt: number;
}

jest.setTimeout(FULL ? 20 * 60_000 : 180_000);

describe(`chaos run (${JOBS} jobs over every built-in vendor, 5% faults at every backend step, seed ${SEED})`, () => {
  it('simulates every built-in vendor', () => {
    expect(VENDORS.map((v) => v.id).sort()).toEqual([...BUILT_IN_VENDOR_IDS].sort());
    for (const v of VENDORS) {
      expect([v.id, v.reports]).toEqual([v.id, registry.builtIn(v.id)?.reports]);
      if (v.reports !== 'poll') for (const f of v.finals) expect([v.id, sampleEventsOf(v)]).toEqual([v.id, expect.arrayContaining([FINAL_EVENT[f]])]);
    }
  });

  it('ends with exactly one terminal event per job, the status API\'s, no duplicate ids, nothing lost, nothing left claimed', async () => {
    const started = Date.now();
    const random = rng(SEED);
    const backend = await freshBackend();
    const clock = new ManualClock();
    const faults = new FaultLog(0.05, rng(SEED + 1));
    const store = new ChaosStore(backend.store, faults);
    const queue = new ChaosQueue(backend.queue, faults);
    const t0 = clock.now();
    const spreadMs = JOBS * 50;
    // Synthesia rotates midway: old secret only, then both (two subscriptions, every event twice), then new only.
    const phase = (now: number) => (now < t0 + spreadMs / 3 ? 'old' : now < t0 + (2 * spreadMs) / 3 ? 'both' : 'new');
    const synthesiaKeys = (now: number) => {
      const p = phase(now);
      return p === 'old' ? [SECRET_OF('synthesia')] : p === 'both' ? [SECRET_OF('synthesia'), SYNTHESIA_NEW] : [SYNTHESIA_NEW];
    };
    const secrets: SecretSource = { get: async (vendor: string) => (vendor === 'synthesia' ? synthesiaKeys(clock.now()) : [SECRET_OF(vendor)]) };
    const jwks = await new JwksServer(FAL_KEY).start();
    const ports = { publicKeys: new JwksKeySource({ now: () => clock.now(), allowLoopback: true }), jwksUrl: jwks.url };
    const configOf = (v: ChaosVendor): VendorRuntimeConfig => ({ id: v.id, kind: v.id, options: v.options });
    const telemetry = new CountingTelemetry();
    const deps: WebhookDeps = {
      adapters: new Map<string, VendorAdapter>(VENDORS.filter((v) => v.reports !== 'poll').map((v) => [v.id, createAdapter(configOf(v), ports)])),
      store,
      queue,
      quarantine: backend.quarantine,
      secrets,
      secretIdFor: (v) => v,
      clock,
      telemetry,
      config: CONFIG,
      maxBodyBytes: 256 * 1024,
    };

    // The jobs and what their vendors send.
    // `apiFinalAt`: when the job's status API starts saying its end (before, it says running).
    const finals = new Map<string, { vendor: ChaosVendor; jobId: string; final: Final; apiFinalAt: number }>();
    const pending: Pending[] = [];
    let lostByDesign = 0;
    let duplicatesSent = 0;
    let lyingCallbacks = 0;
    for (let j = 0; j < JOBS; j++) {
      const vendor = VENDORS[j % VENDORS.length];
      const jobId = sampleJobId(vendor.id, j);
      const final = finalFor(vendor, random());
      const start = t0 + j * 50;
      // The status API turns final when the vendor sends its final report, for three jobs in ten up to
      // 8 s later (its reads lag); a poll-only job runs for up to 2 minutes (polled every 30 s).
      const apiFinalAt = start + 3000 + (vendor.reports === 'poll' ? random() * 120_000 : random() < 0.3 ? random() * 8000 : 0);
      finals.set(`${vendor.id}#${jobId}`, { vendor, jobId, final, apiFinalAt });
      if (vendor.reports === 'poll') continue; // it sends nothing: the poller asks
      const progress = sampleEventsOf(vendor).filter((e) => e === 'created' || e === 'progress');
      // An unsigned callback may say anything: one in five says the other outcome (the status API decides).
      const lies = vendor.reports === 'hint' && random() < 0.2;
      if (lies) lyingCallbacks++;
      const said = lies ? (final === 'succeeded' ? 'failed' : 'succeeded') : final;
      const sent: Delivery[] = [
        ...progress.map((event): Delivery => ({ vendor, jobId, kind: 'progress', body: JSON.stringify(samplePayload(vendor.id, event, jobId, start)) })),
        { vendor, jobId, kind: 'terminal', body: JSON.stringify(samplePayload(vendor.id, FINAL_EVENT[said], jobId, start + 3000)) },
      ];
      for (const delivery of sent) {
        if (delivery.kind === 'terminal' && random() < 0.1) {
          lostByDesign++; // never sent: only the poller can find it
          continue;
        }
        // Progress at random times, some after the terminal webhook (out of order on purpose).
        const at = delivery.kind === 'terminal' ? start + 3000 + random() * 2000 : start + random() * (random() < 0.3 ? 8000 : 3000);
        pending.push({ at, delivery, attempt: 0 });
        if (random() < 0.2) {
          pending.push({ at: at + random() * 1500, delivery, attempt: 0 });
          duplicatesSent++;
        }
      }
    }
    // Callbacks, with the right token, for jobs nobody registered: they must cost nothing but a failed write.
    let strayCallbacks = 0;
    for (const vendor of VENDORS.filter((v) => v.reports === 'hint')) {
      for (let k = 0; k < JOBS / 40; k++, strayCallbacks++) {
        const jobId = sampleJobId(vendor.id, 900_000 + k);
        pending.push({ at: t0 + random() * spreadMs, delivery: { vendor, jobId, kind: 'terminal', body: JSON.stringify(samplePayload(vendor.id, 'completed', jobId, t0)) }, attempt: 0 });
      }
    }

    // The app registers, when it creates them, the jobs of the vendors the README says to: those
    // that send only a final webhook (Sync never retries it: an unregistered lost job is invisible),
    // retry only their final one (Replicate), unsigned callbacks, or nothing. Its own call is retried until it works.
    const jobs = new JobRegistry(backend.store, { staleAfterSeconds: CONFIG.staleAfterMs / 1000 }, clock);
    let registered = 0;
    for (const { vendor, jobId } of finals.values()) if (appRegisters(vendor)) registered += (await jobs.register(vendor.id, jobId), 1);

    // The poller, built as the Lambda builds it, with the same faults, on status APIs that know every
    // job: running until `apiFinalAt`, then its end.
    const apis = new Map<string, ChaosStatusApi>();
    for (const v of VENDORS) {
      apis.set(
        v.id,
        await startChaosStatusApi(v, (jobId) => {
          const job = finals.get(`${v.id}#${jobId}`);
          return job === undefined ? undefined : clock.now() >= job.apiFinalAt ? job.final : 'running';
        }),
      );
    }
    const pollerConfigs: PollerVendorConfig[] = VENDORS.map((v) => {
      const interval = registry.builtIn(v.id)?.manifest.pollIntervalSeconds;
      return { vendor: configOf(v), apiKeySecretArn: `${v.id}-api-key`, statusApiBaseUrl: apis.get(v.id)!.baseUrl, requestsPerMinute: 60_000, pollingEnabled: true, requestTimeoutMs: 2000, allowInsecureStatusApi: true, ...(interval ? { pollIntervalMs: interval * 1000 } : {}) };
    });
    const apiKeys = new StaticSecretSource(Object.fromEntries(VENDORS.map((v) => [`${v.id}-api-key`, [`${v.id}-token-id:${v.id}-token-secret`]])));
    const poller = buildPoller(pollerConfigs, { store, queue, secrets: apiKeys, clock, telemetry, createAdapter: (c) => createAdapter(c) }, CONFIG, 8);

    // Deliver in time order, concurrently within each 250 ms slice, retrying as each vendor does; every
    // POLL_EVERY_MS of simulated time a poller run goes beside a slice.
    let pollsDuringDelivery = 0;
    let hitsDuringDelivery = 0;
    let lastPollAt = t0;
    const accepted = new Set<string>();
    const answers = new Map<number, number>();
    const hints = new Map<string, number>();
    const strayScheduled: string[] = [];
    let requests = 0;
    let vendorGaveUp = 0;
    while (pending.length > 0) {
      pending.sort((a, b) => a.at - b.at);
      const sliceEnd = Math.max(clock.now(), pending[0].at) + 250;
      const cut = pending.findIndex((p) => p.at > sliceEnd);
      const batch = pending.splice(0, cut === -1 ? pending.length : cut);
      if (clock.now() < batch[0].at) clock.ms = batch[0].at;
      let polling: Promise<void> | undefined;
      if (clock.now() - lastPollAt >= POLL_EVERY_MS) {
        lastPollAt = clock.now();
        pollsDuringDelivery++;
        polling = pollOnce(poller, { deadlineMs: clock.now() + 60_000 }).then((summary) => {
          hitsDuringDelivery += summary.hits;
        });
      }
      for (let i = 0; i < batch.length; i += 32) {
        await Promise.all(
          batch.slice(i, i + 32).map(async (p) => {
            const { vendor, body } = p.delivery;
            const keys = vendor.id === 'synthesia' ? synthesiaKeys(clock.now()) : [SECRET_OF(vendor.id)];
            for (const key of keys) {
              requests++;
              const request =
                vendor.reports === 'hint'
                  ? rawRequest({ 'content-type': 'application/json' }, body, false, { token: key })
                  : rawRequest({ 'content-type': 'application/json', ...signAs(vendor.id as SigningVendor, body, { secret: key, falKey: FAL_KEY }, clock.now()) }, body);
              const answer = await handleWebhook(vendor.id, request, deps);
              answers.set(answer.statusCode, (answers.get(answer.statusCode) ?? 0) + 1);
              const r = answer.result;
              if (r.kind === 'delivered' && (r.outcome === 'enqueued' || r.outcome === 'duplicate') && answer.statusCode === 200) accepted.add(r.eventId);
              if (r.kind === 'hinted') hints.set(r.outcome, (hints.get(r.outcome) ?? 0) + 1);
              if (r.kind === 'hinted' && r.outcome !== 'unknown_job' && !finals.has(`${vendor.id}#${r.jobId}`)) strayScheduled.push(`${vendor.id}#${r.jobId}: ${r.outcome}`);
              if (answer.statusCode >= 500) {
                const delay = vendor.retriesFinalOnly && p.delivery.kind !== 'terminal' ? undefined : vendor.retryDelaysMs[p.attempt];
                if (delay === undefined) vendorGaveUp++;
                else pending.push({ at: clock.now() + delay, delivery: p.delivery, attempt: p.attempt + 1 });
              }
            }
          }),
        );
      }
      await polling;
    }
    const duringDelivery = await drainQueue(backend.sqs, backend.queueUrl);

    // Then the poller alone, until nothing is due.
    let pollRuns = 0;
    let recoveredByPoll = 0;
    for (; pollRuns < 25; pollRuns++) {
      clock.advance(7 * 3600_000); // past any backoff (at most 6 h)
      const summary = await pollOnce(poller, { deadlineMs: clock.now() + 3600_000 });
      recoveredByPoll += summary.hits;
      const due = await Promise.all(VENDORS.map((v) => backend.store.listDue(v.id, clock.now() + 7 * 3600_000, 1)));
      if (due.every((d) => d.items.length === 0)) break;
    }
    await Promise.all([...apis.values()].map((a) => a.close()));
    await jwks.stop();

    // Read the whole queue back.
    const messages = [...duringDelivery, ...(await drainQueue(backend.sqs, backend.queueUrl))];
    const events = messages.map((m) => JSON.parse(m.body) as VideoJobEvent);
    const invalid = messages.filter((m) => {
      try {
        parseVideoJobEvent(m.body);
        return false;
      } catch {
        return true;
      }
    }).length;
    const byJob = new Map<string, VideoJobEvent[]>();
    for (const e of events) byJob.set(`${e.data.vendor}#${e.data.jobId}`, [...(byJob.get(`${e.data.vendor}#${e.data.jobId}`) ?? []), e]);
    const ids = events.map((e) => e.id);
    const duplicated = ids.length - new Set(ids).size;
    const missingTerminal: string[] = [];
    const wrongTerminal: string[] = [];
    const progressAfterTerminal: string[] = [];
    const notFromStatusApi: string[] = [];
    for (const [key, { vendor, jobId, final }] of finals) {
      const jobEvents = byJob.get(key) ?? [];
      const terminals = jobEvents.filter((e) => isTerminal(e.data.status));
      if (terminals.length !== 1) missingTerminal.push(`${key}: ${terminals.length} terminal events`);
      else if (terminals[0].id !== eventIdFor(vendor.id, { jobId, status: final, progress: null, stage: null })) wrongTerminal.push(`${key}: ${terminals[0].data.status}, not ${final}`);
      const firstTerminal = jobEvents.findIndex((e) => isTerminal(e.data.status));
      if (firstTerminal >= 0 && jobEvents.slice(firstTerminal + 1).some((e) => !isTerminal(e.data.status))) progressAfterTerminal.push(key);
      // An unsigned or absent report is never the source of an event: only the status API is, and it
      // says running (processing) or the job's end (a callback's event says it was asked because of one).
      if (vendor.reports !== 'webhook') notFromStatusApi.push(...jobEvents.filter((e) => !['poll', 'callback'].includes(e.data.receivedVia) || ![final, 'processing'].includes(e.data.status)).map((e) => `${key}: ${e.data.receivedVia} ${e.data.status}`));
    }
    const strays = events.filter((e) => !finals.has(`${e.data.vendor}#${e.data.jobId}`)).map((e) => `${e.data.vendor}#${e.data.jobId}`);
    const queued = new Set(ids);
    const lost = [...accepted].filter((id) => !queued.has(id));

    // Nothing left claimed: every job's terminal event delivered and no lease left on any record.
    const scan = await testEmulators().dynamoClient().send(new ScanCommand({ TableName: backend.tableName }));
    const stuck = (scan.Items ?? []).filter((item) => item.terminalDelivered?.BOOL !== true || item.leaseUntilMs !== undefined);

    const perVendor = Object.fromEntries(
      VENDORS.map((v) => {
        const mine = events.filter((e) => e.data.vendor === v.id);
        return [v.id, { reports: v.reports, jobs: [...finals.values()].filter((f) => f.vendor === v).length, events: mine.length, byReceivedVia: countBy(mine.map((e) => e.data.receivedVia)), statusRequests: apis.get(v.id)!.counts.asked, answeredRunning: apis.get(v.id)!.counts.running, forUnknownJobs: apis.get(v.id)!.counts.unknown }];
      }),
    );
    const figures = {
      jobs: JOBS,
      vendors: VENDORS.length,
      registered,
      requests,
      answers: Object.fromEntries([...answers].sort()),
      duplicateDeliveriesSent: duplicatesSent,
      duplicatesAbsorbed: telemetry.get('Duplicates'),
      staleProgressDropped: telemetry.get('Stale'),
      faultsInjected: { total: faults.total, ...faults.counts },
      terminalDeliveriesNeverSent: lostByDesign,
      deliveriesVendorsGaveUpOn: vendorGaveUp,
      callbacks: { lying: lyingCallbacks, forUnregisteredJobs: strayCallbacks, outcomes: Object.fromEntries([...hints].sort()) },
      jwksFetches: jwks.requests,
      pollRunsDuringDelivery: pollsDuringDelivery,
      eventsFromPollsDuringDelivery: hitsDuringDelivery,
      eventsDuringDelivery: duringDelivery.length,
      recoveredByPollingAfter: recoveredByPoll,
      pollRunsAfter: pollRuns + 1,
      progressFromStatusApis: events.filter((e) => e.data.receivedVia !== 'webhook' && !isTerminal(e.data.status)).length,
      eventsQueued: events.length,
      perVendor,
      lost: lost.length + missingTerminal.length,
      duplicated,
      leftClaimed: stuck.length,
      wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    console.log(`chaos figures\n${JSON.stringify(figures, null, 2)}`);

    expect(answers.get(401) ?? 0).toBe(0); // rotation: both subscriptions were accepted throughout
    expect(faults.total).toBeGreaterThan(0);
    expect(lyingCallbacks).toBeGreaterThan(0);
    expect(pollsDuringDelivery).toBeGreaterThan(0); // the poller raced the webhooks
    expect([...apis.values()].reduce((n, a) => n + a.counts.running, 0)).toBeGreaterThan(0); // and was told a job still ran
    expect(strayScheduled).toEqual([]); // a callback for a job nobody registered makes nothing due
    expect([...apis.values()].reduce((n, a) => n + a.counts.unknown, 0)).toBe(0); // and costs no status request
    expect(missingTerminal).toEqual([]);
    expect(wrongTerminal).toEqual([]);
    expect(notFromStatusApi).toEqual([]);
    expect(strays).toEqual([]);
    expect(invalid).toBe(0);
    expect(duplicated).toBe(0);
    expect(lost).toEqual([]);
    expect(progressAfterTerminal).toEqual([]);
    expect(stuck.map((i) => i.pk?.S)).toEqual([]);
  });
});
