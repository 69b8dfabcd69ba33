/**
 * Mux Video: `mux-signature: t=<unix>,v1=<hex>` webhooks, a job per asset. Deliveries are signed
 * here with node:crypto; what `send` signs, and the edges of the tolerance, are checked against
 * Mux's own SDK verifier (npm @mux/mux-node@15.3.0 `webhooks.verifySignature`).
 */
import { createHmac } from 'node:crypto';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import Mux from '@mux/mux-node';
import { Vendor } from '../../lib';
import { muxAdapter } from '../../lambda/vendors/mux';
import { samplePayload, signRequest } from '../../lambda/vendors/samples';
import { NOW_MS, NOW_S, receive, request } from './support';

const SECRET = 'mux-signing-secret-from-dashboard';
const mux = new Mux({ tokenId: 'unused', tokenSecret: 'unused', webhookSecret: SECRET });
const adapter = muxAdapter();
const sign = (t: number, body: string, secret = SECRET) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
const ASSET = '0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002';
const event = (type: string, data: Record<string, unknown>) => JSON.stringify({ type, id: 'evt-3a56', created_at: '2026-04-02T10:00:44.000000Z', object: { type: 'asset', id: ASSET }, environment: { id: 'j0863n', name: 'Production' }, data: { id: ASSET, ...data }, attempts: [] });
const ready = event('video.asset.ready', { status: 'ready', duration: 23.8, playback_ids: [{ id: 'x9i4EFo5fW01Zq2XmZfaZ02m', policy: 'public' }], progress: { state: 'completed', progress: 100 } });

/** What Mux's SDK says of a delivery: 'ok' or its error message. Its clock is the real one: times are relative to now. */
async function sdkVerdict(body: string, header: string): Promise<string> {
  try {
    await mux.webhooks.verifySignature(body, { 'mux-signature': header }, SECRET);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('Mux adapter', () => {
  describe('authentication (keyed header mux-signature, v1; signed with node:crypto)', () => {
    it('accepts a signed delivery and reports t', () => {
      expect(adapter.authenticate(request({ 'Mux-Signature': sign(NOW_S, ready) }, ready), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('accepts a second v1 signature when the first does not match, as the SDK does', async () => {
      const header = `t=${NOW_S},v1=${'ab'.repeat(32)},${sign(NOW_S, ready).split(',')[1]}`;
      expect(adapter.authenticate(request({ 'mux-signature': header }, ready), [SECRET], NOW_MS).ok).toBe(true);
      const now = Math.floor(Date.now() / 1000);
      expect(await sdkVerdict(ready, `t=${now},v1=${'ab'.repeat(32)},${sign(now, ready).split(',')[1]}`)).toBe('ok');
    });
    it('refuses what the SDK refuses and accepts what it accepts at the edges: 301 s old stale, 299 s old and an hour ahead accepted (past only)', async () => {
      const at = (offset: number) => adapter.authenticate(request({ 'mux-signature': sign(NOW_S + offset, ready) }, ready), [SECRET], NOW_MS);
      expect(at(-301)).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(at(-299).ok).toBe(true);
      expect(at(3600).ok).toBe(true);
      const now = Math.floor(Date.now() / 1000);
      expect(await sdkVerdict(ready, sign(now - 301, ready))).toBe('Webhook timestamp is too old');
      expect(await sdkVerdict(ready, sign(now - 299, ready))).toBe('ok');
      expect(await sdkVerdict(ready, sign(now + 3600, ready))).toBe('ok');
    });
    it('rejects a changed body and another secret as bad_signature, as the SDK does', async () => {
      expect(adapter.authenticate(request({ 'mux-signature': sign(NOW_S, ready) }, `${ready} `), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(adapter.authenticate(request({ 'mux-signature': sign(NOW_S, ready, 'other') }, ready), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(await sdkVerdict(`${ready} `, sign(Math.floor(Date.now() / 1000), ready))).toBe('No signatures found matching the expected signature for payload.');
    });
  });

  it.each(['created', 'completed', 'failed', 'cancelled'] as const)('signs a %s sample for `send` that Mux\'s SDK verifier accepts', async (sample) => {
    const now = Date.now();
    const body = JSON.stringify(samplePayload('mux', sample, ASSET, now));
    const headers = signRequest('mux', body, SECRET, now);
    expect(await sdkVerdict(body, headers['mux-signature'])).toBe('ok');
    expect((await mux.webhooks.unwrap(body, headers, SECRET)).type).toBe(JSON.parse(body).type);
  });

  describe('normalization (asset events; the rest ignored)', () => {
    const normalized = (body: string) => receive(adapter, request({ 'mux-signature': sign(NOW_S, body) }, body), [SECRET]);
    it('turns video.asset.ready into succeeded, with the public playback URL, the duration and the event time', () => {
      expect(normalized(ready)).toEqual({
        kind: 'event',
        fields: expect.objectContaining({
          jobId: ASSET,
          status: 'succeeded',
          progress: 1,
          stage: 'completed',
          outputUrl: 'https://stream.mux.com/x9i4EFo5fW01Zq2XmZfaZ02m.m3u8',
          media: expect.objectContaining({ durationSeconds: 23.8 }),
          error: null,
          vendorEventType: 'video.asset.ready',
          vendorStatus: 'ready',
          occurredAtMs: Date.parse('2026-04-02T10:00:44.000Z'),
        }),
      });
    });
    it('gives no URL for a signed playback id (it needs a token)', () => {
      expect(normalized(event('video.asset.ready', { status: 'ready', playback_ids: [{ id: 'abc', policy: 'signed' }] }))).toMatchObject({ fields: { outputUrl: null } });
    });
    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ['video.asset.created', { status: 'preparing', progress: { state: 'ingesting', progress: 40 } }, { status: 'processing', progress: 0.4, stage: 'ingesting' }],
      ['video.asset.created', { status: 'preparing', progress: { state: 'ingesting', progress: -1 } }, { status: 'processing', progress: null }],
      ['video.asset.errored', { status: 'errored', errors: { type: 'invalid_input', messages: ['The input file could not be processed.'] } }, { status: 'failed', error: { message: 'The input file could not be processed.', code: 'invalid_input' } }],
      ['video.asset.deleted', { status: 'preparing' }, { status: 'cancelled' }],
    ])('maps %s %j', (type, data, expected) => {
      expect(normalized(event(type, data))).toMatchObject({ kind: 'event', fields: { jobId: ASSET, vendorEventType: type, ...expected } });
    });
    it('answers other event types as ignored, with the reason, and quarantines an asset event it cannot read', () => {
      expect(normalized(event('video.upload.asset_created', {}))).toEqual({ kind: 'ignored', vendorEventType: 'video.upload.asset_created', reason: "event type video.upload.asset_created is not an asset's status change" });
      expect(normalized(event('video.asset.track.ready', { status: 'ready' }))).toMatchObject({ kind: 'ignored' });
      expect(normalized(event('video.asset.created', { status: 'paused' }))).toEqual({ kind: 'invalid', reason: 'unknown asset status "paused"' });
      expect(normalized(JSON.stringify({ id: 'evt' }))).toEqual({ kind: 'invalid', reason: 'no event type' });
    });
  });

  describe('status API (GET https://api.mux.com/video/v1/assets/{id}, HTTP Basic tokenId:tokenSecret)', () => {
    const api = adapter.statusApi!;
    it('sends the apiKey "<token id>:<token secret>" as HTTP Basic', () => {
      const req = api.request(ASSET, { baseUrl: 'https://api.mux.com', apiKey: 'tok-id:tok-secret' });
      expect(req).toEqual({ url: `https://api.mux.com/video/v1/assets/${ASSET}`, headers: { accept: 'application/json', authorization: `Basic ${Buffer.from('tok-id:tok-secret').toString('base64')}` } });
    });
    it('refuses to send a key without its two parts, saying what to store', () => {
      for (const key of ['tok-secret-only', ':secret', 'id:']) {
        expect(() => api.request(ASSET, { baseUrl: 'https://api.mux.com', apiKey: key })).toThrow('the Mux API key must be "<access token id>:<access token secret>" (both parts, joined by a colon): not polled');
      }
    });
    it('reads the asset out of {"data": ...}', () => {
      const answer = { data: JSON.parse(ready).data };
      expect(api.parse(ASSET, answer, { baseUrl: 'https://api.mux.com', apiKey: undefined })).toMatchObject({ kind: 'status', fields: { jobId: ASSET, status: 'succeeded', outputUrl: 'https://stream.mux.com/x9i4EFo5fW01Zq2XmZfaZ02m.m3u8', vendorEventType: null } });
      expect(api.parse(ASSET, { id: ASSET, status: 'ready' }, { baseUrl: 'https://api.mux.com', apiKey: undefined })).toEqual({ kind: 'invalid', reason: 'no data object in the answer' });
    });
  });

  it('Vendor.mux polls api.mux.com by default with the SDK\'s past-only 300 s', () => {
    const stack = new Stack(new App(), 'MuxStack');
    const vendor = Vendor.mux({ webhookSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'mux/webhook') });
    expect(vendor._runtimeConfig()).toEqual({ id: 'mux', kind: 'mux', options: { timestampToleranceSeconds: 300 } });
    expect([vendor.pollingEnabled, vendor.pollRequestsPerMinute]).toEqual([true, 60]);
  });
});
