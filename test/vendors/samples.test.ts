/**
 * The samples behind `video-webhooks send`, the demo and the benchmarks: signRequest is checked
 * against signatures computed here, and every sample a vendor really sends authenticates and
 * normalizes through that vendor's adapter, into an event the published schema accepts. A vendor
 * that signs with a private key signs with a node:crypto key whose public key the adapter is given.
 */
import { buildEvent, type VideoJobStatus } from '../../lambda/core/event';
import type { AdapterPorts } from '../../lambda/core/adapter';
import { parseVideoJobEvent } from '../../lambda/runtime/parse-event';
import { createAdapter } from '../../lambda/vendors/registry';
import { REPORT_EVENTS, SAMPLE_EVENTS, samplePayload, sampleSecret, signRequest, signsWithSecret, UnsupportedSampleError, VENDOR_EVENTS, type SampleEvent } from '../../lambda/vendors/samples';
import { ed25519Key } from '../support/jwks-server';
import { expectWellFormed, hmacHex, NOW_MS, NOW_S, request } from './support';

/** A private key to sign with, and the adapter's view of its public key (keys in memory: no fetch). */
const SIGNING = ed25519Key('sample');
const OTHER = ed25519Key('other');
const PEM = (key = SIGNING) => key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const PORTS: AdapterPorts = {
  publicKeys: { cached: () => [SIGNING.jwk], keys: async () => [SIGNING.jwk], refresh: async () => undefined },
};

const VENDORS = Object.keys(VENDOR_EVENTS);
const EXPECTED_STATUS: Record<SampleEvent, VideoJobStatus> = { created: 'processing', progress: 'processing', completed: 'succeeded', failed: 'failed', cancelled: 'cancelled' };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('sample webhooks', () => {
  describe('signRequest signs as each vendor does (checked against signatures computed here)', () => {
    const body = '{"id":"gen_1","status":"COMPLETED","note":"naïve ✓"}';
    it('Sync: Sync-Signature t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">', () => {
      expect(signRequest('sync', body, 'whsec_x', NOW_MS + 999)).toEqual({ ...JSON_TYPE, 'sync-signature': `t=${NOW_S},v1=${hmacHex('whsec_x', `${NOW_S}.`, body)}` });
    });
    it('LipDub: the key as a Bearer token, the event type in X-LipDub-Event', () => {
      expect(signRequest('lipdub', '{"event_type":"VIDEO_RENDER_COMPLETE","data":{}}', 'ld_k', NOW_MS)).toEqual({ ...JSON_TYPE, authorization: 'Bearer ld_k', 'x-lipdub-event': 'VIDEO_RENDER_COMPLETE' });
    });
    it('LipDub: sends no X-LipDub-Event, and does not throw, for a body without an event type or not JSON', () => {
      expect(signRequest('lipdub', 'not json', 'ld_k', NOW_MS)).toEqual({ ...JSON_TYPE, authorization: 'Bearer ld_k' });
      expect(signRequest('lipdub', '{"data":{}}', 'ld_k', NOW_MS)).toEqual({ ...JSON_TYPE, authorization: 'Bearer ld_k' });
    });
    it('ViralSync: x-render-signature, the hex HMAC of the body', () => {
      expect(signRequest('viralsync', body, 'vs_k', NOW_MS)).toEqual({ ...JSON_TYPE, 'x-render-signature': hmacHex('vs_k', body) });
    });
    it('Synthesia: Synthesia-Timestamp and the hex HMAC of "<timestamp>.<body>" in Synthesia-Signature', () => {
      expect(signRequest('synthesia', body, 'syn_k', NOW_MS)).toEqual({ ...JSON_TYPE, 'synthesia-timestamp': String(NOW_S), 'synthesia-signature': hmacHex('syn_k', `${NOW_S}.`, body) });
    });
  });

  // The vendors whose webhooks are reports (an unsigned vendor's samples are hints: test/vendors/unsigned.test.ts).
  const supported = Object.keys(REPORT_EVENTS).flatMap((vendor) => REPORT_EVENTS[vendor].map((event) => [vendor, event] as const));
  it.each(supported)('builds a %s %s sample that authenticates, normalizes, and makes an event the schema accepts', async (vendor, event) => {
    const adapter = createAdapter({ id: vendor, kind: vendor, options: {} }, PORTS);
    const secret = sampleSecret(vendor);
    const authenticate = (req: ReturnType<typeof request>) => (adapter.authenticateAsync ? adapter.authenticateAsync(req, [secret], NOW_MS) : adapter.authenticate(req, [secret], NOW_MS));
    const key = signsWithSecret(vendor) ? undefined : PEM();
    const jobId = vendor === 'lipdub' ? '48213' : vendor === 'elevenlabs' ? 'proj_sample:lang_es' : 'job_sample_1';
    const body = JSON.stringify(samplePayload(vendor, event, jobId, NOW_MS));
    const req = request(signRequest(vendor, body, secret, NOW_MS, key), body);
    const auth = await authenticate(req);
    expect(auth.ok).toBe(true);
    if (!auth.ok) return;
    const result = adapter.normalize(req, auth);
    expectWellFormed(result);
    expect(result).toMatchObject({ kind: 'event', fields: { jobId, status: EXPECTED_STATUS[event] } });
    if (result.kind !== 'event') return;
    const built = buildEvent(result.fields, { vendor, receivedVia: 'webhook', receivedAtMs: NOW_MS });
    expect(parseVideoJobEvent(JSON.stringify(built))).toEqual(built);
    // Signed with another secret (or another private key), the same sample is refused.
    const other = request(signRequest(vendor, body, key ? secret : sampleSecret(vendor), NOW_MS, key && PEM(OTHER)), body);
    expect((await authenticate(other)).ok).toBe(false);
  });

  // A poll-only vendor sends none at all (its own message: test/vendors/unsigned.test.ts).
  const unsupported = VENDORS.filter((vendor) => VENDOR_EVENTS[vendor].length > 0).flatMap((vendor) => SAMPLE_EVENTS.filter((e) => !VENDOR_EVENTS[vendor].includes(e)).map((event) => [vendor, event] as const));
  it.each(unsupported)('refuses a %s %s sample with UnsupportedSampleError naming what the vendor sends', (vendor, event) => {
    const attempt = () => samplePayload(vendor, event, 'j', NOW_MS);
    expect(attempt).toThrow(UnsupportedSampleError);
    expect(attempt).toThrow(`${vendor} has no ${event} webhook; it sends: ${VENDOR_EVENTS[vendor].join(', ')}`);
  });

  it('has a sample for every built-in vendor and only events from SAMPLE_EVENTS', () => {
    expect([...VENDORS].sort()).toEqual(['elevenlabs', 'fal', 'heygen', 'lipdub', 'luma', 'mux', 'replicate', 'runway', 'sync', 'synthesia', 'tavus', 'viralsync']);
    for (const vendor of VENDORS) for (const event of VENDOR_EVENTS[vendor]) expect(SAMPLE_EVENTS).toContain(event);
  });
});
