/**
 * `video-webhooks replay-archive --function NAME` against a stand-in for AWS Lambda's Invoke API
 * on 127.0.0.1 (Lambda cannot run here): a small HTTP server that takes the Invoke REST request
 * the SDK sends (`POST /2015-03-31/functions/{name}/invocations`, the payload as the body) and
 * answers as Lambda does (200 with the function's result as the body, `X-Amz-Function-Error` when
 * it threw: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). Behind it runs the
 * real replay handler (lambda/handlers/archive-replay.ts) on the emulators: the jobs table and
 * events queue on dynalite and fauxqs, the archive in fauxqs's S3.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { archivePartition, type ArchiveRecord } from '../../lambda/contract/archive';
import { handleWebhook } from '../../lambda/core/webhook';
import { createAdapter } from '../../lambda/vendors/registry';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { buildSample } from '../../bin/cli-send';
import { replayArchiveCommand } from '../../bin/cli-replay-archive';
import { recordOf } from '../support/archive-fixture';
import { drainEvents, freshBackend, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';

const SECRET = 'viralsync-test-secret';
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** What the stand-in was asked: the function, the invocation type, the payload. */
interface Invocation {
  readonly functionName: string;
  readonly invocationType: string | undefined;
  readonly payload: Record<string, unknown>;
}

type Handler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<unknown>;

/** The stand-in for Lambda's Invoke API: runs `handler` with the payload and answers its result or its error. */
async function invokeApi(handler: Handler, remainingMs: () => number): Promise<{ server: Server; url: string; invocations: Invocation[] }> {
  const invocations: Invocation[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' }).end(JSON.stringify({ message: `no route ${req.method} ${req.url}` }));
        return;
      }
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      invocations.push({ functionName: decodeURIComponent(match[1]), invocationType: req.headers['x-amz-invocation-type'] as string | undefined, payload });
      handler(payload, { getRemainingTimeInMillis: remainingMs }).then(
        (result) => res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end(JSON.stringify(result)),
        (err: Error) => res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: [] })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, invocations };
}

describe('replay-archive --function (through a stand-in for the Lambda Invoke API on 127.0.0.1)', () => {
  const endpoint = process.env.VW_TEST_SQS_ENDPOINT!;
  const bucket = `archive-${randomUUID().slice(0, 8)}`;
  const s3 = new S3Client({ endpoint, region: REGION, credentials, forcePathStyle: true, maxAttempts: 1 });
  let original: TestBackend;
  let fresh: TestBackend;
  let handler: Handler;
  let remainingMs = 300_000;
  let api: Awaited<ReturnType<typeof invokeApi>>;
  const lambdaClient = () => new LambdaClient({ endpoint: api.url, region: REGION, credentials, maxAttempts: 1 });

  beforeAll(async () => {
    original = await freshBackend();
    fresh = await freshBackend();
    // Three webhooks of one job through the real path: progress, completed, and the vendor's retry of it.
    const adapter = createAdapter({ id: 'viralsync', kind: 'viralsync', options: {} });
    // One instant per request, read by the pipeline and the record alike (as the archive writer records the pipeline's receivedAt).
    let at = Date.now();
    const deps = {
      adapters: new Map([['viralsync', adapter]]), secrets: new StaticSecretSource({ viralsync: [SECRET] }), secretIdFor: (v: string) => v,
      store: original.store, queue: original.queue, quarantine: original.quarantine, clock: { now: () => at, sleep: async () => undefined },
      telemetry: { log: () => undefined, count: () => undefined }, config: TEST_DELIVERY_CONFIG, maxBodyBytes: 262_144,
    };
    const records: ArchiveRecord[] = [];
    for (const event of ['progress', 'completed', 'completed']) {
      const sample = buildSample('viralsync', event, { secret: SECRET, jobId: 'vs-job-1', nowMs: Date.now() });
      const request = { headers: Object.fromEntries(Object.entries(sample.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(sample.body) };
      at = Date.now();
      const answer = await handleWebhook('viralsync', request, deps);
      records.push(recordOf('viralsync', request, answer, at, adapter.authHeaders)!);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const key = `archive/${archivePartition('viralsync', records[0].receivedAt)}stream-1-x.gz`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(records.map((r) => `${JSON.stringify(r)}\n`).join('')) }));

    // The function's environment, as the construct sets it, its AWS clients on the emulators.
    Object.assign(process.env, {
      VW_TABLE_NAME: fresh.tableName, VW_QUEUE_URL: fresh.queueUrl, VW_ARCHIVE_BUCKET: bucket, VW_ARCHIVE_PREFIX: 'archive/',
      VW_REPLAY_VENDORS: JSON.stringify([{ id: 'viralsync', kind: 'viralsync', options: {} }]), VW_POLL_SAFETY_MARGIN_MS: '0',
      AWS_ENDPOINT_URL_DYNAMODB: process.env.VW_TEST_DYNAMO_ENDPOINT, AWS_ENDPOINT_URL_SQS: endpoint, AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
    });
    handler = (await import('../../lambda/handlers/archive-replay')).handler as Handler;
    api = await invokeApi((event, context) => handler(event, context), () => remainingMs);
  });

  afterAll(async () => {
    await new Promise((resolve) => api.server.close(resolve));
  });

  const cli = async (args: Record<string, string | boolean>) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await replayArchiveCommand({ vendor: 'viralsync', since: '1h', until: 'now', function: 'video-webhooks-archive-replay', ...args }, { lambda: lambdaClient(), out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  it('replays into a fresh table and queue in parts, each going on from the cursor the last answered, with a progress line after each: every original event once', async () => {
    remainingMs = 0; // each invocation at its deadline at once: it handles one record, then answers a cursor
    const first = api.invocations.length;
    const run = await cli({});
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    const calls = api.invocations.slice(first);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every((c) => c.functionName === 'video-webhooks-archive-replay' && c.invocationType === 'RequestResponse')).toBe(true);
    expect(calls[0].payload.cursor).toBeUndefined();
    expect(calls.slice(1).every((c) => typeof c.payload.cursor === 'string')).toBe(true);
    expect(run.out.filter((l) => / going on$/.test(l)).length).toBe(calls.length - 1);
    expect(run.out.at(-1)).toBe('done: read 3, enqueued 2, duplicate 0, skipped 1; skipped: madeNoEvent 1');
    const originals = await drainEvents(original.sqs, original.queueUrl);
    expect((await drainEvents(fresh.sqs, fresh.queueUrl)).sort((a, b) => a.id.localeCompare(b.id))).toEqual(originals.sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('adds nothing when run again: duplicates', async () => {
    remainingMs = 300_000;
    const run = await cli({});
    expect(run.out.at(-1)).toBe('done: read 3, enqueued 0, duplicate 2, skipped 1 (1 of the duplicates behind what their job had reported); skipped: madeNoEvent 1');
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toEqual([]);
  });

  it('a dry run goes in one invocation and says what it would do', async () => {
    const first = api.invocations.length;
    const run = await cli({ 'dry-run': true });
    expect(api.invocations.slice(first)).toHaveLength(1);
    expect(api.invocations[first].payload).toMatchObject({ dryRun: true });
    expect(api.invocations[first].payload.maxSeconds).toBeUndefined();
    expect(run.out[0]).toMatch(/^replay-archive: dry run \(nothing is written\): viralsync received from /);
    expect(run.out.at(-1)).toMatch(/^dry run done \(nothing written\): read 3, enqueued 0, duplicate 2/);
  });

  it('says in one line what the function refused, and exits 1', async () => {
    const run = await cli({ vendor: 'nope' });
    expect(run).toEqual({ code: 1, out: [expect.stringContaining('replay-archive: nope')], err: ['replay-archive: the function video-webhooks-archive-replay failed (Unhandled): vendor nope is not configured in this deployment: replay one of its vendors'] });
    const bad = await cli({ since: 'yesterday' });
    expect(bad.err).toEqual(['replay-archive: the function video-webhooks-archive-replay failed (Unhandled): since "yesterday" is not a time: give an ISO 8601 date or time with its zone, e.g. 2026-12-01 or 2026-12-01T09:30:00Z']);
  });

  it('says in one line what is missing or contradictory, and exits 2, asking nothing', async () => {
    const first = api.invocations.length;
    expect(await cli({ since: '' })).toMatchObject({ code: 2, err: [expect.stringMatching(/^--since is required: usage: video-webhooks replay-archive /)] });
    expect(await cli({ to: 'http://127.0.0.1:1' })).toMatchObject({ code: 2, err: [expect.stringMatching(/^replay-archive needs one of --function NAME .* or --to URL/)] });
    expect(await cli({ 'archive-dir': '/tmp/x' })).toMatchObject({ code: 2, err: ['--archive-dir is for --to (a dev server\'s archive): the function reads the archive\'s bucket'] });
    expect(api.invocations.length).toBe(first);
  });
});
