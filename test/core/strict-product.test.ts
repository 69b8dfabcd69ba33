/**
 * Product calls AWS rejects, found with the strict local AWS. Each of these failed before the bounds
 * (core/bounds.ts): 500 on every retry. Now through the real SQS and DynamoDB wire protocols.
 */
import { createHmac } from 'node:crypto';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { customAdapter } from '../../lambda/vendors/custom';
import { drainEvents, freshBackend, ManualClock, TEST_DELIVERY_CONFIG } from '../support/emulators';

const SECRET = 'acme-secret';
const adapter = customAdapter({ auth: { type: 'hmac', signatureHeader: 'x-sig' }, paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' } }, 'acme');
const signed = (body: string) => ({ headers: { 'x-sig': createHmac('sha256', SECRET).update(body).digest('hex') }, body: Buffer.from(body) });

async function deps(maxBodyBytes = 262_144): Promise<WebhookDeps & { sqs: import('@aws-sdk/client-sqs').SQSClient; queueUrl: string }> {
  const b = await freshBackend();
  return {
    adapters: new Map([['acme', adapter]]),
    secrets: new StaticSecretSource({ acme: [SECRET] }),
    secretIdFor: (v) => v,
    store: b.store,
    queue: b.queue,
    quarantine: b.quarantine,
    clock: new ManualClock(),
    telemetry: { log: () => undefined, count: () => undefined },
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes,
    sqs: b.sqs,
    queueUrl: b.queueUrl,
  };
}

describe('job ids SQS or DynamoDB would reject as keys', () => {
  it.each([
    ['a space (MessageGroupId allows no spaces)', 'job 1'],
    ['a non-ASCII letter (MessageGroupId: ASCII letters, digits, punctuation)', 'jöb-1'],
    ['an emoji', 'job-😀'],
  ])('answers 200 and queues the event when the job id has %s', async (_why, jobId) => {
    const d = await deps();
    const answer = await handleWebhook('acme', signed(JSON.stringify({ id: jobId, state: 'done' })), d);
    expect(answer.statusCode).toBe(200);
    expect((await drainEvents(d.sqs, d.queueUrl)).map((e) => e.data.jobId)).toEqual([jobId]);
  });

  it.each([
    ['2,100 ASCII characters (partition key over 2,048 bytes)', 'j'.repeat(2100)],
    ['1,100 two-byte characters (2,200 bytes, though under 2,048 characters)', 'é'.repeat(1100)],
  ])('never answers 500 for a job id of %s', async (_why, jobId) => {
    const d = await deps();
    const answer = await handleWebhook('acme', signed(JSON.stringify({ id: jobId, state: 'done' })), d);
    expect([200, 202]).toContain(answer.statusCode);
  });
});

describe('events that outgrow SQS once serialized', () => {
  it('never answers 500 for a 500 KB authenticated body of numbers written 1e20 (2.2 MB once the event is serialized)', async () => {
    const d = await deps(700 * 1024);
    const body = `{"id":"n1","state":"done","pad":[${Array.from({ length: 100_000 }, () => '1e20').join(',')}]}`;
    const answer = await handleWebhook('acme', signed(body), d);
    expect([200, 202]).toContain(answer.statusCode);
  });
});

describe('what the quarantine keeps, through the strict layer', () => {
  it('quarantines (202) a payload whose unknown status is U+FFFF U+FFFE, which the reason quotes (500 on every retry before: found by the authenticated fuzz)', async () => {
    const d = await deps();
    const body = JSON.stringify({ id: 'q1', state: '\uffff\ufffe' });
    for (let attempt = 0; attempt < 2; attempt++) expect((await handleWebhook('acme', signed(body), d)).statusCode).toBe(202);
  });
});
