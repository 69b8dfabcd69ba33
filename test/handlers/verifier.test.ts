/**
 * The built verifier bundle (assets/verifier/index.js, what Lambda runs) driven with API Gateway
 * HTTP API payload-format-2.0 events, against dynalite, fauxqs and a local Secrets Manager
 * endpoint. Signatures are computed here with node:crypto, independently of the adapters.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { drainEvents, drainQueue, freshBackend, testEmulators, type TestBackend } from '../support/emulators';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager';
import { FirehoseWireStandIn } from '../support/firehose-wire-stand-in';
import { startLambda, type LambdaProcess } from '../support/lambda-process';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type Fn = LambdaProcess<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
const BUNDLE = join(__dirname, '..', '..', 'assets', 'verifier', 'index.js');
const SECRETS = { sync: 'whsec_sync_test', viralsync: 'vs_secret', synthesia: 'syn_secret', lipdub: 'ld_key_123' } as const;
type VendorId = keyof typeof SECRETS;

const hmacHex = (key: string, data: string) => createHmac('sha256', key).update(data).digest('hex');
const nowSec = () => Math.floor(Date.now() / 1000);

/** What each vendor sends for a completed job, signed as the vendor signs it. */
function completed(vendor: VendorId, jobId: string, secret: string = SECRETS[vendor]): { headers: Record<string, string>; body: string } {
  const t = String(nowSec());
  switch (vendor) {
    case 'sync': {
      const body = JSON.stringify({ id: jobId, status: 'COMPLETED', outputUrl: 'https://x/out.mp4', outputDuration: 12.5, error: null, error_code: null });
      return { body, headers: { 'Sync-Signature': `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}` } };
    }
    case 'viralsync': {
      const body = JSON.stringify({ jobId, status: 'done', progress: 1, outputUrl: 'https://r2/out.mp4', mediaData: { duration: 10, width: 1920, height: 1080, fileSize: 8432156 }, timestamp: '2026-04-02T10:00:52.000Z' });
      return { body, headers: { 'X-Render-Signature': hmacHex(secret, body) } };
    }
    case 'synthesia': {
      const body = JSON.stringify({ type: 'video.completed', data: { id: jobId, status: 'complete', download: 'https://s/v.mp4', duration: 45 } });
      return { body, headers: { 'Synthesia-Timestamp': t, 'Synthesia-Signature': hmacHex(secret, `${t}.${body}`) } };
    }
    case 'lipdub': {
      const body = JSON.stringify({ event_type: 'VIDEO_RENDER_COMPLETE', created_at: '2026-04-02T10:00:52Z', data: { generate_id: Number(jobId.replace(/\D/g, '') || 1), download_url: 'https://l/o.mp4' } });
      return { body, headers: { Authorization: `Bearer ${secret}`, 'X-LipDub-Event': 'VIDEO_RENDER_COMPLETE' } };
    }
  }
}

function apiEvent(vendor: string, headers: Record<string, string>, body: string, base64 = false): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `POST /webhooks/${vendor}`,
    rawPath: `/webhooks/${vendor}`,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: { http: { method: 'POST', path: `/webhooks/${vendor}` } } as APIGatewayProxyEventV2['requestContext'],
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  };
}

describe('verifier Lambda bundle', () => {
  let backend: TestBackend;
  let secrets: FakeSecretsManager;
  const handlers = new Map<VendorId, Handler>();
  const started: Fn[] = [];
  let awsEnv: Record<string, string> = {};

  /** One "container" of the verifier for a vendor, with the environment the construct sets. */
  async function load(vendor: VendorId, extraEnv: Record<string, string> = {}): Promise<Handler> {
    const fn = await startLambda<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(BUNDLE, {
      PATH: process.env.PATH,
      ...awsEnv,
      VW_VENDOR: JSON.stringify({ id: vendor, kind: vendor, options: {} }),
      VW_WEBHOOK_SECRET_ID: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${vendor}`,
      VW_TABLE_NAME: backend.tableName,
      VW_QUEUE_URL: backend.queueUrl,
      VW_QUARANTINE_QUEUE_URL: backend.quarantineQueueUrl,
      VW_MAX_BODY_BYTES: String(8 * 1024),
      ...extraEnv,
    });
    started.push(fn);
    return (event) => fn.invoke(event);
  }

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first (npm test does)`);
    backend = await freshBackend();
    secrets = await startFakeSecretsManager(
      Object.fromEntries(Object.entries(SECRETS).map(([v, s]) => [`arn:aws:secretsmanager:us-east-1:123456789012:secret:${v}`, v === 'sync' ? JSON.stringify(['whsec_old', s]) : s])),
    );
    const emulators = testEmulators();
    awsEnv = {
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const vendor of Object.keys(SECRETS) as VendorId[]) handlers.set(vendor, await load(vendor));
  });

  afterAll(async () => {
    await Promise.all(started.map((fn) => fn.stop()));
    await secrets.close();
  });

  afterEach(async () => {
    await drainQueue(backend.sqs, backend.queueUrl);
    await drainQueue(backend.sqs, backend.quarantineQueueUrl);
  });

  it.each(Object.keys(SECRETS) as VendorId[])('answers 200 to a signed %s completion and queues exactly one normalized event', async (vendor) => {
    const { headers, body } = completed(vendor, `job-${vendor}-1`);
    const res = await handlers.get(vendor)!(apiEvent(vendor, headers, body));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ accepted: true, outcome: 'enqueued' });
    const events = await drainEvents(backend.sqs, backend.queueUrl);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ specversion: '1.0', source: `video-webhooks/${vendor}`, type: 'video.job.succeeded', data: { vendor, status: 'succeeded', terminal: true, receivedVia: 'webhook' } });
  });

  it('archives each authenticated webhook through Firehose when VW_ARCHIVE_STREAM is set: one PutRecord of the record\'s line, the answer after it (issue 22)', async () => {
    const firehose = new FirehoseWireStandIn();
    await firehose.start();
    try {
      const archiving = await load('viralsync', { VW_ARCHIVE_STREAM: 'vw-archive', AWS_ENDPOINT_URL_FIREHOSE: firehose.url });
      const { headers, body } = completed('viralsync', 'job-archived-1');
      expect((await archiving(apiEvent('viralsync', headers, body))).statusCode).toBe(200);
      expect((await archiving(apiEvent('viralsync', { 'X-Render-Signature': 'forged' }, body))).statusCode).toBe(401);
      const [event] = await drainEvents(backend.sqs, backend.queueUrl);
      expect(firehose.calls.map((c) => [c.target, c.stream])).toEqual([['Firehose_20150804.PutRecord', 'vw-archive']]);
      expect(firehose.calls[0].records[0].endsWith('\n')).toBe(true);
      expect(JSON.parse(firehose.calls[0].records[0])).toMatchObject({ v: 1, vendor: 'viralsync', jobId: 'job-archived-1', verdict: 'enqueued', eventId: event.id, body, headers: { 'x-render-signature': headers['X-Render-Signature'] } });
      // Firehose down: the webhook is still answered 200 and queued.
      firehose.answer = () => ({ status: 503, body: { __type: 'ServiceUnavailableException', message: 'Slow down.' } });
      const again = completed('viralsync', 'job-archived-2');
      expect((await archiving(apiEvent('viralsync', again.headers, again.body))).statusCode).toBe(200);
      expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.data.jobId)).toEqual(['job-archived-2']);
    } finally {
      await firehose.stop();
    }
  });

  it('reads its vendor configuration from the file VW_VENDOR_FILE names in its task root, as the construct stages it, deploy-time values from the variables the file refers to', async () => {
    const taskRoot = mkdtempSync(join(tmpdir(), 'vw-verifier-code-'));
    try {
      // What codeWithConfigs writes for a tolerance that was a token at synth time: a reference to VW_VENDOR_VALUE_0.
      writeFileSync(join(taskRoot, 'vendor-synthesia.json'), JSON.stringify({ id: 'synthesia', kind: 'synthesia', options: { timestampToleranceSeconds: { $env: 'VW_VENDOR_VALUE_0', number: true } } }));
      // The inline VW_VENDOR (600 s) is what it would read without the file.
      const fromFile = await load('synthesia', { LAMBDA_TASK_ROOT: taskRoot, VW_VENDOR_FILE: 'vendor-synthesia.json', VW_VENDOR_VALUE_0: '5' });
      const signed = (jobId: string, t: number) => {
        const body = JSON.stringify({ type: 'video.completed', data: { id: jobId, status: 'complete', download: 'https://s/v.mp4' } });
        return apiEvent('synthesia', { 'Synthesia-Timestamp': String(t), 'Synthesia-Signature': hmacHex(SECRETS.synthesia, `${t}.${body}`) }, body);
      };
      expect((await fromFile(signed('job-file-fresh', nowSec()))).statusCode).toBe(200);
      expect((await fromFile(signed('job-file-stale', nowSec() - 60))).statusCode).toBe(401); // 60 s is within 600 s, not within the file's 5 s
      expect((await drainEvents(backend.sqs, backend.queueUrl)).map((e) => e.data.jobId)).toEqual(['job-file-fresh']);
    } finally {
      rmSync(taskRoot, { recursive: true, force: true });
    }
  });

  it('accepts a body API Gateway delivered base64-encoded, verifying the decoded bytes', async () => {
    const { headers, body } = completed('viralsync', 'job-b64');
    const res = await handlers.get('viralsync')!(apiEvent('viralsync', headers, body, true));
    expect(res.statusCode).toBe(200);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(1);
  });

  it('accepts the old and the new Sync secret during rotation (a JSON array secret)', async () => {
    for (const [i, secret] of ['whsec_old', SECRETS.sync].entries()) {
      const { headers, body } = completed('sync', `job-rot-${i}`, secret);
      expect((await handlers.get('sync')!(apiEvent('sync', headers, body))).statusCode).toBe(200);
    }
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(2);
  });

  it('answers 401 with a generic body and queues nothing for a wrong secret, a tampered body or a missing signature', async () => {
    const forged = completed('synthesia', 'job-x', 'not-the-secret');
    const good = completed('synthesia', 'job-y');
    const cases = [forged, { headers: good.headers, body: good.body.replace('complete', 'error') }, { headers: {}, body: good.body }];
    for (const c of cases) {
      const res = await handlers.get('synthesia')!(apiEvent('synthesia', c.headers, c.body));
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body!)).toEqual({ error: 'unauthorized' });
    }
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
    expect(await drainQueue(backend.sqs, backend.quarantineQueueUrl)).toHaveLength(0);
  });

  it('answers 401 to a Sync delivery signed 301 s ago', async () => {
    const body = JSON.stringify({ id: 'job-stale', status: 'COMPLETED' });
    const t = String(nowSec() - 301);
    const res = await handlers.get('sync')!(apiEvent('sync', { 'sync-signature': `t=${t},v1=${hmacHex(SECRETS.sync, `${t}.${body}`)}` }, body));
    expect(res.statusCode).toBe(401);
  });

  it('answers 413 to a body over the limit, before authenticating it', async () => {
    const res = await handlers.get('viralsync')!(apiEvent('viralsync', {}, 'x'.repeat(8 * 1024 + 1)));
    expect(res.statusCode).toBe(413);
  });

  it('answers 404 to a vendor this function does not serve', async () => {
    const res = await handlers.get('viralsync')!(apiEvent('acme', {}, '{}'));
    expect(res.statusCode).toBe(404);
  });

  it('quarantines an authenticated body that is not JSON: 202, raw body and auth headers kept, nothing on the events queue', async () => {
    const body = '<xml>not json</xml>';
    const res = await handlers.get('viralsync')!(apiEvent('viralsync', { 'x-render-signature': hmacHex(SECRETS.viralsync, body), 'x-other': 'dropped' }, body));
    expect(res.statusCode).toBe(202);
    const quarantined = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    expect(quarantined).toHaveLength(1);
    const message = JSON.parse(quarantined[0].body);
    expect(message).toMatchObject({ vendor: 'viralsync', reason: 'body is not a JSON object', headers: { 'x-render-signature': hmacHex(SECRETS.viralsync, body) } });
    expect(message.headers['x-other']).toBeUndefined();
    expect(Buffer.from(message.bodyBase64, 'base64').toString()).toBe(body);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
  });

  it('answers 202 and queues nothing for a LipDub event type it does not know', async () => {
    const body = JSON.stringify({ event_type: 'AVATAR_PUBLISHED', created_at: '2026-04-02T10:00:00Z', data: { generate_id: 5 } });
    const res = await handlers.get('lipdub')!(apiEvent('lipdub', { authorization: `Bearer ${SECRETS.lipdub}` }, body));
    expect(res.statusCode).toBe(202);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
    expect(await drainQueue(backend.sqs, backend.quarantineQueueUrl)).toHaveLength(0);
  });

  it('answers 500 and queues nothing when DynamoDB fails (a table that does not exist)', async () => {
    const broken = await load('viralsync', { VW_TABLE_NAME: 'no-such-table' });
    const { headers, body } = completed('viralsync', 'job-ddb');
    const res = await broken(apiEvent('viralsync', headers, body));
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body!)).toEqual({ error: 'temporary failure; retry' });
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
    handlers.set('viralsync', await load('viralsync'));
  });

  it('answers 500 when SQS fails, and the vendor retry then queues the event once', async () => {
    const broken = await load('viralsync', { VW_QUEUE_URL: `${backend.queueUrl.replace(/[^/]+$/, '')}no-such-queue.fifo` });
    const { headers, body } = completed('viralsync', 'job-sqs');
    expect((await broken(apiEvent('viralsync', headers, body))).statusCode).toBe(500);
    const fixed = await load('viralsync');
    expect((await fixed(apiEvent('viralsync', headers, body))).statusCode).toBe(200);
    expect((await fixed(apiEvent('viralsync', headers, body))).statusCode).toBe(200);
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(1);
    handlers.set('viralsync', fixed);
  });

  it('answers 500 when the webhook secret cannot be read, without touching the body', async () => {
    secrets.fail.next = 5;
    const cold = await load('synthesia');
    const { headers, body } = completed('synthesia', 'job-secret');
    expect((await cold(apiEvent('synthesia', headers, body))).statusCode).toBe(500);
    secrets.fail.next = 0;
  });

  it('logs one JSON line for an enqueued event, its metrics folded in (issue 20), names vendor, job id and event id, and never the secret, signature or payload', async () => {
    await load('viralsync');
    const fn = started[started.length - 1];
    const { headers, body } = completed('viralsync', 'job-logged');
    const before = fn.logs.length;
    expect((await fn.invoke(apiEvent('viralsync', headers, body))).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(fn.logs.length - before).toBe(1);
    const forged = completed('viralsync', 'job-forged', 'wrong-secret');
    expect((await fn.invoke(apiEvent('viralsync', forged.headers, forged.body))).statusCode).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    const lines = fn.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.message === 'event enqueued')).toMatchObject({ level: 'info', Vendor: 'viralsync', jobId: 'job-logged', eventId: expect.any(String), Received: 1, Enqueued: 1, _aws: expect.any(Object) });
    const emf = lines.filter((l) => l._aws !== undefined);
    expect(emf.find((l) => l.Rejected === 1)).toMatchObject({ Vendor: 'viralsync', Reason: 'bad_signature' });
    expect(emf).toHaveLength(3); // success: its one line; rejection (a warning, written at once): a per-vendor line (Received) and a per-reason line (Rejected)
    const all = fn.logs.join('\n');
    for (const secret of [SECRETS.viralsync, headers['X-Render-Signature'], forged.headers['X-Render-Signature'], 'https://r2/out.mp4', '8432156']) {
      expect(all).not.toContain(secret);
    }
    await drainQueue(backend.sqs, backend.queueUrl);
  });

  it('never answers 2xx, always answers JSON and queues nothing for random and mutated unauthenticated requests (property-based)', async () => {
    const vendors = Object.keys(SECRETS) as VendorId[];
    const headerNames = ['sync-signature', 'x-signature-primary', 'x-render-signature', 'synthesia-signature', 'synthesia-timestamp', 'authorization', 'x-api-key', 'content-type'];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...vendors),
        fc.dictionary(fc.constantFrom(...headerNames), fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), fc.constant(`t=${nowSec()},v1=${'0'.repeat(64)}`), fc.constant('Bearer wrong'))),
        fc.oneof(fc.string(), fc.json(), fc.constant(completed('sync', 'j').body), fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1'))),
        fc.boolean(),
        fc.nat(),
        async (vendor, randomHeaders, randomBody, base64, flip) => {
          // Half the cases start from a genuine request and change one character of what is
          // authenticated: the body for signing vendors, the key for LipDub (it signs nothing).
          const genuine = completed(vendor, `job-fuzz-${flip % 7}`);
          const mutated = flip % 2 === 0;
          const change = (text: string) => {
            const at = flip % text.length;
            return text.slice(0, at) + String.fromCharCode(33 + ((text.charCodeAt(at) - 33 + 1 + (flip % 50)) % 94)) + text.slice(at + 1);
          };
          const keyOnly = vendor === 'lipdub';
          const body = mutated && !keyOnly ? change(genuine.body) : mutated ? genuine.body : randomBody;
          const headers = mutated && keyOnly ? { Authorization: `Bearer ${change(SECRETS.lipdub)}` } : mutated ? genuine.headers : randomHeaders;
          fc.pre(!mutated || body !== genuine.body || headers !== genuine.headers);
          const res = await handlers.get(vendor)!(apiEvent(vendor, headers, body, base64));
          statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(() => JSON.parse(res.body!)).not.toThrow();
        },
      ),
      { numRuns: 400 },
    );
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(0);
    expect(await drainQueue(backend.sqs, backend.quarantineQueueUrl)).toHaveLength(0);
    expect([...statuses.keys()].every((s) => s === 401 || s === 413)).toBe(true);
    expect(statuses.get(401)).toBeGreaterThan(300);
  });
});
