/**
 * ElevenLabs (dubbing): `ElevenLabs-Signature: t=<unix>,v0=<hex>` workspace webhooks, a job per
 * Dubbing Project language target. Deliveries are signed here with node:crypto; what `send` signs,
 * and the edges of the tolerance, are checked against ElevenLabs' own SDK verifier
 * (npm @elevenlabs/elevenlabs-js@2.73.0 `webhooks.constructEvent`).
 */
import { createHmac } from 'node:crypto';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { Vendor } from '../../lib';
import { elevenlabsAdapter } from '../../lambda/vendors/elevenlabs';
import { samplePayload, signRequest } from '../../lambda/vendors/samples';
import { NOW_MS, NOW_S, receive, request } from './support';

const SECRET = 'wsec_example_secret_returned_at_creation';
const client = new ElevenLabsClient({ apiKey: 'unused' }); // constructEvent makes no request
const adapter = elevenlabsAdapter();
const hex = (t: number, body: string, secret = SECRET) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
const sign = (t: number, body: string, secret = SECRET) => `t=${t},v0=${hex(t, body, secret)}`;
const language = (type: string, data: Record<string, unknown>) =>
  JSON.stringify({ type, event_timestamp: NOW_S - 5, data: { language_id: 'lang_es', project_id: 'proj_9f2', target_language: 'es', revision: 1, created_at: '2026-04-02T09:55:00Z', updated_at: '2026-04-02T10:00:30Z', ...data } });
const completed = language('dubbing_language_completed', { status: 'completed', outputs: { lossless_audio: 'https://storage.elevenlabs.io/a.flac?sig=1', subtitles: 'https://storage.elevenlabs.io/s.vtt?sig=1' } });

/** What ElevenLabs' SDK says of a delivery: 'ok' or its error message (its clock is the real one). */
async function sdkVerdict(body: string, header: string): Promise<string> {
  try {
    await client.webhooks.constructEvent(body, header, SECRET);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('ElevenLabs adapter', () => {
  describe('authentication (keyed header ElevenLabs-Signature, v0; signed with node:crypto)', () => {
    it('accepts a signed delivery and reports t', () => {
      expect(adapter.authenticate(request({ 'ElevenLabs-Signature': sign(NOW_S, completed) }, completed), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: NOW_S * 1000 });
    });
    it('accepts 29 minutes old, refuses 31, and accepts a day ahead (past only), as the SDK does', async () => {
      const at = (offset: number) => adapter.authenticate(request({ 'elevenlabs-signature': sign(NOW_S + offset, completed) }, completed), [SECRET], NOW_MS);
      expect(at(-29 * 60).ok).toBe(true);
      expect(at(-31 * 60)).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(at(86_400).ok).toBe(true);
      const now = Math.floor(Date.now() / 1000);
      expect(await sdkVerdict(completed, sign(now - 29 * 60, completed))).toBe('ok');
      expect(await sdkVerdict(completed, sign(now - 31 * 60, completed))).toMatch(/Timestamp outside the tolerance zone/);
      expect(await sdkVerdict(completed, sign(now + 86_400, completed))).toBe('ok');
    });
    it('refuses a v1-labelled signature (the scheme is v0), as the SDK does', async () => {
      expect(adapter.authenticate(request({ 'elevenlabs-signature': `t=${NOW_S},v1=${hex(NOW_S, completed)}` }, completed), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'malformed_signature' });
      expect(await sdkVerdict(completed, `t=${Math.floor(Date.now() / 1000)},v1=${hex(Math.floor(Date.now() / 1000), completed)}`)).toMatch(/No signature hash found with expected scheme v0/);
    });
    it('accepts a valid v0 after an invalid one (a rotation), where the SDK reads the first only', async () => {
      const value = (t: number) => `t=${t},v0=${'00'.repeat(32)},v0=${hex(t, completed)}`;
      expect(adapter.authenticate(request({ 'elevenlabs-signature': value(NOW_S) }, completed), [SECRET], NOW_MS).ok).toBe(true);
      expect(await sdkVerdict(completed, value(Math.floor(Date.now() / 1000)))).toMatch(/does not match/);
    });
    it('rejects a changed body and another secret as bad_signature', () => {
      expect(adapter.authenticate(request({ 'elevenlabs-signature': sign(NOW_S, completed) }, completed.replace('completed', 'failed')), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(adapter.authenticate(request({ 'elevenlabs-signature': sign(NOW_S, completed, 'other') }, completed), [SECRET], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });

  it.each(['completed', 'failed'] as const)('signs a %s sample for `send` that ElevenLabs\' SDK verifier accepts', async (sample) => {
    const now = Date.now();
    const body = JSON.stringify(samplePayload('elevenlabs', sample, 'proj_1:lang_fr', now));
    const headers = signRequest('elevenlabs', body, SECRET, now);
    expect(await sdkVerdict(body, headers['elevenlabs-signature'])).toBe('ok');
    expect(await sdkVerdict(`${body} `, headers['elevenlabs-signature'])).toMatch(/does not match/);
  });

  describe('normalization (a Dubbing Project language target; other events ignored)', () => {
    const normalized = (body: string) => receive(adapter, request({ 'elevenlabs-signature': sign(NOW_S, body) }, body), [SECRET]);
    it('turns dubbing_language_completed into succeeded, job <project_id>:<language_id>, with the output and subtitles', () => {
      expect(normalized(completed)).toMatchObject({
        kind: 'event',
        fields: {
          jobId: 'proj_9f2:lang_es',
          status: 'succeeded',
          stage: 'es',
          outputUrl: 'https://storage.elevenlabs.io/a.flac?sig=1',
          media: { captions: { srt: null, vtt: 'https://storage.elevenlabs.io/s.vtt?sig=1' } },
          vendorEventType: 'dubbing_language_completed',
          vendorStatus: 'completed',
          occurredAtMs: Date.parse('2026-04-02T10:00:30Z'),
        },
      });
    });
    it('turns dubbing_language_failed into failed, with its error', () => {
      expect(normalized(language('dubbing_language_failed', { status: 'failed', error: { message_type: 'error', error: 'The source audio could not be transcribed' } }))).toMatchObject({
        kind: 'event',
        fields: { jobId: 'proj_9f2:lang_es', status: 'failed', error: { message: 'The source audio could not be transcribed', code: null } },
      });
    });
    it('falls back to event_timestamp (a Unix number) for the time', () => {
      expect(normalized(language('dubbing_language_completed', { status: 'completed', updated_at: undefined }))).toMatchObject({ fields: { occurredAtMs: (NOW_S - 5) * 1000 } });
    });
    it('ignores project events and the workspace\'s other events with the reason, and quarantines a language event without ids', () => {
      expect(normalized(JSON.stringify({ type: 'dubbing_project_ready', event_timestamp: NOW_S, data: { project_id: 'p', status: 'ready' } }))).toEqual({
        kind: 'ignored',
        vendorEventType: 'dubbing_project_ready',
        reason: "event type dubbing_project_ready is not a dubbing language's final event",
      });
      expect(normalized(JSON.stringify({ type: 'post_call_transcription', event_timestamp: NOW_S, data: {} }))).toMatchObject({ kind: 'ignored' });
      expect(normalized(JSON.stringify({ type: 'dubbing_language_completed', data: { status: 'completed' } }))).toEqual({ kind: 'invalid', reason: 'no project_id and language_id' });
    });
  });

  describe('status API (xi-api-key)', () => {
    const api = adapter.statusApi!;
    const ctx = { baseUrl: 'https://api.elevenlabs.io', apiKey: 'xi_k' };
    it('asks a language target at /v1/dubbing/project/{project}/language/{language}', () => {
      expect(api.request('proj_9f2:lang_es', ctx)).toEqual({ url: 'https://api.elevenlabs.io/v1/dubbing/project/proj_9f2/language/lang_es', headers: { accept: 'application/json', 'xi-api-key': 'xi_k' } });
    });
    it('asks a dubbing of the older API (any other id) at /v1/dubbing/{dubbing_id}', () => {
      expect(api.request('21m00Tcm4TlvDq8ikWAM', ctx).url).toBe('https://api.elevenlabs.io/v1/dubbing/21m00Tcm4TlvDq8ikWAM');
      expect(api.request('a:b:c', ctx).url).toBe('https://api.elevenlabs.io/v1/dubbing/a%3Ab%3Ac');
    });
    it('reads both answers', () => {
      const target = { language_id: 'lang_es', project_id: 'proj_9f2', status: 'processing', target_language: 'es' };
      expect(api.parse('proj_9f2:lang_es', target, ctx)).toMatchObject({ kind: 'status', fields: { jobId: 'proj_9f2:lang_es', status: 'processing', vendorEventType: null } });
      expect(api.parse('dub_1', { dubbing_id: 'dub_1', status: 'dubbed', target_languages: ['es'] }, ctx)).toMatchObject({ kind: 'status', fields: { jobId: 'dub_1', status: 'succeeded', outputUrl: null } });
      expect(api.parse('dub_1', { dubbing_id: 'dub_1', status: 'failed', error: 'no speech found' }, ctx)).toMatchObject({ kind: 'status', fields: { status: 'failed', error: { message: 'no speech found' } } });
      expect(api.parse('dub_1', { dubbing_id: 'dub_1', status: 'dubbing' }, ctx)).toMatchObject({ kind: 'status', fields: { status: 'processing' } });
    });
  });

  it("Vendor.elevenlabs polls api.elevenlabs.io by default with the SDK's past-only 30 minutes", () => {
    const stack = new Stack(new App(), 'ElevenLabsStack');
    const vendor = Vendor.elevenlabs({ webhookSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'elevenlabs/webhook') });
    expect(vendor._runtimeConfig()).toEqual({ id: 'elevenlabs', kind: 'elevenlabs', options: { timestampToleranceSeconds: 1800 } });
    expect(vendor.pollingEnabled).toBe(true);
  });
});
