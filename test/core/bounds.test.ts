/**
 * Every accepted input fits what SQS and DynamoDB accept, by design (issue 13, defects 5 and 6;
 * issue 14, findings 3, 6, 8, 9 and 12): authenticated webhooks through the real adapters and the
 * delivery core on in-memory ports that record what they were given, checked against AWS's limits.
 */
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { MemoryJobStore, MemoryQuarantineQueue } from '../../local/adapters/memory';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { messageGroupOf } from '../../lambda/adapters/aws/sqs-queue';
import { DYNAMODB_MAX_PARTITION_KEY_BYTES, SQS_GROUP_ID_PATTERN, SQS_MAX_MESSAGE_BYTES } from '../../lambda/contract/aws-limits';
import { EVENT_BOUNDS, EVENT_MAX_BYTES, boundLogFields, jobIdProblem } from '../../lambda/core/bounds';
import { buildEvent, eventIdFor, eventJson, type NormalizedFields } from '../../lambda/core/event';
import { jobKey } from '../../lambda/core/job-key';
import type { EventMessage, EventQueue, Telemetry } from '../../lambda/core/ports';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { rawRequest } from '../../lambda/core/http';
import { createAdapter } from '../../lambda/vendors/registry';
import type { VendorRuntimeConfig } from '../../lambda/contract/deployment';
import { samplePayload, signRequest } from '../../lambda/vendors/samples';
import { ManualClock, TEST_DELIVERY_CONFIG } from '../support/emulators';

const SECRET = 'whsec_bounds_test_secret';

/** SQS's allowed body characters: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF (SendMessage API reference). */
const SQS_BODY_CHARACTERS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** An events queue that keeps the messages and checks each against SQS's documented limits. */
class CheckedQueue implements EventQueue {
  readonly messages: EventMessage[] = [];
  readonly problems: string[] = [];
  async send(message: EventMessage): Promise<void> {
    const bytes = Buffer.byteLength(message.body) + Buffer.byteLength(message.type) + Buffer.byteLength(message.source) + 2 * ('ce-type'.length + 'String'.length);
    if (bytes > SQS_MAX_MESSAGE_BYTES) this.problems.push(`message of ${bytes} bytes (SQS takes ${SQS_MAX_MESSAGE_BYTES})`);
    if (!SQS_BODY_CHARACTERS.test(message.body)) this.problems.push('body has characters SQS refuses');
    if (!SQS_GROUP_ID_PATTERN.test(messageGroupOf(message.vendor, message.jobId))) this.problems.push(`group id ${JSON.stringify(messageGroupOf(message.vendor, message.jobId))}`);
    if (Buffer.byteLength(jobKey(message.vendor, message.jobId)) > DYNAMODB_MAX_PARTITION_KEY_BYTES) this.problems.push('partition key over 2,048 bytes');
    this.messages.push(message);
  }
}

function depsFor(vendor: string, telemetry: Telemetry = new CountingTelemetry(), config: VendorRuntimeConfig = { id: vendor, kind: vendor, options: {} }) {
  const queue = new CheckedQueue();
  const quarantine = new MemoryQuarantineQueue();
  const clock = new ManualClock();
  const secretIdFor = (v: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:video-webhooks/${v}-AbCdEf`;
  const deps: WebhookDeps = {
    adapters: new Map([[vendor, createAdapter(config)]]),
    store: new MemoryJobStore(),
    queue,
    quarantine,
    secrets: new StaticSecretSource({ [secretIdFor(vendor)]: [SECRET] }),
    secretIdFor,
    clock,
    telemetry,
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes: 700 * 1024,
  };
  const send = (body: string, headers: Record<string, string> = signRequest(vendor, body, SECRET, clock.now())) => handleWebhook(vendor, rawRequest(headers, body), deps);
  return { deps, queue, quarantine, clock, send };
}

const viralsyncJob = (fields: Record<string, unknown>) => JSON.stringify({ status: 'running', progress: 0.4, timestamp: new Date().toISOString(), ...fields });

describe('an event always fits one SQS message', () => {
  it('even with every field at its bound and every character the costliest to escape', () => {
    const control = (n: number) => '\u0001'.repeat(n); // 6 bytes each as JSON
    const fields: NormalizedFields = {
      jobId: control(EVENT_BOUNDS.jobIdBytes),
      status: 'failed',
      progress: 0.5,
      stage: control(EVENT_BOUNDS.textChars),
      outputUrl: control(EVENT_BOUNDS.urlChars),
      media: { durationSeconds: -1.2345678901234567e300, width: -1.2345678901234567e300, height: -1.2345678901234567e300, fileSizeBytes: -1.2345678901234567e300, thumbnailUrl: control(EVENT_BOUNDS.urlChars), captions: { srt: control(EVENT_BOUNDS.urlChars), vtt: control(EVENT_BOUNDS.urlChars) } },
      error: { message: control(EVENT_BOUNDS.errorMessageChars), code: control(EVENT_BOUNDS.textChars) },
      vendorEventType: control(EVENT_BOUNDS.textChars),
      vendorStatus: control(EVENT_BOUNDS.textChars),
      occurredAtMs: 0,
      // Exactly at the raw budget: a string of 6-byte escapes and the quotes.
      raw: control(Math.floor((EVENT_BOUNDS.rawBytes - 2) / 6)),
    };
    const event = buildEvent(fields, { vendor: 'a'.repeat(32), receivedVia: 'webhook', receivedAtMs: 0 });
    expect(event.data.raw).toBe(fields.raw); // kept: inside the budget
    const bytes = Buffer.byteLength(eventJson(event));
    expect(bytes).toBeLessThanOrEqual(EVENT_MAX_BYTES);
    expect(JSON.parse(eventJson(event))).toEqual(event);
  });

  it('replaces a raw payload over its budget by a marker, and keeps the normalized fields', () => {
    const big = { blob: 'x'.repeat(EVENT_BOUNDS.rawBytes) };
    const event = buildEvent(
      { jobId: 'j1', status: 'succeeded', progress: 1, stage: null, outputUrl: 'https://cdn.example/o.mp4', media: null, error: null, vendorEventType: null, vendorStatus: 'done', occurredAtMs: null, raw: big },
      { vendor: 'viralsync', receivedVia: 'poll', receivedAtMs: 0 },
    );
    expect(event.data.raw).toEqual({ $omitted: { reason: 'too_large', bytes: EVENT_BOUNDS.rawBytes + 11, limitBytes: EVENT_BOUNDS.rawBytes } });
    expect(event.data.outputUrl).toBe('https://cdn.example/o.mp4');
  });

  it('a ViralSync failure whose error object is escaped twice, in a 700 KiB body, is enqueued and fits', async () => {
    const { send, queue } = depsFor('viralsync');
    const error: Record<string, string> = {};
    for (let i = 0; i < 13_500; i++) error[`k${i}`] = '"q"'.repeat(8); // ~690 KiB of JSON, a third of it quotes
    const answer = await send(viralsyncJob({ jobId: 'job_big', status: 'failed', error }));
    expect(answer.statusCode).toBe(200);
    expect(queue.problems).toEqual([]);
    expect(queue.messages).toHaveLength(1);
    const event = JSON.parse(queue.messages[0].body) as { data: { error: { message: string }; raw: { error: unknown } } };
    expect(event.data.error.message.length).toBeLessThanOrEqual(EVENT_BOUNDS.errorMessageChars);
    expect(event.data.raw.error).toEqual(error); // the payload itself is inside the raw budget
  });

  it('numbers that grow when serialized again (9e20 is 21 digits) cannot push an event over', async () => {
    const { send, queue } = depsFor('viralsync');
    const numbers = `[${Array.from({ length: 140_000 }, () => '9e20').join(',')}]`; // 700 KB in, 3 MB as JSON
    const answer = await send(`{"jobId":"job_num","status":"done","progress":1,"numbers":${numbers}}`);
    expect(answer.statusCode).toBe(200);
    expect(queue.problems).toEqual([]);
    expect((JSON.parse(queue.messages[0].body) as { data: { raw: unknown } }).data.raw).toMatchObject({ $omitted: { reason: 'too_large' } });
  });

  it('U+FFFE and U+FFFF in a payload (SQS refuses them raw) are sent as JSON escapes: the same value', async () => {
    const { send, queue } = depsFor('viralsync');
    const answer = await send(viralsyncJob({ jobId: 'job_nonchar', phase: 'render \uFFFF \uFFFE 🎬' }));
    expect(answer.statusCode).toBe(200);
    expect(queue.problems).toEqual([]);
    expect((JSON.parse(queue.messages[0].body) as { data: { stage: string } }).data.stage).toBe('render \uFFFF \uFFFE 🎬');
  });
});

describe('job ids SQS or DynamoDB would refuse', () => {
  it.each([
    ['a space', 'job 42'],
    ['non-ASCII', 'jöb-ünïcode-漢字'],
    ['an emoji', 'job-🎬'],
    ['a tab and a NUL', 'job\t\u0000x'],
    ['130 characters', 'j'.repeat(130)],
  ])('with %s: enqueued with a group id SQS accepts', async (_what, jobId) => {
    const { send, queue } = depsFor('viralsync');
    const answer = await send(viralsyncJob({ jobId }));
    expect(answer.statusCode).toBe(200);
    expect(queue.problems).toEqual([]);
    expect((JSON.parse(queue.messages[0].body) as { subject: string }).subject).toBe(jobId);
  });

  it('keeps the group id of an ordinary job as it was (in-flight groups do not change on upgrade)', () => {
    expect(messageGroupOf('sync', '6b3b4d5e-1a2b-4c3d-9e8f-0a1b2c3d4e5f')).toBe('sync#6b3b4d5e-1a2b-4c3d-9e8f-0a1b2c3d4e5f');
  });

  it.each([
    ['over 1,024 bytes (3,000)', 'é'.repeat(1500), /3000 bytes/],
    ['a lone surrogate', 'job-\uD800', /lone surrogate/],
  ])('%s: quarantined with 202, never retried forever', async (_what, jobId, reason) => {
    const { send, queue, quarantine } = depsFor('viralsync');
    const first = await send(viralsyncJob({ jobId }));
    expect(first).toMatchObject({ statusCode: 202, result: { kind: 'quarantined' } });
    expect(first.result.kind === 'quarantined' && first.result.reason).toMatch(reason);
    expect(queue.messages).toHaveLength(0);
    expect(quarantine.messages).toHaveLength(1);
    // A later ordinary event of another job is not blocked by anything left behind.
    expect((await send(viralsyncJob({ jobId: 'job_next' }))).statusCode).toBe(200);
  });

  it('jobIdProblem accepts the largest id and refuses one byte more', () => {
    expect(jobIdProblem('a'.repeat(EVENT_BOUNDS.jobIdBytes))).toBeUndefined();
    expect(jobIdProblem('a'.repeat(EVENT_BOUNDS.jobIdBytes + 1))).toMatch(/1025 bytes/);
    expect(jobIdProblem('😀'.repeat(256))).toBeUndefined(); // 1,024 bytes, 512 UTF-16 units
  });
});

describe('authenticated bodies that used to answer 500 on every retry', () => {
  it('JSON nested 5,000 deep is quarantined (202), not parsed', async () => {
    const { send, queue, quarantine } = depsFor('viralsync');
    const deep = `{"jobId":"job_deep","status":"running","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const answer = await send(deep);
    expect(answer).toMatchObject({ statusCode: 202, result: { kind: 'quarantined', reason: 'JSON nested deeper than 64 levels' } });
    expect(queue.messages).toHaveLength(0);
    expect(quarantine.messages).toHaveLength(1);
  });

  it('JSON nested 64 deep (the bound) is still an event', async () => {
    const { send } = depsFor('viralsync');
    expect((await send(`{"jobId":"job_64","status":"running","x":${'['.repeat(63)}${']'.repeat(63)}}`)).statusCode).toBe(200);
  });
});

describe('event ids', () => {
  it('keep their 0.1.0 values for ordinary inputs (an upgrade re-delivers nothing)', () => {
    expect(eventIdFor('viralsync', { jobId: 'job_a1b2c3', status: 'succeeded', progress: null, stage: null })).toBe('4c953bb6-3870-60a8-0d48-02500818c653');
    expect(eventIdFor('viralsync', { jobId: 'job_a1b2c3', status: 'processing', progress: 0.46, stage: 'rendering' })).toBe('059f4914-5742-155c-8698-dd1bb320dad3');
    expect(eventIdFor('sync', { jobId: '6b3b4d5e-1a2b-4c3d-9e8f-0a1b2c3d4e5f', status: 'queued', progress: null, stage: null })).toBe('0ae2b292-c9ca-a948-4adb-4b0a7a5c72b3');
  });

  it('do not collide when a job id or a stage holds a NUL', async () => {
    // Joined with NUL these were the same string, so the same id: the second event was dropped by SQS's deduplication.
    const a = eventIdFor('sync', { jobId: 'x', status: 'processing', progress: null, stage: 'succeeded' });
    const b = eventIdFor('sync', { jobId: 'x\u0000processing\u0000', status: 'succeeded', progress: null, stage: null });
    expect(a).not.toBe(b);
    const { send, queue } = depsFor('viralsync');
    await send(viralsyncJob({ jobId: 'x', status: 'running', progress: null, phase: 'done' }));
    await send(viralsyncJob({ jobId: 'x\u0000running\u0000', status: 'done' }));
    expect(new Set(queue.messages.map((m) => m.id)).size).toBe(2);
  });
});

describe('what leaves the boundary', () => {
  it('the quarantine keeps no static key: LipDub\'s Bearer or X-Api-Key, a custom vendor\'s header', async () => {
    const { send, quarantine } = depsFor('lipdub');
    await send('{"event_type":"VIDEO_RENDER_COMPLETE","data":"not an object"}', { authorization: `Bearer ${SECRET}`, 'x-lipdub-event': 'VIDEO_RENDER_COMPLETE' });
    await send('not json', { 'x-api-key': SECRET });
    expect(quarantine.messages).toHaveLength(2);
    for (const m of quarantine.messages) expect(JSON.stringify(m)).not.toContain(SECRET);
    expect(quarantine.messages[0].headers).toEqual({ 'x-lipdub-event': 'VIDEO_RENDER_COMPLETE' });

    const custom = { id: 'acme', kind: 'custom', options: { auth: { type: 'bearer', header: 'x-acme-token' }, paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' } } };
    const acme = depsFor('acme', undefined, custom);
    expect((await acme.send('not json', { 'x-acme-token': `Bearer ${SECRET}` })).statusCode).toBe(202);
    expect(acme.quarantine.messages).toHaveLength(1);
    expect(JSON.stringify(acme.quarantine.messages)).not.toContain(SECRET);
  });

  it('the 503 for a vendor without a secret does not name the secret to an unauthenticated caller', async () => {
    const { deps } = depsFor('sync');
    const telemetry = new CountingTelemetry(true);
    const answer = await handleWebhook('sync', rawRequest({}, '{}'), { ...deps, telemetry, secrets: new StaticSecretSource({}) });
    expect(answer.statusCode).toBe(503);
    expect(JSON.stringify(answer.body)).not.toMatch(/arn:|secret:|video-webhooks\/sync/);
    // The operator still learns which secret is missing, from the log.
    expect(JSON.stringify(telemetry.lines)).toContain(deps.secretIdFor('sync'));
  });

  it('a log line stays short when a field quotes a 200 KiB payload (LipDub ignored type)', async () => {
    const lines: string[] = [];
    const { JsonTelemetry } = await import('../../lambda/adapters/aws/emf-telemetry');
    const telemetry = new JsonTelemetry({ write: (line) => lines.push(line), metrics: false });
    const { send } = depsFor('lipdub', telemetry);
    const eventType = 'X'.repeat(200 * 1024);
    const answer = await send(JSON.stringify({ event_type: eventType, created_at: new Date().toISOString(), data: {} }), { authorization: `Bearer ${SECRET}` });
    expect(answer.statusCode).toBe(202);
    expect(lines.length).toBeGreaterThan(0);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(4096);
  });

  it('boundLogFields cuts strings, long arrays and deep nesting', () => {
    const bounded = boundLogFields({ s: 'y'.repeat(10_000), a: Array.from({ length: 100 }, (_, i) => i), deep: { a: { b: { c: { d: { e: 1 } } } } } });
    expect((bounded.s as string).length).toBe(512);
    expect(bounded.a).toHaveLength(21);
    expect(JSON.stringify(bounded.deep)).toContain('[nested]');
  });

  it('a sample signed body of every vendor still answers 200 (the bounds leave ordinary events alone)', async () => {
    for (const vendor of ['sync', 'lipdub', 'viralsync', 'synthesia']) {
      const { send, queue, clock } = depsFor(vendor);
      const body = JSON.stringify(samplePayload(vendor, 'completed', vendor === 'lipdub' ? '123' : 'job-1', clock.now()));
      expect((await send(body)).statusCode).toBe(200);
      expect(queue.problems).toEqual([]);
    }
  });
});
