import { decide, deliver, MAX_PENDING_TERMINAL_BYTES, type DeliveryDeps } from '../../lambda/core/delivery';
import { itemSizeOf } from '../../lambda/adapters/aws/dynamo-store';
import { rawRequest } from '../../lambda/core/http';
import { createAdapter } from '../../lambda/vendors/registry';
import { REPORT_EVENTS, samplePayload, sampleSecret, signRequest, signsWithSecret } from '../../lambda/vendors/samples';
import { buildEvent, EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../lambda/core/event';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { drainEvents, drainQueue, FaultyQueue, FaultyStore, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';

function fields(jobId: string, status: VideoJobStatus, extra: Partial<NormalizedFields> = {}): NormalizedFields {
  return {
    jobId,
    status,
    progress: null,
    stage: null,
    outputUrl: status === 'succeeded' ? `https://cdn.example/${jobId}.mp4` : null,
    media: status === 'succeeded' ? { ...EMPTY_MEDIA, durationSeconds: 10 } : null,
    error: status === 'failed' ? { message: 'boom', code: 'X' } : null,
    vendorEventType: null,
    vendorStatus: status,
    occurredAtMs: null,
    raw: { jobId, status },
    ...extra,
  };
}

describe('delivery core on DynamoDB (dynalite) and SQS FIFO (fauxqs)', () => {
  let backend: TestBackend;
  let clock: ManualClock;
  let store: FaultyStore;
  let queue: FaultyQueue;
  let telemetry: CountingTelemetry;
  let deps: DeliveryDeps;
  const via = (receivedVia: 'webhook' | 'poll' = 'webhook') => ({ vendor: 'viralsync', receivedVia, receivedAtMs: clock.now() });

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new ManualClock();
    store = new FaultyStore(backend.store);
    queue = new FaultyQueue(backend.queue);
    telemetry = new CountingTelemetry();
    deps = { store, queue, clock, telemetry, config: TEST_DELIVERY_CONFIG };
  });

  it('queues the same delivery sent 10 times concurrently once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(fields('job-1', 'succeeded'), via(), deps)));
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'enqueued').length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.outcome === 'enqueued' || r.outcome === 'duplicate')).toBe(true);
  });

  it('sends nothing to SQS for a redelivery after the SQS 5-minute deduplication window', async () => {
    expect((await deliver(fields('job-2', 'succeeded'), via(), deps)).outcome).toBe('enqueued');
    clock.advance(6 * 60_000);
    const again = await deliver(fields('job-2', 'succeeded'), via(), deps);
    clock.advance(6 * 24 * 3600_000); // still inside the 7-day window
    const later = await deliver(fields('job-2', 'succeeded'), via(), deps);
    expect([again.outcome, later.outcome]).toEqual(['duplicate', 'duplicate']);
    expect(queue.sent).toBe(1); // the core never relied on SQS's own window
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(1);
  });

  it('gives one message when webhook and poll report the same terminal status, with one id', async () => {
    const a = await deliver(fields('job-3', 'succeeded'), via('webhook'), deps);
    const b = await deliver(fields('job-3', 'succeeded'), via('poll'), deps);
    expect(a.event.id).toBe(b.event.id);
    expect(b.outcome).toBe('duplicate');
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(1);
  });

  it('keeps the first terminal status and counts a later different one as a conflict', async () => {
    await deliver(fields('job-4', 'succeeded'), via(), deps);
    const second = await deliver(fields('job-4', 'failed'), via(), deps);
    expect(second.outcome).toBe('conflict');
    expect(telemetry.get('Conflicts')).toBe(1);
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => e.type)).toEqual(['video.job.succeeded']);
  });

  it('does not queue progress that arrives after the terminal event, nor progress that goes backwards', async () => {
    await deliver(fields('job-5', 'processing', { progress: 0.5 }), via(), deps);
    expect((await deliver(fields('job-5', 'processing', { progress: 0.2 }), via(), deps)).outcome).toBe('stale');
    await deliver(fields('job-5', 'succeeded'), via(), deps);
    expect((await deliver(fields('job-5', 'processing', { progress: 0.9 }), via(), deps)).outcome).toBe('stale');
    const events = await drainQueue(backend.sqs, backend.queueUrl);
    expect(events.map((e) => JSON.parse(e.body).data.status)).toEqual(['processing', 'succeeded']);
    expect(new Set(events.map((e) => e.groupId))).toEqual(new Set(['viralsync#job-5']));
  });

  it('answers a SendMessage failure with an error, and the retry then delivers exactly one message', async () => {
    queue.failSends = 1;
    await expect(deliver(fields('job-6', 'succeeded'), via(), deps)).rejects.toThrow('injected SendMessage');
    const retry = await deliver(fields('job-6', 'succeeded'), via(), deps);
    expect(retry.outcome).toBe('enqueued');
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(1);
  });

  it('lets a different event of the job through once the lease of a crashed attempt has expired', async () => {
    queue.failSends = 1; // crash between claim and send
    await expect(deliver(fields('job-7', 'processing', { progress: 0.1 }), via(), deps)).rejects.toThrow();
    const blocked = await deliver(fields('job-7', 'succeeded'), via(), { ...deps, config: { ...TEST_DELIVERY_CONFIG, busyWaitMs: 0 } });
    expect(blocked.outcome).toBe('busy');
    clock.advance(TEST_DELIVERY_CONFIG.claimLeaseMs + 1);
    expect((await deliver(fields('job-7', 'succeeded'), via(), deps)).outcome).toBe('enqueued');
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.data.status)).toEqual(['succeeded']);
  });

  it('sends the terminal event a crashed attempt claimed when a different terminal status comes later: the first one wins and is not lost', async () => {
    queue.failSends = 1; // the attempt dies between claim and send
    await expect(deliver(fields('job-13', 'succeeded'), via('webhook'), deps)).rejects.toThrow('injected SendMessage');
    clock.advance(TEST_DELIVERY_CONFIG.claimLeaseMs + 1);
    const later = await deliver(fields('job-13', 'failed'), via('poll'), deps);
    expect(later.outcome).toBe('conflict');
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'video.job.succeeded', data: { outputUrl: 'https://cdn.example/job-13.mp4', receivedVia: 'webhook' } });
    expect(telemetry.get('Enqueued')).toBe(1);
    expect(telemetry.get('Conflicts')).toBe(1);
    const record = await backend.store.get('viralsync', 'job-13');
    expect(record).toMatchObject({ terminalDelivered: true, pendingTerminal: null, nextPollAtMs: null });
  });

  it('sends a pending terminal event before judging a late progress event, and never while the claiming attempt may still be alive', async () => {
    queue.failSends = 1;
    await expect(deliver(fields('job-14', 'cancelled'), via(), deps)).rejects.toThrow();
    const early = await deliver(fields('job-14', 'processing', { progress: 0.4 }), via(), deps);
    expect(early.outcome).toBe('stale'); // inside the lease: the first attempt may still send it
    expect(queue.sent).toBe(0);
    clock.advance(TEST_DELIVERY_CONFIG.claimLeaseMs + 1);
    expect((await deliver(fields('job-14', 'processing', { progress: 0.5 }), via(), deps)).outcome).toBe('stale');
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.type)).toEqual(['video.job.cancelled']);
  });

  it('re-sends the pending terminal event with its own id when its send was applied but the mark failed, so SQS keeps one copy', async () => {
    store.resetCount();
    store.failPutNumber = 1; // claim (UpdateItem) ok, send ok, mark (the first PutItem) fails
    await expect(deliver(fields('job-15', 'succeeded'), via(), deps)).rejects.toThrow('injected PutItem');
    clock.advance(TEST_DELIVERY_CONFIG.claimLeaseMs + 1);
    expect((await deliver(fields('job-15', 'failed'), via(), deps)).outcome).toBe('conflict');
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.type)).toEqual(['video.job.succeeded']);
  });

  it('does not keep a terminal event larger than MAX_PENDING_TERMINAL_BYTES on the record (bounded write cost)', async () => {
    const big = fields('job-16', 'succeeded', { raw: { blob: 'x'.repeat(MAX_PENDING_TERMINAL_BYTES) } });
    queue.failSends = 1;
    await expect(deliver(big, via(), deps)).rejects.toThrow();
    expect(await backend.store.get('viralsync', 'job-16')).toMatchObject({ terminalDelivered: false, pendingTerminal: null });
    expect((await deliver(fields('job-16', 'succeeded'), via(), deps)).outcome).toBe('enqueued'); // the same status still recovers it
  });

  it('queues nothing when DynamoDB fails, at the claim or at the claim of a takeover', async () => {
    store.failClaims = 1;
    await expect(deliver(fields('job-8', 'succeeded'), via(), deps)).rejects.toThrow('injected UpdateItem');
    queue.failSends = 1; // an attempt that claims, then dies: the next one takes its claim over with a PutItem
    await expect(deliver(fields('job-8', 'succeeded'), via(), deps)).rejects.toThrow('injected SendMessage');
    store.failPuts = 1;
    await expect(deliver(fields('job-8', 'succeeded'), via(), deps)).rejects.toThrow('injected PutItem');
    expect(queue.sent).toBe(0);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
    expect((await deliver(fields('job-8', 'succeeded'), via(), deps)).outcome).toBe('enqueued');
  });

  it('recovers when the delivered mark fails after the send: the retry re-sends inside the SQS window and SQS keeps one', async () => {
    store.resetCount();
    store.failPutNumber = 1; // claim (UpdateItem) ok, mark (the first PutItem) fails
    await expect(deliver(fields('job-9', 'failed'), via(), deps)).rejects.toThrow('injected PutItem');
    expect((await deliver(fields('job-9', 'failed'), via(), deps)).outcome).toBe('enqueued');
    expect((await deliver(fields('job-9', 'failed'), via(), deps)).outcome).toBe('duplicate');
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(1);
  });

  it('forgets a terminal event after the dedupe window, filtering the expired item in code', async () => {
    await deliver(fields('job-10', 'succeeded'), via(), deps);
    clock.advance(TEST_DELIVERY_CONFIG.dedupeWindowMs + 1000);
    // The item is still in the table (TTL deletes days late); the core must treat it as gone.
    expect(await backend.store.get('viralsync', 'job-10')).toBeDefined();
    expect((await deliver(fields('job-10', 'succeeded'), via(), deps)).outcome).toBe('enqueued');
  });

  it('keeps a job visible to the poller until its terminal event is delivered, then removes it', async () => {
    queue.failSends = 1;
    await expect(deliver(fields('job-11', 'succeeded'), via(), deps)).rejects.toThrow();
    const due = await backend.store.listDue('viralsync', clock.now() + TEST_DELIVERY_CONFIG.staleAfterMs, 10);
    expect(due.items.map((r) => r.jobId)).toEqual(['job-11']);
    await deliver(fields('job-11', 'succeeded'), via('poll'), deps);
    expect((await backend.store.listDue('viralsync', clock.now() + 10 * TEST_DELIVERY_CONFIG.staleAfterMs, 10)).items).toHaveLength(0);
  });

  it('spends 3 calls on a new event (the claim, the send, the mark) and reads nothing; 1 call on a duplicate (issue 20)', async () => {
    const calls = () => ({ gets: store.reads, claims: store.claims, puts: store.putCount, sends: queue.sent });
    const zero = calls();
    expect((await deliver(fields('job-20', 'processing', { progress: 0.2 }), via(), deps)).outcome).toBe('enqueued');
    expect((await deliver(fields('job-20', 'succeeded'), via(), deps)).outcome).toBe('enqueued');
    const two = calls();
    expect({ gets: two.gets - zero.gets, claims: two.claims - zero.claims, puts: two.puts - zero.puts, sends: two.sends - zero.sends }).toEqual({ gets: 0, claims: 2, puts: 2, sends: 2 });
    expect((await deliver(fields('job-20', 'succeeded'), via(), deps)).outcome).toBe('duplicate');
    expect((await deliver(fields('job-20', 'processing', { progress: 0.2 }), via(), deps)).outcome).toBe('stale');
    const four = calls();
    expect({ gets: four.gets - two.gets, claims: four.claims - two.claims, puts: four.puts - two.puts, sends: four.sends - two.sends }).toEqual({ gets: 0, claims: 2, puts: 0, sends: 0 });
  });

  it('writes a job\'s pending index entry once for its webhooks: a later event leaves its due time; a poll moves it (issue 20)', async () => {
    const first = clock.now();
    await deliver(fields('job-21', 'processing', { progress: 0.2 }), via('webhook'), deps);
    clock.advance(60_000);
    await deliver(fields('job-21', 'processing', { progress: 0.4 }), via('webhook'), deps);
    expect(await backend.store.get('viralsync', 'job-21')).toMatchObject({ nextPollAtMs: first + TEST_DELIVERY_CONFIG.staleAfterMs, lastActivityMs: clock.now(), lastEventDelivered: true });
    clock.advance(60_000);
    await deliver(fields('job-21', 'processing', { progress: 0.6 }), via('poll'), deps);
    expect(await backend.store.get('viralsync', 'job-21')).toMatchObject({ nextPollAtMs: clock.now() + TEST_DELIVERY_CONFIG.staleAfterMs });
  });

  it('serializes different events of one job arriving at once: progress and terminal keep their order', async () => {
    const all = await Promise.all([
      deliver(fields('job-12', 'processing', { progress: 0.3 }), via(), deps),
      deliver(fields('job-12', 'succeeded'), via(), deps),
    ]);
    const statuses = (await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.data.status);
    expect(statuses[statuses.length - 1]).toBe('succeeded');
    expect(statuses.filter((s) => s === 'succeeded')).toHaveLength(1);
    expect(all.some((r) => r.outcome === 'enqueued')).toBe(true);
  });
});

describe('the pending terminal event on DynamoDB', () => {
  it('costs no extra write unit for a typical terminal event: deflated, it fits beside the record in 1 KB', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    // The vendors whose webhooks are reports (an unsigned vendor's callback is a hint, never an
    // event) signed with their webhook secret alone.
    for (const vendor of Object.keys(REPORT_EVENTS).filter(signsWithSecret)) {
      const body = JSON.stringify(samplePayload(vendor, 'completed', vendor === 'lipdub' ? '4242' : 'job_0123456789', now));
      const secret = sampleSecret(vendor);
      const request = rawRequest(signRequest(vendor, body, secret, now), body);
      const adapter = createAdapter({ id: vendor, kind: vendor, options: {} });
      const normalized = adapter.normalize(request, adapter.authenticate(request, [secret], now) as { ok: true; timestampMs: number | null });
      if (normalized.kind !== 'event') throw new Error(`${vendor}: sample did not normalize`);
      const event = buildEvent(normalized.fields, { vendor, receivedVia: 'webhook', receivedAtMs: now });
      const decision = decide(undefined, event, now, TEST_DELIVERY_CONFIG);
      if (decision.kind !== 'claim') throw new Error('expected a claim');
      expect(decision.claimed.pendingTerminal).toBe(JSON.stringify(event));
      expect(JSON.stringify(event).length).toBeGreaterThan(700);
      expect(itemSizeOf(decision.claimed)).toBeLessThanOrEqual(1024);
    }
  });
});

describe('MemoryJobStore (the in-memory port used by benchmarks and local tools)', () => {
  it('pages due jobs like a DynamoDB query: moving a returned job does not make the next page skip any', async () => {
    const { MemoryJobStore } = await import('../../local/adapters/memory');
    const { newRecord } = await import('../../lambda/core/delivery');
    const store = new MemoryJobStore();
    for (let i = 0; i < 25; i++) {
      await store.put({ ...newRecord('sync', `j${String(i).padStart(2, '0')}`, 0, TEST_DELIVERY_CONFIG), nextPollAtMs: i }, null);
    }
    const first = await store.listDue('sync', 100, 10);
    for (const r of first.items) await store.put({ ...r, version: r.version + 1, nextPollAtMs: 1000 }, r.version);
    const second = await store.listDue('sync', 100, 10, first.cursor);
    expect(second.items.map((r) => r.jobId)).toEqual(['j10', 'j11', 'j12', 'j13', 'j14', 'j15', 'j16', 'j17', 'j18', 'j19']);
    const third = await store.listDue('sync', 100, 10, second.cursor);
    expect(third.items.map((r) => r.jobId)).toHaveLength(5);
    expect(third.cursor).toBeUndefined();
  });
});

describe('a kept terminal event the core did not write (issue 14, finding 4)', () => {
  it('is not sent: another job\'s event, a non-terminal one, or an id its fields do not give', async () => {
    const { deliverPendingTerminal, newRecord } = await import('../../lambda/core/delivery');
    const { MemoryEventQueue, MemoryJobStore } = await import('../../local/adapters/memory');
    const clock = new ManualClock();
    const queue = new MemoryEventQueue();
    const store = new MemoryJobStore();
    const deps: DeliveryDeps = { store, queue, clock, telemetry: new CountingTelemetry(), config: TEST_DELIVERY_CONFIG };
    const genuine = buildEvent(fields('job-1', 'succeeded'), { vendor: 'sync', receivedVia: 'webhook', receivedAtMs: clock.now() });
    const forgeries = [
      { ...genuine, data: { ...genuine.data, jobId: 'job-2' }, subject: 'job-2' },
      { ...genuine, type: 'video.job.processing', data: { ...genuine.data, status: 'processing', terminal: false } },
      { ...genuine, id: '00000000-0000-0000-0000-000000000000' },
      { ...genuine, source: 'video-webhooks/lipdub' },
    ];
    const recordKeeping = (event: object & { id: string }) => ({
      ...newRecord('sync', 'job-1', clock.now(), TEST_DELIVERY_CONFIG),
      terminalEventId: event.id,
      pendingTerminal: JSON.stringify(event),
    });
    for (const forged of forgeries) {
      store.records.clear();
      await store.put(recordKeeping(forged), null);
      expect(await deliverPendingTerminal(recordKeeping(forged), deps)).toBe(false);
    }
    expect(queue.events).toHaveLength(0);
    // The genuine one is sent.
    store.records.clear();
    await store.put(recordKeeping(genuine), null);
    expect(await deliverPendingTerminal(recordKeeping(genuine), deps)).toBe(true);
    expect(queue.events.map((e) => e.id)).toEqual([genuine.id]);
  });
});

describe('a vendor retry of an earlier stage event after a later one (found by the authenticated fuzz)', () => {
  it('is a duplicate, not a second message with the same id (SQS drops it for 5 minutes; after that a consumer got it twice)', async () => {
    const { deliver } = await import('../../lambda/core/delivery');
    const { MemoryEventQueue, MemoryJobStore } = await import('../../local/adapters/memory');
    const clock = new ManualClock();
    const deps: DeliveryDeps = { store: new MemoryJobStore(), queue: new MemoryEventQueue(), clock, telemetry: new CountingTelemetry(), config: TEST_DELIVERY_CONFIG };
    const stage = (name: string) => fields('job-s', 'processing', { stage: name });
    const via = { vendor: 'lipdub', receivedVia: 'webhook' as const, receivedAtMs: clock.now() };
    const outcomes = [];
    for (const name of ['preprocessing', 'training', 'preprocessing', 'upload', 'training', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'upload']) {
      outcomes.push((await deliver(stage(name), via, deps)).outcome);
      clock.advance(6 * 60_000); // past SQS's own 5-minute deduplication each time
    }
    expect(outcomes).toEqual(['enqueued', 'enqueued', 'duplicate', 'enqueued', 'duplicate', 'enqueued', 'enqueued', 'enqueued', 'enqueued', 'enqueued', 'enqueued', 'enqueued', 'enqueued']);
    const record = await deps.store.get('lipdub', 'job-s');
    expect(record?.recentEventIds).toHaveLength(6); // bounded: the oldest ids fall off
  });
});
