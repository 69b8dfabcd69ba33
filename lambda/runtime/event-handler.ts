/**
 * For consumers: a Lambda handler for the events queue that keeps each job's events in order.
 *
 * ```ts
 * import { videoJobEventHandler } from 'cdk-video-webhooks/runtime';
 *
 * export const handler = videoJobEventHandler(async (event, record, context) => {
 *   if (event.data.terminal) await saveFinalState(event);
 * });
 * ```
 *
 * The events queue is SQS FIFO, one message group per job (`<vendor>#<jobId>`), consumed by an
 * event source with `ReportBatchItemFailures` (the construct's `addConsumer`). Lambda deletes every
 * record of a batch that is not reported failed, so a handler that went on after a failure would
 * let a job's later event through and get the failed earlier one back after it. This one does what
 * AWS asks of FIFO consumers (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html),
 * per message group: when a record fails (the callback throws, or its body is not a valid event),
 * it and every later record of the same group in the batch are reported failed and not handed to
 * the callback; the other groups go on. The failed records come back, in order, once their
 * visibility timeout is over. Built on Powertools for AWS Lambda's FIFO batch processor
 * (`SqsFifoPartialProcessorAsync` with `skipGroupOnError`).
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { VideoJobEvent } from '../core/event';
import { InvalidVideoJobEventError, parseVideoJobEvent } from './parse-event';

/** An SQS record as Lambda hands it over; aws-lambda's `SQSRecord` is one. Only `messageId` and `body` are required. */
export interface SqsEventRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: {
    /** The record's FIFO group: `<vendor>#<jobId>` on the events queue. */
    readonly MessageGroupId?: string;
    /** How many times SQS has handed the message out, this time included. */
    readonly ApproximateReceiveCount?: string;
  };
}

/** An SQS Lambda event: aws-lambda's `SQSEvent` is one. */
export interface SqsEvent<TRecord extends SqsEventRecord = SqsEventRecord> {
  readonly Records: readonly TRecord[];
}

/** The answer Lambda reads with `ReportBatchItemFailures`: the records to leave on the queue. */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** The parts of the Lambda context object most handlers read; aws-lambda's `Context` is one. */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  getRemainingTimeInMillis(): number;
}

/** Handles one event. Throwing fails the record and the rest of its job's records in the batch. */
export type VideoJobEventCallback<TRecord extends SqsEventRecord = SqsEventRecord, TContext = LambdaContext> = (
  event: VideoJobEvent,
  record: TRecord,
  context: TContext,
) => Promise<void> | void;

/** A Lambda SQS handler answering `{ batchItemFailures }`. */
export type VideoJobEventBatchHandler<TRecord extends SqsEventRecord = SqsEventRecord, TContext = LambdaContext> = (
  event: SqsEvent<TRecord>,
  context: TContext,
) => Promise<SqsBatchResponse>;

/**
 * A Lambda handler for the events queue: each record's body is parsed and validated
 * (`parseVideoJobEvent`) and handed to `onEvent` with its record and the Lambda context, one
 * record at a time, in the batch's order. A failed record fails the rest of its message group in
 * the batch, unprocessed; other groups go on. It always answers `{ batchItemFailures }` (an
 * all-failed batch too), and logs one JSON line per failed record (message id, group, reason,
 * error message; never the body) and one for the records it skipped.
 */
export function videoJobEventHandler<TRecord extends SqsEventRecord = SqsEventRecord, TContext = LambdaContext>(
  onEvent: VideoJobEventCallback<TRecord, TContext>,
): VideoJobEventBatchHandler<TRecord, TContext> {
  if (typeof onEvent !== 'function') throw new TypeError(`videoJobEventHandler needs a function (event, record, context) => ..., got ${describe(onEvent)}`);
  return async (event, context) => {
    if (!Array.isArray(event?.Records)) {
      throw new TypeError(`videoJobEventHandler got an event without Records (${describe(event)}): invoke it from an SQS event source on the events queue (addConsumer)`);
    }
    const failed = new Set<string>();
    const handleRecord = async (record: TRecord): Promise<void> => {
      try {
        await onEvent(parseVideoJobEvent(record), record, context);
      } catch (err) {
        failed.add(record.messageId);
        logFailure(record, err);
        throw err;
      }
    };
    // A processor per invocation: its state is the batch's, so batches handled at once in one
    // process (outside Lambda, or with Lambda's concurrent invocations) never share it.
    const response = await processPartialResponse({ Records: [...event.Records] as PowertoolsBatch['Records'] }, handleRecord, new SqsFifoPartialProcessorAsync(), {
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
    const batchItemFailures = response.batchItemFailures.map((f) => ({ itemIdentifier: String(f.itemIdentifier) }));
    const skipped = batchItemFailures.map((f) => f.itemIdentifier).filter((id) => !failed.has(id));
    if (skipped.length > 0) logSkipped(skipped);
    return { batchItemFailures };
  };
}

type PowertoolsBatch = Parameters<typeof processPartialResponse>[0];

/** Error messages in log lines are cut to this many characters. */
const MAX_LOGGED_ERROR_CHARS = 500;

function logFailure(record: SqsEventRecord, err: unknown): void {
  const invalid = err instanceof InvalidVideoJobEventError;
  const message = err instanceof Error ? err.message : String(err);
  console.error(
    JSON.stringify({
      level: 'error',
      message: invalid
        ? 'record is not a video job event; it and the later records of its group in this batch are left on the queue'
        : 'video job event handler failed; the event and the later records of its group in this batch are left on the queue',
      messageId: record.messageId,
      messageGroupId: record.attributes?.MessageGroupId ?? null,
      receiveCount: record.attributes?.ApproximateReceiveCount ?? null,
      reason: invalid ? 'invalid-event' : 'handler-error',
      error: message.length > MAX_LOGGED_ERROR_CHARS ? `${message.slice(0, MAX_LOGGED_ERROR_CHARS)}…` : message,
    }),
  );
}

function logSkipped(messageIds: string[]): void {
  console.error(
    JSON.stringify({ level: 'warn', message: 'records behind a failed record of their group were not handled and are left on the queue', messageIds }),
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}` : typeof value;
}
