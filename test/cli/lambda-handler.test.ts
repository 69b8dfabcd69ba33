/**
 * How `--handler`'s answer is read, as Lambda's SQS event source reads a partial batch response
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): the consumer
 * in-process, on batches built here (the child-process tests in dev-handler.test.ts run it on the
 * emulated queue).
 */
import { lambdaConsumer, type SqsHandler } from '../../local/dev-server/lambda-handler';
import type { QueuedEvent } from '../../local/dev-server/queue-tap';

const message = (id: string, group: string): QueuedEvent => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body: JSON.stringify({ id: `event-${id}`, type: 'video.job.processing' }),
  md5OfBody: '0'.repeat(32),
  groupId: group,
  receiveCount: 1,
  attributes: { ApproximateReceiveCount: '1', MessageGroupId: group, MessageDeduplicationId: `event-${id}`, SentTimestamp: '1700000000000' },
  messageAttributes: { 'ce-type': { DataType: 'String', StringValue: 'video.job.processing' } },
});
const BATCH = [message('m1', 'acme#a'), message('m2', 'acme#a'), message('m3', 'acme#b')];
const SETTINGS = { queueArn: 'arn:aws:sqs:us-east-1:000000000000:video-webhooks-events.fifo', region: 'us-east-1', timeoutMs: 200 };

async function outcome(handler: SqsHandler, warnings: string[] = []): Promise<Record<string, string>> {
  const attempts = await lambdaConsumer(handler, { ...SETTINGS, warn: (l) => warnings.push(l) }).deliver(BATCH, new AbortController().signal);
  return Object.fromEntries([...attempts].map(([id, a]) => [id, `${a.ok ? 'ok' : 'failed'}: ${a.detail}`]));
}
const allOk = { m1: 'ok: handled', m2: 'ok: handled', m3: 'ok: handled' };
const allFailed = (detail: string) => ({ m1: `failed: ${detail}`, m2: `failed: ${detail}`, m3: `failed: ${detail}` });

describe('--handler answers, read as Lambda reads them (in-process, batches built by the test)', () => {
  it.each<[string, unknown]>([
    ['no answer', undefined],
    ['null', null],
    ['{}', {}],
    ['a null batchItemFailures', { batchItemFailures: null }],
    ['an empty batchItemFailures', { batchItemFailures: [] }],
  ])('takes %s as the whole batch done', async (_what, answer) => {
    expect(await outcome(async () => answer)).toEqual(allOk);
  });

  it('fails what batchItemFailures names, and only that', async () => {
    expect(await outcome(async () => ({ batchItemFailures: [{ itemIdentifier: 'm3' }] }))).toEqual({ m1: 'ok: handled', m2: 'ok: handled', m3: 'failed: in batchItemFailures' });
  });

  it.each<[string, unknown, string]>([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }, 'batchItemFailures names "", not a messageId of this batch: Lambda fails the whole batch'],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }, 'batchItemFailures names null, not a messageId of this batch: Lambda fails the whole batch'],
    ['a bad key name', { batchItemFailures: [{ messageId: 'm1' }] }, 'batchItemFailures names null, not a messageId of this batch: Lambda fails the whole batch'],
    ['an id not in the batch', { batchItemFailures: [{ itemIdentifier: 'rh-m1' }] }, 'batchItemFailures names "rh-m1", not a messageId of this batch: Lambda fails the whole batch'],
    ['a list that is not a list', { batchItemFailures: 'm1' }, 'batchItemFailures is not a list: Lambda fails the whole batch'],
    ['an answer that is not an object', 'done', 'the handler answered "done", not { batchItemFailures }: Lambda fails the whole batch'],
  ])('fails the whole batch on %s', async (_what, answer, detail) => {
    expect(await outcome(async () => answer)).toEqual(allFailed(detail));
  });

  it('fails the whole batch when the handler throws or outlives its timeout (the visibility timeout)', async () => {
    expect(await outcome(async () => Promise.reject(new Error('downstream is down')))).toEqual(allFailed('handler threw: downstream is down'));
    expect(await outcome(() => new Promise((resolve) => setTimeout(resolve, 1_000)))).toEqual(allFailed('handler timed out after 0.2 s'));
  });

  it('gives each record the SQS shape and the context a deadline', async () => {
    let seen: Parameters<SqsHandler> | undefined;
    await outcome(async (...args) => {
      seen = args;
      return {};
    });
    const [event, context] = seen!;
    expect(event.Records[0]).toEqual({
      messageId: 'm1',
      receiptHandle: 'rh-m1',
      body: BATCH[0].body,
      attributes: BATCH[0].attributes,
      messageAttributes: { 'ce-type': { stringValue: 'video.job.processing', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      md5OfBody: '0'.repeat(32),
      eventSource: 'aws:sqs',
      eventSourceARN: SETTINGS.queueArn,
      awsRegion: 'us-east-1',
    });
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(200);
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:video-webhooks-dev-consumer');
  });

  it('warns when a failed record of a job is followed by one reported done: SQS FIFO would let it overtake', async () => {
    const warnings: string[] = [];
    await outcome(async () => ({ batchItemFailures: [{ itemIdentifier: 'm1' }] }), warnings);
    expect(warnings).toEqual(['handler failed a record of job acme#a but not the later m2: in SQS FIFO it would overtake the failed one; fail the rest of the job\'s records too (videoJobEventHandler does)']);
    const none: string[] = [];
    await outcome(async () => ({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] }), none);
    expect(none).toEqual([]);
  });
});
