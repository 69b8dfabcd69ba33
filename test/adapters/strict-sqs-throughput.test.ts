/**
 * The strict local AWS's FIFO send rate (local/strict-aws/strict-sqs-throughput.ts): 300 send
 * requests a second per queue without high-throughput mode, per message group with it. First on a
 * hand-moved clock (exact counts), then through the SDK and the emulators, with a layer on a hand-moved clock.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { FifoSendRate } from '../../local/strict-aws/strict-sqs-throughput';
import type { QueueFacts } from '../../local/strict-aws/strict-sqs-dedup';
import { endpoints } from '../../local/strict-aws/emulators';
import { startStrictAws, type StrictAws } from '../../local/strict-aws/strict-aws';
import { testEmulators } from '../support/emulators';

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

describe('FIFO send rate through the SDK (a strict layer on a hand-moved clock, in front of the emulators)', () => {
  // A second strict layer, whose clock the test holds, in front of the one jest's globalSetup
  // started: 300 sends at a standstill of its clock are at most 300 a second for the inner layer
  // too, so what is throttled is decided by the clock here, however fast this machine sends.
  let now = 5_000_000;
  let layer: StrictAws;
  let sqs: SQSClient;
  beforeAll(async () => {
    const { dynamoEndpoint, sqsEndpoint } = testEmulators();
    layer = await startStrictAws({ dynamoEndpoint, sqsEndpoint }, '127.0.0.1', { now: () => now });
    sqs = endpoints(layer.dynamoEndpoint, layer.sqsEndpoint).sqsClient();
  });
  afterAll(() => layer.stop());

  const fifoQueue = async (attributes: Record<string, string> = {}) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `rate-${randomUUID().slice(0, 8)}.fifo`, Attributes: { FifoQueue: 'true', ...attributes } }))).QueueUrl!;
  const highThroughput = { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' };
  const sendTo = (url: string, group: string) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{}', MessageGroupId: group, MessageDeduplicationId: randomUUID() }));
  const nameOf = async (call: Promise<unknown>) => call.then(() => 'sent', (err: Error) => err.name);
  const nextSecond = async () => {
    now += 1000;
    await new Promise((r) => setTimeout(r, 1100)); // and a real second for the inner layer
  };

  it('answers the 301st send of a second to a queue without high-throughput mode RequestThrottled, whatever its group; the next second takes sends again', async () => {
    const url = await fifoQueue();
    for (let i = 0; i < 300; i++) await sendTo(url, `g${i % 16}`);
    expect(await nameOf(sendTo(url, 'another'))).toBe('RequestThrottled');
    await nextSecond();
    expect(await nameOf(sendTo(url, 'another'))).toBe('sent');
  });

  it('in high-throughput mode, throttles one hot message group and takes the others; a SendMessageBatch of one group is one request', async () => {
    const url = await fifoQueue(highThroughput);
    for (let i = 0; i < 300; i++) await sendTo(url, 'hot');
    expect(await nameOf(sendTo(url, 'hot'))).toBe('RequestThrottled');
    expect(await nameOf(sendTo(url, 'cold'))).toBe('sent');
    const batch = (group: string) =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `{"i":${i}}`, MessageGroupId: group, MessageDeduplicationId: randomUUID() })) }));
    expect(await nameOf(batch('hot'))).toBe('RequestThrottled');
    for (let b = 0; b < 29; b++) expect(await nameOf(batch('warm'))).toBe('sent'); // 290 messages, 29 requests
  });
});
