/**
 * Standard Webhooks (https://www.standardwebhooks.com, the scheme Svix sends) on the custom kind:
 * `auth: {"type": "standard-webhooks"}`. Every signature here is made by the real signers, the
 * `standardwebhooks` and `svix` npm packages, never by the code under test; and what our `send`
 * signs is checked by their verifiers.
 */
import { randomBytes } from 'node:crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { Vendor, WebhookAuth } from '../../lib';
import { customAdapter, signCustomRequest, type CustomOptions } from '../../lambda/vendors/custom';
import { createAdapter } from '../../lambda/vendors/registry';
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

  it('refuses a misspelt option of the standard-webhooks auth with its path and the valid names', () => {
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...OPTIONS, auth: { type: 'standard-webhooks', tolerance: 60 } } })).toThrow(
      new Error('vendor acme: auth.tolerance is not an option of standard-webhooks auth: use type, toleranceSeconds'),
    );
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...OPTIONS, auth: { type: 'standard-webhook' } } })).toThrow(
      new Error(`vendor acme: auth.type is "standard-webhook": use 'hmac' or 'bearer' or 'standard-webhooks'`),
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
