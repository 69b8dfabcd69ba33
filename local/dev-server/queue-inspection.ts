/**
 * `GET /dlq`, `GET /quarantine` and `POST /dlq/redrive`: what the local DLQ and quarantine hold,
 * and the DLQ moved back to the events queue.
 *
 * Looking changes nothing. SQS has no way to look at a queue without receiving from it, and a FIFO
 * queue shows no later message of a group while an earlier one is in flight; so a look asks the
 * emulator itself (fauxqs's read-only `GET /_fauxqs/queues/<name>`, through the strict layer, which
 * gives back the bodies it keeps): every message, waiting, delayed or in flight, each with its SQS
 * message id, the same on every look for as long as it stays in the queue, in send order.
 *
 * A move sends each message before it deletes it, one at a time per group, in order. A process that
 * dies between the two leaves the message in the DLQ (visible again after
 * `takenVisibilitySeconds`) and also in the events queue; the next move sends it again under the
 * same deduplication id, which the FIFO queue drops within its 5-minute window, and the event id in
 * the body is the consumer's idempotency key after that. Nothing is lost; at worst a duplicate.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { SQS_MAX_FIFO_ID_CHARS, SQS_RECEIVE_MAX_MESSAGES } from '../../lambda/contract/aws-limits';

/** A message of a queue, as a look shows it. */
export interface HeldMessage {
  /** The SQS message id: stable while the message stays in this queue; a move gives it a new one in the other. */
  readonly messageId: string;
  readonly groupId: string;
  readonly deduplicationId: string | undefined;
  readonly body: string;
  /** Whether a reader has it received right now (it is still in the queue). */
  readonly inFlight: boolean;
}

export interface QueueInspector {
  /** Every message of the queue, in send order; changes nothing. */
  look(queueUrl: string): Promise<HeldMessage[]>;
  /** Moves every message of `fromUrl` that is not in flight to the end of `toUrl`, group order kept; answers how many. */
  move(fromUrl: string, toUrl: string): Promise<number>;
}

export interface InspectorOptions {
  /** The strict layer's SQS endpoint, where the emulator's inspection route is reached. */
  readonly endpoint: string;
  /** How long a message a move has received stays hidden, should the process die before it is deleted. @default 30 */
  readonly takenVisibilitySeconds?: number;
}

export function queueInspector(sqs: SQSClient, options: InspectorOptions): QueueInspector {
  const taken = options.takenVisibilitySeconds ?? 30;
  const moves = new Map<string, Promise<unknown>>();
  return {
    look: (queueUrl) => peek(options.endpoint, queueUrl),
    // One move at a time per queue: a second would receive nothing while the first holds the groups.
    move: (fromUrl, toUrl) => {
      const run = (moves.get(fromUrl) ?? Promise.resolve()).catch(() => undefined).then(() => moveAll(sqs, fromUrl, toUrl, taken));
      moves.set(fromUrl, run);
      return run;
    },
  };
}

/** fauxqs's inspection answer (`GET /_fauxqs/queues/<name>`, fauxqs 1.9.2 README "Queue inspection"). */
interface Inspected {
  readonly messages?: {
    readonly ready?: readonly FauxqsMessage[];
    readonly delayed?: readonly FauxqsMessage[];
    readonly inflight?: ReadonlyArray<{ readonly message: FauxqsMessage }>;
  };
}
interface FauxqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  readonly sentTimestamp: number;
  readonly sequenceNumber?: string;
}

async function peek(endpoint: string, queueUrl: string): Promise<HeldMessage[]> {
  const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  const res = await fetch(`${endpoint}/_fauxqs/queues/${encodeURIComponent(name)}`);
  if (!res.ok) throw new Error(`the local SQS could not show queue ${name}: ${res.status} ${await res.text()}`);
  const { messages } = (await res.json()) as Inspected;
  const all = [
    ...(messages?.inflight ?? []).map((m) => ({ m: m.message, inFlight: true })),
    ...[...(messages?.ready ?? []), ...(messages?.delayed ?? [])].map((m) => ({ m, inFlight: false })),
  ];
  // Send order: a group's in-flight head was sent before the messages waiting behind it.
  all.sort((a, b) => a.m.sentTimestamp - b.m.sentTimestamp || (a.m.sequenceNumber ?? '').localeCompare(b.m.sequenceNumber ?? ''));
  return all.map(({ m, inFlight }) => ({ messageId: m.messageId, groupId: m.messageGroupId ?? 'default', deduplicationId: m.messageDeduplicationId, body: m.body, inFlight }));
}

async function moveAll(sqs: SQSClient, fromUrl: string, toUrl: string, takenVisibilitySeconds: number): Promise<number> {
  let moved = 0;
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: fromUrl,
        MaxNumberOfMessages: SQS_RECEIVE_MAX_MESSAGES.max,
        WaitTimeSeconds: 0,
        VisibilityTimeout: takenVisibilitySeconds,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    // The emulator answers a short poll from every message (fauxqs holds them all in this process).
    if (messages.length === 0) return moved;
    for (const m of messages) {
      await sqs.send(resend(toUrl, m));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: fromUrl, ReceiptHandle: m.ReceiptHandle }));
      moved++;
    }
  }
}

/**
 * The message as a send to `toUrl`, group intact. Its deduplication id is new to the queue (the
 * events queue saw the original id when the event was first sent) and the same however often this
 * message is re-sent: its id plus this message's SQS id, `<id>:redrive:<message id>`, a previous
 * redrive's suffix replaced, so ids do not grow with each round trip.
 */
function resend(toUrl: string, m: Message): SendMessageCommand {
  const base = (m.Attributes?.MessageDeduplicationId ?? 'message').replace(/:redrive:[^:]*$/, '');
  const suffix = `:redrive:${m.MessageId ?? ''}`;
  return new SendMessageCommand({
    QueueUrl: toUrl,
    MessageBody: m.Body ?? '',
    MessageGroupId: m.Attributes?.MessageGroupId ?? 'default',
    MessageDeduplicationId: `${base.slice(0, SQS_MAX_FIFO_ID_CHARS - suffix.length)}${suffix}`,
    MessageAttributes: m.MessageAttributes,
  });
}
