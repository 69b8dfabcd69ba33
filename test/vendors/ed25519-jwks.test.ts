/**
 * The "Ed25519 with a JWKS" auth kind (fal's scheme, and `Vendor.custom`'s `ed25519-jwks`): a
 * signature checked with the public keys a vendor publishes, fetched from its JWKS through the
 * hardened HTTP client, kept in memory, fetched again at most once a minute, and never for a
 * request that can be refused without keys. The keys are node:crypto Ed25519 keys served by a real
 * HTTP server on 127.0.0.1 that counts its requests; signatures are made here with node:crypto.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureEncoding, TimestampWindow, Vendor, WebhookAuth } from '../../lib';
import { JwksKeySource, type JwksSourceOptions } from '../../lambda/adapters/http/jwks-source';
import { PublicKeysUnavailableError, type AdapterPorts } from '../../lambda/core/adapter';
import { handleWebhook } from '../../lambda/core/webhook';
import { customAdapter, type CustomOptions } from '../../lambda/vendors/custom';
import { createAdapter } from '../../lambda/vendors/registry';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { drainEvents, freshBackend, ManualClock, TEST_DELIVERY_CONFIG } from '../support/emulators';
import { ed25519Key, falHeaders, JwksServer } from '../support/jwks-server';
import { request } from './support';

const USER = 'user-7f3a';
const KEY_A = ed25519Key('a');
const KEY_B = ed25519Key('b');
const FAL_AUTH = {
  type: 'ed25519-jwks',
  jwksUrl: 'https://keys.acme.example/.well-known/jwks.json',
  signatureHeader: 'X-Fal-Webhook-Signature',
  timestampHeader: 'X-Fal-Webhook-Timestamp',
  accountHeader: 'X-Fal-Webhook-User-Id',
  template: '{header:x-fal-webhook-request-id}\n{header:x-fal-webhook-user-id}\n{timestamp}\n{bodySha256Hex}',
};
const OPTIONS = (auth: Record<string, unknown> = {}): CustomOptions => ({
  auth: { ...FAL_AUTH, ...auth } as CustomOptions['auth'],
  paths: { jobId: 'request_id', status: 'status', errorMessage: 'error' },
  statusMap: { OK: 'succeeded', ERROR: 'failed' },
});
const BODY = JSON.stringify({ request_id: 'req-1', gateway_request_id: 'req-1', status: 'OK', payload: { video: { url: 'https://v3.fal.media/files/out.mp4' } } });
const MINUTE = 60_000;

describe('ed25519-jwks auth, keys from a JWKS on 127.0.0.1', () => {
  const server = new JwksServer(KEY_A);
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests = 0;
    server.keys = [KEY_A];
    server.behaviour = { kind: 'keys' };
  });

  /** A fresh container: its own clock, key source and adapter. */
  function container(auth: Record<string, unknown> = {}, sourceOptions: Partial<JwksSourceOptions> = {}) {
    // On a whole second, so that a timestamp n seconds back is exactly n seconds old.
    const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
    const source = new JwksKeySource({ now: () => clock.now(), allowLoopback: true, ...sourceOptions });
    const ports: AdapterPorts = { publicKeys: source, jwksUrl: server.url };
    const adapter = customAdapter(OPTIONS(auth), 'acme', ports);
    const nowS = () => Math.floor(clock.now() / 1000);
    const signed = (key = KEY_A, h: Partial<{ requestId: string; userId: string; timestamp: number | string }> = {}, body = BODY) =>
      request(falHeaders(key, body, { requestId: 'req-1', userId: USER, timestamp: nowS(), ...h }), body);
    const auth2 = (req: ReturnType<typeof request>, secrets: readonly string[] = [USER]) => adapter.authenticateAsync!(req, secrets, clock.now());
    return { clock, source, adapter, signed, auth: auth2, nowS };
  }

  it('accepts a delivery signed with a key of the JWKS, and fetches the keys once for 100 deliveries', async () => {
    const c = container();
    expect(await c.auth(c.signed())).toEqual({ ok: true, timestampMs: c.nowS() * 1000 });
    for (let i = 0; i < 99; i++) expect((await c.auth(c.signed())).ok).toBe(true);
    expect(server.requests).toBe(1);
  });

  it('accepts a signature by any key of the JWKS', async () => {
    server.keys = [KEY_B, KEY_A];
    const c = container();
    expect((await c.auth(c.signed(KEY_A))).ok).toBe(true);
    expect((await c.auth(c.signed(KEY_B))).ok).toBe(true);
  });

  it('fetches once for 50 deliveries that arrive together in a cold container', async () => {
    const c = container();
    const answers = await Promise.all(Array.from({ length: 50 }, () => c.auth(c.signed())));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(server.requests).toBe(1);
  });

  it('rejects a changed body, request id or timestamp, and another key, as bad_signature', async () => {
    const c = container();
    const good = c.signed();
    expect(await c.auth({ ...good, body: Buffer.from(BODY.replace('"OK"', '"ERROR"')) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await c.auth({ ...good, headers: { ...good.headers, 'x-fal-webhook-request-id': 'req-2' } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await c.auth({ ...good, headers: { ...good.headers, 'x-fal-webhook-timestamp': String(c.nowS() - 1) } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await c.auth(c.signed(KEY_B))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses without fetching a key: missing headers, a malformed signature or timestamp, a stale timestamp, another account', async () => {
    const c = container();
    const good = c.signed();
    const without = (name: string) => ({ ...good, headers: Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== name)) });
    const withHeader = (name: string, value: string) => ({ ...good, headers: { ...good.headers, [name]: value } });
    for (const name of Object.keys(good.headers)) expect(await c.auth(without(name))).toEqual({ ok: false, reason: 'missing_signature' });
    for (const bad of ['zz'.repeat(64), 'ab'.repeat(63), 'ab'.repeat(65), '']) {
      expect(await c.auth(withHeader('x-fal-webhook-signature', bad))).toEqual({ ok: false, reason: bad ? 'malformed_signature' : 'missing_signature' });
    }
    for (const bad of ['soon', `${c.nowS()}.5`, String(c.clock.now())]) expect(await c.auth(withHeader('x-fal-webhook-timestamp', bad))).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(await c.auth(c.signed(KEY_A, { timestamp: c.nowS() - 301 }))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(await c.auth(c.signed(KEY_A, { timestamp: c.nowS() + 301 }))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(await c.auth(c.signed(KEY_A, { userId: 'someone-else' }))).toEqual({ ok: false, reason: 'wrong_account' });
    expect(await c.auth(c.signed(), [])).toEqual({ ok: false, reason: 'wrong_account' });
    expect(server.requests).toBe(0);
  });

  it('accepts the accounts of every configured secret (a JSON array of account ids)', async () => {
    const c = container();
    expect((await c.auth(c.signed(KEY_A, { userId: 'team-2' }), [USER, 'team-2'])).ok).toBe(true);
  });

  it('honours toleranceSeconds and window', async () => {
    const strict = container({ toleranceSeconds: 60 });
    expect((await strict.auth(strict.signed(KEY_A, { timestamp: strict.nowS() - 60 }))).ok).toBe(true);
    expect(await strict.auth(strict.signed(KEY_A, { timestamp: strict.nowS() - 61 }))).toEqual({ ok: false, reason: 'stale_timestamp' });
    const pastOnly = container({ window: 'past-only' });
    expect((await pastOnly.auth(pastOnly.signed(KEY_A, { timestamp: pastOnly.nowS() + 3600 }))).ok).toBe(true);
  });

  it('picks up a rotated key: a signature no key in memory verifies fetches again, at most once a minute', async () => {
    const c = container();
    expect((await c.auth(c.signed(KEY_A))).ok).toBe(true);
    c.clock.advance(MINUTE);
    server.keys = [KEY_B];
    expect((await c.auth(c.signed(KEY_B))).ok).toBe(true);
    expect(server.requests).toBe(2);
    // Rotated again at once: the next fetch waits for the minute to pass; meanwhile 401, nothing asked.
    const keyC = ed25519Key('c');
    server.keys = [keyC];
    expect(await c.auth(c.signed(keyC))).toEqual({ ok: false, reason: 'bad_signature' });
    c.clock.advance(MINUTE - 1);
    expect(await c.auth(c.signed(keyC))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(server.requests).toBe(2);
    c.clock.advance(1);
    expect((await c.auth(c.signed(keyC))).ok).toBe(true);
    expect(server.requests).toBe(3);
  });

  it('fetches keys older than an hour again before use, and keeps them when that fetch fails', async () => {
    const c = container();
    expect((await c.auth(c.signed())).ok).toBe(true);
    c.clock.advance(60 * MINUTE);
    server.behaviour = { kind: 'status', status: 503 };
    expect((await c.auth(c.signed())).ok).toBe(true);
    expect(server.requests).toBe(2);
  });

  it('with no keys yet and a JWKS that fails, rejects with PublicKeysUnavailableError, asking again only a minute later', async () => {
    server.behaviour = { kind: 'status', status: 500 };
    const c = container();
    await expect(c.auth(c.signed())).rejects.toThrow(PublicKeysUnavailableError);
    await expect(c.auth(c.signed())).rejects.toThrow(PublicKeysUnavailableError);
    expect(server.requests).toBe(1);
    c.clock.advance(MINUTE);
    server.behaviour = { kind: 'keys' };
    expect((await c.auth(c.signed())).ok).toBe(true);
    expect(server.requests).toBe(2);
  });

  it('with a key id header, fetches again for an unknown kid (bounded) but not for a known kid whose signature fails', async () => {
    const c = container({ keyIdHeader: 'x-acme-key-id' });
    const withKid = (key = KEY_A, kid = key.kid) => {
      const req = c.signed(key);
      return { ...req, headers: { ...req.headers, 'x-acme-key-id': kid } };
    };
    expect((await c.auth(withKid())).ok).toBe(true);
    expect(await c.auth(withKid(KEY_B, 'a'))).toEqual({ ok: false, reason: 'bad_signature' });
    c.clock.advance(MINUTE);
    expect(await c.auth(withKid(KEY_B, 'a'))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(server.requests).toBe(1);
    server.keys = [KEY_A, KEY_B];
    expect((await c.auth(withKid(KEY_B))).ok).toBe(true);
    expect(server.requests).toBe(2);
  });

  it('checks with the keys in memory only through the synchronous authenticate, and fetches nothing', async () => {
    const c = container();
    expect(c.adapter.authenticate(c.signed(), [USER], c.clock.now())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(server.requests).toBe(0);
    await c.auth(c.signed());
    expect(c.adapter.authenticate(c.signed(), [USER], c.clock.now()).ok).toBe(true);
    expect(server.requests).toBe(1);
  });

  it('costs at most one JWKS fetch a minute under a flood of forged requests (measured over 10 minutes)', async () => {
    const c = container();
    const forgeries = [
      () => c.signed(KEY_B), // well formed, signed by a key the vendor does not have: the only kind that may fetch
      () => c.signed(KEY_B, { timestamp: c.nowS() - 3600 }),
      () => c.signed(KEY_B, { userId: 'attacker' }),
      () => ({ ...c.signed(KEY_B), headers: { ...c.signed(KEY_B).headers, 'x-fal-webhook-signature': 'ab'.repeat(10) } }),
      () => request({ 'x-fal-webhook-signature': 'ab'.repeat(64) }, BODY),
    ];
    const durationMs = 10 * MINUTE;
    let forged = 0;
    for (let elapsed = 0; elapsed <= durationMs; elapsed += 500) {
      for (const forge of forgeries) {
        for (let i = 0; i < 2; i++, forged++) expect((await c.auth(forge())).ok).toBe(false);
      }
      if (elapsed < durationMs) c.clock.advance(500);
    }
    const bound = 1 + Math.floor(durationMs / MINUTE);
    process.stdout.write(`JWKS fetches under ${forged} forged requests over ${durationMs / MINUTE} minutes: ${server.requests} (bound ${bound})\n`);
    expect(forged).toBeGreaterThan(12_000);
    expect(server.requests).toBe(bound);
    // Stale, malformed, other-account and header-less forgeries alone cost nothing at all.
    const quiet = container();
    server.requests = 0;
    for (let i = 0; i < 500; i++) for (const forge of forgeries.slice(1)) expect((await quiet.auth(forge())).ok).toBe(false);
    expect(server.requests).toBe(0);
  });

  describe('through the webhook core (real emulators)', () => {
    async function deliver(c: ReturnType<typeof container>, req: ReturnType<typeof request>) {
      const backend = await freshBackend();
      const deps = {
        adapters: new Map([['acme', c.adapter]]),
        secrets: new StaticSecretSource({ 'acme/webhook': [USER] }),
        secretIdFor: (v: string) => `${v}/webhook`,
        store: backend.store,
        queue: backend.queue,
        quarantine: backend.quarantine,
        clock: c.clock,
        telemetry: new CountingTelemetry(true),
        config: TEST_DELIVERY_CONFIG,
        maxBodyBytes: 262_144,
      };
      const answer = await handleWebhook('acme', req, deps);
      return { answer, events: await drainEvents(backend.sqs, backend.queueUrl) };
    }

    it('queues the event of a delivery signed with a JWKS key', async () => {
      const c = container();
      const { answer, events } = await deliver(c, c.signed());
      expect(answer).toMatchObject({ statusCode: 200, result: { kind: 'delivered', outcome: 'enqueued' } });
      expect(events.map((e) => [e.type, e.data.jobId])).toEqual([['video.job.succeeded', 'req-1']]);
    });
    it('answers 401 wrong_account, queueing nothing and fetching nothing, for a delivery fal signed for another account', async () => {
      const c = container();
      const { answer, events } = await deliver(c, c.signed(KEY_A, { userId: 'attacker' }));
      expect(answer).toMatchObject({ statusCode: 401, result: { kind: 'rejected', reason: 'wrong_account' } });
      expect(events).toEqual([]);
      expect(server.requests).toBe(0);
    });
    it('answers 500 (the vendor retries) when there are no keys and the JWKS cannot be had', async () => {
      server.behaviour = { kind: 'status', status: 502 };
      const c = container();
      const { answer, events } = await deliver(c, c.signed());
      expect(answer).toMatchObject({ statusCode: 500, body: { error: 'temporary failure; retry' }, result: { kind: 'failed', reason: 'keys_unavailable' } });
      expect(events).toEqual([]);
    });
  });
});

describe('the JWKS key source (the hardened HTTP client)', () => {
  const server = new JwksServer(KEY_A);
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests = 0;
    server.behaviour = { kind: 'keys' };
  });
  const source = (options: Partial<JwksSourceOptions> = {}) => new JwksKeySource({ allowLoopback: true, ...options });

  it('refuses plain http and loopback unless allowed (video-webhooks dev), and link-local always, asking nothing', async () => {
    await expect(source({ allowLoopback: false }).keys(server.url)).rejects.toThrow(/loopback/);
    await expect(source().keys('http://keys.acme.example/jwks.json')).rejects.toThrow(/plain http/);
    await expect(source().keys('https://169.254.169.254/latest/meta-data/')).rejects.toThrow(/link-local/);
    expect(server.requests).toBe(0);
  });

  it('follows no redirect', async () => {
    let elsewhere = 0;
    const other = createServer((_req, res) => {
      elsewhere++;
      res.end(JSON.stringify({ keys: [KEY_B.jwk] }));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    server.behaviour = { kind: 'redirect', location: `http://127.0.0.1:${(other.address() as AddressInfo).port}/jwks.json` };
    await expect(source().keys(server.url)).rejects.toThrow(/redirect/);
    expect(elsewhere).toBe(0);
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it.each<[string, () => void, RegExp]>([
    ['a body over 64 KiB', () => (server.behaviour = { kind: 'body', body: JSON.stringify({ keys: [KEY_A.jwk], pad: 'x'.repeat(70_000) }) }), /over 65536 bytes/],
    ['a body that is not a JWKS', () => (server.behaviour = { kind: 'body', body: '{"keys": "none"}' }), /not a JWKS/],
    ['a body that is not JSON', () => (server.behaviour = { kind: 'body', body: '<html>' }), /not a JWKS/],
    ['an answer slower than the timeout', () => (server.behaviour = { kind: 'slow', ms: 2_000 }), /timeout/],
  ])('refuses %s', async (_what, arrange, message) => {
    arrange();
    await expect(source({ timeoutMs: 300 }).keys(server.url)).rejects.toThrow(message);
  });

  it('keeps at most 16 keys of a JWKS', async () => {
    server.behaviour = { kind: 'body', body: JSON.stringify({ keys: Array.from({ length: 40 }, (_, i) => ({ ...KEY_A.jwk, kid: `k${i}` })) }) };
    expect(await source().keys(server.url)).toHaveLength(16);
  });
});

describe('ed25519-jwks options, checked at synth as at cold start', () => {
  const stack = new Stack(new App(), 'Ed25519Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const webhookSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'acme/webhook');
  const paths = { jobId: 'request_id', status: 'status' };
  const statusMap = { OK: 'succeeded', ERROR: 'failed' };
  const jwks = (o: Partial<Parameters<typeof WebhookAuth.ed25519Jwks>[0]> = {}) =>
    WebhookAuth.ed25519Jwks({ jwksUrl: FAL_AUTH.jwksUrl, signatureHeader: FAL_AUTH.signatureHeader, timestampHeader: FAL_AUTH.timestampHeader, accountHeader: FAL_AUTH.accountHeader, template: FAL_AUTH.template, ...o });
  const custom = (auth: WebhookAuth) => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { auth, paths, statusMap } });

  it('is the custom adapter\'s auth {"type": "ed25519-jwks"}', () => {
    expect(custom(jwks({ encoding: SignatureEncoding.BASE64, keyIdHeader: 'x-kid', tolerance: Duration.minutes(2), window: TimestampWindow.PAST_ONLY }))._runtimeConfig().options.auth).toEqual({
      ...FAL_AUTH,
      encoding: 'base64',
      keyIdHeader: 'x-kid',
      toleranceSeconds: 120,
      window: 'past-only',
    });
    expect(jwks().type).toBe('ed25519-jwks');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a template without the timestamp', { template: '{header:x-fal-webhook-user-id}\n{bodySha256Hex}' }, 'auth.template "{header:x-fal-webhook-user-id}\\n{bodySha256Hex}" must contain {timestamp}: an unsigned timestamp could be changed to replay a delivery'],
    ['a template without the body', { template: '{header:x-fal-webhook-user-id}\n{timestamp}' }, 'auth.template "{header:x-fal-webhook-user-id}\\n{timestamp}" must contain one of {body}, {bodySha256Hex}: a signature that does not cover the body would authenticate any body'],
    ['a template without the account', { template: '{timestamp}\n{bodySha256Hex}' }, 'auth.template must contain {header:x-fal-webhook-user-id} (auth.accountHeader): an account that is not signed could be changed, and a delivery the vendor signed for another account would pass'],
    ['a JWKS over plain http', { jwksUrl: 'http://keys.acme.example/jwks.json' }, 'auth.jwksUrl http://keys.acme.example/jwks.json is not an https URL: the keys decide what is authentic, and over plain http anyone on the way could replace them'],
    ['no account header', { accountHeader: undefined }, 'auth.accountHeader is required for ed25519-jwks auth'],
  ])('refuses %s', (_what, auth, message) => {
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: OPTIONS(auth) as unknown as Record<string, unknown> })).toThrow(new Error(`vendor acme: ${message}`));
    const lib = Object.fromEntries(Object.entries(auth).map(([k, v]) => [k, v]));
    expect(() => custom(jwks(lib))).toThrow(new Error(`vendor acme: ${message.replaceAll('auth.', 'adapterOptions.auth.')}`));
  });
});
