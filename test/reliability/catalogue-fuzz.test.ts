/**
 * Fuzz over the catalogue: every built-in vendor whose webhooks become events and that signs with a
 * secret, beyond the four of fuzz.test.ts, through the verifier core (real adapters). Each gets
 * generated requests (any headers among its own auth headers, any body) and genuine samples signed
 * with the wrong secret or changed after signing (signRequest, the same signer as `video-webhooks
 * send`). None is authentic: zero 2xx, zero exceptions, nothing queued or quarantined. A genuine
 * sample, signed right, is queued (the fuzz could not pass by refusing everything).
 * RELIABILITY=full sends 10,000 per vendor; `npm test` 500.
 */
import fc from 'fast-check';
import { rawRequest } from '../../lambda/core/http';
import { systemClock } from '../../lambda/core/ports';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { BUILT_IN_VENDOR_IDS, createAdapter } from '../../lambda/vendors/registry';
import { REPORT_EVENTS, sampleJobId, samplePayload, sampleSecret, signRequest, signsWithSecret } from '../../lambda/vendors/samples';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { MemoryEventQueue, MemoryJobStore, MemoryQuarantineQueue } from '../../local/adapters/memory';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { TEST_DELIVERY_CONFIG } from '../support/emulators';

const PER_VENDOR = process.env.RELIABILITY === 'full' ? 10_000 : 500;
const FIRST_FOUR = ['sync', 'lipdub', 'viralsync', 'synthesia'];
const VENDORS = BUILT_IN_VENDOR_IDS.filter((v) => !FIRST_FOUR.includes(v) && REPORT_EVENTS[v] !== undefined && signsWithSecret(v));
const MAX_BODY = 4096;

jest.setTimeout(10 * 60_000);

function depsFor(vendor: string, secret: string) {
  const queue = new MemoryEventQueue();
  const quarantine = new MemoryQuarantineQueue();
  const adapter = createAdapter({ id: vendor, kind: vendor, options: {} });
  const deps: WebhookDeps = {
    adapters: new Map([[vendor, adapter]]),
    store: new MemoryJobStore(),
    queue,
    quarantine,
    secrets: new StaticSecretSource({ [vendor]: [secret] }),
    secretIdFor: (v) => v,
    clock: systemClock,
    telemetry: new CountingTelemetry(),
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes: MAX_BODY,
  };
  return { deps, queue, quarantine, authHeaders: adapter.authHeaders };
}

describe(`fuzz over the catalogue: ${PER_VENDOR} unauthenticated requests per vendor`, () => {
  it('covers the new vendors that sign with a secret', () => {
    expect(VENDORS).toEqual(expect.arrayContaining(['replicate', 'mux', 'elevenlabs']));
  });

  it.each(VENDORS)('%s: a genuine sample signed right is queued (the check below can fail)', async (vendor) => {
    const secret = sampleSecret(vendor);
    const { deps, queue } = depsFor(vendor, secret);
    const body = JSON.stringify(samplePayload(vendor, 'completed', sampleJobId(vendor, 1), Date.now()));
    const answer = await handleWebhook(vendor, rawRequest(signRequest(vendor, body, secret, Date.now()), body), deps);
    expect(answer.statusCode).toBe(200);
    expect(queue.events).toHaveLength(1);
  });

  it.each(VENDORS)('%s: never 2xx, never throws, never queues', async (vendor) => {
    const secret = sampleSecret(vendor);
    const { deps, queue, quarantine, authHeaders } = depsFor(vendor, secret);
    const genuine = REPORT_EVENTS[vendor].map((event, i) => JSON.stringify(samplePayload(vendor, event, sampleJobId(vendor, 100 + i), Date.now())));
    const names = [...authHeaders, 'content-type', 'content-encoding'];
    const headerValue = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
      fc.integer().map((t) => `t=${t},v1=${'ab'.repeat(32)}`),
      fc.integer().map((t) => `t=${t},v0=${'ab'.repeat(32)}`),
      fc.constant(`v1,${Buffer.alloc(32, 7).toString('base64')}`),
      fc.constant(String(Math.floor(Date.now() / 1000))),
    );
    const body = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.json({ maxDepth: 3 }),
      fc.constantFrom(...genuine).chain((g) => fc.nat(g.length).map((n) => g.slice(0, n))),
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.nat(3).map((k) => 'x'.repeat(MAX_BODY - 1 + k)),
    );
    const generated = fc.record({ headers: fc.dictionary(fc.constantFrom(...names), headerValue), body });
    // A genuine request, signed with another secret of the vendor's form, or changed after signing.
    const other = sampleSecret(vendor);
    const mutated = fc.record({ g: fc.constantFrom(...genuine), at: fc.nat(), wrongKey: fc.boolean() }).map(({ g, at, wrongKey }) => {
      if (wrongKey) return { headers: signRequest(vendor, g, other, Date.now()), body: g };
      const i = at % g.length;
      return { headers: signRequest(vendor, g, secret, Date.now()), body: g.slice(0, i) + (g[i] === 'a' ? 'b' : 'a') + g.slice(i + 1) };
    });
    const statuses = new Map<number, number>();
    let thrown = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(generated, mutated), async (req) => {
        let status: number;
        try {
          const answer = await handleWebhook(vendor, rawRequest(req.headers, req.body), deps);
          status = answer.statusCode;
        } catch {
          thrown++;
          status = -1;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        return status === 401 || status === 413;
      }),
      { numRuns: PER_VENDOR, seed: 515151 + VENDORS.indexOf(vendor) },
    );
    console.log(`catalogue fuzz ${vendor}: ${PER_VENDOR} requests, by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, thrown ${thrown}`);
    expect(thrown).toBe(0);
    expect(queue.events).toHaveLength(0);
    expect(quarantine.messages).toHaveLength(0);
  });
});
