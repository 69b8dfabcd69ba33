/**
 * Authenticated fuzz (issue 14): requests with valid signatures over hostile bodies, through the
 * real adapters and delivery core on DynamoDB and SQS FIFO (dynalite and fauxqs behind the strict
 * local AWS, so a call AWS would refuse fails here too). Bodies: each vendor's real payloads with
 * fields replaced by every id shape, huge and odd numbers, deep nesting, duplicate and prototype
 * keys, oversized fields, odd unicode, and raw bytes that are not UTF-8. Signed here with
 * node:crypto, independently of the adapters; fal with an Ed25519 key that a JwksServer on
 * 127.0.0.1 serves, its JWKS fetches counted (the key source's bound: 1 + T/60 s over T).
 *
 * Every request must be accounted for (enqueued, duplicate, stale, conflict, ignored or
 * quarantined); a 5xx is retried once and must not come back; nothing throws; every queued event
 * passes the published schema (parseVideoJobEvent). RELIABILITY=full sends 10,000 per vendor,
 * `npm test` 150.
 */
import fc from 'fast-check';
import { JwksKeySource } from '../../lambda/adapters/http/jwks-source';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { rawRequest } from '../../lambda/core/http';
import { systemClock } from '../../lambda/core/ports';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { parseVideoJobEvent } from '../../lambda/runtime/parse-event';
import { createAdapter } from '../../lambda/vendors/registry';
import { samplePayload, VENDOR_EVENTS } from '../../lambda/vendors/samples';
import { drainQueue, freshBackend, TEST_DELIVERY_CONFIG } from '../support/emulators';
import { ed25519Key, JwksServer } from '../support/jwks-server';
import { signAs } from '../support/vendor-signers';

const PER_VENDOR = process.env.RELIABILITY === 'full' ? 10_000 : 150;
// The first four, the catalogue's vendors that sign with a secret, and fal, which signs with published keys (issue 21).
const VENDORS = ['sync', 'lipdub', 'viralsync', 'synthesia', 'replicate', 'mux', 'elevenlabs', 'fal'] as const;
type VendorId = (typeof VENDORS)[number];
/** The HMAC vendors' secret (LipDub's API key). */
const SECRET = 'whsec_authenticated_fuzz';
/** Replicate's key is Standard Webhooks': `whsec_` and the base64 of at least 24 bytes. */
const REPLICATE_SECRET = `whsec_${Buffer.alloc(32, 0x5a).toString('base64')}`;
/** fal's "secret" is the fal user ids accepted; the key is the one the JWKS server serves. */
const FAL_USER = 'github|4711';
const FAL_KEY = ed25519Key('fal-authenticated-fuzz');
/** The key source's bound (lambda/adapters/http/jwks-source.ts `minFetchIntervalMs`, its default). */
const JWKS_FETCH_INTERVAL_MS = 60_000;
const secretOf = (vendor: VendorId) => (vendor === 'replicate' ? REPLICATE_SECRET : vendor === 'fal' ? FAL_USER : SECRET);
const MAX_BODY = 256 * 1024;

jest.setTimeout(60 * 60_000);

/** The headers each vendor signs `body` (any bytes) with, as its docs say (test/support/vendor-signers.ts, node:crypto). */
const sign = (vendor: VendorId, body: Buffer, nowMs: number) => signAs(vendor, body, { secret: secretOf(vendor), falKey: FAL_KEY }, nowMs);

/** Placeholders replaced in the JSON text, for what JSON.stringify cannot write. */
const RAW_TOKENS: Record<string, string> = {
  '"@@HUGE@@"': '1e400',
  '"@@NEGZERO@@"': '-0',
  '"@@DIGITS@@"': '9'.repeat(400),
  '"@@TINY@@"': '1e-400',
  '"@@GROW@@"': `[${Array.from({ length: 2000 }, () => '9e20').join(',')}]`,
  '"@@LONE@@"': '"\\ud800 lone"',
  '"@@NONCHAR@@"': '"\\uffff\\ufffe"',
  '"@@NUL@@"': '"a\\u0000b"',
};

const idShapes = fc.oneof(
  fc.constantFrom('', ' ', '.', '..', '../../v2/other', 'a b', 'jöb-ünï', '漢字', '😀🎬', '\u0000', '@@LONE@@', '@@NUL@@', '@@NONCHAR@@', '__proto__', 'constructor', '%2e%2e', 'x'.repeat(1024), 'x'.repeat(1025), 'x'.repeat(2100), 'é'.repeat(1100), '\u202Ejob\u202C', 'e\u0301'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom('@@HUGE@@', '@@NEGZERO@@', '@@DIGITS@@'),
);

/** Nesting `depth` deep, as text (JSON.stringify itself overflows the stack some thousands deep). */
const nestedText = (depth: number): string => {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '{"n":' : '[';
    close = (i % 2 ? '}' : ']') + close;
  }
  return `${open}1${close}`;
};

const hostileValue = fc.oneof(
  idShapes,
  fc.integer({ min: 1, max: 6000 }).map((d) => `@@DEEP:${d}@@`),
  fc.integer({ min: 1, max: 200 }).map((kib) => 'x'.repeat(kib * 1024)),
  fc.constantFrom('@@HUGE@@', '@@TINY@@', '@@DIGITS@@', '@@GROW@@', '@@NEGZERO@@', '@@LONE@@', '@@NONCHAR@@', '@@NUL@@'),
  // Made afresh each time: setPath writes into the payload's objects, and a shared constant would carry those writes into later runs (and, some 60,000 runs in, into a cycle JSON.stringify throws on).
  fc.constantFrom((): unknown => ({ __proto__: { polluted: true } }), (): unknown => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'), () => null, () => true, () => [], () => ({})).map((make) => make()),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.json({ maxDepth: 4 }).map((j) => JSON.parse(j) as unknown),
);

/** Every field path of a payload, nested ones included (`data.id`). */
function pathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...pathsOf(v, `${prefix}${k}.`)]);
}

function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = root;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (typeof next !== 'object' || next === null) return;
    node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function hostileBodies(vendor: VendorId) {
  const now = Date.now();
  const events = VENDOR_EVENTS[vendor];
  const payload = fc.record({ event: fc.constantFrom(...events), id: idShapes }).map(({ event, id }) => {
    const sampleId = vendor === 'lipdub' ? '4242' : 'job-fuzz';
    const p = samplePayload(vendor, event, sampleId, now);
    // The job id in every place the payload holds it.
    for (const path of pathsOf(p)) if (JSON.stringify(getPath(p, path)) === JSON.stringify(vendor === 'lipdub' ? 4242 : sampleId)) setPath(p, path, id);
    return p;
  });
  const mutated = fc
    .record({ p: payload, mutations: fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 0, maxLength: 3 }) })
    .map(({ p, mutations }) => {
      const paths = pathsOf(p);
      for (const [at, value] of mutations) setPath(p, paths[at % paths.length], value);
      let text = JSON.stringify(p);
      for (const [token, raw] of Object.entries(RAW_TOKENS)) text = text.split(token).join(raw);
      return text.replace(/"@@DEEP:(\d+)@@"/g, (_, d: string) => nestedText(Number(d)));
    });
  const textual = fc.oneof(
    { weight: 6, arbitrary: mutated },
    // Duplicate keys: a later status (or id) overrides the first one in JSON.parse.
    { weight: 1, arbitrary: fc.tuple(mutated, fc.constantFrom('"status":"FAILED"', '"status":"done"', '"id":"dup"', '"jobId":"dup"', '"type":"video.failed"', '"event_type":"RENDER_PROCESSING_FAILED"')).map(([t, dup]) => (t.startsWith('{') && t.length > 2 ? `{${dup},${t.slice(1)}` : t)) },
    { weight: 1, arbitrary: mutated.map((t) => `\uFEFF${t}`) },
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 8000 }).map((d) => `{"id":"deep","status":"COMPLETED","x":${'['.repeat(d)}${']'.repeat(d)}}`) },
  );
  return fc.oneof(
    { weight: 9, arbitrary: textual.map((t) => Buffer.from(t, 'utf8')) },
    // Bytes that are not UTF-8, inside an otherwise real payload.
    { weight: 1, arbitrary: fc.tuple(mutated, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([t, bytes]) => Buffer.concat([Buffer.from(t.slice(0, t.length >> 1)), Buffer.from([0xff, 0xc3, ...bytes]), Buffer.from(t.slice(t.length >> 1))])) },
  );
}

function getPath(root: unknown, path: string): unknown {
  let node = root;
  for (const k of path.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

describe(`authenticated fuzz: ${PER_VENDOR} signed hostile requests per vendor`, () => {
  const jwks = new JwksServer(FAL_KEY);
  beforeAll(() => jwks.start());
  afterAll(() => jwks.stop());

  it.each(VENDORS)('%s: every request accounted for, no 5xx that a retry does not clear, nothing thrown, every queued event valid', async (vendor) => {
    const backend = await freshBackend();
    const deps: WebhookDeps = {
      adapters: new Map([[vendor, createAdapter({ id: vendor, kind: vendor, options: {} }, { publicKeys: new JwksKeySource({ allowLoopback: true }), jwksUrl: jwks.url })]]),
      store: backend.store,
      queue: backend.queue,
      quarantine: backend.quarantine,
      secrets: new StaticSecretSource({ [vendor]: [secretOf(vendor)] }),
      secretIdFor: (v) => v,
      clock: systemClock,
      telemetry: new CountingTelemetry(),
      config: TEST_DELIVERY_CONFIG,
      maxBodyBytes: MAX_BODY,
    };
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    let thrown = 0;
    let repeated5xx = 0;
    let queuedClaims = 0;
    let quarantinedClaims = 0;
    const started = Date.now();
    const fetchesBefore = jwks.requests;
    await fc.assert(
      fc.asyncProperty(hostileBodies(vendor), async (body) => {
        const send = () => handleWebhook(vendor, rawRequest(sign(vendor, body, Date.now()), body), deps);
        try {
          let answer = await send();
          if (answer.statusCode >= 500) {
            count(`retried ${answer.statusCode} ${answer.result.kind === 'failed' ? answer.result.reason : answer.result.kind}`);
            answer = await send();
            if (answer.statusCode >= 500) repeated5xx++;
          }
          const r = answer.result;
          const key = r.kind === 'delivered' ? r.outcome : r.kind === 'rejected' ? `rejected ${r.reason}` : r.kind;
          count(`${answer.statusCode} ${key}`);
          if (r.kind === 'delivered' && r.outcome === 'enqueued') queuedClaims++;
          if (r.kind === 'quarantined') quarantinedClaims++;
          return answer.statusCode < 500 && answer.statusCode !== 401 && (r.kind !== 'rejected' || r.reason === 'body_too_large');
        } catch {
          thrown++;
          return false;
        }
      }),
      { numRuns: PER_VENDOR, seed: 141414 + VENDORS.indexOf(vendor), endOnFailure: true },
    );
    const queued = await drainQueue(backend.sqs, backend.queueUrl);
    const quarantined = await drainQueue(backend.sqs, backend.quarantineQueueUrl);
    const invalid = queued.filter((m) => {
      try {
        parseVideoJobEvent(m.body);
        return false;
      } catch {
        return true;
      }
    });
    const elapsedMs = Date.now() - started;
    const fetches = jwks.requests - fetchesBefore;
    console.log(
      `authenticated fuzz ${vendor}: ${PER_VENDOR} requests in ${(elapsedMs / 1000).toFixed(1)} s, ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}; ` +
        `queued ${queued.length} (all valid: ${invalid.length === 0}), quarantined ${quarantined.length}, 5xx repeated ${repeated5xx}, thrown ${thrown}` +
        (vendor === 'fal' ? `, JWKS fetches ${fetches}` : ''),
    );
    // Only fal asks for keys; every request it gets is signed right, so keys fetched once serve the rest.
    expect(fetches).toBeLessThanOrEqual(vendor === 'fal' ? 1 + Math.floor(elapsedMs / JWKS_FETCH_INTERVAL_MS) : 0);
    expect({ thrown, repeated5xx, invalid: invalid.length }).toEqual({ thrown: 0, repeated5xx: 0, invalid: 0 });
    expect(queued).toHaveLength(queuedClaims);
    // The quarantine deduplicates a request sent twice (a retry): at most one message per request.
    expect(quarantined.length).toBeLessThanOrEqual(quarantinedClaims);
    expect(quarantined.length).toBeGreaterThan(0);
  });
});
