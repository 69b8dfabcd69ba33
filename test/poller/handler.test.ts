/**
 * The scheduled poller Lambda handler end to end: built from the environment the construct sets,
 * real AWS SDK clients pointed at the emulators (AWS_ENDPOINT_URL_*), the status-API key from a
 * local Secrets Manager endpoint, the real vendor adapter, and a fake Sync status API.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ENV, type PollerVendorConfig } from '../../lambda/contract/deployment';
import type { ReplaySummary } from '../../lambda/core/quarantine-replay';
import type { PollSummary } from '../../lambda/poller/poller';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { drainEvents, freshBackend, type TestBackend } from '../support/emulators';
import { FirehoseWireStandIn } from '../support/firehose-wire-stand-in';
import { startFakeVendor, type FakeVendorServer } from './support';

type Handler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<PollSummary | ReplaySummary>;

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:sync-status-key-AbCdEf';
const hasAdapters = existsSync(join(__dirname, '../../lambda/vendors/registry.ts'));

/** Secrets Manager's JSON 1.1 protocol, GetSecretValue only. */
function fakeSecretsManager(values: Map<string, string>, calls: string[]): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      calls.push(String(SecretId));
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      const value = SecretId ? values.get(SecretId) : undefined;
      if (value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not found' }));
        return;
      }
      res.end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: value, VersionId: 'v1' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

(hasAdapters ? describe : describe.skip)('poller Lambda handler', () => {
  let backend: TestBackend;
  let sync: FakeVendorServer;
  let secrets: { server: Server; endpoint: string };
  const secretValues = new Map<string, string>();
  const secretCalls: string[] = [];
  const saved = { ...process.env };
  const logs: string[] = [];

  function loadHandler(vendors: PollerVendorConfig[]): Handler {
    Object.assign(process.env, {
      [ENV.POLLER_VENDORS]: JSON.stringify(vendors),
      [ENV.TABLE_NAME]: backend.tableName,
      [ENV.QUEUE_URL]: backend.queueUrl,
      [ENV.POLL_SAFETY_MARGIN_MS]: '1000',
      AWS_ENDPOINT_URL_DYNAMODB: process.env.VW_TEST_DYNAMO_ENDPOINT,
      AWS_ENDPOINT_URL_SQS: process.env.VW_TEST_SQS_ENDPOINT,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    });
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = (require('../../lambda/handlers/poller') as { handler: Handler }).handler;
    });
    return handler!;
  }

  const syncConfig = (): PollerVendorConfig => ({
    vendor: { id: 'sync', kind: 'sync', options: {} },
    apiKeySecretArn: SECRET_ARN,
    statusApiBaseUrl: sync.baseUrl,
    requestsPerMinute: 600,
    pollingEnabled: true,
    requestTimeoutMs: 2000,
    allowInsecureStatusApi: true, // the fake Sync is on 127.0.0.1 over http
  });

  beforeEach(async () => {
    backend = await freshBackend();
    sync = await startFakeVendor('sync', 'sync-status-key');
    secrets = await fakeSecretsManager(secretValues, secretCalls);
    secretValues.set(SECRET_ARN, JSON.stringify(['sync-status-key', 'sync-next-key']));
    secretCalls.length = 0;
    logs.length = 0;
    // The handlers write their JSON lines to stdout directly (not through console.log).
    jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n')) if (line !== '') logs.push(line);
      return true;
    }) as typeof process.stdout.write);
    // The SDK warns that fauxqs's queue URL host (sqs.<region>.127.0.0.1) is not a valid URL; it uses the endpoint.
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await sync.close();
    await new Promise<void>((resolve) => secrets.server.close(() => resolve()));
  });

  it('polls a quiet registered job with the key from Secrets Manager and queues its final status', async () => {
    await new JobRegistry(backend.store, {}, { now: () => Date.now() - 11 * 60_000 }).register('sync', 'gen-lost');
    sync.jobs.set('gen-lost', { id: 'gen-lost', status: 'COMPLETED', outputUrl: 'https://cdn.sync.so/gen-lost.mp4', outputDuration: 4 });
    const handler = loadHandler([syncConfig()]);

    const summary = await handler({ 'detail-type': 'Scheduled Event' }, { getRemainingTimeInMillis: () => 6000 });
    expect(summary).toMatchObject({ polled: 1, hits: 1, errors: 0, failedVendors: [] });
    expect(sync.requests[0].headers['x-api-key']).toBe('sync-status-key'); // the first value of the secret
    const [event] = await drainEvents(backend.sqs, backend.queueUrl);
    expect(event.data).toMatchObject({ vendor: 'sync', jobId: 'gen-lost', status: 'succeeded', receivedVia: 'poll' });
    expect(logs.map((l) => JSON.parse(l) as Record<string, unknown>).some((l) => l.message === 'poll run finished' && l.polled === 1)).toBe(true);

    // A warm container: the key is cached, nothing is due.
    expect(await handler({}, { getRemainingTimeInMillis: () => 6000 })).toMatchObject({ polled: 0 });
    expect(secretCalls).toEqual([SECRET_ARN]);
  });

  it('archives the status answers of a run through Firehose when VW_ARCHIVE_STREAM is set, before the invocation returns (issue 22)', async () => {
    const firehose = new FirehoseWireStandIn();
    await firehose.start();
    try {
      const registry = new JobRegistry(backend.store, {}, { now: () => Date.now() - 11 * 60_000 });
      for (const id of ['gen-a1', 'gen-a2']) {
        await registry.register('sync', id);
        sync.jobs.set(id, { id, status: 'COMPLETED', outputUrl: `https://cdn.sync.so/${id}.mp4` });
      }
      Object.assign(process.env, { [ENV.ARCHIVE_STREAM]: 'vw-archive', AWS_ENDPOINT_URL_FIREHOSE: firehose.url });
      const handler = loadHandler([syncConfig()]);
      expect(await handler({}, { getRemainingTimeInMillis: () => 6000 })).toMatchObject({ polled: 2, hits: 2 });
      expect(firehose.calls.map((c) => [c.target, c.stream, c.records.length])).toEqual([['Firehose_20150804.PutRecordBatch', 'vw-archive', 2]]);
      const records = firehose.calls[0].records.map((line) => JSON.parse(line) as { jobId: string; receivedVia: string; verdict: string });
      expect(records.map((r) => [r.jobId, r.receivedVia, r.verdict]).sort()).toEqual([['gen-a1', 'poll', 'enqueued'], ['gen-a2', 'poll', 'enqueued']]);
    } finally {
      await firehose.stop();
    }
  });

  it('never asks loopback on Lambda (AWS_LAMBDA_RUNTIME_API set: the Runtime API listens there), even for a vendor that opted in', async () => {
    await new JobRegistry(backend.store, {}, { now: () => Date.now() - 11 * 60_000 }).register('sync', 'gen-rt');
    sync.jobs.set('gen-rt', { id: 'gen-rt', status: 'COMPLETED', outputUrl: 'https://cdn.sync.so/gen-rt.mp4' });
    // The fake Sync stands where the Runtime API would: what Lambda sets is 127.0.0.1:9001.
    process.env.AWS_LAMBDA_RUNTIME_API = new URL(sync.baseUrl).host;
    const handler = loadHandler([syncConfig()]);
    const summary = (await handler({}, { getRemainingTimeInMillis: () => 6000 })) as PollSummary;
    expect(summary).toMatchObject({ polled: 0, requests: 0, hits: 0, errors: 1, vendors: { sync: { errorsByReason: { refused: 1 } } } });
    expect(sync.requests).toHaveLength(0);
    const refused = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reason === 'refused');
    expect(refused?.detail).toMatch(/is loopback \(127\.0\.0\.0\/8\).*: not asked on Lambda, whatever allowInsecureStatusApi says$/);
  });

  it('fails the invocation when the status-API key cannot be read, and polls nothing for that vendor', async () => {
    secretValues.delete(SECRET_ARN);
    await new JobRegistry(backend.store, {}, { now: () => Date.now() - 11 * 60_000 }).register('sync', 'gen-x');
    const handler = loadHandler([syncConfig()]);
    await expect(handler({}, { getRemainingTimeInMillis: () => 6000 })).rejects.toThrow('poll run failed for vendor(s) sync');
    expect(sync.requests).toHaveLength(0);
  });

  it('replays the quarantine when invoked with {"action":"replay-quarantine"}, for every vendor, polled or not', async () => {
    process.env[ENV.QUARANTINE_QUEUE_URL] = backend.quarantineQueueUrl;
    const generation = { id: 'gen-q', status: 'COMPLETED', outputUrl: 'https://cdn.sync.so/gen-q.mp4' };
    // An hour ago: inside the dedupe window (a message older than it is not replayed).
    const receivedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const signedAt = new Date(receivedAt.getTime() - 2000);
    await backend.quarantine.send({
      vendor: 'sync',
      reason: 'an older adapter could not read it',
      receivedAt: receivedAt.toISOString(),
      headers: {},
      bodyBase64: Buffer.from(JSON.stringify(generation)).toString('base64'),
      signedTimestampMs: signedAt.getTime(),
    });
    const handler = loadHandler([{ ...syncConfig(), pollingEnabled: false }]);

    const summary = await handler({ action: 'replay-quarantine' }, { getRemainingTimeInMillis: () => 6000 });
    expect(summary).toMatchObject({ received: 1, delivered: { enqueued: 1 }, requeued: 0, failed: 0, stoppedBecause: 'empty' });
    const [event] = await drainEvents(backend.sqs, backend.queueUrl);
    expect(event).toMatchObject({ time: signedAt.toISOString(), data: { jobId: 'gen-q', status: 'succeeded', receivedVia: 'webhook', receivedAt: receivedAt.toISOString() } });
    expect(sync.requests).toHaveLength(0); // a replay polls nothing
    const metricLines = logs.filter((l) => l.includes('"_aws"') && l.includes('QuarantineReplayed'));
    expect(metricLines).toHaveLength(1); // summed and written once per run
    await expect(handler({ action: 'replay-quarantine', maxMessages: 0 } as never, { getRemainingTimeInMillis: () => 6000 })).rejects.toThrow(
      'maxMessages 0 is not valid: use a whole number of at least 1',
    );
  });

  it('says what to do when the poller has no quarantine queue to replay', async () => {
    const handler = loadHandler([syncConfig()]);
    await expect(handler({ action: 'replay-quarantine' }, { getRemainingTimeInMillis: () => 6000 })).rejects.toThrow(
      'VW_QUARANTINE_QUEUE_URL is not set: this poller was deployed without quarantine access; update the stack',
    );
  });
});
