/**
 * The "keyed header" auth kind: one header `t=<unix>,<scheme>=<hex>[,<scheme>=<hex>...]`, the hex
 * HMAC-SHA256 of `<t>.<raw body>` keyed with the secret as UTF-8 (Mux's `mux-signature` with `v1`,
 * ElevenLabs' `ElevenLabs-Signature` with `v0`, Sync's `Sync-Signature`). A configuration of the
 * shared HMAC scheme, usable by `Vendor.custom` as `WebhookAuth.keyedHeader({...})` and by the JSON
 * `auth: {"type": "keyed-header", ...}`. Signatures are computed here with node:crypto.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { TimestampWindow, Vendor, WebhookAuth } from '../../lib';
import { customAdapter, signCustomRequest, type CustomOptions } from '../../lambda/vendors/custom';
import { createAdapter } from '../../lambda/vendors/registry';
import { keyedHeaderScheme } from '../../lambda/vendors/shared/keyed-header';
import { syncScheme } from '../../lambda/vendors/sync';
import { fixture, hmacHex, NOW_MS, NOW_S, receive, request } from './support';

const SECRET = 'acme-signing-secret';
const PATHS = { jobId: 'data.job.id', status: 'data.job.state', outputUrl: 'data.job.result.url', time: 'created_at', eventType: 'type' };
const STATUS_MAP = { queued: 'queued', rendering: 'processing', done: 'succeeded', error: 'failed' } as const;
const options = (auth: Record<string, unknown>): CustomOptions => ({ auth: { type: 'keyed-header', header: 'X-Acme-Signature', ...auth } as CustomOptions['auth'], paths: PATHS, statusMap: STATUS_MAP });
const BODY = fixture('generic-acme-done');
const sig = (t: number | string, body = BODY, secret = SECRET) => hmacHex(secret, `${t}.`, body);
const OK = { ok: true, timestampMs: NOW_S * 1000 };
const BAD = { ok: false, reason: 'bad_signature' };
const STALE = { ok: false, reason: 'stale_timestamp' };
const MALFORMED = { ok: false, reason: 'malformed_signature' };
const MISSING = { ok: false, reason: 'missing_signature' };
const SCHEME_USE = 'use a label of letters and digits starting with a letter, other than t (the timestamp\'s), e.g. "v1"';

describe('keyed-header auth (t=<unix>,<scheme>=<hex> over "<t>.<raw body>")', () => {
  const v1 = customAdapter(options({}), 'acme');
  const auth = (value: string | undefined, body = BODY, adapter = v1, secrets: readonly string[] = [SECRET], nowMs = NOW_MS) =>
    adapter.authenticate(request(value === undefined ? {} : { 'x-acme-signature': value }, body), secrets, nowMs);

  it('accepts a delivery signed over "<t>.<raw body>", reports t, and normalizes it', () => {
    expect(auth(`t=${NOW_S},v1=${sig(NOW_S)}`)).toEqual(OK);
    expect(receive(v1, request({ 'X-Acme-Signature': `t=${NOW_S},v1=${sig(NOW_S)}` }, BODY), [SECRET])).toMatchObject({ kind: 'event', fields: { jobId: '77', status: 'succeeded' } });
  });
  it('keeps only the signature header for the quarantine, lower-cased', () => {
    expect(v1.authHeaders).toEqual(['x-acme-signature']);
  });
  it('accepts any one of several signatures of the scheme (a rotation), and at most 8', () => {
    expect(auth(`t=${NOW_S},v1=${sig(NOW_S, BODY, 'old-secret')},v1=${sig(NOW_S)}`)).toEqual(OK);
    expect(auth(`t=${NOW_S},v1=${sig(NOW_S, BODY, 'a')},v1=${sig(NOW_S, BODY, 'b')}`)).toEqual(BAD);
    const wrong = (n: number) => Array.from({ length: n }, (_, i) => `v1=${sig(NOW_S, BODY, `wrong${i}`)}`).join(',');
    expect(auth(`t=${NOW_S},${wrong(7)},v1=${sig(NOW_S)}`)).toEqual(OK);
    expect(auth(`t=${NOW_S},${wrong(8)},v1=${sig(NOW_S)}`)).toEqual(MALFORMED);
  });
  it('accepts either of two configured secrets', () => {
    expect(auth(`t=${NOW_S},v1=${sig(NOW_S, BODY, 'old')}`, BODY, v1, ['old', SECRET])).toEqual(OK);
  });
  it('rejects a tampered body, a changed t and another secret as bad_signature', () => {
    expect(auth(`t=${NOW_S},v1=${sig(NOW_S)}`, BODY.replace('"done"', '"error"'))).toEqual(BAD);
    expect(auth(`t=${NOW_S - 1},v1=${sig(NOW_S)}`)).toEqual(BAD);
    expect(auth(`t=${NOW_S},v1=${sig(NOW_S, BODY, 'other')}`)).toEqual(BAD);
  });
  it('reads only signatures labelled with the configured scheme: a v0 adapter refuses a v1 signature, and the reverse', () => {
    const v0 = customAdapter(options({ scheme: 'v0' }), 'acme');
    expect(auth(`t=${NOW_S},v0=${sig(NOW_S)}`, BODY, v0)).toEqual(OK);
    expect(auth(`t=${NOW_S},v1=${sig(NOW_S)}`, BODY, v0)).toEqual(MALFORMED);
    expect(auth(`t=${NOW_S},v0=${sig(NOW_S)}`)).toEqual(MALFORMED);
  });
  it('answers missing_signature without the header and malformed_signature for an unreadable one', () => {
    expect(auth(undefined)).toEqual(MISSING);
    expect(auth(' ')).toEqual(MISSING);
    for (const value of [`v1=${sig(NOW_S)}`, `t=soon,v1=${sig(NOW_S)}`, `t=${NOW_S},v1=${'a'.repeat(63)}`, `t=${NOW_S}`, 'garbage']) expect(auth(value)).toEqual(MALFORMED);
  });

  describe('the tolerance of t', () => {
    it('is 300 s either way by default', () => {
      for (const t of [NOW_S - 300, NOW_S + 300]) expect(auth(`t=${t},v1=${sig(t)}`).ok).toBe(true);
      for (const t of [NOW_S - 301, NOW_S + 301]) expect(auth(`t=${t},v1=${sig(t)}`)).toEqual(STALE);
    });
    it('honours toleranceSeconds', () => {
      const strict = customAdapter(options({ toleranceSeconds: 60 }), 'acme');
      expect(auth(`t=${NOW_S - 60},v1=${sig(NOW_S - 60)}`, BODY, strict).ok).toBe(true);
      expect(auth(`t=${NOW_S + 61},v1=${sig(NOW_S + 61)}`, BODY, strict)).toEqual(STALE);
    });
    it('with window "past-only" refuses only what is too old, as the Mux and ElevenLabs SDKs do: a t a day ahead passes', () => {
      const pastOnly = customAdapter(options({ window: 'past-only', toleranceSeconds: 1800 }), 'acme');
      expect(auth(`t=${NOW_S - 1800},v1=${sig(NOW_S - 1800)}`, BODY, pastOnly).ok).toBe(true);
      expect(auth(`t=${NOW_S - 1801},v1=${sig(NOW_S - 1801)}`, BODY, pastOnly)).toEqual(STALE);
      expect(auth(`t=${NOW_S + 86_400},v1=${sig(NOW_S + 86_400)}`, BODY, pastOnly)).toEqual({ ok: true, timestampMs: (NOW_S + 86_400) * 1000 });
    });
  });

  it('signs for `send` what it verifies: t=<now>,<scheme>=<hex>', () => {
    const v0 = options({ scheme: 'v0' });
    const headers = signCustomRequest(v0, BODY, SECRET, NOW_MS + 999);
    expect(headers).toEqual({ 'content-type': 'application/json', 'x-acme-signature': `t=${NOW_S},v0=${sig(NOW_S)}` });
  });

  it('is what Sync already used: Sync-Signature (or X-Signature-Primary), v1, 300 s either way', () => {
    expect(syncScheme(120)).toEqual(keyedHeaderScheme({ headers: ['sync-signature', 'x-signature-primary'], scheme: 'v1', toleranceSeconds: 120, window: 'either-way' }));
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no header', { header: undefined }, 'vendor acme: auth.header is required for keyed-header auth'],
    ['a scheme that cannot be a label', { scheme: 'v 1' }, `vendor acme: auth.scheme is "v 1": ${SCHEME_USE}`],
    ['the timestamp key as the scheme', { scheme: 't' }, `vendor acme: auth.scheme is "t": ${SCHEME_USE}`],
    ['an unknown window', { window: 'future-only' }, `vendor acme: auth.window is "future-only": use 'either-way' or 'past-only'`],
    ['a misspelt option', { tolerance: 60 }, 'vendor acme: auth.tolerance is not an option of keyed-header auth: use type, header, scheme, toleranceSeconds, window'],
  ])('refuses %s at cold start, saying what to use', (_what, auth, message) => {
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: options(auth) as unknown as Record<string, unknown> })).toThrow(new Error(message));
  });
});

describe('WebhookAuth.keyedHeader', () => {
  const stack = new Stack(new App(), 'KeyedHeaderStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const webhookSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'acme/webhook');
  const custom = (auth: WebhookAuth) => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { auth, paths: PATHS, statusMap: STATUS_MAP } });

  it('is the custom adapter\'s auth {"type": "keyed-header"}, lower-cased header, tolerance in seconds', () => {
    const acme = custom(WebhookAuth.keyedHeader({ header: 'ElevenLabs-Signature', scheme: 'v0', tolerance: Duration.minutes(30), window: TimestampWindow.PAST_ONLY }));
    expect(acme._runtimeConfig().options.auth).toEqual({ type: 'keyed-header', header: 'ElevenLabs-Signature', scheme: 'v0', toleranceSeconds: 1800, window: 'past-only' });
    expect(custom(WebhookAuth.keyedHeader({ header: 'x-sig' }))._runtimeConfig().options.auth).toEqual({ type: 'keyed-header', header: 'x-sig' });
    expect(WebhookAuth.keyedHeader({ header: 'x-sig' }).type).toBe('keyed-header');
    // What the verifier builds from it at cold start verifies a delivery signed here.
    const built = createAdapter(acme._runtimeConfig());
    const t = NOW_S - 1700;
    expect(built.authenticate(request({ 'elevenlabs-signature': `t=${t},v0=${sig(t)}` }, BODY), [SECRET], NOW_MS)).toEqual({ ok: true, timestampMs: t * 1000 });
  });

  it('fails the synth with the same words as the cold start', () => {
    expect(() => custom(WebhookAuth.keyedHeader({ header: '' }))).toThrow('vendor acme: adapterOptions.auth.header is required for keyed-header auth');
    expect(() => custom(WebhookAuth.keyedHeader({ header: 'x-sig', scheme: 'v1=' }))).toThrow(`vendor acme: adapterOptions.auth.scheme is "v1=": ${SCHEME_USE}`);
    expect(() => WebhookAuth.keyedHeader({ header: 'x-sig', tolerance: Duration.days(2) })).toThrow('WebhookAuth.keyedHeader: tolerance 172800 seconds is out of range: use 1 second to 24 hours');
  });
});
