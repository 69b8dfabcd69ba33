/**
 * Fuzz over the catalogue: every built-in vendor whose webhooks become events and that signs with a
 * secret, beyond the four of fuzz.test.ts, through the verifier core (real adapters). Each gets
 * generated requests (any headers among its own auth headers, any body) and genuine samples signed
 * with the wrong secret or changed after signing (signRequest, the same signer as `video-webhooks
 * send`). None is authentic: zero 2xx, zero exceptions, nothing queued or quarantined. A genuine
 * sample, signed right, is queued (the fuzz could not pass by refusing everything).
 *
 * fal signs with Ed25519 keys it publishes as a JWKS: here a JwksServer on 127.0.0.1 serves one
 * node:crypto key, and the requests are signed in the test (falHeaders) with a key it does not
 * serve, for another fal user, too long ago, or changed after signing. Besides the above, a forged
 * or stale request costs no JWKS fetch beyond the key source's bound (lambda/adapters/http/jwks-source.ts:
 * at most one fetch per 60 s, so 1 + T/60 s over T), and one refused before keys are asked
 * (missing headers, malformed, stale, another user) costs none (lambda/vendors/shared/ed25519.ts).
 * RELIABILITY=full sends 10,000 per vendor; `npm test` 500.
 */
import fc from 'fast-check';
import { JwksKeySource } from '../../lambda/adapters/http/jwks-source';
import { rawRequest } from '../../lambda/core/http';
import { systemClock } from '../../lambda/core/ports';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { BUILT_IN_VENDOR_IDS, createAdapter } from '../../lambda/vendors/registry';
import { REPORT_EVENTS, sampleJobId, samplePayload, sampleSecret, signRequest, signsWithSecret } from '../../lambda/vendors/samples';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { MemoryEventQueue, MemoryJobStore, MemoryQuarantineQueue } from '../../local/adapters/memory';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { ManualClock, TEST_DELIVERY_CONFIG } from '../support/emulators';
import { ed25519Key, falHeaders, JwksServer } from '../support/jwks-server';

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

/** The key source's bound (jwks-source.ts `minFetchIntervalMs`, its default): one fetch per this long. */
const JWKS_FETCH_INTERVAL_MS = 60_000;
/** The fuzz's clock moves this much per request: over N requests the bound is 1 + N·STEP/60 s fetches. */
const STEP_MS = 1000;
const FAL_USER = 'github|4711';
/** Refused before any key is asked for (ed25519.ts `prepare`): these must cost no fetch. */
const REFUSED_WITHOUT_KEYS = ['missing_signature', 'malformed_signature', 'stale_timestamp', 'wrong_account'];

describe(`fuzz over the catalogue: fal (Ed25519, keys from a JWKS on 127.0.0.1), ${PER_VENDOR} unauthenticated requests`, () => {
  const served = ed25519Key('fal-served');
  const unserved = ed25519Key('fal-unserved');
  const server = new JwksServer(served);
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  function falDeps(clock: ManualClock) {
    const queue = new MemoryEventQueue();
    const quarantine = new MemoryQuarantineQueue();
    const adapter = createAdapter({ id: 'fal', kind: 'fal', options: {} }, { publicKeys: new JwksKeySource({ now: () => clock.now(), allowLoopback: true }), jwksUrl: server.url });
    const deps: WebhookDeps = {
      adapters: new Map([['fal', adapter]]),
      store: new MemoryJobStore(),
      queue,
      quarantine,
      secrets: new StaticSecretSource({ fal: [FAL_USER] }),
      secretIdFor: (v) => v,
      clock,
      telemetry: new CountingTelemetry(),
      config: TEST_DELIVERY_CONFIG,
      maxBodyBytes: MAX_BODY,
    };
    return { deps, queue, quarantine, authHeaders: adapter.authHeaders };
  }
  const seconds = (clock: ManualClock) => Math.floor(clock.now() / 1000);

  it('is the only vendor of the catalogue that signs with published keys', () => {
    expect(BUILT_IN_VENDOR_IDS.filter((v) => REPORT_EVENTS[v] !== undefined && !signsWithSecret(v))).toEqual(['fal']);
  });

  it('a genuine sample signed with the served key for our fal user is queued, for one JWKS fetch (the check below can fail)', async () => {
    const clock = new ManualClock();
    const { deps, queue } = falDeps(clock);
    const before = server.requests;
    const id = sampleJobId('fal', 1);
    const body = JSON.stringify(samplePayload('fal', 'completed', id, clock.now()));
    const answer = await handleWebhook('fal', rawRequest(falHeaders(served, body, { requestId: id, userId: FAL_USER, timestamp: seconds(clock) }), body), deps);
    expect(answer.statusCode).toBe(200);
    expect(queue.events).toHaveLength(1);
    expect(server.requests - before).toBe(1);
  });

  it('fal: never 2xx, never throws, never queues, and JWKS fetches stay within the bound', async () => {
    const clock = new ManualClock();
    const { deps, queue, quarantine, authHeaders } = falDeps(clock);
    const genuine = REPORT_EVENTS.fal.map((event, i) => {
      const id = sampleJobId('fal', 100 + i);
      return { id, body: JSON.stringify(samplePayload('fal', event, id, clock.now())) };
    });
    // `@@T<offset>@@` becomes the clock's unix seconds plus the offset when the request is sent.
    const headerValue = fc.oneof(
      fc.string(),
      fc.constantFrom(FAL_USER, 'github|1', genuine[0].id),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 128, maxLength: 128 }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 0, maxLength: 140 }),
      fc.integer({ min: -400, max: 400 }).map((d) => `@@T${d}@@`),
    );
    const body = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.json({ maxDepth: 3 }),
      fc.constantFrom(...genuine.map((g) => g.body)).chain((g) => fc.nat(g.length).map((n) => g.slice(0, n))),
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.nat(3).map((k) => 'x'.repeat(MAX_BODY - 1 + k)),
    );
    const generated = fc.record({ kind: fc.constant('generated' as const), headers: fc.dictionary(fc.constantFrom(...authHeaders, 'content-type', 'content-encoding'), headerValue), body });
    const forged = fc.record({
      kind: fc.constantFrom('unserved key', 'body changed', 'other user', 'user changed', 'request id changed', 'signature changed', 'stale'),
      g: fc.constantFrom(...genuine),
      at: fc.nat(),
      skew: fc.integer({ min: 301, max: 10 ** 9 }).chain((s) => fc.constantFrom(s, -s)),
    });
    const statuses = new Map<number, number>();
    const reasons = new Map<string, number>();
    let thrown = 0;
    let fetchesRefusedEarly = 0;
    const startFetches = server.requests;
    const startMs = clock.now();
    await fc.assert(
      fc.asyncProperty(fc.oneof(generated, forged), async (recipe) => {
        clock.advance(STEP_MS);
        const req = recipe.kind === 'generated' ? withTimes(recipe.headers, recipe.body, seconds(clock)) : forge(recipe, seconds(clock));
        const fetchesBefore = server.requests;
        let status: number;
        try {
          const answer = await handleWebhook('fal', rawRequest(req.headers, req.body), deps);
          status = answer.statusCode;
          const reason = answer.result.kind === 'rejected' ? answer.result.reason : answer.result.kind;
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          const early = status === 413 || (answer.result.kind === 'rejected' && REFUSED_WITHOUT_KEYS.includes(answer.result.reason));
          if (early && server.requests !== fetchesBefore) fetchesRefusedEarly++;
        } catch {
          thrown++;
          status = -1;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        return status === 401 || status === 413;
      }),
      { numRuns: PER_VENDOR, seed: 515151 + VENDORS.length },
    );
    const fetches = server.requests - startFetches;
    const bound = 1 + Math.floor((clock.now() - startMs) / JWKS_FETCH_INTERVAL_MS);
    console.log(
      `catalogue fuzz fal: ${PER_VENDOR} requests, by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, by reason ${JSON.stringify(Object.fromEntries([...reasons].sort()))}, thrown ${thrown}, ` +
        `JWKS fetches ${fetches} (bound ${bound} over ${(clock.now() - startMs) / 1000} s of the fuzz's clock; by requests refused before keys: ${fetchesRefusedEarly})`,
    );
    expect({ thrown, fetchesRefusedEarly }).toEqual({ thrown: 0, fetchesRefusedEarly: 0 });
    expect(fetches).toBeLessThanOrEqual(bound);
    expect(queue.events).toHaveLength(0);
    expect(quarantine.messages).toHaveLength(0);

    /** A genuine delivery, signed (falHeaders: node:crypto) and then spoiled as the recipe says. */
    function forge(r: { kind: string; g: { id: string; body: string }; at: number; skew: number }, nowS: number) {
      const sign = (key = served, userId = FAL_USER, timestamp = nowS) => falHeaders(key, r.g.body, { requestId: r.g.id, userId, timestamp });
      const i = r.at % r.g.body.length;
      switch (r.kind) {
        case 'unserved key':
          return { headers: sign(unserved), body: r.g.body };
        case 'body changed':
          return { headers: sign(), body: r.g.body.slice(0, i) + (r.g.body[i] === 'a' ? 'b' : 'a') + r.g.body.slice(i + 1) };
        case 'other user':
          return { headers: sign(served, `github|${1 + (r.at % 999_999)}`), body: r.g.body };
        case 'user changed':
          return { headers: { ...sign(served, `github|${1 + (r.at % 999_999)}`), 'x-fal-webhook-user-id': FAL_USER }, body: r.g.body };
        case 'request id changed':
          return { headers: { ...sign(), 'x-fal-webhook-request-id': `${r.g.id.slice(0, -1)}${r.g.id.endsWith('0') ? '1' : '0'}` }, body: r.g.body };
        case 'signature changed': {
          const h = sign();
          const s = h['x-fal-webhook-signature'];
          const j = r.at % s.length;
          return { headers: { ...h, 'x-fal-webhook-signature': s.slice(0, j) + (s[j] === '0' ? '1' : '0') + s.slice(j + 1) }, body: r.g.body };
        }
        default:
          return { headers: sign(served, FAL_USER, nowS + r.skew), body: r.g.body };
      }
    }
  });
});

function withTimes(headers: Record<string, string>, body: string, nowS: number) {
  return { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/@@T(-?\d+)@@/g, (_, d: string) => String(nowS + Number(d)))])), body };
}
