/**
 * Standard Webhooks (https://www.standardwebhooks.com, the scheme Svix sends) on the custom kind:
 * `auth: {"type": "standard-webhooks"}`. Every signature here is made by the real signers, the
 * `standardwebhooks` and `svix` npm packages, never by the code under test; and what our `send`
 * signs is checked by their verifiers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { Vendor, WebhookAuth } from '../../lib';
import { customAdapter, signCustomRequest, type CustomOptions } from '../../lambda/vendors/custom';
import { createAdapter } from '../../lambda/vendors/registry';
import { SecretFormatError } from '../../lambda/core/secrets';
import { handleWebhook } from '../../lambda/core/webhook';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { drainEvents, freshBackend, ManualClock, TEST_DELIVERY_CONFIG } from '../support/emulators';
import { fixture, NOW_MS, NOW_S, receive, request } from './support';

const secretOf = () => `whsec_${randomBytes(24).toString('base64')}`;
const SECRET = secretOf();
const OLD_SECRET = secretOf();
const OPTIONS: CustomOptions = {
  auth: { type: 'standard-webhooks' },
  paths: { jobId: 'data.job.id', status: 'data.job.state', outputUrl: 'data.job.result.url', time: 'created_at', eventType: 'type' },
  statusMap: { queued: 'queued', rendering: 'processing', done: 'succeeded', error: 'failed' },
};
const adapter = customAdapter(OPTIONS, 'acme');
const BODY = fixture('generic-acme-done');
const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

/** The headers a Standard Webhooks sender sends, its signature made by `signer` (one entry `v1,<base64>`). */
function sent(signature: string, t = NOW_S, id = MSG_ID, prefix = 'webhook'): Record<string, string> {
  return { [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(t), [`${prefix}-signature`]: signature };
}
const signWith = (secret: string, body = BODY, t = NOW_S, id = MSG_ID) => new StandardWebhook(secret).sign(id, new Date(t * 1000), body);
const auth = (headers: Record<string, string>, body = BODY, secrets: readonly string[] = [SECRET], nowMs = NOW_MS) => adapter.authenticate(request(headers, body), secrets, nowMs);
const OK = { ok: true, timestampMs: NOW_S * 1000 };
const BAD = { ok: false, reason: 'bad_signature' };

describe('custom vendor with auth "standard-webhooks", against the standardwebhooks and svix signers', () => {
  it('accepts a message the standardwebhooks package signed, and normalizes it', () => {
    expect(auth(sent(signWith(SECRET)))).toEqual(OK);
    expect(receive(adapter, request(sent(signWith(SECRET)), BODY), [SECRET])).toMatchObject({ kind: 'event', fields: { jobId: '77', status: 'succeeded' } });
  });

  it('accepts a message the svix package signed, with svix-id, svix-timestamp and svix-signature', () => {
    const signature = new SvixWebhook(SECRET).sign(MSG_ID, new Date(NOW_S * 1000), BODY);
    expect(auth(sent(signature, NOW_S, MSG_ID, 'svix'))).toEqual(OK);
    expect(auth(sent(signature, NOW_S, MSG_ID, 'Svix'))).toEqual(OK);
  });

  it('accepts either of two secrets during a rotation, and a header listing several signatures when any one matches', () => {
    expect(auth(sent(signWith(OLD_SECRET)), BODY, [OLD_SECRET, SECRET])).toEqual(OK);
    expect(auth(sent(signWith(SECRET)), BODY, [OLD_SECRET, SECRET])).toEqual(OK);
    // A sender mid-rotation signs with both secrets; a receiver that knows only the new one accepts it.
    const both = `${signWith(OLD_SECRET)} ${signWith(SECRET)}`;
    expect(auth(sent(both), BODY, [SECRET])).toEqual(OK);
    expect(auth(sent(`v1a,${randomBytes(64).toString('base64')} ${signWith(SECRET)}`))).toEqual(OK); // other versions are skipped
    expect(auth(sent(`${signWith(OLD_SECRET)} ${signWith(secretOf())}`))).toEqual(BAD);
  });

  it('accepts a secret given without the whsec_ prefix (its base64 is the key)', () => {
    expect(auth(sent(signWith(SECRET)), BODY, [SECRET.slice('whsec_'.length)])).toEqual(OK);
  });

  it('accepts 5 minutes either way and rejects a timestamp 301 s old or ahead as stale_timestamp', () => {
    expect(auth(sent(signWith(SECRET, BODY, NOW_S - 300), NOW_S - 300)).ok).toBe(true);
    expect(auth(sent(signWith(SECRET, BODY, NOW_S + 300), NOW_S + 300)).ok).toBe(true);
    expect(auth(sent(signWith(SECRET, BODY, NOW_S - 301), NOW_S - 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(auth(sent(signWith(SECRET, BODY, NOW_S + 301), NOW_S + 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('honours auth.toleranceSeconds', () => {
    const strict = customAdapter({ ...OPTIONS, auth: { type: 'standard-webhooks', toleranceSeconds: 60 } }, 'acme');
    expect(strict.authenticate(request(sent(signWith(SECRET, BODY, NOW_S - 60), NOW_S - 60), BODY), [SECRET], NOW_MS).ok).toBe(true);
    expect(strict.authenticate(request(sent(signWith(SECRET, BODY, NOW_S - 61), NOW_S - 61), BODY), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('rejects a tampered body, a changed id, a changed timestamp and another secret as bad_signature', () => {
    const good = sent(signWith(SECRET));
    expect(auth(good, BODY.replace('"done"', '"error"'))).toEqual(BAD);
    expect(auth({ ...good, 'webhook-id': 'msg_other' })).toEqual(BAD);
    expect(auth({ ...good, 'webhook-timestamp': String(NOW_S - 1) })).toEqual(BAD);
    expect(auth(sent(signWith(secretOf())))).toEqual(BAD);
  });

  it('rejects a message without one of the three headers as missing_signature, and one with no v1 signature as malformed_signature', () => {
    const good = sent(signWith(SECRET));
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = { ...good };
      delete headers[name];
      expect(auth(headers)).toEqual({ ok: false, reason: 'missing_signature' });
    }
    expect(auth({ ...good, 'webhook-signature': signWith(SECRET).replace('v1,', 'v2,') })).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(auth({ ...good, 'webhook-timestamp': 'yesterday' })).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it('keeps the id, timestamp and signature headers (both spellings) for the quarantine', () => {
    expect([...adapter.authHeaders].sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
  });

  it('signs for `send` what the standardwebhooks and svix verifiers accept (they read the real clock)', () => {
    const body = JSON.stringify({ data: { job: { id: 'j-send', state: 'done' } } });
    const headers = signCustomRequest(OPTIONS, body, SECRET, Date.now());
    expect(new StandardWebhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new SvixWebhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new StandardWebhook(OLD_SECRET).verify(body, headers)).toThrow('No matching signature found');
  });

  it('answers 503 and queues nothing for the secret whsec_abc (a 2-byte key once decoded leniently), even to a request forged with that key', async () => {
    const backend = await freshBackend();
    const telemetry = new CountingTelemetry(true);
    const deps = {
      adapters: new Map([['acme', adapter]]),
      secrets: new StaticSecretSource({ 'acme/webhook': ['whsec_abc'] }),
      secretIdFor: (v: string) => `${v}/webhook`,
      store: backend.store,
      queue: backend.queue,
      quarantine: backend.quarantine,
      clock: new ManualClock(NOW_MS),
      telemetry,
      config: TEST_DELIVERY_CONFIG,
      maxBodyBytes: 262_144,
    };
    // What a forger who tried the 65,536 two-byte keys sends: signed here with node:crypto.
    const forged = createHmac('sha256', Buffer.from('abc', 'base64')).update(`${MSG_ID}.${NOW_S}.${BODY}`).digest('base64');
    const answer = await handleWebhook('acme', request(sent(`v1,${forged}`), BODY), deps);
    expect(answer).toMatchObject({ statusCode: 503, result: { kind: 'rejected', reason: 'not_configured' } });
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]);
    const logged = telemetry.lines.find((l) => l.level === 'error');
    expect(logged).toMatchObject({ message: 'vendor secret is not in the secret format', fields: { vendor: 'acme', secret: 'acme/webhook' } });
    expect(String(logged?.fields.error)).toMatch(/is not whsec_ followed by standard base64/); // 3 characters: not padded base64
    expect(JSON.stringify(telemetry.lines)).not.toContain('whsec_abc');
  });

  it.each([
    ['shorter than 24 bytes', `whsec_${randomBytes(23).toString('base64')}`, /decodes to 23 bytes: the Standard Webhooks spec asks for at least 24 bytes/],
    ['not base64', 'whsec_not base64!', /is not whsec_ followed by standard base64/],
    ['base64url (- and _)', `whsec_${Buffer.alloc(24, 0xfb).toString('base64url')}`, /is not whsec_ followed by standard base64/],
    ['without its padding', `whsec_${randomBytes(25).toString('base64').replace(/=+$/, '')}`, /is not whsec_ followed by standard base64/],
    ['with non-zero padding bits', `whsec_${randomBytes(25).toString('base64').replace(/.==$/, 'B==')}`, /is not whsec_ followed by standard base64/],
  ])('refuses a secret %s with a SecretFormatError that says what is wrong, never the value', (_what, secret, message) => {
    const attempt = () => auth(sent(signWith(SECRET)), BODY, [secret]);
    expect(attempt).toThrow(SecretFormatError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (err) {
      expect((err as Error).message).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 8));
    }
  });

  it('refuses a bad secret before reading the request, and names which of several accepted secrets is wrong', () => {
    expect(() => auth({}, BODY, ['whsec_abc='])).toThrow(/decodes to 2 bytes/); // no signature headers: still refused for the secret
    expect(() => auth(sent(signWith(SECRET)), BODY, [SECRET, 'whsec_abc='])).toThrow(new SecretFormatError(
      'accepted secret 2 of 2: the secret decodes to 2 bytes: the Standard Webhooks spec asks for at least 24 bytes (a shorter key can be guessed): use the whsec_... secret the vendor shows, exactly as it shows it, or generate one of 24 to 64 random bytes',
    ));
  });

  it('refuses to sign for `send` with a bad secret, saying what is wrong', () => {
    expect(() => signCustomRequest(OPTIONS, BODY, 'whsec_abc', NOW_MS)).toThrow(/^the secret is not whsec_ followed by standard base64/);
  });

  it('accepts a secret of exactly 24 bytes, signed by the standardwebhooks package', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    expect(auth(sent(signWith(secret)), BODY, [secret])).toEqual(OK);
  });

  it('refuses a misspelt option of the standard-webhooks auth with its path and the valid names', () => {
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...OPTIONS, auth: { type: 'standard-webhooks', tolerance: 60 } } })).toThrow(
      new Error('vendor acme: auth.tolerance is not an option of standard-webhooks auth: use type, toleranceSeconds'),
    );
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...OPTIONS, auth: { type: 'standard-webhook' } } })).toThrow(
      new Error(`vendor acme: auth.type is "standard-webhook": use 'hmac' or 'bearer' or 'standard-webhooks' or 'keyed-header' or 'ed25519-jwks' or 'unsigned-hint' or 'poll-only'`),
    );
  });
});

describe('Vendor.standardWebhooks and WebhookAuth.standardWebhooks', () => {
  const stack = new Stack(new App(), 'StandardWebhooksStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const webhookSecret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Webhook', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:acme-AbCdEf');
  const paths = { jobId: 'data.job.id', status: 'data.job.state' };
  const statusMap = { done: 'succeeded', error: 'failed' };

  it('runs on the custom adapter with auth {"type": "standard-webhooks"} and the paths, status map and status API given', () => {
    const acme = Vendor.standardWebhooks({ id: 'acme', webhookSecret, paths, statusMap, statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}', tolerance: Duration.minutes(2) });
    expect(acme._pollerConfig().vendor).toEqual({
      id: 'acme',
      kind: 'custom',
      options: { auth: { type: 'standard-webhooks', toleranceSeconds: 120 }, paths, statusMap, statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}' },
    });
    // The verifier's has no status API options (only the poller reads them).
    expect(acme._runtimeConfig()).toEqual({ id: 'acme', kind: 'custom', options: { auth: { type: 'standard-webhooks', toleranceSeconds: 120 }, paths, statusMap } });
    expect(acme.pollingEnabled).toBe(true);
    // What the verifier builds from it at cold start verifies a standardwebhooks-signed message.
    const built = createAdapter(acme._runtimeConfig());
    expect(built.authenticate(request(sent(signWith(SECRET)), BODY), [SECRET], NOW_MS)).toEqual(OK);
  });

  it('is the same as Vendor.custom with WebhookAuth.standardWebhooks()', () => {
    const viaCustom = Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { auth: WebhookAuth.standardWebhooks(), paths, statusMap } });
    expect(viaCustom._runtimeConfig()).toEqual(Vendor.standardWebhooks({ id: 'acme', webhookSecret, paths, statusMap })._runtimeConfig());
    expect(WebhookAuth.standardWebhooks().type).toBe('standard-webhooks');
  });

  it('fails synth on a misspelt nested option, naming its path and the valid names', () => {
    expect(() => Vendor.standardWebhooks({ id: 'acme', webhookSecret, paths: { ...paths, outputURL: 'data.url' } as never, statusMap })).toThrow(
      'vendor acme: paths.outputURL is not an option: use jobId, status, errorMessage, errorCode, outputUrl, progress, stage, time, eventType',
    );
    expect(() => Vendor.standardWebhooks({ id: 'acme', webhookSecret, paths, statusMap, statusPaths: { jobId: 'id', stauts: 'state' } as never })).toThrow(
      /^vendor acme: statusPaths.stauts is not an option: use jobId, status/,
    );
    expect(() => Vendor.standardWebhooks({ id: 'acme', webhookSecret, paths, statusMap: { done: 'finished' } })).toThrow(/^vendor acme: statusMap.done is "finished": use 'queued'/);
    expect(() => Vendor.standardWebhooks({ id: 'acme', webhookSecret, paths, statusMap, tolerance: Duration.hours(25) })).toThrow('vendor acme: tolerance 90000 seconds is out of range: use 1 second to 24 hours');
  });
});
