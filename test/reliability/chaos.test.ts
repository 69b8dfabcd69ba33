/**
 * The chaos run: four simulated vendors deliver N jobs through the real verifier core on dynalite
 * and fauxqs, with each vendor's retry behaviour, duplicates, out-of-order progress, lost webhooks,
 * a secret rotation, and 5% faults at every backend step; the poller recovers what webhooks could
 * not. Time is compressed on a ManualClock. RELIABILITY=full runs 2,000 jobs; `npm test` runs 160.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { eventIdFor, isTerminal, type VideoJobEvent } from '../../lambda/core/event';
import type { SecretSource } from '../../lambda/core/ports';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { rawRequest } from '../../lambda/core/http';
import { pollOnce } from '../../lambda/poller/poller';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { createAdapter } from '../../lambda/vendors/registry';
import { drainQueue, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, testEmulators } from '../support/emulators';
import { pollerDeps } from '../poller/harness';
import { startFakeVendor, type FakeVendorServer } from '../poller/support';
import { authHeaders, ChaosQueue, ChaosStore, FaultLog, finalFor, finalStatusBody, jobDeliveries, RETRY_DELAYS_MS, rng, type Delivery, type Final, type Vendor } from './chaos-support';

const FULL = process.env.RELIABILITY === 'full';
const JOBS = FULL ? 2000 : 160;
const SEED = Number(process.env.CHAOS_SEED ?? 20261124);
const VENDORS: Vendor[] = ['sync', 'lipdub', 'viralsync', 'synthesia'];
const SECRETS: Record<Vendor, string> = { sync: 'whsec_chaos', lipdub: 'ld_chaos', viralsync: 'vs_chaos', synthesia: 'syn_old' };
const SYNTHESIA_NEW = 'syn_new';

interface Pending {
  at: number;
  delivery: Delivery;
  attempt: number;
}

jest.setTimeout(FULL ? 15 * 60_000 : 120_000);

describe(`chaos run (${JOBS} jobs, 5% faults at every backend step, seed ${SEED})`, () => {
  it('ends with exactly one terminal event per job, no duplicate ids, nothing lost, nothing left claimed', async () => {
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
    const secrets: SecretSource = {
      async get(vendor: string) {
        if (vendor !== 'synthesia') return [SECRETS[vendor as Vendor]];
        const p = phase(clock.now());
        return p === 'old' ? [SECRETS.synthesia] : p === 'both' ? [SECRETS.synthesia, SYNTHESIA_NEW] : [SYNTHESIA_NEW];
      },
    };
    const telemetry = new CountingTelemetry();
    const deps: WebhookDeps = {
      adapters: new Map(VENDORS.map((v) => [v, createAdapter({ id: v, kind: v, options: {} })])),
      store,
      queue,
      quarantine: backend.quarantine,
      secrets,
      secretIdFor: (v) => v,
      clock,
      telemetry,
      config: TEST_DELIVERY_CONFIG,
      maxBodyBytes: 256 * 1024,
    };

    // The jobs and what their vendors send.
    const finals = new Map<string, { vendor: Vendor; final: Final }>();
    const pending: Pending[] = [];
    let lostByDesign = 0;
    let duplicatesSent = 0;
    for (let j = 0; j < JOBS; j++) {
      const vendor = VENDORS[j % 4];
      const jobId = vendor === 'lipdub' ? String(100000 + j) : `${vendor}-job-${j}`;
      const final = finalFor(vendor, random());
      finals.set(`${vendor}#${jobId}`, { vendor, final });
      const start = t0 + j * 50;
      for (const delivery of jobDeliveries(vendor, jobId, final, new Date(start).toISOString())) {
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

    // The app registers its Sync jobs when it creates them (Sync sends only a final webhook and never
    // retries it, so an unregistered lost job is invisible: see README). Its own call is retried until it works.
    const registry = new JobRegistry(backend.store, { staleAfterSeconds: TEST_DELIVERY_CONFIG.staleAfterMs / 1000 }, clock);
    for (const [key, { vendor }] of finals) if (vendor === 'sync') await registry.register(vendor, key.slice(vendor.length + 1));

    // Deliver in time order, concurrently within each 250 ms slice, retrying as each vendor does.
    const accepted = new Set<string>();
    const answers = new Map<number, number>();
    let requests = 0;
    let vendorGaveUp = 0;
    while (pending.length > 0) {
      pending.sort((a, b) => a.at - b.at);
      const sliceEnd = Math.max(clock.now(), pending[0].at) + 250;
      const batch = pending.splice(0, pending.findIndex((p) => p.at > sliceEnd) === -1 ? pending.length : pending.findIndex((p) => p.at > sliceEnd));
      if (clock.now() < batch[0].at) clock.ms = batch[0].at;
      for (let i = 0; i < batch.length; i += 32) {
        await Promise.all(
          batch.slice(i, i + 32).map(async (p) => {
            const { vendor, body } = p.delivery;
            const p0 = phase(clock.now());
            const keys = vendor !== 'synthesia' ? [SECRETS[vendor]] : p0 === 'old' ? [SECRETS.synthesia] : p0 === 'both' ? [SECRETS.synthesia, SYNTHESIA_NEW] : [SYNTHESIA_NEW];
            for (const key of keys) {
              requests++;
              const answer = await handleWebhook(vendor, rawRequest(authHeaders(vendor, body, key, clock.now()), body), deps);
              answers.set(answer.statusCode, (answers.get(answer.statusCode) ?? 0) + 1);
              const r = answer.result;
              if (r.kind === 'delivered' && (r.outcome === 'enqueued' || r.outcome === 'duplicate') && answer.statusCode === 200) accepted.add(r.eventId);
              if (answer.statusCode >= 500) {
                const delay = RETRY_DELAYS_MS[vendor][p.attempt];
                if (delay === undefined) vendorGaveUp++;
                else pending.push({ at: clock.now() + delay, delivery: p.delivery, attempt: p.attempt + 1 });
              }
            }
          }),
        );
      }
    }

    // The poller, on fake status APIs that know every job's final state, with the same faults.
    const servers = new Map<Vendor, FakeVendorServer>();
    for (const v of VENDORS) servers.set(v, await startFakeVendor(v));
    for (const [key, { vendor, final }] of finals) servers.get(vendor)!.jobs.set(key.slice(vendor.length + 1), finalStatusBody(vendor, key.slice(vendor.length + 1), final));
    const poller = pollerDeps({ store, queue, clock, vendors: VENDORS.map((v) => ({ server: servers.get(v)!, requestsPerMinute: 60_000 })), telemetry });
    let pollRuns = 0;
    let recoveredByPoll = 0;
    for (; pollRuns < 25; pollRuns++) {
      clock.advance(7 * 3600_000); // past any backoff (at most 6 h)
      const summary = await pollOnce(poller, { deadlineMs: clock.now() + 3600_000 });
      recoveredByPoll += summary.hits;
      const due = await Promise.all(VENDORS.map((v) => backend.store.listDue(v, clock.now() + 7 * 3600_000, 1)));
      if (due.every((d) => d.items.length === 0)) break;
    }
    await Promise.all([...servers.values()].map((s) => s.close()));

    // Read the whole queue back.
    const messages = await drainQueue(backend.sqs, backend.queueUrl);
    const events = messages.map((m) => JSON.parse(m.body) as VideoJobEvent);
    const byJob = new Map<string, VideoJobEvent[]>();
    for (const e of events) byJob.set(`${e.data.vendor}#${e.data.jobId}`, [...(byJob.get(`${e.data.vendor}#${e.data.jobId}`) ?? []), e]);
    const ids = events.map((e) => e.id);
    const duplicated = ids.length - new Set(ids).size;
    const missingTerminal: string[] = [];
    const wrongTerminal: string[] = [];
    const progressAfterTerminal: string[] = [];
    for (const [key, { vendor, final }] of finals) {
      const jobEvents = byJob.get(key) ?? [];
      const terminals = jobEvents.filter((e) => isTerminal(e.data.status));
      if (terminals.length !== 1) missingTerminal.push(`${key}: ${terminals.length} terminal events`);
      else if (terminals[0].id !== eventIdFor(vendor, { jobId: key.slice(vendor.length + 1), status: final, progress: null, stage: null })) wrongTerminal.push(key);
      const firstTerminal = jobEvents.findIndex((e) => isTerminal(e.data.status));
      if (firstTerminal >= 0 && jobEvents.slice(firstTerminal + 1).some((e) => !isTerminal(e.data.status))) progressAfterTerminal.push(key);
    }
    const queued = new Set(ids);
    const lost = [...accepted].filter((id) => !queued.has(id));

    // Nothing left claimed: every job's terminal event delivered and no lease left on any record.
    const scan = await testEmulators().dynamoClient().send(new ScanCommand({ TableName: backend.tableName }));
    const stuck = (scan.Items ?? []).filter((item) => item.terminalDelivered?.BOOL !== true || item.leaseUntilMs !== undefined);

    const figures = {
      jobs: JOBS,
      requests,
      answers: Object.fromEntries([...answers].sort()),
      duplicateDeliveriesSent: duplicatesSent,
      duplicatesAbsorbed: telemetry.get('Duplicates'),
      staleProgressDropped: telemetry.get('Stale'),
      faultsInjected: { total: faults.total, ...faults.counts },
      terminalWebhooksNeverSent: lostByDesign,
      deliveriesVendorsGaveUpOn: vendorGaveUp,
      recoveredByPolling: recoveredByPoll,
      pollRuns: pollRuns + 1,
      eventsQueued: events.length,
      lost: lost.length + missingTerminal.length,
      duplicated,
      leftClaimed: stuck.length,
      wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    console.log(`chaos figures\n${JSON.stringify(figures, null, 2)}`);

    expect(answers.get(401) ?? 0).toBe(0); // rotation: both subscriptions were accepted throughout
    expect(faults.total).toBeGreaterThan(0);
    expect(missingTerminal).toEqual([]);
    expect(wrongTerminal).toEqual([]);
    expect(duplicated).toBe(0);
    expect(lost).toEqual([]);
    expect(progressAfterTerminal).toEqual([]);
    expect(stuck.map((i) => i.pk?.S)).toEqual([]);
  });
});
