/**
 * `--handler FILE[#export]`: an SQS Lambda handler (one made with `videoJobEventHandler`, or any
 * `(event, context) => Promise<{ batchItemFailures }>`) invoked with the batches the queue gives,
 * shaped as Lambda's SQS event source shapes them, its answer read as Lambda reads it
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html, partial batch
 * responses): no answer, `{}`, or an empty or null `batchItemFailures` is a success of the whole
 * batch; an error, a timeout, or an `itemIdentifier` that is empty, not a string, or not a message
 * id of the batch fails the whole batch; otherwise the messages it names failed.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Attempt, EventConsumer, QueuedEvent } from './queue-tap';
import { byGroup } from './forward-to';
import { DevServerStartError, errorCode } from './start-errors';

export type SqsHandler = (event: { Records: SqsRecord[] }, context: LambdaContext) => unknown;

/** One record of Lambda's SQS event. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, { stringValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }>>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** The export of `spec` (`./consumer.js`, `./consumer.mjs#main`), relative to `cwd`; throws a DevServerStartError saying what to fix. */
export async function loadHandler(spec: string, cwd = process.cwd()): Promise<SqsHandler> {
  const hash = spec.lastIndexOf('#');
  const file = hash > 0 ? spec.slice(0, hash) : spec;
  const name = hash > 0 ? spec.slice(hash + 1) : 'handler';
  const path = resolve(cwd, file);
  let exports: Record<string, unknown>;
  try {
    exports = await loadModule(path);
  } catch (err) {
    throw new DevServerStartError(`--handler ${spec}: cannot load ${path} (${errorCode(err)}): give the path of a JavaScript file, and #name for an export other than handler`);
  }
  const handler = exports[name];
  if (typeof handler !== 'function') {
    const names = Object.keys(exports).filter((k) => k !== '__esModule' && k !== 'default');
    throw new DevServerStartError(`--handler ${spec}: the file exports no function ${name} (its exports: ${names.join(', ') || 'none'})`);
  }
  return handler as SqsHandler;
}

export interface HandlerSettings {
  readonly queueArn: string;
  readonly region: string;
  /** The function's timeout: the queue's visibility timeout, as Lambda requires it to be at most. */
  readonly timeoutMs: number;
  /** Told when the answer would break a job's order in SQS FIFO. */
  readonly warn: (line: string) => void;
}

/** The consumer that invokes `handler` with each batch. */
export function lambdaConsumer(handler: SqsHandler, settings: HandlerSettings): EventConsumer {
  return {
    async deliver(batch) {
      const deadline = Date.now() + settings.timeoutMs;
      const event = { Records: batch.map((m) => sqsRecord(m, settings)) };
      let answer: unknown;
      try {
        answer = await withTimeout(Promise.resolve(handler(event, context(deadline, settings))), settings.timeoutMs);
      } catch (err) {
        return all(batch, { ok: false, detail: err instanceof HandlerTimeout ? `handler timed out after ${settings.timeoutMs / 1000} s` : `handler threw: ${(err as Error)?.message ?? String(err)}` });
      }
      const failed = failedIds(answer, new Set(batch.map((m) => m.messageId)));
      if (typeof failed === 'string') return all(batch, { ok: false, detail: failed });
      warnOnBrokenOrder(batch, failed, settings.warn);
      return new Map(batch.map((m) => [m.messageId, failed.has(m.messageId) ? { ok: false, detail: 'in batchItemFailures' } : { ok: true, detail: 'handled' }]));
    },
  };
}

/** The message ids the answer names as failed, or why the whole batch failed. */
function failedIds(answer: unknown, batchIds: ReadonlySet<string>): Set<string> | string {
  if (answer === undefined || answer === null) return new Set();
  if (typeof answer !== 'object') return `the handler answered ${JSON.stringify(answer)}, not { batchItemFailures }: Lambda fails the whole batch`;
  const list = (answer as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return 'batchItemFailures is not a list: Lambda fails the whole batch';
  const ids = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !batchIds.has(id)) return `batchItemFailures names ${JSON.stringify(id ?? null)}, not a messageId of this batch: Lambda fails the whole batch`;
    ids.add(id);
  }
  return ids;
}

/** A job whose failed record is followed by one reported done: SQS FIFO would deliver that one out of order. */
function warnOnBrokenOrder(batch: readonly QueuedEvent[], failed: ReadonlySet<string>, warn: (line: string) => void): void {
  for (const events of byGroup(batch)) {
    const first = events.findIndex((m) => failed.has(m.messageId));
    const overtaking = first < 0 ? undefined : events.slice(first + 1).find((m) => !failed.has(m.messageId));
    if (overtaking) warn(`handler failed a record of job ${overtaking.groupId} but not the later ${overtaking.messageId}: in SQS FIFO it would overtake the failed one; fail the rest of the job's records too (videoJobEventHandler does)`);
  }
}

function sqsRecord(m: QueuedEvent, settings: HandlerSettings): SqsRecord {
  const pick = ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp', 'SequenceNumber', 'MessageGroupId', 'MessageDeduplicationId'];
  const attributes = Object.fromEntries(pick.filter((k) => m.attributes[k] !== undefined).map((k) => [k, m.attributes[k]]));
  const messageAttributes = Object.fromEntries(
    Object.entries(m.messageAttributes).map(([k, v]) => [k, { stringValue: v.StringValue, stringListValues: [], binaryListValues: [], dataType: v.DataType }]),
  );
  return { messageId: m.messageId, receiptHandle: m.receiptHandle, body: m.body, attributes, messageAttributes, md5OfBody: m.md5OfBody, eventSource: 'aws:sqs', eventSourceARN: settings.queueArn, awsRegion: settings.region };
}

function context(deadline: number, settings: HandlerSettings): LambdaContext {
  const functionName = 'video-webhooks-dev-consumer';
  const account = settings.queueArn.split(':')[4] ?? '000000000000';
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${settings.region}:${account}:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

class HandlerTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function all(batch: readonly QueuedEvent[], attempt: Attempt): Map<string, Attempt> {
  return new Map(batch.map((m) => [m.messageId, attempt]));
}

/** CommonJS by `require`; an ES module (`.mjs`, or `"type": "module"`) by a real dynamic `import()`. */
async function loadModule(path: string): Promise<Record<string, unknown>> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Record<string, unknown>>;
    return importEsm(pathToFileURL(path).href);
  }
}
