/**
 * The quarantine's SQS adapter (SqsQuarantineQueue) on the emulators, behind the strict local AWS,
 * which deduplicates per message group on a queue in high-throughput mode as SQS does: one
 * vendor's quarantined requests spread over several FIFO groups (each group takes 300 sends a
 * second), and the same request quarantined twice still lands in one group, so it is kept once.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { QuarantineMessage } from '../../lambda/core/ports';
import { drainQueue, freshBackend, type TestBackend } from '../support/emulators';

jest.setTimeout(60_000);

function quarantined(body: string, overrides: Partial<QuarantineMessage> = {}): QuarantineMessage {
  return {
    vendor: 'acme',
    reason: 'status "paused" is not in the status map',
    receivedAt: new Date().toISOString(),
    headers: { 'x-acme-signature': 'a'.repeat(64) },
    bodyBase64: Buffer.from(body, 'utf8').toString('base64'),
    ...overrides,
  };
}

const bodies = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `job-${i}`, state: 'paused' }));

describe('SqsQuarantineQueue on the emulators', () => {
  let backend: TestBackend;

  beforeEach(async () => {
    backend = await freshBackend();
  });

  it('runs on a quarantine in high-throughput mode, as the construct creates it (deduplication per message group)', async () => {
    const out = await backend.sqs.send(new GetQueueAttributesCommand({ QueueUrl: backend.quarantineQueueUrl, AttributeNames: ['All'] }));
    expect(out.Attributes).toMatchObject({ FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  });

  it('spreads one vendor\'s quarantined requests over several message groups, quarantine#<vendor>#<n>', async () => {
    for (const body of bodies) await backend.quarantine.send(quarantined(body));
    const held = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    expect(held).toHaveLength(bodies.length);
    const groups = new Set(held.map((m) => m.groupId));
    for (const group of groups) expect(group).toMatch(/^quarantine#acme#\d+$/);
    // 40 requests over 16 groups: about 15 groups in use; far more than one.
    expect(groups.size).toBeGreaterThanOrEqual(8);
  });

  it("takes a vendor's format change at the route's default rate: 1,000 concurrent quarantine sends, none throttled by the strict layer's 300-a-second FIFO limit", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: `job-${i}`, state: 'paused' }));
    const results = await Promise.allSettled(many.map((body) => backend.quarantine.send(quarantined(body))));
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as Error).name)).toEqual([]);
    const held = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    expect(held).toHaveLength(1000);
    // The busiest group took well under 300 of them.
    const perGroup = new Map<string, number>();
    for (const m of held) perGroup.set(m.groupId!, (perGroup.get(m.groupId!) ?? 0) + 1);
    expect(perGroup.size).toBe(16);
    expect(Math.max(...perGroup.values())).toBeLessThan(150);
  });

  it('keeps the same request quarantined twice once (a vendor\'s retry, received later with new signature headers), though each group deduplicates on its own', async () => {
    for (const body of bodies) await backend.quarantine.send(quarantined(body));
    for (const body of bodies) {
      await backend.quarantine.send(quarantined(body, { receivedAt: new Date(Date.now() + 60_000).toISOString(), headers: { 'x-acme-signature': 'b'.repeat(64) } }));
    }
    const held = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    expect(held.map((m) => Buffer.from((JSON.parse(m.body) as QuarantineMessage).bodyBase64, 'base64').toString('utf8')).sort()).toEqual([...bodies].sort());
    expect(new Set(held.map((m) => m.groupId)).size).toBeGreaterThan(1);
  });

  it('sends a replay\'s send-back to the group of the request it replaces, as a new message', async () => {
    await backend.quarantine.send(quarantined(bodies[0]));
    const [original] = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    await backend.quarantine.send(quarantined(bodies[0]));
    await backend.quarantine.send(quarantined(bodies[0], { replayRunId: 'run-1', replays: 1 }));
    const held = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    // The plain resend is a copy of the original (within SQS's 5-minute deduplication interval); the send-back is not.
    expect(held.map((m) => [m.groupId, (JSON.parse(m.body) as QuarantineMessage).replayRunId])).toEqual([[original.groupId, 'run-1']]);
  });
});
