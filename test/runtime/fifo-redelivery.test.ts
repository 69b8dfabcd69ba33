/**
 * videoJobEventHandler against real FIFO queue behaviour (fauxqs): events queued by the pipeline's
 * SQS port, received in batches of up to 10 and turned into the SQS event Lambda's event source
 * mapping would build, answered with batchItemFailures, and settled as the mapping does (records
 * not reported are deleted; reported ones go back on the queue: here at once, with visibility 0,
 * instead of after the visibility timeout). Downstream failures are transient, and one job carries
 * a message no consumer can read; after the failures and redeliveries every job's events have been
 * handled once each, in the order they were queued, and only the unreadable message reached the DLQ.
 *
 * As SQS does, a receive returns as many messages of a group as it can
 * (https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned; fauxqs made so by
 * local/strict-aws/fauxqs-fifo.ts), so batches hold several events of one job. What failures
 * cost a job's later events in receives: fifo-dlq-receives.test.ts.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { toMessage, type VideoJobEvent, type VideoJobStatus } from '../../lambda/core/event';
import { videoJobEventHandler } from '../../lambda/runtime';
import { drainQueue, freshBackend, type TestBackend } from '../support/emulators';
import { jobEvent, recordOf } from './sqs-batch';

const JOBS = 8;
const STEPS: Array<[VideoJobStatus, number | null]> = [['queued', null], ['processing', 0.25], ['processing', 0.5], ['processing', 0.75], ['succeeded', null]];
const MAX_RECEIVES = 3;

/** One poll of the event source: receive a batch, invoke, settle. Returns how many messages came. */
async function poll(backend: TestBackend, handler: (event: SQSEvent) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>): Promise<number> {
  const out = await backend.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: backend.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
  );
  const messages = out.Messages ?? [];
  if (messages.length === 0) return 0;
  const answer = await handler({ Records: messages.map(recordOf) });
  const failed = new Set(answer.batchItemFailures.map((f) => f.itemIdentifier));
  for (const m of messages) {
    if (failed.has(m.MessageId!)) await backend.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: backend.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    else await backend.sqs.send(new DeleteMessageCommand({ QueueUrl: backend.queueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
  return messages.length;
}

const step = (e: VideoJobEvent) => `${e.data.status}${e.data.progress === null ? '' : `@${e.data.progress}`}`;

jest.setTimeout(120_000);

describe('videoJobEventHandler on the FIFO events queue (fauxqs), through failures and redeliveries', () => {
  it("handles each job's events once each and in queue order, and sends only the unreadable message to the DLQ", async () => {
    const backend = await freshBackend({ maxReceiveCount: MAX_RECEIVES });
    const queued = new Map<string, string[]>();
    // Each job's events in a burst; job-7's second message is one nobody can read (a producer's
    // bug): it holds job-7 back until the DLQ takes it.
    for (let j = 0; j < JOBS; j++) {
      for (const [status, progress] of STEPS) {
        const event = jobEvent(`job-${j}`, status, progress);
        await backend.queue.send(toMessage(event));
        queued.set(event.data.jobId, [...(queued.get(event.data.jobId) ?? []), step(event)]);
        if (j === 7 && status === 'queued') {
          await backend.sqs.send(new SendMessageCommand({ QueueUrl: backend.queueUrl, MessageBody: '{"truncated":', MessageGroupId: 'acme#job-7', MessageDeduplicationId: 'unreadable-1' }));
        }
      }
    }

    // Transient downstream failures: each of these events fails the first N times it is handed over.
    const flaky = new Map<string, number>([
      ['job-0 processing@0.25', 2],
      ['job-1 queued', 1],
      ['job-2 succeeded', 2],
      ['job-3 processing@0.5', 1],
      ['job-3 processing@0.75', 1],
    ]);
    const handled = new Map<string, string[]>();
    let callbackFailures = 0;
    const handler = videoJobEventHandler(async (event) => {
      const key = `${event.data.jobId} ${step(event)}`;
      const left = flaky.get(key) ?? 0;
      if (left > 0) {
        flaky.set(key, left - 1);
        callbackFailures++;
        throw new Error(`downstream unavailable for ${key}`);
      }
      handled.set(event.data.jobId, [...(handled.get(event.data.jobId) ?? []), step(event)]);
    });
    const logs = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const context = { awsRequestId: 'req', functionName: 'consumer', getRemainingTimeInMillis: () => 30_000 };

    let polls = 0;
    for (let idle = 0; idle < 3 && polls < 500; polls++) {
      idle = (await poll(backend, (e) => handler(e, context))) === 0 ? idle + 1 : 0;
    }
    logs.mockRestore();

    expect(callbackFailures).toBe(7);
    expect([...flaky.values()].every((left) => left === 0)).toBe(true);
    expect(Object.fromEntries(handled)).toEqual(Object.fromEntries(queued));
    const dead = await drainQueue(backend.sqs, backend.deadLetterQueueUrl);
    expect(dead.map((m) => ({ body: m.body, groupId: m.groupId }))).toEqual([{ body: '{"truncated":', groupId: 'acme#job-7' }]);
    console.log(`fauxqs run: ${JOBS} jobs, ${JOBS * STEPS.length} events + 1 unreadable, ${callbackFailures} callback failures, ${polls} polls, 1 message to the DLQ`);
  });
});
