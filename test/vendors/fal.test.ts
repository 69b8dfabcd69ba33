/**
 * fal.ai: Ed25519 webhooks checked with fal's public keys (JWKS), the fal user id checked against
 * the accepted ones, statuses OK/ERROR; polling only with a model id. fal's SDK has no verifier:
 * the keys are node:crypto Ed25519 keys served by a JWKS server on 127.0.0.1, and signatures are
 * made here with node:crypto.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { Vendor } from '../../lib';
import { JwksKeySource } from '../../lambda/adapters/http/jwks-source';
import { falAdapter } from '../../lambda/vendors/fal';
import { createAdapter } from '../../lambda/vendors/registry';
import { samplePayload, signRequest, signsWithSecret } from '../../lambda/vendors/samples';
import { ManualClock } from '../support/emulators';
import { ed25519Key, falHeaders, JwksServer } from '../support/jwks-server';
import { request } from './support';

const USER = 'github|4711';
const KEY = ed25519Key('fal-1');
const REQ = '123e4567-e89b-12d3-a456-426614174000';
const OK_BODY = JSON.stringify({ request_id: REQ, gateway_request_id: REQ, status: 'OK', payload: { video: { url: 'https://v3.fal.media/files/out.mp4', content_type: 'video/mp4' }, seed: 42 } });
const ERROR_BODY = JSON.stringify({ request_id: REQ, gateway_request_id: REQ, status: 'ERROR', error: 'Invalid status code: 422', payload: { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }] } });

describe('fal adapter', () => {
  const server = new JwksServer(KEY);
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  let adapter: ReturnType<typeof falAdapter>;
  beforeAll(async () => {
    await server.start();
    adapter = falAdapter({}, 'fal', { publicKeys: new JwksKeySource({ now: () => clock.now(), allowLoopback: true }), jwksUrl: server.url });
  });
  afterAll(() => server.stop());
  const nowS = () => Math.floor(clock.now() / 1000);
  const delivery = (body: string, h: Partial<{ requestId: string; userId: string; timestamp: number }> = {}) => request(falHeaders(KEY, body, { requestId: REQ, userId: USER, timestamp: nowS(), ...h }), body);

  it('accepts a delivery signed with a key of the JWKS for an accepted user id, and reads X-Fal-Webhook-Timestamp', async () => {
    expect(await adapter.authenticateAsync!(delivery(OK_BODY), [USER], clock.now())).toEqual({ ok: true, timestampMs: nowS() * 1000 });
  });
  it('refuses a delivery fal signed for another user (wrong_account), and a timestamp 301 s away (stale), asking for no key', async () => {
    const before = server.requests;
    expect(await adapter.authenticateAsync!(delivery(OK_BODY, { userId: 'someone-else' }), [USER], clock.now())).toEqual({ ok: false, reason: 'wrong_account' });
    expect(await adapter.authenticateAsync!(delivery(OK_BODY, { timestamp: nowS() - 301 }), [USER], clock.now())).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(server.requests).toBe(before);
  });
  it('keeps the four X-Fal-Webhook headers for the quarantine', () => {
    expect([...adapter.authHeaders].sort()).toEqual(['x-fal-webhook-request-id', 'x-fal-webhook-signature', 'x-fal-webhook-timestamp', 'x-fal-webhook-user-id']);
  });

  it('normalizes OK into succeeded with the output URL, and ERROR into failed with its error', () => {
    const auth = { ok: true as const, timestampMs: nowS() * 1000 };
    expect(adapter.normalize(delivery(OK_BODY), auth)).toMatchObject({ kind: 'event', fields: { jobId: REQ, status: 'succeeded', progress: 1, outputUrl: 'https://v3.fal.media/files/out.mp4', vendorStatus: 'OK', occurredAtMs: nowS() * 1000 } });
    expect(adapter.normalize(delivery(ERROR_BODY), auth)).toMatchObject({ kind: 'event', fields: { jobId: REQ, status: 'failed', error: { message: 'Invalid status code: 422', code: null } } });
    const images = JSON.stringify({ request_id: 'r2', status: 'OK', payload: { images: [{ url: 'https://v3.fal.media/files/i.png' }] } });
    expect(adapter.normalize(delivery(images), auth)).toMatchObject({ fields: { outputUrl: 'https://v3.fal.media/files/i.png' } });
    const noPayload = JSON.stringify({ request_id: 'r3', status: 'OK', payload: null, payload_error: 'not JSON serializable' });
    expect(adapter.normalize(delivery(noPayload), auth)).toMatchObject({ kind: 'event', fields: { status: 'succeeded', outputUrl: null } });
    expect(adapter.normalize(delivery(JSON.stringify({ request_id: 'r4', status: 'IN_PROGRESS' })), auth)).toEqual({ kind: 'invalid', reason: 'unknown status "IN_PROGRESS"' });
  });

  it('signs samples for `send` with a private key (PEM or JWK), verifiable with its public key, and refuses to sign without one', () => {
    expect(signsWithSecret('fal')).toBe(false);
    const body = JSON.stringify(samplePayload('fal', 'completed', REQ, clock.now()));
    const pem = KEY.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const signingKey of [pem, JSON.stringify(KEY.privateKey.export({ format: 'jwk' }))]) {
      const headers = signRequest('fal', body, USER, clock.now(), signingKey);
      expect(headers).toMatchObject({ 'x-fal-webhook-request-id': REQ, 'x-fal-webhook-user-id': USER, 'x-fal-webhook-timestamp': String(nowS()) });
      const message = [REQ, USER, String(nowS()), createHash('sha256').update(body).digest('hex')].join('\n');
      expect(verify(null, Buffer.from(message), createPublicKey({ key: KEY.jwk, format: 'jwk' }), Buffer.from(headers['x-fal-webhook-signature'], 'hex'))).toBe(true);
    }
    expect(() => signRequest('fal', body, USER, clock.now())).toThrow(/no signing key: give an Ed25519 private key as PKCS#8 PEM/);
    expect(() => signRequest('fal', body, USER, clock.now(), 'not a key')).toThrow(/the signing key cannot be read/);
  });

  describe('status API (with modelId: GET https://queue.fal.run/{owner/alias}/requests/{id}/status, Authorization: Key)', () => {
    const polled = falAdapter({ modelId: 'fal-ai/kling-video' }, 'fal').statusApi!;
    const ctx = { baseUrl: 'https://queue.fal.run', apiKey: 'fal_k' };
    it('is there only with a model id', () => {
      expect(adapter.statusApi).toBeUndefined();
      expect(polled.request(REQ, ctx)).toEqual({ url: `https://queue.fal.run/fal-ai/kling-video/requests/${REQ}/status`, headers: { accept: 'application/json', authorization: 'Key fal_k' } });
    });
    it('reads IN_QUEUE and IN_PROGRESS, and on COMPLETED asks the result: a 2xx succeeded, a 4xx failed, a 404 unread', () => {
      expect(polled.parse(REQ, { status: 'IN_QUEUE', queue_position: 3 }, ctx)).toMatchObject({ kind: 'status', fields: { status: 'queued' } });
      expect(polled.parse(REQ, { status: 'IN_PROGRESS' }, ctx)).toMatchObject({ kind: 'status', fields: { status: 'processing' } });
      const done = polled.parse(REQ, { status: 'COMPLETED' }, ctx);
      if (done.kind !== 'follow') throw new Error(`expected a follow-up, got ${done.kind}`);
      expect(done.request).toEqual({ url: `https://queue.fal.run/fal-ai/kling-video/requests/${REQ}`, headers: { accept: 'application/json', authorization: 'Key fal_k' } });
      expect(done.then(200, JSON.parse(OK_BODY).payload)).toMatchObject({ kind: 'status', fields: { status: 'succeeded', outputUrl: 'https://v3.fal.media/files/out.mp4' } });
      expect(done.then(422, { detail: [{ msg: 'field required' }], error_type: 'validation_error' })).toMatchObject({ kind: 'status', fields: { status: 'failed', error: { message: 'field required', code: 'validation_error' } } });
      expect(done.then(404, {})).toEqual({ kind: 'invalid', reason: 'the result of a completed request answered 404' });
      expect(polled.parse(REQ, { status: 'PAUSED' }, ctx)).toEqual({ kind: 'invalid', reason: 'unknown queue status "PAUSED"' });
    });
    it('refuses a model id with its subpath or a dot segment, saying what to use', () => {
      for (const modelId of ['fal-ai/kling-video/v2/master/text-to-video', 'fal-ai/..', 'kling-video', '../x']) {
        expect(() => createAdapter({ id: 'fal', kind: 'fal', options: { modelId } })).toThrow(
          `vendor fal: modelId is ${JSON.stringify(modelId)}: use the model's owner/alias without its subpath, e.g. "fal-ai/kling-video" for fal-ai/kling-video/v2/master/text-to-video`,
        );
      }
      expect(() => createAdapter({ id: 'fal', kind: 'fal', options: { modelId: 'workflows/acme/my-flow' } })).not.toThrow();
    });
  });

  describe('Vendor.fal', () => {
    const stack = new Stack(new App(), 'FalStack');
    const webhookSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'fal/user-ids');
    it('is webhook-only without a model id, and polls with one', () => {
      expect(Vendor.fal({ webhookSecret }).pollingEnabled).toBe(false);
      const polled = Vendor.fal({ webhookSecret, modelId: 'fal-ai/kling-video' });
      expect(polled.pollingEnabled).toBe(true);
      expect(polled._runtimeConfig().options).toEqual({ timestampToleranceSeconds: 300, modelId: 'fal-ai/kling-video' });
    });
    it('refuses polling without a model id, and a JWKS over plain http', () => {
      expect(() => Vendor.fal({ webhookSecret, polling: true })).toThrow(/vendor fal: polling is on but modelId is not set: the webhook does not say which model ran/);
      expect(() => Vendor.fal({ webhookSecret, jwksUrl: 'http://rest.alpha.fal.ai/.well-known/jwks.json' })).toThrow('vendor fal: jwksUrl http://rest.alpha.fal.ai/.well-known/jwks.json is not an https URL');
    });
  });
});
