/**
 * The strict local AWS's FIFO send rate (lambda/adapters/local/strict-sqs-throughput.ts): 300 send
 * requests a second per queue without high-throughput mode, per message group with it. First on a
 * hand-moved clock (exact counts), then through the SDK and the emulators (a burst of concurrent sends).
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { FifoSendRate } from '../../lambda/adapters/local/strict-sqs-throughput';
import type { QueueFacts } from '../../lambda/adapters/local/strict-sqs-dedup';
import { freshBackend } from '../support/emulators';

const normal: QueueFacts = { maxBytes: undefined, groupScoped: false, contentBasedDeduplication: false, highThroughput: false };
const highThroughput: QueueFacts = { ...normal, groupScoped: true, highThroughput: true };

describe('FifoSendRate on a hand-moved clock', () => {
  let now: number;
  let rate: FifoSendRate;
  beforeEach(() => {
    now = 1_000_000;
    rate = new FifoSendRate(() => now);
  });
  const sends = (n: number, facts: QueueFacts, group: (i: number) => string, everyMs = 0) =>
    Array.from({ length: n }, (_, i) => {
      const answer = rate.admit('q.fifo', facts, [group(i)]);
      now += everyMs;
      return answer;
    });

  it('admits 300 sends within one second to a queue without high-throughput mode, whatever their groups, and throttles the 301st (RequestThrottled)', () => {
    expect(sends(300, normal, (i) => `g${i % 7}`, 3).every((a) => a === undefined)).toBe(true);
    expect(rate.admit('q.fifo', normal, ['another'])).toMatchObject({ code: 'RequestThrottled', message: expect.stringMatching(/more than 300 send requests in one second to q\.fifo \(not in high-throughput mode\)/) });
    // A second after the first one, one more is admitted again.
    now = 1_000_000 + 1000;
    expect(rate.admit('q.fifo', normal, ['g0'])).toBeUndefined();
  });

  it('in high-throughput mode, throttles one message group at 300 a second but not the others', () => {
    expect(sends(300, highThroughput, () => 'hot').every((a) => a === undefined)).toBe(true);
    expect(rate.admit('q.fifo', highThroughput, ['hot'])).toMatchObject({ code: 'RequestThrottled', message: expect.stringContaining('message group "hot" of q.fifo') });
    expect(sends(300, highThroughput, () => 'cold').every((a) => a === undefined)).toBe(true);
  });

  it('counts a batch once per distinct group it writes to, and a throttled request not at all', () => {
    for (let i = 0; i < 299; i++) expect(rate.admit('q.fifo', highThroughput, ['a', 'a', 'b'])).toBeUndefined();
    expect(rate.admit('q.fifo', highThroughput, ['a', 'b'])).toBeUndefined();
    expect(rate.admit('q.fifo', highThroughput, ['b', 'c'])).toMatchObject({ code: 'RequestThrottled' });
    // "c" was not counted for the refused batch: it still takes 300.
    expect(sends(300, highThroughput, () => 'c').every((a) => a === undefined)).toBe(true);
  });

  it('leaves a send to a queue it knows nothing of (no such queue) to the emulator', () => {
    for (let i = 0; i < 400; i++) expect(rate.admit('missing.fifo', undefined, ['g'])).toBeUndefined();
  });
});

describe('FIFO send rate through the emulators', () => {
  let sqs: SQSClient;
  beforeAll(async () => {
    sqs = (await freshBackend()).sqs;
  });
  const fifoQueue = async (attributes: Record<string, string>) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `rate-${randomUUID().slice(0, 8)}.fifo`, Attributes: { FifoQueue: 'true', ...attributes } }))).QueueUrl!;
  const burst = async (url: string, n: number, group: (i: number) => string) => {
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `{"i":${i}}`, MessageGroupId: group(i), MessageDeduplicationId: randomUUID() }))),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).name);
    return { rejected, ms: Date.now() - started };
  };

  it('throttles a burst of 900 concurrent sends to a queue without high-throughput mode (RequestThrottled), and takes it spread over 16 groups in high-throughput mode', async () => {
    const normalQueue = await burst(await fifoQueue({}), 900, (i) => `g${i % 16}`);
    // As fast as this machine sends (900 in well under 3 s), some second holds more than 300.
    expect(normalQueue.ms).toBeLessThan(3000);
    expect(normalQueue.rejected.length).toBeGreaterThan(0);
    expect(new Set(normalQueue.rejected)).toEqual(new Set(['RequestThrottled']));

    const spread = await burst(await fifoQueue({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' }), 900, (i) => `g${i % 16}`);
    expect(spread.rejected).toEqual([]);
  });

  it('throttles one hot message group of a high-throughput queue, and a SendMessageBatch counts as one request', async () => {
    const url = await fifoQueue({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    const hot = await burst(url, 600, () => 'hot');
    expect(hot.rejected.length).toBeGreaterThan(0);
    // 10 messages of one group in a batch: one request of the 300, so 30 batches (300 messages) pass at once.
    const url2 = await fifoQueue({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    const batches = await Promise.allSettled(
      Array.from({ length: 30 }, (_, b) =>
        sqs.send(new SendMessageBatchCommand({ QueueUrl: url2, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `{"b":${b},"i":${i}}`, MessageGroupId: 'one', MessageDeduplicationId: randomUUID() })) })),
      ),
    );
    expect(batches.filter((r) => r.status === 'rejected')).toEqual([]);
  });
});
