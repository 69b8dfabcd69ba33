/**
 * `video-webhooks dev --handler FILE#export`: an SQS Lambda handler (plain CommonJS, written here)
 * invoked with SQS-shaped batches, its `batchItemFailures` honoured with the same visibility and DLQ
 * rules as the queue. The handler records every invocation in a file the test reads.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_BATCHES_IN_FLIGHT } from '../../local/dev-server/queue-tap';
import { spawnCli, startDev, stopDev, waitFor, type Dev } from './dev-support';

const SECRET = 'vs_handler';
const hex = (key: string, data: string) => createHmac('sha256', key).update(data).digest('hex');

const HANDLER = `
const { appendFileSync } = require('node:fs');
const attempts = new Map();
exports.handler = async () => { throw new Error('the test asked for #main'); };
exports.main = async (event, context) => {
  appendFileSync(process.env.HANDLER_LOG, JSON.stringify({ records: event.Records, remainingMs: context.getRemainingTimeInMillis(), requestId: context.awsRequestId }) + '\\n');
  const failed = new Set();
  const batchItemFailures = [];
  for (const record of event.Records) {
    const { data } = JSON.parse(record.body);
    const n = (attempts.get(record.messageId) || 0) + 1;
    attempts.set(record.messageId, n);
    const group = record.attributes.MessageGroupId;
    const fail = failed.has(group)
      || (data.jobId === 'job_flaky' && data.status === 'processing' && n <= 2)
      || data.jobId === 'job_broken';
    if (fail) {
      failed.add(group); // FIFO: the rest of a failed job's records in this batch fail too
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
`;

interface Invocation {
  readonly records: Array<{
    messageId: string;
    receiptHandle: string;
    body: string;
    attributes: Record<string, string>;
    messageAttributes: Record<string, { stringValue?: string; dataType: string }>;
    md5OfBody: string;
    eventSource: string;
    eventSourceARN: string;
    awsRegion: string;
  }>;
  readonly remainingMs: number;
}

describe('video-webhooks dev --handler (an SQS Lambda handler in a CommonJS file written by the test)', () => {
  let dev: Dev;
  let log: string;
  const invocations = (): Invocation[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Invocation) : []);
  const records = (jobId: string) => invocations().flatMap((inv) => inv.records.filter((r) => (JSON.parse(r.body) as { data: { jobId: string } }).data.jobId === jobId));

  async function post(jobId: string, status: 'running' | 'done', progress: number): Promise<void> {
    const body = JSON.stringify({ jobId, status, progress, timestamp: new Date().toISOString() });
    const res = await fetch(`${dev.url}/webhooks/viralsync`, { method: 'POST', headers: { 'x-render-signature': hex(SECRET, body) }, body });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-handler-'));
    writeFileSync(join(dir, 'consumer.cjs'), HANDLER);
    log = join(dir, 'invocations.jsonl');
    // A path relative to the working directory, as a user types it.
    dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET, HANDLER_LOG: log }, ['--handler', 'consumer.cjs#main', '--visibility-timeout-seconds', '1', '--max-receive-count', '3'], dir);
    for (const jobId of ['job_flaky', 'job_broken']) {
      await post(jobId, 'running', 0.3);
      await post(jobId, 'done', 1);
    }
  });

  afterAll(() => stopDev(dev));

  it('invokes the named export with SQS records: real messageId, receive count, group id, dedup id, CloudEvent body and attributes', async () => {
    await waitFor(() => (records('job_flaky').length >= 4 ? true : undefined), 20_000, () => dev.stderr.join('\n'));
    const [first] = records('job_flaky');
    expect(first.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.receiptHandle).toEqual(expect.any(String));
    const event = JSON.parse(first.body) as { id: string; specversion: string; type: string };
    expect(event).toMatchObject({ specversion: '1.0', type: 'video.job.processing' });
    expect(first.attributes).toMatchObject({ ApproximateReceiveCount: '1', MessageGroupId: 'viralsync#job_flaky', MessageDeduplicationId: event.id, SentTimestamp: expect.stringMatching(/^\d+$/) });
    expect(first.messageAttributes['ce-type']).toEqual({ stringValue: 'video.job.processing', stringListValues: [], binaryListValues: [], dataType: 'String' });
    expect(first).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: expect.stringMatching(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:video-webhooks-events\.fifo$/), awsRegion: expect.any(String) });
    expect(first.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(invocations()[0].remainingMs).toBeGreaterThan(0);
    expect(invocations()[0].remainingMs).toBeLessThanOrEqual(1_000);
  });

  it('redelivers what batchItemFailures names (same messageId, receive count up), with the job\'s next event behind it in the same batch, in order', async () => {
    const handledBoth = () => invocations().some((inv) => inv.records.filter((r) => r.body.includes('"job_flaky"')).some((r) => r.attributes.ApproximateReceiveCount === '3'));
    await waitFor(() => (handledBoth() ? true : undefined), 20_000);
    const flaky = records('job_flaky');
    const ids = [...new Set(flaky.map((r) => r.messageId))];
    const counts = (i: number) => flaky.filter((r) => r.messageId === ids[i]).map((r) => r.attributes.ApproximateReceiveCount);
    expect(counts(0)).toEqual(['1', '2', '3']);
    // As SQS does, a receive hands over the job's next event with the first (one batch, in order);
    // it is counted each time (once fewer if it arrived after the first one's first receive).
    expect([['1', '2'], ['1', '2', '3']]).toContainEqual(counts(1));
    for (const inv of invocations()) {
      const mine = inv.records.filter((r) => r.body.includes('"job_flaky"'));
      const order = mine.map((r) => ids.indexOf(r.messageId));
      expect(order).toEqual([...order].sort()); // the first event before the next, in every batch
    }
    expect(dev.stderr).toContainEqual(expect.stringMatching(/^→ failed video\.job\.processing job viralsync#job_flaky event \S+ \(receive 2 of 3\): in batchItemFailures; visible again in 1 s$/));
  });

  it('moves what always fails to the DLQ after 3 receives, with the job\'s next event, which was received (and counted) with it', async () => {
    const dlq = async () => (await (await fetch(`${dev.url}/dlq`)).json()) as Array<{ messageGroupId: string; event: { data: { status: string } } }>;
    // Both received 3 times, whether the second arrived before the first one's first receive or after.
    await waitFor(() => (records('job_broken').length >= 6 ? true : undefined), 30_000, () => dev.stderr.join('\n'));
    const deadline = Date.now() + 30_000;
    let held = await dlq();
    while (held.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      held = await dlq();
    }
    expect(held.map((m) => [m.messageGroupId, m.event.data.status])).toEqual([
      ['viralsync#job_broken', 'processing'],
      ['viralsync#job_broken', 'succeeded'],
    ]);
    const broken = records('job_broken');
    const ids = [...new Set(broken.map((r) => r.messageId))];
    for (const id of ids) expect(broken.filter((r) => r.messageId === id).map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
  });
});

describe('video-webhooks dev --handler batches', () => {
  it('invokes with up to 10 records, several jobs in one batch, when events waited while the handler was busy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-handler-batch-'));
    const log = join(dir, 'batches.jsonl');
    const release = join(dir, 'release');
    // Busy with the gate jobs until the test creates the release file.
    writeFileSync(
      join(dir, 'consumer.cjs'),
      `const { appendFileSync, existsSync } = require('node:fs');
exports.handler = async (event) => {
  appendFileSync(${JSON.stringify(log)}, JSON.stringify(event.Records.map((r) => JSON.parse(r.body).data.jobId)) + '\\n');
  if (event.Records.some((r) => r.body.includes('job_gate_'))) while (!existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 50));
  return {};
};
`,
    );
    const batches = (): string[][] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []);
    const dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET }, ['--handler', join(dir, 'consumer.cjs'), '--visibility-timeout-seconds', '20']);
    const post = async (jobId: string) => {
      const body = JSON.stringify({ jobId, status: 'done', progress: 1, timestamp: new Date().toISOString() });
      expect((await fetch(`${dev.url}/webhooks/viralsync`, { method: 'POST', headers: { 'x-render-signature': hex(SECRET, body) }, body })).status).toBe(200);
    };
    try {
      // As many busy batches as the tap runs at once: then new events wait in the queue.
      for (let i = 0; i < MAX_BATCHES_IN_FLIGHT; i++) await post(`job_gate_${i}`);
      await waitFor(() => (batches().length === MAX_BATCHES_IN_FLIGHT ? true : undefined), 10_000, () => dev.stderr.join('\n'));
      for (let i = 0; i < 12; i++) await post(`job_batch_${i}`);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(batches()).toHaveLength(MAX_BATCHES_IN_FLIGHT); // the 12 wait
      writeFileSync(release, '');
      await waitFor(() => (batches().flat().filter((j) => j.startsWith('job_batch_')).length === 12 ? true : undefined), 10_000, () => dev.stderr.join('\n'));
      const sizes = batches().slice(MAX_BATCHES_IN_FLIGHT).map((b) => b.length);
      expect(Math.max(...sizes)).toBe(10);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
    } finally {
      await stopDev(dev);
    }
  });
});

describe('video-webhooks dev --handler, an ES module', () => {
  it('loads an .mjs handler with import() and invokes its handler export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-handler-esm-'));
    const seen = join(dir, 'seen.jsonl');
    writeFileSync(join(dir, 'consumer.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function handler(event) { for (const r of event.Records) appendFileSync(${JSON.stringify(seen)}, r.body + '\\n'); return { batchItemFailures: [] }; }\n`);
    const dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET }, ['--handler', join(dir, 'consumer.mjs')]);
    try {
      const body = JSON.stringify({ jobId: 'job_esm', status: 'done', progress: 1, timestamp: new Date().toISOString() });
      expect((await fetch(`${dev.url}/webhooks/viralsync`, { method: 'POST', headers: { 'x-render-signature': hex(SECRET, body) }, body })).status).toBe(200);
      const line = await waitFor(() => (existsSync(seen) ? readFileSync(seen, 'utf8').trim() || undefined : undefined), 10_000, () => dev.stderr.join('\n'));
      expect(JSON.parse(line)).toMatchObject({ type: 'video.job.succeeded', data: { jobId: 'job_esm' } });
      await waitFor(() => dev.stderr.find((l) => /^→ delivered video\.job\.succeeded job viralsync#job_esm event \S+ \(receive 1 of 5\): handled$/.test(l)), 5_000, () => dev.stderr.join('\n'));
    } finally {
      await stopDev(dev);
    }
  });
});

describe('video-webhooks dev --handler that cannot be loaded', () => {
  it('exits 1 at once with one line when the file is missing or has no such export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-handler-bad-'));
    writeFileSync(join(dir, 'h.cjs'), 'exports.handler = async () => ({});\nexports.other = 1;\n');
    const missing = spawnCli(['dev', '--port', '0', '--handler', 'nope.cjs'], {}, dir);
    expect(await missing.exited).toBe(1);
    expect(missing.stderr).toEqual([`--handler nope.cjs: cannot load ${join(dir, 'nope.cjs')} (MODULE_NOT_FOUND): give the path of a JavaScript file, and #name for an export other than handler`]);
    const noExport = spawnCli(['dev', '--port', '0', '--handler', 'h.cjs#main'], {}, dir);
    expect(await noExport.exited).toBe(1);
    expect(noExport.stderr).toEqual(['--handler h.cjs#main: the file exports no function main (its exports: handler, other)']);
  });
});
