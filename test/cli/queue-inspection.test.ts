/**
 * What `GET /dlq`, `GET /quarantine` (look) and `POST /dlq/redrive` (move) do to the local queues,
 * on the emulators behind the strict layer (test/global-setup.mjs): a look changes nothing and
 * lists every message, in flight or not, with the same ids each time; a move sends each message
 * before it deletes it, so a move that dies between the two leaves a copy in the DLQ that the
 * next move re-sends under the same deduplication id, and the events queue holds each message once.
 *
 * A dying process is simulated by the SQS client it used: once that client's first SendMessage
 * has succeeded, each later call fails, as if the process had stopped there (the emulators and
 * queues are real; only the death is simulated, as a process cannot be killed between two awaits).
 */
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueInspector } from '../../local/dev-server/queue-inspection';
import { drainQueue, freshBackend, testEmulators, type TestBackend } from '../support/emulators';

const MESSAGES = [
  { group: 'viralsync#job_a', id: 'evt-a1', body: '{"id":"evt-a1","data":{"jobId":"job_a"}}' },
  { group: 'viralsync#job_a', id: 'evt-a2', body: '{"id":"evt-a2","data":{"jobId":"job_a","title":"🎬 final cut"}}' },
  { group: 'viralsync#job_b', id: 'evt-b1', body: '{"id":"evt-b1","data":{"jobId":"job_b"}}' },
];

/** The SQS client of a process that dies right after its first successful SendMessage. */
function dyingAfterFirstSend(): SQSClient {
  const client = testEmulators().sqsClient();
  let dead = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (dead) throw new Error(`the process died before ${context.commandName}`);
      const out = await next(args);
      if (context.commandName === 'SendMessageCommand') dead = true;
      return out;
    },
    { step: 'initialize', name: 'dieAfterFirstSend' },
  );
  return client;
}

/** Received messages as [group, body], grouped (groups interleave on receive; each keeps its order). */
function inGroupOrder(received: ReadonlyArray<{ groupId: string | undefined; body: string }>): string[][] {
  return received.map((m) => [m.groupId ?? '', m.body]).sort((a, b) => a[0].localeCompare(b[0]));
}

async function fill(backend: TestBackend, queueUrl: string): Promise<void> {
  for (const m of MESSAGES) await backend.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: m.body, MessageGroupId: m.group, MessageDeduplicationId: m.id }));
}

describe('looking at a local queue (GET /dlq, GET /quarantine)', () => {
  let backend: TestBackend;
  beforeEach(async () => {
    backend = await freshBackend();
    await fill(backend, backend.deadLetterQueueUrl);
  });

  it('lists every message twice alike, with the same ids, in order, astral characters intact, and receives none of them', async () => {
    const inspector = queueInspector(backend.sqs, { endpoint: testEmulators().sqsEndpoint });
    const first = await inspector.look(backend.deadLetterQueueUrl);
    const second = await inspector.look(backend.deadLetterQueueUrl);
    expect(first.map((m) => [m.groupId, m.deduplicationId, m.body])).toEqual(MESSAGES.map((m) => [m.group, m.id, m.body]));
    for (const m of first) expect(m.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toEqual(first);

    // The queue holds the very messages listed (no copies sent back), and none was received by the looks.
    const out = await backend.sqs.send(new ReceiveMessageCommand({ QueueUrl: backend.deadLetterQueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }));
    // SQS-shaped FIFO receives (fauxqs-fifo.ts): a receive hands out several messages of a group, in order.
    const received = out.Messages ?? [];
    expect(received.map((m) => m.MessageId)).toEqual(first.map((m) => m.messageId));
    expect(received.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
  });

  it('lists a message another reader has in flight, and the ones waiting behind it in its group', async () => {
    const inspector = queueInspector(backend.sqs, { endpoint: testEmulators().sqsEndpoint });
    const before = await inspector.look(backend.deadLetterQueueUrl);
    const taken = await backend.sqs.send(new ReceiveMessageCommand({ QueueUrl: backend.deadLetterQueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }));
    expect(taken.Messages?.map((m) => m.Body)).toEqual([MESSAGES[0].body]); // the head of job_a's group, now in flight: job_a's second waits behind it
    const during = await inspector.look(backend.deadLetterQueueUrl);
    expect(during.map((m) => [m.body, typeof m.messageId])).toEqual(MESSAGES.map((m) => [m.body, 'string']));
    expect(during.map((m) => m.messageId)).toEqual(before.map((m) => m.messageId));
  });

  it('loses nothing when the process dies mid-look (simulated: its SQS client fails every call after its first send)', async () => {
    const dying = queueInspector(dyingAfterFirstSend(), { endpoint: testEmulators().sqsEndpoint });
    await dying.look(backend.deadLetterQueueUrl).catch(() => undefined);
    const left = await drainQueue(backend.sqs, backend.deadLetterQueueUrl);
    expect(inGroupOrder(left)).toEqual(MESSAGES.map((m) => [m.group, m.body]));
  });
});

describe('redriving the local DLQ (POST /dlq/redrive)', () => {
  it('loses nothing when the process dies between a send and its delete (simulated as above); the next redrive moves the rest, and the events queue holds each message once', async () => {
    const backend = await freshBackend();
    await fill(backend, backend.deadLetterQueueUrl);
    const endpoint = testEmulators().sqsEndpoint;

    const dying = queueInspector(dyingAfterFirstSend(), { endpoint, takenVisibilitySeconds: 1 });
    await expect(dying.move(backend.deadLetterQueueUrl, backend.queueUrl)).rejects.toThrow('the process died before');

    // After the crash: every message is still in the DLQ (one also in the events queue, already sent).
    const restarted = queueInspector(backend.sqs, { endpoint, takenVisibilitySeconds: 1 });
    expect((await restarted.look(backend.deadLetterQueueUrl)).map((m) => m.deduplicationId)).toEqual(MESSAGES.map((m) => m.id));
    await new Promise((r) => setTimeout(r, 1_200)); // the dead process's receive hid its message for 1 s
    expect(await restarted.move(backend.deadLetterQueueUrl, backend.queueUrl)).toBe(MESSAGES.length);

    expect(await restarted.look(backend.deadLetterQueueUrl)).toEqual([]);
    const events = await drainQueue(backend.sqs, backend.queueUrl);
    expect(inGroupOrder(events)).toEqual(MESSAGES.map((m) => [m.group, m.body]));
  });
});
