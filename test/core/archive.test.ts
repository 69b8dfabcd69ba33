/**
 * The archive of authenticated requests (issue 22): which requests become records, what a record
 * holds (and never holds), and where its write runs in the request's life: beside the delivered
 * mark, finished before the answer, never failing it. Real core and adapters, in-memory ports
 * (their semantics are the AWS ones, local/adapters/memory.ts); signatures made by the samples'
 * signer, each vendor's as its documentation describes.
 */
import { createHmac } from 'node:crypto';
import { decodedBody } from '../../lambda/core/archive';
import type { ArchiveRecord } from '../../lambda/contract/archive';
import { rawRequest } from '../../lambda/core/http';
import type { EventMessage, JobStore, RequestArchive } from '../../lambda/core/ports';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { createAdapter, BUILT_IN_VENDOR_IDS } from '../../lambda/vendors/registry';
import { samplePayload, signRequest, type SampleEvent } from '../../lambda/vendors/samples';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { MemoryEventQueue, MemoryJobStore, MemoryQuarantineQueue, MemoryRequestArchive } from '../../local/adapters/memory';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { ManualClock, TEST_DELIVERY_CONFIG } from '../support/emulators';

const SECRET = 'archive_test_secret_value';

function deps(archive: RequestArchive | undefined, overrides: Partial<WebhookDeps> = {}): WebhookDeps & { telemetry: CountingTelemetry; queue: MemoryEventQueue; quarantine: MemoryQuarantineQueue } {
  return {
    adapters: new Map(BUILT_IN_VENDOR_IDS.map((v) => [v, createAdapter({ id: v, kind: v, options: {} })])),
    store: new MemoryJobStore(),
    queue: new MemoryEventQueue(),
    quarantine: new MemoryQuarantineQueue(),
    secrets: new StaticSecretSource({ s: [SECRET] }),
    secretIdFor: () => 's',
    clock: new ManualClock(),
    telemetry: new CountingTelemetry(true),
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes: 256 * 1024,
    ...(archive ? { archive } : {}),
    ...overrides,
  } as WebhookDeps & { telemetry: CountingTelemetry; queue: MemoryEventQueue; quarantine: MemoryQuarantineQueue };
}

function signed(vendor: string, event: SampleEvent, jobId: string, secret = SECRET) {
  const body = JSON.stringify(samplePayload(vendor, event, jobId, Date.now()));
  return rawRequest(signRequest(vendor, body, secret, Date.now()), body);
}

/** Any bytes signed as Sync signs them (`Sync-Signature: t=<unix>,v1=<HMAC-SHA256 hex of "<t>.<body>">`), computed here. */
function signedBody(_vendor: 'sync', body: Buffer) {
  const t = String(Math.floor(Date.now() / 1000));
  const v1 = createHmac('sha256', SECRET).update(`${t}.`).update(body).digest('hex');
  return rawRequest({ 'content-type': 'application/json', 'sync-signature': `t=${t},v1=${v1}` }, body);
}

describe('the archive of authenticated webhooks', () => {
  it('keeps an enqueued webhook as one record: vendor, job, received time, event id, the raw body, the quarantine\'s headers, never a secret', async () => {
    const archive = new MemoryRequestArchive();
    const d = deps(archive);
    const request = signed('lipdub', 'completed', '4242');
    const answer = await handleWebhook('lipdub', request, d);
    expect(answer.statusCode).toBe(200);
    expect(archive.records).toHaveLength(1);
    const [record] = archive.records;
    expect(record).toEqual({
      v: 1,
      vendor: 'lipdub',
      jobId: '4242',
      receivedAt: new Date((d.clock as ManualClock).now()).toISOString(),
      receivedVia: 'webhook',
      verdict: 'enqueued',
      eventId: d.queue.events[0].id,
      headers: { 'x-lipdub-event': request.headers['x-lipdub-event'] },
      body: request.body.toString('utf8'),
      bodyEncoding: 'utf8',
    });
    // LipDub authenticates with a static key in Authorization: it is not kept anywhere.
    expect(JSON.stringify(archive.records)).not.toContain(SECRET);
  });

  it.each<[string, string, (d: WebhookDeps) => Promise<void>, string]>([
    ['a vendor retry', 'duplicate', async (d) => void (await handleWebhook('sync', signed('sync', 'completed', 'job-d'), d)), 'sync'],
    ['late progress after the final event', 'stale', async (d) => void (await handleWebhook('viralsync', signed('viralsync', 'completed', 'job-s'), d)), 'viralsync'],
    ['a second, different final status', 'conflict', async (d) => void (await handleWebhook('sync', signed('sync', 'completed', 'job-c'), d)), 'sync'],
  ])('keeps %s with its verdict %s and the event id it made', async (_what, verdict, first, vendor) => {
    const archive = new MemoryRequestArchive();
    const d = deps(archive);
    await first(d);
    const jobId = `job-${verdict[0]}`;
    const second = verdict === 'stale' ? signed(vendor, 'progress', jobId) : verdict === 'conflict' ? signed(vendor, 'failed', jobId) : signed(vendor, 'completed', jobId);
    const answer = await handleWebhook(vendor, second, d);
    expect(answer.result).toMatchObject({ kind: 'delivered', outcome: verdict });
    expect(archive.records.map((r) => r.verdict)).toEqual(['enqueued', verdict]);
    expect(archive.records[1]).toMatchObject({ jobId, eventId: (answer.result as { eventId: string }).eventId, body: second.body.toString('utf8') });
  });

  it('keeps an ignored event type and a quarantined request, each with its reason', async () => {
    const archive = new MemoryRequestArchive();
    const d = deps(archive);
    const unknownType = Buffer.from(JSON.stringify({ event_type: 'SOMETHING_NEW', data: { generate_id: 7 } }));
    const ignored = await handleWebhook('lipdub', rawRequest({ ...signRequest('lipdub', unknownType.toString(), SECRET, Date.now()), 'x-lipdub-event': 'SOMETHING_NEW' }, unknownType), d);
    const notJson = Buffer.from('this is not json');
    const quarantined = await handleWebhook('sync', signedBody('sync', notJson), d);
    expect([ignored.result.kind, quarantined.result.kind]).toEqual(['ignored', 'quarantined']);
    expect(archive.records.map((r) => [r.verdict, r.reason, r.eventId, r.jobId])).toEqual([
      ['ignored', (ignored.result as { reason: string }).reason, null, null],
      ['quarantined', (quarantined.result as { reason: string }).reason, null, null],
    ]);
    // The quarantine and the archive keep the same headers.
    expect(archive.records[1].headers).toEqual(d.quarantine.messages[0].headers);
    expect(archive.records[1].headers['sync-signature']).toBeDefined();
  });

  it('keeps a body that is not UTF-8, and one of control characters, as base64, byte for byte', async () => {
    const archive = new MemoryRequestArchive();
    const d = deps(archive);
    const latin1 = Buffer.from([0x7b, 0xe9, 0xff, 0x7d]);
    const controls = Buffer.from('\u0001'.repeat(3000));
    await handleWebhook('sync', signedBody('sync', latin1), d);
    await handleWebhook('sync', signedBody('sync', controls), d);
    expect(archive.records.map((r) => r.bodyEncoding)).toEqual(['base64', 'base64']);
    expect(decodedBody(archive.records[0]).equals(latin1)).toBe(true);
    expect(decodedBody(archive.records[1]).equals(controls)).toBe(true);
  });

  it('archives nothing that was not authenticated, too large, unconfigured, busy or failed, and counts the rejections as before', async () => {
    const archive = new MemoryRequestArchive();
    const d = deps(archive, { maxBodyBytes: 4096 });
    expect((await handleWebhook('sync', signed('sync', 'completed', 'job-1', 'wrong secret'), d)).statusCode).toBe(401);
    expect((await handleWebhook('sync', signedBody('sync', Buffer.alloc(5000, 'a')), d)).statusCode).toBe(413);
    expect((await handleWebhook('nobody', signed('sync', 'completed', 'job-1'), d)).statusCode).toBe(404);
    const unconfigured = deps(archive, { secrets: new StaticSecretSource({}) });
    expect((await handleWebhook('sync', signed('sync', 'completed', 'job-1'), unconfigured)).statusCode).toBe(503);
    const failing = deps(archive, { queue: { send: async () => Promise.reject(new Error('SQS down')) } });
    expect((await handleWebhook('sync', signed('sync', 'completed', 'job-2'), failing)).statusCode).toBe(500);
    expect(archive.calls).toHaveLength(0);
    expect(d.telemetry.get('Rejected')).toBe(3);
  });

  it('answers 200 when the archive fails, queues the event, and counts ArchiveFailed by vendor and reason', async () => {
    const archive = new MemoryRequestArchive();
    archive.failNext(Object.assign(new Error('rate exceeded'), { name: 'ServiceUnavailableException' }));
    const d = deps(archive);
    const answer = await handleWebhook('synthesia', signed('synthesia', 'completed', 'job-f'), d);
    expect(answer.statusCode).toBe(200);
    expect(d.queue.events).toHaveLength(1);
    expect(d.telemetry.get('ArchiveFailed:synthesia')).toBe(1);
    expect(d.telemetry.get('ArchiveFailed:throttled')).toBe(1);
    expect(d.telemetry.lines.find((l) => l.message.startsWith('requests not archived'))?.level).toBe('warn');
  });
});

/** Ports that note when each call starts and ends, each answering after `rttMs`. */
function timedPorts(rttMs: number) {
  const timeline: string[] = [];
  const timed = <T>(name: string, call: () => Promise<T>) => async (): Promise<T> => {
    timeline.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, rttMs));
    try {
      return await call();
    } finally {
      timeline.push(`end ${name}`);
    }
  };
  const inner = new MemoryJobStore();
  const store: JobStore = {
    get: (v, j) => inner.get(v, j),
    claim: (r) => timed('claim', () => inner.claim(r))(),
    put: (record, expected) => timed('mark', () => inner.put(record, expected))(),
    listDue: (...a) => inner.listDue(...a),
    hint: (r) => inner.hint(r),
  };
  const queue = { send: (m: EventMessage) => timed('send', async () => void m)() };
  const archived: ArchiveRecord[] = [];
  const archive: RequestArchive = { write: (records) => timed('archive', async () => (archived.push(...records), []))() };
  return { timeline, store, queue, archive, archived };
}

describe('where the archive write runs in a webhook\'s life', () => {
  it('starts a new event\'s write once it is queued, alongside the delivered mark, and answers after both', async () => {
    const ports = timedPorts(20);
    const d = deps(ports.archive, { store: ports.store, queue: ports.queue, clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) } });
    const answer = await handleWebhook('sync', signed('sync', 'completed', 'job-t'), d);
    ports.timeline.push('answered');
    expect(answer.statusCode).toBe(200);
    const at = (what: string) => ports.timeline.indexOf(what);
    expect(at('start archive')).toBeGreaterThan(at('end send'));
    expect(at('start archive')).toBeLessThan(at('end mark'));
    expect(at('start mark')).toBeLessThan(at('end archive'));
    expect(at('answered')).toBe(ports.timeline.length - 1);
    expect(ports.archived).toHaveLength(1);
  });

  it('waits for the write before answering even when the delivered mark fails (nothing left running when a Lambda handler returns)', async () => {
    const ports = timedPorts(20);
    const failingMark: JobStore = { ...ports.store, put: async () => { ports.timeline.push('mark failed'); throw new Error('DynamoDB down'); } };
    const d = deps(ports.archive, { store: failingMark, queue: ports.queue, clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) } });
    const answer = await handleWebhook('sync', signed('sync', 'completed', 'job-m'), d);
    ports.timeline.push('answered');
    expect(answer.statusCode).toBe(500);
    expect(ports.timeline.indexOf('end archive')).toBeLessThan(ports.timeline.indexOf('answered'));
    expect(ports.timeline.indexOf('end archive')).toBeGreaterThan(ports.timeline.indexOf('mark failed'));
  });

  it('runs a quarantined request\'s write alongside the quarantine send', async () => {
    const ports = timedPorts(20);
    const quarantine = { messages: [] as unknown[], send: (m: unknown) => (async () => { ports.timeline.push('start quarantine'); await new Promise((r) => setTimeout(r, 20)); ports.timeline.push('end quarantine'); quarantine.messages.push(m); })() };
    const d = deps(ports.archive, { quarantine });
    await handleWebhook('sync', signedBody('sync', Buffer.from('not json')), d);
    const at = (what: string) => ports.timeline.indexOf(what);
    expect(at('start archive')).toBeLessThan(at('end quarantine'));
    expect(at('start quarantine')).toBeLessThan(at('end archive'));
  });
});
