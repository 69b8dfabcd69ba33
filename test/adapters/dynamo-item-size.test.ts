/**
 * The job item of each built-in vendor's realistic sample job on DynamoDB, in every state the
 * delivery core writes, stays within 1 KB: one write request unit per write ("one write request
 * unit represents one write for an item up to 1 KB in size"; the size is the attribute names plus
 * values, binary at its raw length:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 * On dynalite behind the strict local layer; the item measured is the one read back from the table.
 */
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { generateKeyPairSync } from 'node:crypto';
import { itemSizeOf, toItem } from '../../lambda/adapters/aws/dynamo-store';
import { deliver, type DeliveryDeps } from '../../lambda/core/delivery';
import { isTerminal, type NormalizedFields } from '../../lambda/core/event';
import { rawRequest } from '../../lambda/core/http';
import { jobKey } from '../../lambda/core/job-key';
import type { ClaimRequest, ClaimResult, JobRecord, JobStore } from '../../lambda/core/ports';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { createAdapter, registry } from '../../lambda/vendors/registry';
import { sampleJobId, samplePayload, sampleSecret, sampleStatusAnswer, signRequest, signsWithSecret, type SampleEvent } from '../../lambda/vendors/samples';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { freshBackend, ManualClock, testEmulators, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';

/** Every state written, by name: the item read back after each write. */
type Written = Array<{ state: string; record: JobRecord; item: Record<string, AttributeValue> }>;

/** The backend's store, noting the item in the table after each write it makes. */
function recording(backend: TestBackend, written: Written, state: () => string): JobStore {
  const dynamo = testEmulators().dynamoClient();
  const note = async (vendor: string, jobId: string) => {
    const out = await dynamo.send(new GetItemCommand({ TableName: backend.tableName, Key: { pk: { S: jobKey(vendor, jobId) } }, ConsistentRead: true }));
    const record = await backend.store.get(vendor, jobId);
    if (out.Item && record) written.push({ state: state(), record, item: out.Item });
  };
  return {
    get: (vendor, jobId) => backend.store.get(vendor, jobId),
    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const result = await backend.store.claim(request);
      await note(request.vendor, request.jobId);
      return result;
    },
    async put(record, expectedVersion) {
      const ok = await backend.store.put(record, expectedVersion);
      await note(record.vendor, record.jobId);
      return ok;
    },
    listDue: (...args) => backend.store.listDue(...args),
    hint: (request) => backend.store.hint(request),
  };
}

/** The normalized fields of `vendor`'s sample webhook `event` for `jobId`. */
function webhookFields(vendor: string, event: SampleEvent, jobId: string, now: number): NormalizedFields {
  const body = JSON.stringify(samplePayload(vendor, event, jobId, now));
  const secret = sampleSecret(vendor);
  // A vendor that signs with a private key: signed with a fresh one (its headers are the real
  // ones); the signature check is not what this test is about, so the request is taken as authentic.
  const signingKey = signsWithSecret(vendor) ? undefined : generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const request = rawRequest(signRequest(vendor, body, secret, now, signingKey), body);
  const adapter = createAdapter({ id: vendor, kind: vendor, options: {} });
  const auth = signsWithSecret(vendor) ? adapter.authenticate(request, [secret], now) : { ok: true as const, timestampMs: now };
  if (!auth.ok) throw new Error(`${vendor}: its sample did not authenticate (${auth.reason})`);
  const normalized = adapter.normalize(request, auth);
  if (normalized.kind !== 'event') throw new Error(`${vendor}: its ${event} sample did not normalize (${normalized.kind})`);
  return normalized.fields;
}

/** The jobs of a vendor that reports by webhook: one per terminal sample, each after the vendor's other samples, the terminal one sent twice. */
function webhookJobs(vendor: string, events: readonly SampleEvent[]): Array<{ jobId: string; events: SampleEvent[] }> {
  const before: SampleEvent[] = events.filter((e) => e === 'created' || e === 'progress');
  return events.filter((e) => !before.includes(e)).map((terminal) => ({ jobId: sampleJobId(vendor), events: [...before, terminal, terminal] }));
}

describe('the job item on DynamoDB of each built-in vendor\'s realistic sample job', () => {
  it('stays within 1 KB (one write unit) in every state: registered, each event claimed, the terminal event pending, delivered', async () => {
    const backend = await freshBackend();
    const clock = new ManualClock();
    const written: Written = [];
    let state = '';
    const store = recording(backend, written, () => state);
    const deps: DeliveryDeps = { store, queue: backend.queue, clock, telemetry: new CountingTelemetry(), config: TEST_DELIVERY_CONFIG };
    const registration = new JobRegistry(store, {}, clock);
    const covered: string[] = [];
    for (const vendor of registry.builtIns) {
      const adapter = createAdapter({ id: vendor.id, kind: vendor.id, options: {} });
      if (vendor.reports === 'webhook') {
        for (const job of webhookJobs(vendor.id, vendor.sampleEvents)) {
          if (!job.events.some((e) => e === 'created' || e === 'progress')) {
            state = `${vendor.id} registered`;
            await registration.register(vendor.id, job.jobId);
          }
          for (const event of job.events) {
            clock.advance(1000);
            state = `${vendor.id} ${event}`;
            const fields = webhookFields(vendor.id, event, job.jobId, clock.now());
            const result = await deliver(fields, { vendor: vendor.id, receivedVia: 'webhook', receivedAtMs: clock.now() }, deps);
            expect(result.outcome).toMatch(/^(enqueued|duplicate)$/);
            if (isTerminal(fields.status)) covered.push(`${vendor.id} ${fields.status}`);
          }
        }
      }
      // What the status API answers for a job in progress (the event of a vendor that reports by callback or not at all).
      if (adapter.statusApi) {
        const jobId = sampleJobId(vendor.id);
        state = `${vendor.id} registered`;
        await registration.register(vendor.id, jobId);
        const parsed = adapter.statusApi.parse(jobId, sampleStatusAnswer(vendor.id, jobId), { baseUrl: 'https://status.example', apiKey: 'key' });
        if (parsed.kind !== 'status') throw new Error(`${vendor.id}: its sample status answer did not parse (${parsed.kind})`);
        clock.advance(1000);
        state = `${vendor.id} polled ${parsed.fields.status}`;
        await deliver(parsed.fields, { vendor: vendor.id, receivedVia: 'poll', receivedAtMs: clock.now() }, deps);
      }
    }
    // Every report vendor's terminal samples were claimed and delivered (so pending ones were measured).
    expect(covered.length).toBeGreaterThanOrEqual(registry.builtIns.filter((b) => b.reports === 'webhook').length);
    expect(written.some((w) => w.record.pendingTerminal !== null)).toBe(true);
    // The size measured is that of the item in the table: the record read back encodes to it.
    for (const w of written) expect(encoded(toItem(w.record))).toEqual(encoded(w.item));
    const over = written.filter((w) => itemSizeOf(w.record) > 1024).map((w) => `${w.state}: ${itemSizeOf(w.record)} B`);
    expect(over).toEqual([]);
  });
});

/** An item with its binary values as base64, to compare items read back with items made. */
function encoded(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.B !== undefined ? { B: Buffer.from(v.B).toString('base64') } : v]));
}
