/**
 * Fuzz: generated and mutated requests per vendor through the verifier core (real adapters),
 * none with valid authentication. Zero 2xx, zero exceptions, nothing queued or quarantined.
 * RELIABILITY=full sends 10,000 per vendor; `npm test` 1,000.
 */
import fc from 'fast-check';
import { rawRequest } from '../../lambda/core/http';
import { MemoryEventQueue, MemoryJobStore, MemoryQuarantineQueue } from '../../local/adapters/memory';
import { systemClock } from '../../lambda/core/ports';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { createAdapter } from '../../lambda/vendors/registry';
import { TEST_DELIVERY_CONFIG } from '../support/emulators';
import { samplePayload, sampleJobId, VENDOR_EVENTS } from '../../lambda/vendors/samples';
import { signAs, type SigningVendor } from '../support/vendor-signers';

const PER_VENDOR = process.env.RELIABILITY === 'full' ? 10_000 : 1_000;
const VENDORS: SigningVendor[] = ['sync', 'lipdub', 'viralsync', 'synthesia'];
const authHeaders = (vendor: SigningVendor, body: string, secret: string, nowMs: number) => signAs(vendor, body, { secret }, nowMs);
const SECRET = 'fuzz_secret_value';
const MAX_BODY = 4096;
const HEADER_NAMES = ['sync-signature', 'x-signature-primary', 'x-render-signature', 'synthesia-signature', 'synthesia-timestamp', 'authorization', 'x-api-key', 'x-lipdub-event', 'content-type', 'content-encoding'];

jest.setTimeout(10 * 60_000);

describe(`fuzz: ${PER_VENDOR} unauthenticated requests per vendor`, () => {
  it.each(VENDORS)('%s: never 2xx, never throws, never queues', async (vendor) => {
    const queue = new MemoryEventQueue();
    const quarantine = new MemoryQuarantineQueue();
    const deps: WebhookDeps = {
      adapters: new Map([[vendor, createAdapter({ id: vendor, kind: vendor, options: {} })]]),
      store: new MemoryJobStore(),
      queue,
      quarantine,
      secrets: new StaticSecretSource({ [vendor]: [SECRET] }),
      secretIdFor: (v) => v,
      clock: systemClock,
      telemetry: new CountingTelemetry(),
      config: TEST_DELIVERY_CONFIG,
      maxBodyBytes: MAX_BODY,
    };
    const genuine = VENDOR_EVENTS[vendor].map((event) => JSON.stringify(samplePayload(vendor, event, sampleJobId(vendor, 7), Date.now())));
    const printable = fc.string({ unit: 'grapheme', maxLength: 300 });
    const body = fc.oneof(
      printable,
      fc.json({ maxDepth: 3 }),
      fc.constantFrom(...genuine).chain((g) => fc.nat(g.length).map((n) => g.slice(0, n))), // truncated JSON
      fc.constantFrom(...genuine).map((g) => g.replace(/\d+/, '1'.repeat(400))), // huge numbers
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('latin1')), // bytes
      fc.nat(3).map((k) => 'x'.repeat(MAX_BODY - 1 + k)), // around the size limit
    );
    const headerValue = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
      fc.integer().map((t) => `t=${t},v1=${'ab'.repeat(32)}`),
      fc.constant(`Bearer ${SECRET.slice(0, -1)}`),
      fc.constant(String(Math.floor(Date.now() / 1000))),
    );
    // A genuine request, signed with the wrong secret or changed after signing.
    const mutated = fc.record({ g: fc.constantFrom(...genuine), at: fc.nat(), wrongKey: fc.boolean() }).map(({ g, at, wrongKey }) => {
      if (wrongKey) return { headers: authHeaders(vendor, g, `${SECRET}x`, Date.now()), body: g };
      const headers = authHeaders(vendor, g, SECRET, Date.now());
      if (vendor === 'lipdub') return { headers: { authorization: `Bearer ${SECRET}`.slice(0, -1) + 'Y' }, body: g };
      const i = at % g.length;
      return { headers, body: g.slice(0, i) + (g[i] === 'a' ? 'b' : 'a') + g.slice(i + 1) };
    });
    const generated = fc.record({ headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue), body });
    const statuses = new Map<number, number>();
    let thrown = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(generated, mutated), fc.boolean(), async (req, base64) => {
        let status: number;
        try {
          const payload = base64 ? Buffer.from(req.body, 'latin1').toString('base64') : req.body;
          const answer = await handleWebhook(vendor, rawRequest(req.headers, payload, base64), deps);
          status = answer.statusCode;
          JSON.stringify(answer.body);
        } catch {
          thrown++;
          status = -1;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        return status === 401 || status === 413;
      }),
      { numRuns: PER_VENDOR, seed: 424242 + VENDORS.indexOf(vendor) },
    );
    console.log(`fuzz ${vendor}: ${PER_VENDOR} requests, by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, thrown ${thrown}, queued ${queue.events.length}, quarantined ${quarantine.messages.length}`);
    expect(thrown).toBe(0);
    expect(queue.events).toHaveLength(0);
    expect(quarantine.messages).toHaveLength(0);
    expect([...statuses.keys()].every((s) => s === 401 || s === 413)).toBe(true);
  });
});
