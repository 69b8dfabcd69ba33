/**
 * `GET /dlq`, `GET /quarantine` and `POST /dlq/redrive`: what the local DLQ and quarantine hold,
 * and the DLQ moved back to the events queue. The emulator has no StartMessageMoveTask and no way to
 * look at a queue without receiving from it; and a FIFO queue shows no later message of a group
 * while an earlier one is in flight. So a queue is read by taking every message out (receive,
 * delete), in order; a look puts them back in the same order, a redrive sends them to the events
 * queue, group ids intact. Each send gets a new deduplication id: FIFO queues drop a message whose
 * id they saw in the last 5 minutes. One operation at a time per queue.
 */
import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { SQS_MAX_FIFO_ID_CHARS, SQS_RECEIVE_MAX_MESSAGES } from '../../lambda/contract/aws-limits';

/** A message taken out of a queue. */
export interface HeldMessage {
  readonly groupId: string;
  readonly deduplicationId: string | undefined;
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue> | undefined;
}

export interface QueueInspector {
  /** Every message of the queue, in order; the queue is left holding the same. */
  look(queueUrl: string): Promise<HeldMessage[]>;
  /** Moves every message of `fromUrl` to the end of `toUrl`; answers how many. */
  move(fromUrl: string, toUrl: string): Promise<number>;
}

/** Hidden while a look or a move has a message out, in case the process dies meanwhile: long enough for both. */
const TAKEN_VISIBILITY_SECONDS = 30;

export function queueInspector(sqs: SQSClient): QueueInspector {
  const locks = new Map<string, Promise<unknown>>();
  const exclusive = <T>(url: string, work: () => Promise<T>): Promise<T> => {
    const run = (locks.get(url) ?? Promise.resolve()).catch(() => undefined).then(work);
    locks.set(url, run);
    return run;
  };
  return {
    look: (queueUrl) =>
      exclusive(queueUrl, async () => {
        const held = await takeAll(sqs, queueUrl);
        for (const m of held) await put(sqs, queueUrl, m);
        return held;
      }),
    move: (fromUrl, toUrl) =>
      exclusive(fromUrl, async () => {
        const held = await takeAll(sqs, fromUrl);
        for (const m of held) await put(sqs, toUrl, m);
        return held.length;
      }),
  };
}

async function takeAll(sqs: SQSClient, queueUrl: string): Promise<HeldMessage[]> {
  const held: HeldMessage[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: SQS_RECEIVE_MAX_MESSAGES.max,
        WaitTimeSeconds: 0,
        VisibilityTimeout: TAKEN_VISIBILITY_SECONDS,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return held;
    for (const m of messages) {
      held.push({ groupId: m.Attributes?.MessageGroupId ?? 'default', deduplicationId: m.Attributes?.MessageDeduplicationId, body: m.Body ?? '', attributes: m.MessageAttributes });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

function put(sqs: SQSClient, queueUrl: string, m: HeldMessage): Promise<unknown> {
  // The event id stays readable in the new id; the suffix makes it new to the queue's deduplication.
  const deduplicationId = `${m.deduplicationId ?? 'message'}:${randomUUID()}`.slice(-SQS_MAX_FIFO_ID_CHARS);
  return sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: m.body, MessageGroupId: m.groupId, MessageDeduplicationId: deduplicationId, MessageAttributes: m.attributes }));
}
