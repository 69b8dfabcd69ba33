/**
 * Reads the local events queue back, as a consumer of the deployed queue would: what is printed is
 * what reached SQS. Each event is reported once, at its first receive. With a consumer
 * (`--forward-to`, `--handler`) a delivered event is deleted and a failed one is left to become
 * visible again after the visibility timeout, until the queue's redrive policy moves it to the DLQ
 * after `maxReceiveCount` receives (the emulator does that move, as SQS does). The queue is FIFO:
 * while an event of a job is in flight no later event of that job is received, so a failing job
 * holds back only its own events.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { attemptLine } from './request-log';
import { SQS_RECEIVE_MAX_MESSAGES } from '../../lambda/contract/aws-limits';

/** One message of the events queue, as received. */
export interface QueuedEvent {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  /** The FIFO group: `<vendor>#<jobId>`. */
  readonly groupId: string;
  readonly receiveCount: number;
  /** The SQS system attributes (`ApproximateReceiveCount`, `MessageGroupId`, ...), as SQS names them. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The message attributes (`ce-type`, `ce-source`). */
  readonly messageAttributes: Readonly<Record<string, { readonly DataType: string; readonly StringValue?: string }>>;
}

/** What a consumer made of one event of a batch. */
export interface Attempt {
  readonly ok: boolean;
  /** `answered 200`, `in batchItemFailures`, `handler threw: ...`. */
  readonly detail: string;
}

/** Where the events go: `--forward-to` or `--handler`. */
export interface EventConsumer {
  /**
   * Delivers one batch (one receive, each job's events in order) and says, per message id, what came
   * of it. An event missing from the answer counts as delivered.
   */
  deliver(batch: readonly QueuedEvent[], signal: AbortSignal): Promise<ReadonlyMap<string, Attempt>>;
}

export interface QueueTapOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  /** @default none: every event is deleted once reported */
  readonly consumer?: EventConsumer;
  /** Called once per event, at its first receive, with its JSON line. */
  readonly onEvent: (line: string) => void;
  /**
   * Called for every received message once the consumer has answered (and a delivered one is
   * deleted): what it answered, or `undefined` without a consumer (the message was only read).
   * @default nothing
   */
  readonly onAttempt?: (message: QueuedEvent, attempt: Attempt | undefined) => void;
  /** A line for stderr. */
  readonly log: (line: string) => void;
}

export interface QueueTap {
  stop(): Promise<void>;
}

/** Batches delivered at once, at most: each holds other jobs (the FIFO queue locks a job's group while one is in flight). */
export const MAX_BATCHES_IN_FLIGHT = 8;
/** How long `stop` waits for deliveries in flight before it lets go of them. */
const STOP_GRACE_MS = 1_000;

export function startQueueTap(options: QueueTapOptions): QueueTap {
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let running = true;

  const loop = (async () => {
    while (running) {
      if (inFlight.size >= MAX_BATCHES_IN_FLIGHT) {
        await Promise.race(inFlight);
        continue;
      }
      const batch = await receive(options).catch(async (err: unknown) => {
        if (running) options.log(`queue read failed: ${(err as Error).message}`);
        await sleep(200);
        return [];
      });
      if (batch.length === 0 || !running) continue;
      // Without a consumer a batch takes a moment: read on when it is done, as one reader would.
      if (!options.consumer) {
        await handleBatch(batch, options, abort.signal).catch((err: unknown) => options.log(`queue tap: ${(err as Error).message}`));
        continue;
      }
      const work = handleBatch(batch, options, abort.signal)
        .catch((err: unknown) => options.log(`queue tap: ${(err as Error).message}`))
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    }
  })();

  return {
    async stop() {
      running = false;
      abort.abort();
      await loop;
      await Promise.race([Promise.allSettled(inFlight), sleep(STOP_GRACE_MS)]);
    },
  };
}

async function receive(options: QueueTapOptions): Promise<QueuedEvent[]> {
  const out = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: SQS_RECEIVE_MAX_MESSAGES.max,
      WaitTimeSeconds: 1,
      VisibilityTimeout: options.visibilityTimeoutSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return (out.Messages ?? []).flatMap(queuedEvent);
}

async function handleBatch(batch: readonly QueuedEvent[], options: QueueTapOptions, signal: AbortSignal): Promise<void> {
  for (const m of batch) if (m.receiveCount === 1) options.onEvent(m.body);
  const attempts = options.consumer ? await deliverSafely(options.consumer, batch, signal) : new Map<string, Attempt>();
  for (const m of batch) {
    const attempt = attempts.get(m.messageId) ?? { ok: true, detail: 'done' };
    if (attempt.ok) await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: m.receiptHandle })).catch((err: unknown) => options.log(`could not delete ${m.messageId}: ${(err as Error).message}`));
    // Left alone, a failed message becomes visible again when its visibility timeout ends.
    if (options.consumer && !signal.aborted) options.log(attemptLine({ ...attempt, ...describe(m), receive: m.receiveCount, maxReceives: options.maxReceiveCount, visibilitySeconds: options.visibilityTimeoutSeconds }));
    if (!signal.aborted) options.onAttempt?.(m, options.consumer ? attempt : undefined);
  }
}

/** A consumer that throws fails its whole batch, as a Lambda function's error does. */
async function deliverSafely(consumer: EventConsumer, batch: readonly QueuedEvent[], signal: AbortSignal): Promise<ReadonlyMap<string, Attempt>> {
  try {
    return await consumer.deliver(batch, signal);
  } catch (err) {
    return new Map(batch.map((m) => [m.messageId, { ok: false, detail: `failed: ${(err as Error).message}` }]));
  }
}

function queuedEvent(m: Message): QueuedEvent[] {
  if (!m.MessageId || !m.ReceiptHandle || m.Body === undefined) return [];
  const attributes = (m.Attributes ?? {}) as Record<string, string>;
  return [
    {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      md5OfBody: m.MD5OfBody ?? '',
      groupId: attributes.MessageGroupId ?? '',
      receiveCount: Number(attributes.ApproximateReceiveCount ?? 1),
      attributes,
      messageAttributes: (m.MessageAttributes ?? {}) as QueuedEvent['messageAttributes'],
    },
  ];
}

/** The event's type and id, for the log line. */
function describe(m: QueuedEvent): { type: string; group: string; eventId: string } {
  try {
    const event = JSON.parse(m.body) as { id?: unknown; type?: unknown };
    return { type: String(event.type ?? 'event'), group: m.groupId, eventId: String(event.id ?? m.messageId) };
  } catch {
    return { type: 'event', group: m.groupId, eventId: m.messageId };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
