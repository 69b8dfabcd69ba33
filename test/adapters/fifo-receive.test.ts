/**
 * FIFO receives on the emulators as SQS hands them out: "SQS returns as many messages with the same
 * message group ID as possible" in one ReceiveMessage
 * (https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned), in order; a group with a
 * message in flight gives nothing more until it is deleted or visible again; messages that come
 * back (visibility 0, or the timeout running out) come back in their order.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { drainQueue, freshBackend, type TestBackend } from '../support/emulators';

jest.setTimeout(30_000);

describe('FIFO ReceiveMessage on the emulators', () => {
  let backend: TestBackend;
  beforeEach(async () => {
    backend = await freshBackend({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
  });

  const send = async (group: string, ...bodies: string[]) => {
    for (const body of bodies) {
      await backend.sqs.send(new SendMessageCommand({ QueueUrl: backend.queueUrl, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: `${group}-${body}` }));
    }
  };
  const receive = async (max = 10, waitSeconds = 0): Promise<Message[]> =>
    (await backend.sqs.send(new ReceiveMessageCommand({ QueueUrl: backend.queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'] }))).Messages ?? [];
  const bodies = (messages: Message[]) => messages.map((m) => m.Body);
  const byGroup = (messages: Message[]) => {
    const out: Record<string, string[]> = {};
    for (const m of messages) (out[m.Attributes!.MessageGroupId!] ??= []).push(m.Body!);
    return out;
  };

  it('returns several messages of one group in one receive, in order, up to MaxNumberOfMessages, and other groups beside them', async () => {
    await send('a', 'a1', 'a2', 'a3');
    await send('b', 'b1', 'b2');
    expect(byGroup(await receive())).toEqual({ a: ['a1', 'a2', 'a3'], b: ['b1', 'b2'] });

    await send('c', 'c1', 'c2', 'c3', 'c4');
    expect(bodies(await receive(3))).toEqual(['c1', 'c2', 'c3']);
  });

  it('gives nothing more of a group while one of its messages is in flight, then the rest once it is deleted', async () => {
    await send('a', 'a1', 'a2');
    const [a1] = await receive(1);
    expect(a1.Body).toBe('a1');
    await send('a', 'a3');
    expect(await receive()).toEqual([]);
    await backend.sqs.send(new DeleteMessageCommand({ QueueUrl: backend.queueUrl, ReceiptHandle: a1.ReceiptHandle }));
    expect(bodies(await receive())).toEqual(['a2', 'a3']);
  });

  it('puts messages made visible again (visibility 0, in any order) back in their order, ahead of the rest of the group', async () => {
    await send('a', 'a1', 'a2', 'a3', 'a4');
    const got = await receive(3);
    expect(bodies(got)).toEqual(['a1', 'a2', 'a3']);
    for (const m of [got[0], got[2], got[1]]) {
      await backend.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: backend.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    }
    const again = await receive();
    expect(bodies(again)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(again.map((m) => m.Attributes!.ApproximateReceiveCount)).toEqual(['2', '2', '2', '1']);
  });

  it('puts messages whose visibility timeout ran out back in their order, and moves each past maxReceiveCount to the DLQ, in order', async () => {
    await send('a', 'a1', 'a2', 'a3');
    expect(bodies(await receive())).toEqual(['a1', 'a2', 'a3']);
    expect(bodies(await receive(10, 3))).toEqual(['a1', 'a2', 'a3']);
    // Third receive: each has been received twice (maxReceiveCount 2): all three move to the DLQ.
    expect(await receive(10, 3)).toEqual([]);
    expect((await drainQueue(backend.sqs, backend.deadLetterQueueUrl)).map((m) => m.body)).toEqual(['a1', 'a2', 'a3']);
  });
});
