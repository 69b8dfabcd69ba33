/**
 * videoJobEventHandler on SQS-shaped batches: several jobs (message groups), failures at every
 * position, bodies that do not parse, an all-good and an all-failed batch. The rule under test:
 * a failed record and every later record of its group are reported failed and never handed to the
 * callback; every other record is handed over once, in the batch's order, parsed and validated.
 */
import type { SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import type { VideoJobEvent, VideoJobStatus } from '../../lambda/core/event';
import { videoJobEventHandler, type LambdaContext } from '../../lambda/runtime';
import { eventRecord, jobEvent, sqsEvent, sqsRecord } from './sqs-batch';

const context: LambdaContext = { awsRequestId: 'req-1', functionName: 'consumer', getRemainingTimeInMillis: () => 30_000 };

/** A callback that records what it was given and throws for the message ids in `failing`. */
function recorder(failing: ReadonlySet<string> = new Set()) {
  const calls: Array<{ event: VideoJobEvent; record: SQSRecord; context: unknown }> = [];
  const handler = videoJobEventHandler(async (event: VideoJobEvent, record: SQSRecord, ctx: LambdaContext) => {
    if (failing.has(record.messageId)) throw new Error(`downstream refused ${record.messageId}`);
    calls.push({ event, record, context: ctx });
  });
  return { calls, handled: () => calls.map((c) => c.record.messageId), handler };
}

/** Records the console lines the handler writes, and keeps them off the test output. */
function captureLogs(): { lines: () => string[]; restore: () => void } {
  const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  return { lines: () => spy.mock.calls.map((c) => String(c[0])), restore: () => spy.mockRestore() };
}

const failures = (answer: { batchItemFailures: Array<{ itemIdentifier: string }> }) => answer.batchItemFailures.map((f) => f.itemIdentifier);

describe('videoJobEventHandler', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('hands every record of an all-good batch to the callback in order, parsed, with its record and the Lambda context, and reports nothing failed', async () => {
    const events = [jobEvent('job-1', 'queued'), jobEvent('job-2', 'processing', 0.3), jobEvent('job-1', 'processing', 0.5), jobEvent('job-2', 'succeeded'), jobEvent('job-1', 'failed')];
    const records = events.map((e, i) => eventRecord(e, `m-${i}`));
    const r = recorder();

    const answer = await r.handler(sqsEvent(records), context);

    expect(answer).toEqual({ batchItemFailures: [] });
    expect(r.handled()).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    expect(r.calls.map((c) => c.event)).toEqual(events);
    expect(r.calls.map((c) => c.record.attributes.MessageGroupId)).toEqual(['acme#job-1', 'acme#job-2', 'acme#job-1', 'acme#job-2', 'acme#job-1']);
    expect(r.calls.every((c) => c.context === context)).toBe(true);
    expect(logs.lines()).toEqual([]);
  });

  it.each([
    ['first', 'a-1', ['a-1', 'a-2', 'a-3'], ['b-1', 'c-1', 'b-2', 'c-2']],
    ['middle', 'a-2', ['a-2', 'a-3'], ['a-1', 'b-1', 'c-1', 'b-2', 'c-2']],
    ['last', 'a-3', ['a-3'], ['a-1', 'b-1', 'c-1', 'a-2', 'b-2', 'c-2']],
  ])("fails the rest of a job's records when its %s record throws, and goes on with the other jobs", async (_position, failing, failed, handled) => {
    const batch = sqsEvent([
      eventRecord(jobEvent('a', 'processing', 0.1), 'a-1'),
      eventRecord(jobEvent('b', 'processing', 0.1), 'b-1'),
      eventRecord(jobEvent('c', 'processing', 0.1), 'c-1'),
      eventRecord(jobEvent('a', 'processing', 0.6), 'a-2'),
      eventRecord(jobEvent('b', 'succeeded'), 'b-2'),
      eventRecord(jobEvent('c', 'cancelled'), 'c-2'),
      eventRecord(jobEvent('a', 'succeeded'), 'a-3'),
    ]);
    const r = recorder(new Set([failing]));

    const answer = await r.handler(batch, context);

    expect(failures(answer)).toEqual(failed);
    expect(r.handled()).toEqual(handled);
  });

  it.each([
    ['a body that is not JSON', '{"specversion":"1.0","id":'],
    ['JSON that is not an event', '{"hello":"world"}'],
    ['an event missing a field', JSON.stringify({ ...jobEvent('a', 'processing', 0.1), subject: undefined })],
    ['an event whose type and status disagree', JSON.stringify({ ...jobEvent('a', 'succeeded'), type: 'video.job.failed' })],
    ['an event with a time that is not a date-time', JSON.stringify({ ...jobEvent('a', 'queued'), time: '2026-02-30T10:00:00Z' })],
  ])("fails %s and the rest of its job's records without calling back, and logs why without the body", async (_what, body) => {
    const batch = sqsEvent([
      eventRecord(jobEvent('b', 'processing', 0.1), 'b-1'),
      sqsRecord(body, 'acme#a', 'a-1'),
      eventRecord(jobEvent('a', 'succeeded'), 'a-2'),
      eventRecord(jobEvent('b', 'succeeded'), 'b-2'),
    ]);
    const r = recorder();

    const answer = await r.handler(batch, context);

    expect(failures(answer)).toEqual(['a-1', 'a-2']);
    expect(r.handled()).toEqual(['b-1', 'b-2']);
    const lines = logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', messageId: 'a-1', messageGroupId: 'acme#a', receiveCount: '1', reason: 'invalid-event', error: expect.stringMatching(/^not a video job event: /) }),
      expect.objectContaining({ level: 'warn', messageIds: ['a-2'] }),
    ]);
    expect(logs.lines().join('\n')).not.toContain(body);
  });

  it('answers an all-failed batch with every record (it does not throw), and logs the callback error', async () => {
    const batch = sqsEvent([eventRecord(jobEvent('a', 'queued'), 'a-1'), eventRecord(jobEvent('b', 'queued'), 'b-1'), eventRecord(jobEvent('a', 'succeeded'), 'a-2')]);
    const r = recorder(new Set(['a-1', 'b-1']));

    const answer = await r.handler(batch, context);

    expect(failures(answer)).toEqual(['a-1', 'b-1', 'a-2']);
    expect(r.handled()).toEqual([]);
    expect(logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ messageId: 'a-1', reason: 'handler-error', error: 'downstream refused a-1' }),
      expect.objectContaining({ messageId: 'b-1', reason: 'handler-error', error: 'downstream refused b-1' }),
      expect.objectContaining({ level: 'warn', messageIds: ['a-2'] }),
    ]);
  });

  it('treats records without a message group (a standard queue) one by one: a failure fails only itself', async () => {
    const ungrouped = (e: VideoJobEvent, id: string) => {
      const record = eventRecord(e, id);
      const attributes = { ...record.attributes };
      delete attributes.MessageGroupId;
      return { ...record, attributes };
    };
    const r = recorder(new Set(['x-1']));

    const answer = await r.handler(sqsEvent([ungrouped(jobEvent('a', 'queued'), 'x-1'), ungrouped(jobEvent('a', 'succeeded'), 'x-2')]), context);

    expect(failures(answer)).toEqual(['x-1']);
    expect(r.handled()).toEqual(['x-2']);
  });

  it('keeps two batches handled at once in one process apart', async () => {
    const release: Array<() => void> = [];
    const seen: string[] = [];
    const handler = videoJobEventHandler(async (event, record) => {
      await new Promise<void>((resolve) => release.push(resolve));
      if (event.data.jobId === 'slow-fail') throw new Error('refused');
      seen.push(record.messageId);
    });
    const first = handler(sqsEvent([eventRecord(jobEvent('slow-fail', 'queued'), '1-a'), eventRecord(jobEvent('slow-fail', 'succeeded'), '1-b')]), context);
    const second = handler(sqsEvent([eventRecord(jobEvent('other', 'queued'), '2-a'), eventRecord(jobEvent('other', 'succeeded'), '2-b')]), context);
    // Let the two batches take turns, one record each, until both have answered (or 100 turns).
    const answers = Promise.all([first, second]);
    let done = false;
    void answers.finally(() => (done = true));
    for (let turn = 0; turn < 100 && !done; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      release.splice(0).forEach((go) => go());
    }

    expect(done).toBe(true);
    const [a, b] = await answers;
    expect(failures(a)).toEqual(['1-a', '1-b']);
    expect(failures(b)).toEqual([]);
    expect(seen).toEqual(['2-a', '2-b']);
  });

  it('refuses an invocation that is not an SQS event, saying how to wire it', async () => {
    const r = recorder();
    await expect(r.handler({} as never, context)).rejects.toThrow('videoJobEventHandler got an event without Records (an object with keys (none)): invoke it from an SQS event source on the events queue (addConsumer)');
    expect(() => videoJobEventHandler(undefined as never)).toThrow('videoJobEventHandler needs a function (event, record, context) => ..., got undefined');
  });

  it('never hands over a record behind a failure of its group, and hands over every other record once, in order (property-based)', async () => {
    const statuses: VideoJobStatus[] = ['queued', 'processing', 'succeeded'];
    const batchArb = fc
      .array(fc.record({ job: fc.constantFrom('a', 'b', 'c', 'd'), outcome: fc.constantFrom('ok', 'ok', 'ok', 'throws', 'unparseable') }), { minLength: 1, maxLength: 10 })
      .map((rows) => rows.map((row, i) => ({ ...row, id: `m-${i}` })));
    await fc.assert(
      fc.asyncProperty(batchArb, async (rows) => {
        const records = rows.map((row, i) =>
          row.outcome === 'unparseable' ? sqsRecord('not json', `acme#${row.job}`, row.id) : eventRecord(jobEvent(row.job, statuses[i % statuses.length], 0.5), row.id),
        );
        const r = recorder(new Set(rows.filter((row) => row.outcome === 'throws').map((row) => row.id)));

        const answer = await r.handler(sqsEvent(records), context);

        // The model: per job, everything from its first failure on is failed; the rest is handled.
        const broken = new Set<string>();
        const expectedFailed: string[] = [];
        const expectedHandled: string[] = [];
        for (const row of rows) {
          if (broken.has(row.job) || row.outcome !== 'ok') {
            broken.add(row.job);
            expectedFailed.push(row.id);
          } else expectedHandled.push(row.id);
        }
        expect(failures(answer)).toEqual(expectedFailed);
        expect(r.handled()).toEqual(expectedHandled);
      }),
      { numRuns: 300 },
    );
  });
});
