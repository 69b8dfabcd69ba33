/**
 * What a failing record does to the rest of its job on the FIFO events queue, with the DLQ's
 * `maxReceiveCount`: measured on SQS-shaped batches (the emulator behind the strict local AWS
 * returns as many messages of a group as it can in one receive, as SQS does), consumed as Lambda's
 * event source consumes a FIFO queue (batches of up to 10; records not in `batchItemFailures`
 * deleted; reported ones left to come back when the visibility timeout, here 1 s, runs out) by
 * `videoJobEventHandler`, which skips a failed record's later records of the same group.
 *
 * Every skipped record was received: SQS counts it (ApproximateReceiveCount) each time the failing
 * one is received, so the job's later events spend the same receives as the failing one.
 */
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DEFAULTS } from '../../lambda/contract/deployment';
import { toMessage, type VideoJobEvent } from '../../lambda/core/event';
import { videoJobEventHandler } from '../../lambda/runtime';
import { drainQueue, freshBackend, type TestBackend } from '../support/emulators';
import { jobEvent, recordOf } from './sqs-batch';

jest.setTimeout(120_000);

const key = (e: VideoJobEvent) => `${e.data.jobId} ${e.data.status}`;

interface Run {
  /** Per event: the ApproximateReceiveCount of each receive of it, in order. */
  readonly receives: Map<string, number[]>;
  /** Per event: the receive count on which the consumer's callback completed it. */
  readonly handledAt: Map<string, number>;
  /** Every callback call, in order. */
  readonly calls: string[];
  /** What reached the DLQ, in order. */
  readonly dead: string[];
}

/**
 * Queues job-a (queued, processing, succeeded) and job-b (queued, succeeded), then consumes until
 * the queue stays empty. `fails(key, attempt)` says whether the callback throws on that attempt.
 */
async function consume(backend: TestBackend, fails: (key: string, attempt: number) => boolean): Promise<Run> {
  for (const [job, status, progress] of [['job-a', 'queued', null], ['job-a', 'processing', 0.5], ['job-a', 'succeeded', null], ['job-b', 'queued', null], ['job-b', 'succeeded', null]] as const) {
    await backend.queue.send(toMessage(jobEvent(job, status, progress)));
  }
  const run: Run = { receives: new Map(), handledAt: new Map(), calls: [], dead: [] };
  const attempts = new Map<string, number>();
  let receiveCount = new Map<string, number>();
  const handler = videoJobEventHandler(async (event) => {
    const k = key(event);
    run.calls.push(k);
    const attempt = (attempts.get(k) ?? 0) + 1;
    attempts.set(k, attempt);
    if (fails(k, attempt)) throw new Error(`downstream unavailable for ${k}`);
    run.handledAt.set(k, receiveCount.get(k) ?? 0);
  });
  const logs = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const context = { awsRequestId: 'req', functionName: 'consumer', getRemainingTimeInMillis: () => 30_000 };
  try {
    for (let empty = 0, polls = 0; empty < 2 && polls < 100; polls++) {
      const out = await backend.sqs.send(new ReceiveMessageCommand({ QueueUrl: backend.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, MessageSystemAttributeNames: ['All'] }));
      const messages = out.Messages ?? [];
      empty = messages.length === 0 ? empty + 1 : 0;
      if (messages.length === 0) continue;
      receiveCount = new Map();
      for (const m of messages) {
        const k = key(JSON.parse(m.Body!) as VideoJobEvent);
        const count = Number(m.Attributes?.ApproximateReceiveCount);
        receiveCount.set(k, count);
        run.receives.set(k, [...(run.receives.get(k) ?? []), count]);
      }
      const answer = await handler({ Records: messages.map(recordOf) }, context);
      const failed = new Set(answer!.batchItemFailures.map((f) => f.itemIdentifier));
      // As Lambda does: delete what succeeded; the rest comes back after the visibility timeout.
      for (const m of messages) if (!failed.has(m.MessageId!)) await backend.sqs.send(new DeleteMessageCommand({ QueueUrl: backend.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  } finally {
    logs.mockRestore();
  }
  run.dead.push(...(await drainQueue(backend.sqs, backend.deadLetterQueueUrl)).map((m) => key(JSON.parse(m.body) as VideoJobEvent)));
  return run;
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe(`a failing record on the FIFO events queue (default maxReceiveCount ${DEFAULTS.maxReceiveCount})`, () => {
  it('an event no consumer can handle takes its job\'s later events to the DLQ with it: each was received, and counted, every time it was', async () => {
    const run = await consume(await freshBackend({ visibilityTimeoutSeconds: 1 }), (k) => k === 'job-a queued');
    const max = DEFAULTS.maxReceiveCount;
    expect(max).toBe(5);
    for (const k of ['job-a queued', 'job-a processing', 'job-a succeeded']) expect(run.receives.get(k)).toEqual(upTo(max));
    // The later events were received 5 times but never reached the callback (skipped behind the failure).
    expect(run.calls.filter((c) => c.startsWith('job-a'))).toEqual(Array(max).fill('job-a queued'));
    expect(run.dead).toEqual(['job-a queued', 'job-a processing', 'job-a succeeded']);
    // The other job went on.
    expect(run.handledAt).toEqual(new Map([['job-b queued', 1], ['job-b succeeded', 1]]));
  });

  it('transient failures share the job\'s receives: a first event failing 3 times, then the next one failing once, are all handled by the 5th receive, where the old default of 3 dead-lettered the whole job', async () => {
    const fails = (k: string, attempt: number) => (k === 'job-a queued' && attempt <= 3) || (k === 'job-a processing' && attempt === 1);
    const run = await consume(await freshBackend({ visibilityTimeoutSeconds: 1 }), fails);
    // The later events were received (and counted) with every failed attempt of the first one.
    expect(run.receives.get('job-a processing')).toEqual(upTo(5));
    expect(run.handledAt).toEqual(new Map([['job-a queued', 4], ['job-a processing', 5], ['job-a succeeded', 5], ['job-b queued', 1], ['job-b succeeded', 1]]));
    expect(run.dead).toEqual([]);

    const old = await consume(await freshBackend({ visibilityTimeoutSeconds: 1, maxReceiveCount: 3 }), fails);
    for (const k of ['job-a queued', 'job-a processing', 'job-a succeeded']) expect(old.receives.get(k)).toEqual(upTo(3));
    expect([...old.handledAt.keys()].filter((k) => k.startsWith('job-a'))).toEqual([]);
    expect(old.dead).toEqual(['job-a queued', 'job-a processing', 'job-a succeeded']);
  });
});
