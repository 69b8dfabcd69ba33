/**
 * DynamoJobStore on dynalite behind the strict local layer: the `pending` index sharded per
 * vendor (issue 13, defect 15), records of 0.1.0 still found, the key as the truth of a record,
 * and what a registration writes.
 */
import { deflateRawSync } from 'node:zlib';
import { GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoJobStore, pendingKeyFor, pendingKeysOf, toItem } from '../../lambda/adapters/aws/dynamo-store';
import { REGISTRATION_ATTRIBUTES, TABLE_SCHEMA } from '../../lambda/contract/deployment';
import { decide, deliverPendingTerminal, newRecord } from '../../lambda/core/delivery';
import { buildEvent, EMPTY_MEDIA } from '../../lambda/core/event';
import type { JobRecord } from '../../lambda/core/ports';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { drainQueue, freshBackend, ManualClock, testEmulators, TEST_DELIVERY_CONFIG } from '../support/emulators';

const due = (vendor: string, jobId: string, nextPollAtMs: number): JobRecord => ({ ...newRecord(vendor, jobId, 0, TEST_DELIVERY_CONFIG), nextPollAtMs });

async function allDue(store: { listDue: (v: string, d: number, l: number, c?: string) => Promise<{ items: readonly JobRecord[]; cursor: string | undefined }> }, vendor: string, at: number, limit: number) {
  const pages: JobRecord[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listDue(vendor, at, limit, cursor);
    pages.push([...page.items]);
    cursor = page.cursor;
  } while (cursor && pages.length < 1000);
  return pages;
}

describe('the pending index, sharded', () => {
  it('spreads a vendor\'s jobs over its 16 shard keys instead of one partition key', () => {
    const keys = new Set(Array.from({ length: 2000 }, (_, i) => pendingKeyFor('sync', `job-${i}`)));
    expect(keys).toEqual(new Set(pendingKeysOf('sync').slice(0, TABLE_SCHEMA.pendingShards)));
    expect(pendingKeyFor('sync', 'job-1')).toBe(pendingKeyFor('sync', 'job-1')); // stable
  });

  it('lists every due job once, pages in due order, across shards, with the unsharded records of 0.1.0', async () => {
    const backend = await freshBackend();
    const dynamo = testEmulators().dynamoClient();
    for (let i = 0; i < 150; i++) await backend.store.put(due('sync', `job-${i}`, 1000 + ((i * 7919) % 150)), null);
    for (let i = 0; i < 10; i++) await backend.store.put(due('lipdub', `other-${i}`, 1000), null); // another vendor
    await backend.store.put(due('sync', 'late', 99_999), null); // not due yet
    // As 0.1.0 wrote them: pollVendor is the vendor itself.
    for (let i = 0; i < 5; i++) {
      await dynamo.send(new PutItemCommand({ TableName: backend.tableName, Item: { ...toItem(due('sync', `legacy-${i}`, 1200 + i)), pollVendor: { S: 'sync' } } }));
    }
    const stored = await dynamo.send(new GetItemCommand({ TableName: backend.tableName, Key: { pk: { S: 'sync#job-3' } } }));
    expect(stored.Item?.pollVendor?.S).toMatch(/^sync#\d{1,2}$/);

    const pages = await allDue(backend.store, 'sync', 5000, 20);
    const ids = pages.flat().map((r) => r.jobId);
    expect(ids).toHaveLength(155);
    expect(new Set(ids).size).toBe(155);
    expect(ids).toEqual(expect.arrayContaining(['legacy-0', 'legacy-4', 'job-0', 'job-149']));
    expect(ids).not.toContain('late');
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(20);
      const times = page.map((r) => r.nextPollAtMs ?? 0);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect(pages[0][0].nextPollAtMs).toBe(1000); // the oldest first
  });

  it('lists every job once when many share one due time (ties across and within shards)', async () => {
    const backend = await freshBackend();
    for (let i = 0; i < 300; i++) await backend.store.put(due('sync', `tie-${i}`, 1000 + (i % 3)), null);
    const ids = (await allDue(backend.store, 'sync', 5000, 25)).flat().map((r) => r.jobId);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
  });

  it('does not skip a job when returned ones move on between pages', async () => {
    const backend = await freshBackend();
    for (let i = 0; i < 40; i++) await backend.store.put(due('sync', `j${i}`, 100 + i), null);
    const first = await backend.store.listDue('sync', 1000, 10);
    for (const r of first.items) expect(await backend.store.put({ ...r, version: r.version + 1, nextPollAtMs: 5000 }, r.version)).toBe(true);
    const rest = (await allDue({ listDue: (v, d, l, c) => backend.store.listDue(v, d, l, c ?? first.cursor) }, 'sync', 1000, 10)).flat();
    expect(new Set([...first.items, ...rest].map((r) => r.jobId)).size).toBe(40);
  });
});

/**
 * A client whose Query answers for one `pending` key also carry an index entry that is no longer
 * there: DynamoDB's global secondary indexes are eventually consistent, so a job that a 0.1.0
 * entry (unsharded key) has just moved to its shard can show under both keys for a moment. dynalite
 * updates its index at once, so that moment is made here; everything else is the real emulator.
 */
function withLingeringIndexEntry(client: DynamoDBClient, entry: Record<string, AttributeValue>): DynamoDBClient {
  const send = client.send.bind(client) as (command: unknown) => Promise<{ Items?: Record<string, AttributeValue>[] }>;
  const lingering = async (command: unknown) => {
    const out = await send(command);
    if (!(command instanceof QueryCommand) || command.input.ExpressionAttributeValues?.[':v']?.S !== entry.pollVendor.S) return out;
    const items = [...(out.Items ?? []), entry].sort((a, b) => Number(a.nextPollAt.N) - Number(b.nextPollAt.N));
    return { ...out, Items: items, Count: items.length };
  };
  return Object.assign(Object.create(client) as DynamoDBClient, { send: lingering });
}

describe('the pending index while a 0.1.0 entry lingers beside its sharded successor (GSI eventual consistency made by a wrapped client)', () => {
  it('lists the job once, oldest first, and BatchGetItem gets each key once (DynamoDB refuses duplicate keys)', async () => {
    const backend = await freshBackend();
    const dynamo = testEmulators().dynamoClient();
    for (let i = 0; i < 5; i++) await backend.store.put(due('sync', `job-${i}`, 1000 + i), null);
    // job-2 was a 0.1.0 record (unsharded key), rewritten since with its shard key.
    const moved = toItem(due('sync', 'job-2', 1002));
    const store = new DynamoJobStore(withLingeringIndexEntry(dynamo, { pk: moved.pk, pollVendor: { S: 'sync' }, nextPollAt: moved.nextPollAt }), backend.tableName);

    // One page holds both entries of job-2 (on later pages a record already polled has moved on and is left out).
    const page = await store.listDue('sync', 5000, 10);
    expect(page.items.map((r) => r.jobId)).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
    expect(page.cursor).toBeUndefined();
  });
});

describe('a record read back', () => {
  it('is the job its key names, whatever its vendor and jobId attributes say', async () => {
    const backend = await freshBackend();
    const dynamo = testEmulators().dynamoClient();
    await dynamo.send(new PutItemCommand({ TableName: backend.tableName, Item: { ...toItem(due('sync', 'a', 1)), vendor: { S: 'lipdub' }, jobId: { S: 'z' } } }));
    expect(await backend.store.get('sync', 'a')).toMatchObject({ vendor: 'sync', jobId: 'a' });
  });
});

describe('a pending terminal event kept by the version before the preset dictionary (deflated without one)', () => {
  it('is read back as it was and sent by the next attempt once its lease is over', async () => {
    const backend = await freshBackend();
    const clock = new ManualClock();
    const event = buildEvent(
      { jobId: 'pred_4kq2m9x7c1', status: 'succeeded', progress: 1, stage: null, outputUrl: 'https://cdn.example/out.mp4', media: { ...EMPTY_MEDIA, durationSeconds: 12 }, error: null, vendorEventType: null, vendorStatus: 'succeeded', occurredAtMs: null, raw: { id: 'pred_4kq2m9x7c1', status: 'succeeded' } },
      { vendor: 'replicate', receivedVia: 'webhook', receivedAtMs: clock.now() },
    );
    const decision = decide(undefined, event, clock.now(), TEST_DELIVERY_CONFIG);
    if (decision.kind !== 'claim' || decision.claimed.pendingTerminal === null) throw new Error('expected a claim keeping the event');
    const json = decision.claimed.pendingTerminal;
    // The item as dynamo-store.ts wrote it before dynamo-pending.ts: the JSON raw-deflated alone.
    const old = { ...toItem(decision.claimed), pendingTerminal: { B: deflateRawSync(Buffer.from(json, 'utf8')) } };
    await testEmulators().dynamoClient().send(new PutItemCommand({ TableName: backend.tableName, Item: old }));
    const record = await backend.store.get('replicate', 'pred_4kq2m9x7c1');
    expect(record?.pendingTerminal).toBe(json);

    clock.advance(TEST_DELIVERY_CONFIG.claimLeaseMs + 1);
    const deps = { store: backend.store, queue: backend.queue, clock, telemetry: new CountingTelemetry(), config: TEST_DELIVERY_CONFIG };
    expect(await deliverPendingTerminal(record as JobRecord, deps)).toBe(true);
    expect((await drainQueue(backend.sqs, backend.queueUrl)).map((m) => m.body)).toEqual([json]);
    expect(await backend.store.get('replicate', 'pred_4kq2m9x7c1')).toMatchObject({ terminalDelivered: true, pendingTerminal: null });
  });

  it('is kept in fewer bytes now: the envelope the record repeats costs next to nothing', () => {
    const event = buildEvent(
      { jobId: 'pred_4kq2m9x7c1', status: 'failed', progress: null, stage: null, outputUrl: null, media: null, error: { message: 'CUDA out of memory', code: null }, vendorEventType: null, vendorStatus: 'failed', occurredAtMs: null, raw: { id: 'pred_4kq2m9x7c1', status: 'failed', error: 'CUDA out of memory' } },
      { vendor: 'replicate', receivedVia: 'webhook', receivedAtMs: 0 },
    );
    const decision = decide(undefined, event, 0, TEST_DELIVERY_CONFIG);
    if (decision.kind !== 'claim' || decision.claimed.pendingTerminal === null) throw new Error('expected a claim keeping the event');
    const before = deflateRawSync(Buffer.from(decision.claimed.pendingTerminal, 'utf8')).length;
    const now = (toItem(decision.claimed).pendingTerminal?.B as Uint8Array).length;
    expect(now).toBeLessThan(before - 150);
  });
});

describe('a registration', () => {
  it('writes exactly REGISTRATION_ATTRIBUTES (all the registration grant may write)', () => {
    expect(Object.keys(toItem(newRecord('sync', 'job-1', 0, TEST_DELIVERY_CONFIG))).sort()).toEqual([...REGISTRATION_ATTRIBUTES].sort());
  });
});
