/**
 * The samples behind `video-webhooks send`, the demo and the benchmarks: signRequest is checked
 * against signatures computed here, and every sample a vendor really sends authenticates and
 * normalizes through that vendor's adapter.
 */
import type { VideoJobStatus } from '../../lambda/core/event';
import { createAdapter } from '../../lambda/vendors/registry';
import { REPORT_EVENTS, SAMPLE_EVENTS, samplePayload, signRequest, UnsupportedSampleError, VENDOR_EVENTS, type SampleEvent } from '../../lambda/vendors/samples';
import { expectWellFormed, hmacHex, NOW_MS, NOW_S, request } from './support';

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
  it.each(supported)('builds a %s %s sample that authenticates and normalizes', (vendor, event) => {
    const adapter = createAdapter({ id: vendor, kind: vendor, options: {} });
    const jobId = vendor === 'lipdub' ? '48213' : 'job_sample_1';
    const body = JSON.stringify(samplePayload(vendor, event, jobId, NOW_MS));
    const req = request(signRequest(vendor, body, 'sample-secret', NOW_MS), body);
    const auth = adapter.authenticate(req, ['sample-secret'], NOW_MS);
    expect(auth.ok).toBe(true);
    if (!auth.ok) return;
    const result = adapter.normalize(req, auth);
    expectWellFormed(result);
    expect(result).toMatchObject({ kind: 'event', fields: { jobId, status: EXPECTED_STATUS[event] } });
    // Signed with another secret, the same sample is refused.
    expect(adapter.authenticate(request(signRequest(vendor, body, 'other-secret', NOW_MS), body), ['sample-secret'], NOW_MS).ok).toBe(false);
  });

  // A poll-only vendor sends none at all (its own message: test/vendors/unsigned.test.ts).
  const unsupported = VENDORS.filter((vendor) => VENDOR_EVENTS[vendor].length > 0).flatMap((vendor) => SAMPLE_EVENTS.filter((e) => !VENDOR_EVENTS[vendor].includes(e)).map((event) => [vendor, event] as const));
  it.each(unsupported)('refuses a %s %s sample with UnsupportedSampleError naming what the vendor sends', (vendor, event) => {
    const attempt = () => samplePayload(vendor, event, 'j', NOW_MS);
    expect(attempt).toThrow(UnsupportedSampleError);
    expect(attempt).toThrow(`${vendor} has no ${event} webhook; it sends: ${VENDOR_EVENTS[vendor].join(', ')}`);
  });

  it('has a sample for every built-in vendor and only events from SAMPLE_EVENTS', () => {
    expect([...VENDORS].sort()).toEqual(['heygen', 'lipdub', 'luma', 'runway', 'sync', 'synthesia', 'tavus', 'viralsync']);
    for (const vendor of VENDORS) for (const event of VENDOR_EVENTS[vendor]) expect(SAMPLE_EVENTS).toContain(event);
  });
});
