/** The vendor registry: one factory per kind, options passed through, unknown kinds refused. */
type VendorKind = string;
import { BUILT_IN_VENDOR_IDS, createAdapter, isBuiltInVendor } from '../../lambda/vendors/registry';
import { fixture, hmacHex, NOW_MS, NOW_S, request } from './support';

const GENERIC_OPTIONS = {
  auth: { type: 'bearer' },
  paths: { jobId: 'id', status: 'state' },
  statusMap: { done: 'succeeded' },
  statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}',
};

describe('vendor registry', () => {
  it.each<[VendorKind, string[], string | undefined]>([
    ['sync', ['sync-signature', 'x-signature-primary'], 'https://api.sync.so'],
    ['lipdub', ['x-lipdub-event'], 'https://api.lipdub.ai'],
    ['viralsync', ['x-render-signature'], undefined],
    ['synthesia', ['synthesia-signature', 'synthesia-timestamp'], 'https://api.synthesia.io'],
  ])('creates the %s adapter under the configured id', (kind, authHeaders, defaultBaseUrl) => {
    const adapter = createAdapter({ id: `${kind}-eu`, kind, options: {} });
    expect(adapter.id).toBe(`${kind}-eu`);
    expect(adapter.authHeaders).toEqual(authHeaders);
    expect(adapter.statusApi?.defaultBaseUrl).toBe(defaultBaseUrl);
  });

  it('creates the custom adapter from its options', () => {
    const adapter = createAdapter({ id: 'acme', kind: 'custom', options: GENERIC_OPTIONS });
    expect(adapter.id).toBe('acme');
    expect(adapter.authHeaders).toEqual([]); // a static key is never kept in the quarantine
    expect(adapter.statusApi?.defaultBaseUrl).toBe('https://api.acme.example');
    expect(adapter.authenticate(request({ authorization: 'Bearer k' }, '{}'), ['k'], NOW_MS).ok).toBe(true);
  });

  it('passes the options on to the adapter', () => {
    const body = fixture('sync-completed');
    const t = NOW_S - 31;
    const req = request({ 'sync-signature': `t=${t},v1=${hmacHex('whsec_k', `${t}.`, body)}` }, body);
    expect(createAdapter({ id: 'sync', kind: 'sync', options: {} }).authenticate(req, ['whsec_k'], NOW_MS).ok).toBe(true);
    expect(createAdapter({ id: 'sync', kind: 'sync', options: { timestampToleranceSeconds: 30 } }).authenticate(req, ['whsec_k'], NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(createAdapter({ id: 'vs', kind: 'viralsync', options: { signatureHeader: 'x-sig' } }).authHeaders).toEqual(['x-sig']);
  });

  it('refuses an option name the adapter does not take, so a misspelt option is never silently ignored', () => {
    expect(() => createAdapter({ id: 'sync', kind: 'sync', options: { timestampToleranceSecond: 30 } })).toThrow(
      'vendor sync: timestampToleranceSecond is not an option: use timestampToleranceSeconds, compactJsonFallback',
    );
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...GENERIC_OPTIONS, statusURLTemplate: 'https://x/{jobId}' } })).toThrow(
      /^vendor acme: statusURLTemplate is not an option: use auth, paths, statusMap, statusUrlTemplate/,
    );
    expect(() => createAdapter({ id: 'ls', kind: 'lipdub', options: { jobIdFields: ['render_id'], emitUnknownEvents: false } })).not.toThrow();
  });

  it('refuses bad custom options with the vendor id in the message', () => {
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...GENERIC_OPTIONS, statusMap: { done: 'ok' } } })).toThrow(
      "vendor acme: statusMap.done is \"ok\": use 'queued' or 'processing' or 'succeeded' or 'failed' or 'cancelled' or 'expired'",
    );
    expect(() => createAdapter({ id: 'acme', kind: 'custom', options: { ...GENERIC_OPTIONS, auth: {} } })).toThrow("vendor acme: auth.type is missing: use 'hmac' or 'bearer'");
  });

  it.each<[VendorKind, Record<string, unknown>, string]>([
    ['sync', { timestampToleranceSeconds: '300' }, 'vendor sync: timestampToleranceSeconds is "300": use a number of seconds, at least 0'],
    ['synthesia', { timestampToleranceSeconds: -5 }, 'vendor synthesia: timestampToleranceSeconds is -5: use a number of seconds, at least 0'],
    ['lipdub', { jobIdFields: 'generate_id' }, 'vendor lipdub: jobIdFields is "generate_id": use a non-empty list of field names, e.g. ["generate_id","render_id","job_id","id"]'],
    ['lipdub', { outputUrlFields: [] }, 'vendor lipdub: outputUrlFields is []: use a non-empty list of field names, e.g. ["download_url","output_url","video_url"]'],
    ['viralsync', { signatureHeader: '' }, 'vendor viralsync: signatureHeader is "": use a non-empty string (default "x-render-signature")'],
    ['viralsync', { statusApiKeyPrefix: 5 }, 'vendor viralsync: statusApiKeyPrefix is 5: use a string (default "Bearer ")'],
  ])('refuses %s options of the wrong type at creation, saying what to use: %j', (kind, options, message) => {
    expect(() => createAdapter({ id: kind, kind, options })).toThrow(new Error(message));
  });

  it.each<[VendorKind, (body: string) => Record<string, string>]>([
    ['sync', (body) => ({ 'sync-signature': `t=${NOW_S},v1=${hmacHex('', `${NOW_S}.`, body)}` })],
    ['viralsync', (body) => ({ 'x-render-signature': hmacHex('', body) })],
    ['synthesia', (body) => ({ 'synthesia-timestamp': String(NOW_S), 'synthesia-signature': hmacHex('', `${NOW_S}.`, body) })],
  ])('never lets an empty configured secret authenticate a %s delivery signed with the empty key', (kind, sign) => {
    const body = '{"id":"x","jobId":"x","status":"COMPLETED"}';
    const adapter = createAdapter({ id: kind, kind, options: {} });
    expect(adapter.authenticate(request(sign(body), body), ['', '  '], NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each(['kling', 'Sync', '', 'toString', '__proto__', 'constructor'])('refuses the unknown kind %j with a message listing the known ones', (kind) => {
    expect(() => createAdapter({ id: 'x', kind: kind as VendorKind, options: {} })).toThrow(
      new Error(`unknown vendor kind ${JSON.stringify(kind)}: use one of sync, lipdub, viralsync, synthesia, replicate, mux, elevenlabs, fal, luma, runway, heygen, tavus, custom`),
    );
  });

  it('lists the built-in vendors, and does not take Object.prototype names for one', () => {
    expect(BUILT_IN_VENDOR_IDS).toEqual(['sync', 'lipdub', 'viralsync', 'synthesia', 'replicate', 'mux', 'elevenlabs', 'fal', 'luma', 'runway', 'heygen', 'tavus']);
    expect(isBuiltInVendor('synthesia')).toBe(true);
    expect(isBuiltInVendor('custom')).toBe(false);
    expect(isBuiltInVendor('toString')).toBe(false);
  });
});
