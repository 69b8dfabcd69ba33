/**
 * Where the poller sends a status request, checked on the URL it is about to ask (after the
 * template's `{jobId}` is filled in, follow-ups included) and on every address a host name
 * resolves to: never link-local (the metadata endpoints), loopback (on Lambda, the Runtime API)
 * only for a vendor that opted in with `allowInsecureStatusApi`, and never on Lambda, and the key
 * never over plain http unless the vendor opted in. The fake status APIs are real HTTP servers on
 * 127.0.0.1; a host name that resolves elsewhere is answered by a stand-in resolver (`lookup`),
 * the one thing that cannot run here (the system resolver cannot be pointed at a test).
 */
import type { LookupFunction } from 'node:net';
import type { StatusRequestContext, VendorStatusApi } from '../../lambda/core/adapter';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { pollOnce } from '../../lambda/poller/poller';
import { StatusClient, type StatusCheckOptions } from '../../lambda/poller/status-client';
import { freshBackend, type TestBackend } from '../support/emulators';
import { pollerDeps, registry } from './harness';
import { localSync } from './local-apis';
import { OffsetClock, startFakeVendor, type FakeVendorServer } from './support';

/** A resolver that knows a few names (the stand-in for DNS) and nothing else. */
function resolver(names: Readonly<Record<string, string>>): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: unknown, family?: number) => void) => {
    asked.push(hostname);
    const address = names[hostname];
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), undefined);
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction & { asked: string[] };
  lookup.asked = asked;
  return lookup;
}

describe('where the poller sends status requests', () => {
  let sync: FakeVendorServer;
  let port: string;
  const opts = (allowInsecureStatusApi: boolean): StatusCheckOptions => ({ timeoutMs: 1000, deadlineMs: Date.now() + 10_000, allowInsecureStatusApi });

  beforeEach(async () => {
    sync = await startFakeVendor('sync');
    port = new URL(sync.baseUrl).port;
    sync.jobs.set('g1', { id: 'g1', status: 'COMPLETED', outputUrl: 'https://cdn/g1.mp4' });
  });
  afterEach(() => sync.close());

  describe('in a poll run (DynamoDB and SQS on the emulators)', () => {
    let backend: TestBackend;
    let clock: OffsetClock;
    beforeEach(async () => {
      backend = await freshBackend();
      clock = new OffsetClock();
    });

    it('does not ask a loopback status API for a vendor that did not opt in: no request, counted as refused, nothing published', async () => {
      const telemetry = new CountingTelemetry(true);
      await registry(backend.store, clock).register('sync', 'g1');
      clock.advance(11 * 60_000);
      const deps = pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync, allowInsecureStatusApi: false }] });
      const summary = await pollOnce(deps, { deadlineMs: clock.now() + 5000 });
      expect(summary).toMatchObject({ polled: 0, requests: 0, hits: 0, errors: 1, vendors: { sync: { errorsByReason: { refused: 1 } } } });
      expect(sync.requests).toHaveLength(0);
      const line = telemetry.lines.find((l) => l.fields.reason === 'refused');
      expect(line?.fields.detail).toMatch(/^the status URL's host 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\), where a Lambda function's Runtime API .*: not asked \(allowInsecureStatusApi admits a local test API\)$/);
    });

    it('asks the same local status API, with its key over http, once the vendor opts in (allowInsecureStatusApi: true)', async () => {
      await registry(backend.store, clock).register('sync', 'g1');
      clock.advance(11 * 60_000);
      const deps = pollerDeps({ ...backend, clock, vendors: [{ server: sync, allowInsecureStatusApi: true }] });
      expect(await pollOnce(deps, { deadlineMs: clock.now() + 5000 })).toMatchObject({ polled: 1, hits: 1, errors: 0 });
      expect(sync.requests.map((r) => r.headers['x-api-key'])).toEqual([sync.apiKey]);
    });
  });

  it.each([
    ['http://169.254.169.254'],
    ['http://2852039166'],
    ['http://169.254.43518'],
    ['http://[::ffff:169.254.169.254]'],
    ['http://[fe80::1]'],
    ['http://[fd00:ec2::254]'],
  ])('never asks the link-local %s, opted in or not', async (baseUrl) => {
    const client = new StatusClient({ lookup: resolver({}) });
    for (const allow of [false, true]) {
      const result = await client.check(localSync, 'g1', { baseUrl, apiKey: undefined }, opts(allow));
      expect(result).toEqual({ kind: 'refused', reason: expect.stringMatching(/^the status URL's host .* is link-local \(.*\), where the instance metadata .*: not asked, whatever allowInsecureStatusApi says$/) });
    }
  });

  it('never sends the key over plain http to a host that is not loopback unless the vendor opted in (a name the stand-in resolver answers)', async () => {
    const lookup = resolver({ 'status.vendor.example': '127.0.0.1' });
    const client = new StatusClient({ lookup });
    const ctx: StatusRequestContext = { baseUrl: `http://status.vendor.example:${port}`, apiKey: sync.apiKey };
    expect(await client.check(localSync, 'g1', ctx, opts(false))).toEqual({
      kind: 'refused',
      reason: `the status URL http://status.vendor.example:${port}/v2/generate/g1 is plain http and the request carries the status-API key: not sent; use https (or set allowInsecureStatusApi)`,
    });
    expect(lookup.asked).toEqual([]); // refused before the name was even resolved
    expect(sync.requests).toHaveLength(0);
    // Opted in: resolved, connected, and the key sent.
    expect(await client.check(localSync, 'g1', ctx, opts(true))).toMatchObject({ kind: 'status', fields: { jobId: 'g1', status: 'succeeded' } });
    expect(sync.requests.map((r) => r.headers['x-api-key'])).toEqual([sync.apiKey]);
  });

  it('checks the address a name resolves to: loopback only for a vendor that opted in, link-local never (stand-in resolver)', async () => {
    const lookup = resolver({ 'status.vendor.example': '127.0.0.1', 'metadata.vendor.example': '169.254.169.254', 'mapped.vendor.example': '::ffff:127.0.0.1' });
    const client = new StatusClient({ lookup });
    const keyless = (host: string): StatusRequestContext => ({ baseUrl: `http://${host}:${port}`, apiKey: undefined });
    expect(await client.check(localSync, 'g1', keyless('status.vendor.example'), opts(false))).toEqual({
      kind: 'refused',
      reason: expect.stringMatching(/^status.vendor.example resolves to 127\.0\.0\.1, which is loopback \(127\.0\.0\.0\/8\).*: not asked \(allowInsecureStatusApi admits a local test API\)$/),
    });
    expect(await client.check(localSync, 'g1', keyless('mapped.vendor.example'), opts(false))).toMatchObject({ kind: 'refused' });
    expect(sync.requests).toHaveLength(0);
    for (const allow of [false, true]) {
      expect(await client.check(localSync, 'g1', keyless('metadata.vendor.example'), opts(allow))).toEqual({
        kind: 'refused',
        reason: expect.stringMatching(/^metadata.vendor.example resolves to 169\.254\.169\.254, which is link-local .*: not asked, whatever allowInsecureStatusApi says$/),
      });
    }
    // Opted in, the name's loopback address is asked (with the key, which the fake wants).
    expect(await client.check(localSync, 'g1', { ...keyless('status.vendor.example'), apiKey: sync.apiKey }, opts(true))).toMatchObject({ kind: 'status' });
    expect(sync.requests).toHaveLength(1);
  });

  it('refuses a follow-up request an answer points at the metadata address, after the first one was asked', async () => {
    const following: VendorStatusApi = {
      ...localSync,
      parse: () => ({ kind: 'follow', request: { url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', headers: {} }, then: () => ({ kind: 'invalid', reason: 'unreachable' }) }),
    };
    const result = await new StatusClient().check(following, 'g1', { baseUrl: sync.baseUrl, apiKey: sync.apiKey }, opts(true));
    expect(result).toEqual({ kind: 'refused', reason: expect.stringContaining("the status URL's host 169.254.169.254 is link-local") });
    expect(sync.requests).toHaveLength(1);
  });

  it('never asks loopback where the Lambda Runtime API listens (neverLoopback, set on Lambda), even for a vendor that opted in', async () => {
    const onLambda = new StatusClient({ neverLoopback: true, lookup: resolver({ 'status.vendor.example': '127.0.0.1' }) });
    expect(await onLambda.check(localSync, 'g1', { baseUrl: sync.baseUrl, apiKey: sync.apiKey }, opts(true))).toEqual({
      kind: 'refused',
      reason: expect.stringMatching(/^the status URL's host 127\.0\.0\.1 is loopback .*: not asked on Lambda, whatever allowInsecureStatusApi says$/),
    });
    expect(await onLambda.check(localSync, 'g1', { baseUrl: `http://status.vendor.example:${port}`, apiKey: undefined }, opts(true))).toMatchObject({ kind: 'refused' });
    expect(sync.requests).toHaveLength(0);
  });
});
