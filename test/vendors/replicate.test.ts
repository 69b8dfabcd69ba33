/**
 * Replicate: Standard Webhooks carrying the prediction object. Deliveries are signed by the
 * `standardwebhooks` reference library, and what `send` signs is checked by Replicate's own SDK
 * verifier (npm replicate@1.4.0 `validateWebhook`), never by the code under test.
 */
import { randomBytes } from 'node:crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import Replicate from 'replicate';
import { Webhook } from 'standardwebhooks';
import { Vendor } from '../../lib';
import { replicateAdapter } from '../../lambda/vendors/replicate';
import { createAdapter } from '../../lambda/vendors/registry';
import { samplePayload, signRequest } from '../../lambda/vendors/samples';
import { NOW_MS, NOW_S, receive, request } from './support';

const { validateWebhook } = Replicate as unknown as { validateWebhook: (req: { id: string; timestamp: string; signature: string; body: string; secret: string }) => Promise<boolean> };
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const adapter = replicateAdapter();
const MSG = 'msg_2abcReplicate';
const prediction = (extra: Record<string, unknown>) =>
  JSON.stringify({ id: 'ufawqhfynnddngldkgtslldrkq', model: 'acme/video', version: '5c7d', input: { prompt: 'a fox' }, logs: '', error: null, output: null, created_at: '2026-04-02T09:59:00.000Z', started_at: '2026-04-02T09:59:02.000Z', completed_at: null, ...extra });
const signed = (body: string, t = NOW_S, secret = SECRET) => request({ 'webhook-id': MSG, 'webhook-timestamp': String(t), 'webhook-signature': new Webhook(secret).sign(MSG, new Date(t * 1000), body) }, body);

describe('Replicate adapter', () => {
  describe('authentication (Standard Webhooks; signed by the standardwebhooks library)', () => {
    const body = prediction({ status: 'succeeded', output: 'https://replicate.delivery/x/out.mp4' });
    it('accepts a delivery the standardwebhooks library signed, and reports webhook-timestamp', () => {
      expect(adapter.authenticate(signed(body), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('rejects a changed body or another secret as bad_signature', () => {
      expect(adapter.authenticate({ ...signed(body), body: Buffer.from(body.replace('succeeded', 'failed')) }, [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(adapter.authenticate(signed(body, NOW_S, `whsec_${randomBytes(24).toString('base64')}`), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });
    it('refuses a timestamp 301 s away either way, where Replicate\'s SDK checks none (a day-old delivery passes it)', async () => {
      for (const t of [NOW_S - 300, NOW_S + 300]) expect(adapter.authenticate(signed(body, t), [SECRET], NOW_MS).ok).toBe(true);
      for (const t of [NOW_S - 301, NOW_S + 301]) expect(adapter.authenticate(signed(body, t), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
      const old = signed(body, NOW_S - 86_400);
      expect(await validateWebhook({ id: MSG, timestamp: old.headers['webhook-timestamp'], signature: old.headers['webhook-signature'], body, secret: SECRET })).toBe(true);
    });
    it('keeps the three Standard Webhooks headers for the quarantine', () => {
      expect(adapter.authHeaders).toEqual(['webhook-signature', 'svix-signature', 'webhook-timestamp', 'svix-timestamp', 'webhook-id', 'svix-id']);
    });
  });

  it.each(['progress', 'completed', 'failed', 'cancelled'] as const)('signs a %s sample for `send` that Replicate\'s SDK verifier accepts', async (event) => {
    const now = Date.now(); // the SDK reads no clock, but the timestamp is signed as sent
    const body = JSON.stringify(samplePayload('replicate', event, 'ufawqhfynnddngldkgtslldrkq', now));
    const headers = signRequest('replicate', body, SECRET, now);
    expect(await validateWebhook({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body, secret: SECRET })).toBe(true);
    expect(await validateWebhook({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body: `${body} `, secret: SECRET })).toBe(false);
  });

  describe('normalization (the prediction object)', () => {
    const normalized = (extra: Record<string, unknown>) => receive(adapter, signed(prediction(extra)), [SECRET]);
    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ['starting', {}, { status: 'queued', outputUrl: null, error: null, occurredAtMs: Date.parse('2026-04-02T09:59:00.000Z') }],
      ['processing', {}, { status: 'processing', occurredAtMs: Date.parse('2026-04-02T09:59:02.000Z') }],
      ['succeeded', { output: 'https://replicate.delivery/x/out.mp4', completed_at: '2026-04-02T10:00:44.000Z' }, { status: 'succeeded', progress: 1, outputUrl: 'https://replicate.delivery/x/out.mp4', occurredAtMs: Date.parse('2026-04-02T10:00:44.000Z') }],
      ['succeeded', { output: ['https://replicate.delivery/x/1.mp4', 'https://replicate.delivery/x/2.mp4'] }, { status: 'succeeded', outputUrl: 'https://replicate.delivery/x/1.mp4' }],
      ['succeeded', { output: { text: 'not a URL' } }, { status: 'succeeded', outputUrl: null }],
      ['failed', { error: 'CUDA out of memory' }, { status: 'failed', error: { message: 'CUDA out of memory', code: null } }],
      ['failed', { error: { message: 'NSFW content detected' } }, { status: 'failed', error: { message: 'NSFW content detected', code: null } }],
      ['canceled', {}, { status: 'cancelled', error: null }],
      ['aborted', {}, { status: 'failed', error: { message: 'prediction aborted', code: 'aborted' } }],
    ])('maps status %s (%j)', (status, extra, expected) => {
      expect(normalized({ status, ...extra })).toMatchObject({ kind: 'event', fields: { jobId: 'ufawqhfynnddngldkgtslldrkq', vendorStatus: status, vendorEventType: null, ...expected } });
    });
    it('quarantines an unknown status and a body without an id', () => {
      expect(normalized({ status: 'paused' })).toEqual({ kind: 'invalid', reason: 'unknown status "paused"' });
      expect(receive(adapter, signed('{"status":"succeeded"}'), [SECRET])).toEqual({ kind: 'invalid', reason: 'no id' });
    });
  });

  describe('status API (GET https://api.replicate.com/v1/predictions/{id}, Authorization: Bearer)', () => {
    const api = adapter.statusApi!;
    it('asks the prediction with the token as a bearer token', () => {
      expect(api.defaultBaseUrl).toBe('https://api.replicate.com');
      expect(api.request('ufawq', { baseUrl: 'https://api.replicate.com', apiKey: 'r8_k' })).toEqual({ url: 'https://api.replicate.com/v1/predictions/ufawq', headers: { accept: 'application/json', authorization: 'Bearer r8_k' } });
    });
    it('reads the same prediction object as the webhook', () => {
      const body = JSON.parse(prediction({ status: 'succeeded', output: ['https://replicate.delivery/x/out.mp4'] })) as Record<string, unknown>;
      expect(api.parse('ufawqhfynnddngldkgtslldrkq', body, { baseUrl: 'https://api.replicate.com', apiKey: undefined })).toMatchObject({ kind: 'status', fields: { status: 'succeeded', outputUrl: 'https://replicate.delivery/x/out.mp4' } });
    });
  });

  describe('Vendor.replicate', () => {
    const stack = new Stack(new App(), 'ReplicateStack');
    const webhookSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'replicate/webhook');
    it('polls api.replicate.com by default, and passes its tolerance to the adapter', () => {
      const replicate = Vendor.replicate({ webhookSecret, timestampTolerance: Duration.minutes(2) });
      expect(replicate._runtimeConfig()).toEqual({ id: 'replicate', kind: 'replicate', options: { timestampToleranceSeconds: 120 } });
      expect([replicate.pollingEnabled, replicate.pollRequestsPerMinute]).toEqual([true, 600]);
      const built = createAdapter(replicate._runtimeConfig());
      expect(built.authenticate(signed(prediction({ status: 'processing' }), NOW_S - 121), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
  });
});
