/**
 * The quarantine replay against the real emulators (dynalite, fauxqs): requests quarantined by the
 * real webhook path, replayed through a fixed adapter and the delivery core.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { VideoJobStatus } from '../../lambda/core/event';
import type { QuarantineMessage } from '../../lambda/core/ports';
import { replayQuarantine, type ReplayDeps, type QuarantineSource, type ReplayOptions, type ReplaySummary } from '../../lambda/core/quarantine-replay';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { SqsQuarantineSource } from '../../lambda/adapters/aws/sqs-queue';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { customAdapter } from '../../lambda/vendors/custom';
import { createAdapter } from '../../lambda/vendors/registry';
import type { VendorAdapter } from '../../lambda/core/adapter';
import { deliver, newRecord } from '../../lambda/core/delivery';
import { expiredFields } from '../../lambda/poller/expiry';
import { drainEvents, drainQueue, FaultyStore, freshBackend, injected, ManualClock, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';

const SECRET = 'acme-signing-secret';
const silent = { log: () => undefined, count: () => undefined };

/** Acme signs the raw body (hex HMAC-SHA256) and names its statuses in `state`. */
function acme(statusMap: Record<string, VideoJobStatus>): VendorAdapter {
  return customAdapter({ auth: { type: 'hmac', signatureHeader: 'x-acme-signature' }, paths: { jobId: 'id', status: 'state', outputUrl: 'url' }, statusMap }, 'acme');
}
const ACME_V1 = acme({ queued: 'queued', done: 'succeeded' });
/** After the fix: Acme's new status word is understood. */
const ACME_V2 = acme({ queued: 'queued', done: 'succeeded', rendered: 'succeeded' });

function signed(body: string) {
  return { headers: { 'x-acme-signature': createHmac('sha256', SECRET).update(body).digest('hex') }, body: Buffer.from(body) };
}

describe('quarantine replay', () => {
  let backend: TestBackend;
  let clock: ManualClock;

  beforeEach(async () => {
    backend = await freshBackend();
    clock = new ManualClock();
  });

  const webhookDeps = (adapter: VendorAdapter = ACME_V1): WebhookDeps => ({
    adapters: new Map([['acme', adapter]]),
    secrets: new StaticSecretSource({ acme: [SECRET] }),
    secretIdFor: (v) => v,
    store: backend.store,
    queue: backend.queue,
    quarantine: backend.quarantine,
    clock,
    telemetry: silent,
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes: 262_144,
  });

  const replayDeps = (adapters: Record<string, VendorAdapter>, overrides: Partial<ReplayDeps> = {}): ReplayDeps => ({
    store: backend.store,
    queue: backend.queue,
    clock,
    telemetry: silent,
    config: TEST_DELIVERY_CONFIG,
    // A 1-second visibility timeout, so what a run leaves behind reappears within the test.
    quarantine: new SqsQuarantineSource(backend.sqs, backend.quarantineQueueUrl, 1),
    adapterFor: (vendor) => adapters[vendor],
    ...overrides,
  });

  async function quarantineAcme(body: string): Promise<void> {
    const answer = await handleWebhook('acme', signed(body), webhookDeps());
    expect(answer).toMatchObject({ statusCode: 202, result: { kind: 'quarantined' } });
  }

  /** Long polls of 1 second (the default is SQS's 20), so a run that ends "empty" ends in about 2 seconds. */
  const replay = (deps: ReplayDeps, options: ReplayOptions) => replayQuarantine(deps, { receiveWaitSeconds: 1, ...options });

  const afterVisibilityTimeout = () => new Promise((resolve) => setTimeout(resolve, 1_200));

  it('delivers quarantined requests once the adapter understands them, with the time they first arrived', async () => {
    const arrivedAt = clock.now();
    for (const id of ['a', 'b', 'c']) await quarantineAcme(JSON.stringify({ id, state: 'rendered', url: `https://cdn.acme.example/${id}.mp4` }));
    await quarantineAcme('not json at all');
    clock.advance(3_600_000); // the fix ships an hour later

    const summary = await replay(replayDeps({ acme: ACME_V2 }), { runId: 'run-1' });

    expect(summary).toEqual<ReplaySummary>({
      received: 4, // the one it sent back came round and was left alone
      delivered: { enqueued: 3, duplicate: 0, stale: 0, conflict: 0, busy: 0 },
      ignored: 0,
      requeued: 1,
      olderThanDedupeWindow: 0,
      failed: 0,
      stoppedBecause: 'came-round',
    });
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events.map((e) => [e.subject, e.type, e.data.outputUrl, e.data.receivedVia, e.data.receivedAt]).sort()).toEqual(
      ['a', 'b', 'c'].map((id) => [id, 'video.job.succeeded', `https://cdn.acme.example/${id}.mp4`, 'webhook', new Date(arrivedAt).toISOString()]),
    );

    await afterVisibilityTimeout();
    const left = (await drainQueue(backend.sqs, backend.quarantineQueueUrl)).map((m) => JSON.parse(m.body) as QuarantineMessage);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ vendor: 'acme', replays: 1, replayRunId: 'run-1', bodyBase64: Buffer.from('not json at all').toString('base64') });
    expect(left[0].reason).toMatch(/JSON/);
  });

  it('sends back what it cannot place (unknown status, vendor not configured, not a quarantine message) without blocking the FIFO group', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `job-${i}`, state: i === 1 ? 'exploded' : 'rendered' }));
    for (const body of bodies) await quarantineAcme(body);
    const stranger: QuarantineMessage = { vendor: 'heygen', reason: 'test', receivedAt: new Date().toISOString(), headers: {}, bodyBase64: Buffer.from('{}').toString('base64') };
    await backend.quarantine.send(stranger);
    await backend.sqs.send(new SendMessageCommand({ QueueUrl: backend.quarantineQueueUrl, MessageBody: 'hello from the console', MessageGroupId: 'manual', MessageDeduplicationId: 'manual-1' }));

    const summary = await replay(replayDeps({ acme: ACME_V2 }), { runId: 'run-2' });

    expect(summary.delivered.enqueued).toBe(11);
    expect(summary.requeued).toBe(3);
    expect(summary.failed).toBe(0);
    expect(new Set((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.subject)).size).toBe(11);
    await afterVisibilityTimeout();
    const left = (await drainQueue(backend.sqs, backend.quarantineQueueUrl)).map((m) => JSON.parse(m.body) as QuarantineMessage);
    expect(left.map((m) => m.vendor).sort()).toEqual(['acme', 'heygen', 'unknown']);
    expect(left.find((m) => m.vendor === 'acme')?.reason).toMatch(/exploded/);
    expect(left.find((m) => m.vendor === 'heygen')?.reason).toBe('vendor heygen is not configured in this deployment');
    expect(Buffer.from(left.find((m) => m.vendor === 'unknown')!.bodyBase64, 'base64').toString()).toBe('hello from the console');
  });

  it('leaves a message quarantined when the backend fails (injected DynamoDB failure), queues nothing, and the next replay delivers it', async () => {
    await quarantineAcme(JSON.stringify({ id: 'j1', state: 'rendered' }));
    const store = new FaultyStore(backend.store);
    store.failClaims = 1;

    // Short polls: a 1-second wait would outlast the 1-second visibility timeout, and the run would retry it.
    const failed = await replay(replayDeps({ acme: ACME_V2 }, { store }), { runId: 'run-3', receiveWaitSeconds: 0 });
    expect(failed).toMatchObject({ received: 1, failed: 1, requeued: 0, stoppedBecause: 'empty' });
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]);

    await afterVisibilityTimeout();
    const retried = await replay(replayDeps({ acme: ACME_V2 }, { store }), { runId: 'run-4' });
    expect(retried).toMatchObject({ received: 1, delivered: { enqueued: 1 }, failed: 0, stoppedBecause: 'empty' });
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.subject)).toEqual(['j1']);
  });

  it('queues an event once when a message is replayed twice (the delete failed after the delivery)', async () => {
    await quarantineAcme(JSON.stringify({ id: 'j2', state: 'rendered' }));
    const real = new SqsQuarantineSource(backend.sqs, backend.quarantineQueueUrl, 1);
    let deleteFailures = 1;
    const flaky = {
      receive: (max: number, waitSeconds: number) => real.receive(max, waitSeconds),
      requeue: (m: QuarantineMessage) => real.requeue(m),
      delete: async (handle: string) => {
        if (deleteFailures-- > 0) throw injected('DeleteMessage');
        await real.delete(handle);
      },
    };

    // Short polls, so the message the failed delete left is not seen again by this same run.
    const first = await replay(replayDeps({ acme: ACME_V2 }, { quarantine: flaky }), { runId: 'run-5', receiveWaitSeconds: 0 });
    expect(first).toMatchObject({ delivered: { enqueued: 1 }, failed: 1 });
    await afterVisibilityTimeout();
    clock.advance(10 * 60_000); // past SQS's own 5-minute deduplication: the job record must catch it
    const second = await replay(replayDeps({ acme: ACME_V2 }, { quarantine: flaky }), { runId: 'run-6' });
    expect(second).toMatchObject({ delivered: { enqueued: 0, duplicate: 1 }, failed: 0, stoppedBecause: 'empty' });
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.subject)).toEqual(['j2']);
    expect(await drainQueue(backend.sqs, backend.quarantineQueueUrl)).toEqual([]);
  });

  it('deletes what the adapter now ignores (a LipDub event type it does not handle)', async () => {
    const body = readFileSync(join(__dirname, '../vendors/fixtures/lipdub-unknown-event.json'), 'utf8');
    await backend.quarantine.send({ vendor: 'lipdub', reason: 'old adapter', receivedAt: new Date().toISOString(), headers: {}, bodyBase64: Buffer.from(body).toString('base64') });
    const lipdub = createAdapter({ id: 'lipdub', kind: 'lipdub', options: {} });

    const summary = await replay(replayDeps({ lipdub }), { runId: 'run-7' });

    expect(summary).toMatchObject({ received: 1, ignored: 1, requeued: 0, stoppedBecause: 'empty' });
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]);
    await afterVisibilityTimeout();
    expect(await drainQueue(backend.sqs, backend.quarantineQueueUrl)).toEqual([]);
  });

  it('keeps the signed timestamp of a quarantined Sync request and uses it as the event time on replay', async () => {
    const sync = createAdapter({ id: 'sync', kind: 'sync', options: {} });
    const t = Math.floor(clock.now() / 1000);
    const body = JSON.stringify({ status: 'COMPLETED', outputUrl: 'https://x.example/o.mp4' }); // no id: not normalizable
    const signature = createHmac('sha256', 'whsec_sync').update(`${t}.${body}`).digest('hex');
    const deps: WebhookDeps = { ...webhookDeps(), adapters: new Map([['sync', sync]]), secrets: new StaticSecretSource({ sync: ['whsec_sync'] }) };
    const answer = await handleWebhook('sync', { headers: { 'sync-signature': `t=${t},v1=${signature}` }, body: Buffer.from(body) }, deps);
    expect(answer.statusCode).toBe(202);
    const [quarantined] = (await drainQueue(backend.sqs, backend.quarantineQueueUrl)).map((m) => JSON.parse(m.body) as QuarantineMessage);
    expect(quarantined).toMatchObject({ vendor: 'sync', signedTimestampMs: t * 1000, headers: { 'sync-signature': `t=${t},v1=${signature}` } });

    // As if an adapter fix now read the id: the same message with a body that has one.
    const fixed = { ...quarantined, bodyBase64: Buffer.from(JSON.stringify({ id: 'gen-1', status: 'COMPLETED' })).toString('base64') };
    await backend.quarantine.send(fixed);
    const summary = await replay(replayDeps({ sync }), { runId: 'run-8' });
    expect(summary.delivered.enqueued).toBe(1);
    const [event] = await drainEvents(backend.sqs, backend.queueUrl);
    expect(event).toMatchObject({ subject: 'gen-1', time: new Date(t * 1000).toISOString(), type: 'video.job.succeeded' });
  });

  it('stops after maxMessages and leaves the rest for the next replay', async () => {
    for (let i = 0; i < 5; i++) await quarantineAcme(JSON.stringify({ id: `m${i}`, state: 'rendered' }));

    const summary = await replay(replayDeps({ acme: ACME_V2 }), { runId: 'run-9', maxMessages: 2 });
    expect(summary).toMatchObject({ received: 2, delivered: { enqueued: 2 }, stoppedBecause: 'max-messages' });
    const rest = await replay(replayDeps({ acme: ACME_V2 }), { runId: 'run-10' });
    expect(rest).toMatchObject({ received: 3, delivered: { enqueued: 3 }, stoppedBecause: 'empty' });
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.subject).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('does not stop "empty" on one empty receive while messages exist (a source on the emulators wrapped to answer one empty receive first, as SQS short polling may)', async () => {
    for (const id of ['e1', 'e2']) await quarantineAcme(JSON.stringify({ id, state: 'rendered' }));
    const real = new SqsQuarantineSource(backend.sqs, backend.quarantineQueueUrl, 1);
    let emptyAnswers = 1;
    const answeringOneEmptyReceiveFirst: QuarantineSource = {
      receive: async (max, waitSeconds) => (emptyAnswers-- > 0 ? [] : real.receive(max, waitSeconds)),
      delete: (handle) => real.delete(handle),
      requeue: (m) => real.requeue(m),
    };

    const summary = await replay(replayDeps({ acme: ACME_V2 }, { quarantine: answeringOneEmptyReceiveFirst }), { runId: 'run-12' });

    expect(summary).toMatchObject({ received: 2, delivered: { enqueued: 2 }, stoppedBecause: 'empty' });
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.subject).sort()).toEqual(['e1', 'e2']);
  });

  it('long-polls the quarantine: a message that arrives while a receive waits is returned by it', async () => {
    const source = new SqsQuarantineSource(backend.sqs, backend.quarantineQueueUrl, 1);
    const started = Date.now();
    const receiving = source.receive(10, 3);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await quarantineAcme(JSON.stringify({ id: 'waited-for', state: 'rendered' }));
    const got = await receiving;
    expect(got.map((r) => (JSON.parse(r.body) as QuarantineMessage).vendor)).toEqual(['acme']);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('keeps in the quarantine a message older than the dedupe window: replaying it after the job expired and its record lapsed would queue a second terminal event', async () => {
    const config = { ...TEST_DELIVERY_CONFIG, dedupeWindowMs: 10 * 60_000, giveUpAfterMs: 3_600_000 };
    // The vendor's "rendered" webhook arrives and is quarantined (the adapter does not know the word).
    await handleWebhook('acme', signed(JSON.stringify({ id: 'late-job', state: 'rendered' })), { ...webhookDeps(), config });
    // Nothing else comes: the poller gives up on the job and queues its `expired` event.
    clock.advance(config.giveUpAfterMs + 60_000);
    const job = newRecord('acme', 'late-job', clock.now(), config);
    const expired = await deliver(expiredFields(job, config.giveUpAfterMs, undefined, clock.now()), { vendor: 'acme', receivedVia: 'poll', receivedAtMs: clock.now() }, { ...replayDeps({}), config });
    expect(expired.outcome).toBe('enqueued');
    // The adapter fix ships after the job's record has lapsed (the dedupe window is 10 minutes).
    clock.advance(config.dedupeWindowMs + 60_000);

    const summary = await replay({ ...replayDeps({ acme: ACME_V2 }), config }, { runId: 'run-13' });

    expect(summary).toMatchObject({ received: 1, delivered: { enqueued: 0 }, olderThanDedupeWindow: 1, requeued: 0 });
    expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.type)).toEqual(['video.job.expired']);
    await afterVisibilityTimeout();
    const left = (await drainQueue(backend.sqs, backend.quarantineQueueUrl)).map((m) => JSON.parse(m.body) as QuarantineMessage);
    expect(left).toHaveLength(1);
    expect(left[0].reason).toBe('older than the dedupe window (10 minutes): not replayed, to keep one terminal event per job; first quarantined because: status "rendered" is not in the status map');
  });

  it('stops at its deadline without receiving', async () => {
    await quarantineAcme(JSON.stringify({ id: 'late', state: 'rendered' }));
    const summary = await replay(replayDeps({ acme: ACME_V2 }), { runId: 'run-11', deadlineMs: clock.now() });
    expect(summary).toMatchObject({ received: 0, stoppedBecause: 'deadline' });
  });
});
