/**
 * Consumer failure and replay on fauxqs: a consumer fails every event of some jobs (its downstream
 * for them is down); after maxReceiveCount (3) they move to the FIFO DLQ; a redrive moves them back;
 * the fixed consumer processes them. Nothing lost, nothing reordered within a job.
 * fauxqs has no StartMessageMoveTask, so the redrive is done here with SDK calls (receive from the
 * DLQ, send to the source queue with the same group id, delete): the same move the console does.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deliver } from '../../lambda/core/delivery';
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobEvent, type VideoJobStatus } from '../../lambda/core/event';
import { systemClock } from '../../lambda/core/ports';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { freshBackend, TEST_DELIVERY_CONFIG } from '../support/emulators';

const JOBS = process.env.RELIABILITY === 'full' ? 200 : 40;

function fields(jobId: string, status: VideoJobStatus, progress: number | null): NormalizedFields {
  return { jobId, status, progress, stage: null, outputUrl: null, media: status === 'succeeded' ? EMPTY_MEDIA : null, error: null, vendorEventType: null, vendorStatus: status, occurredAtMs: null, raw: {} };
}

/** One receive-process pass; returns how many messages it saw. */
async function consume(sqs: SQSClient, queueUrl: string, handle: (e: VideoJobEvent) => boolean): Promise<number> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of out.Messages ?? []) {
    if (handle(JSON.parse(m.Body!) as VideoJobEvent)) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    // A failure: make it visible again at once instead of waiting out the visibility timeout.
    else await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  }
  return out.Messages?.length ?? 0;
}

jest.setTimeout(5 * 60_000);

describe('consumer failure, DLQ and redrive (fauxqs; the move is done with SDK calls: fauxqs lacks StartMessageMoveTask)', () => {
  it('moves a failing job\'s events to the DLQ after 3 receives, and after the redrive the consumer gets all of them, in order', async () => {
    const backend = await freshBackend({ maxReceiveCount: 3 });
    const deps = { store: backend.store, queue: backend.queue, clock: systemClock, telemetry: new CountingTelemetry(), config: TEST_DELIVERY_CONFIG };
    const expected = new Map<string, string[]>();
    for (let j = 0; j < JOBS; j++) {
      const jobId = `job-${j}`;
      const steps: Array<[VideoJobStatus, number | null]> = [['processing', 0.3], ['processing', 0.7], ['succeeded', null]];
      for (const [status, progress] of steps) {
        const { outcome, event } = await deliver(fields(jobId, status, progress), { vendor: 'viralsync', receivedVia: 'webhook', receivedAtMs: Date.now() }, deps);
        expect(outcome).toBe('enqueued');
        expected.set(jobId, [...(expected.get(jobId) ?? []), event.id]);
      }
    }
    const failing = new Set([...expected.keys()].filter((_, i) => i % 4 === 0));
    const seen = new Map<string, string[]>();
    const record = (e: VideoJobEvent) => seen.set(e.data.jobId, [...(seen.get(e.data.jobId) ?? []), e.id]);

    // The broken consumer: fails every event of the failing jobs.
    let idle = 0;
    while (idle < 3) {
      const n = await consume(backend.sqs, backend.queueUrl, (e) => {
        if (failing.has(e.data.jobId)) return false;
        record(e);
        return true;
      });
      idle = n === 0 ? idle + 1 : 0;
    }
    for (const jobId of failing) expect(seen.has(jobId)).toBe(false);

    // Redrive: DLQ -> source queue, group ids kept, in DLQ order.
    let moved = 0;
    for (;;) {
      const out = await backend.sqs.send(new ReceiveMessageCommand({ QueueUrl: backend.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] }));
      if (!out.Messages?.length) break;
      for (const m of out.Messages) {
        // SQS would drop a re-send of the same deduplication id inside 5 minutes; the console's
        // redrive does not go through SendMessage, so here the moved copy gets a derived id.
        await backend.sqs.send(new SendMessageCommand({ QueueUrl: backend.queueUrl, MessageBody: m.Body!, MessageGroupId: m.Attributes!.MessageGroupId, MessageDeduplicationId: `${m.Attributes!.MessageDeduplicationId}-redrive` }));
        await backend.sqs.send(new DeleteMessageCommand({ QueueUrl: backend.deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle }));
        moved++;
      }
    }
    expect(moved).toBe(failing.size * 3);

    // The fixed consumer.
    idle = 0;
    while (idle < 3) {
      const n = await consume(backend.sqs, backend.queueUrl, (e) => {
        record(e);
        return true;
      });
      idle = n === 0 ? idle + 1 : 0;
    }
    console.log(`replay: ${JOBS} jobs, ${JOBS * 3} events, ${failing.size} jobs failed by the consumer, ${moved} events moved to the DLQ and redriven, ${[...seen.values()].flat().length} processed`);
    expect(seen).toEqual(expected); // every event once, each job's in its original order
  });
});
