import { retryAfterMs, StatusClient, type StatusCheckOptions } from '../../lambda/poller/status-client';
import type { StatusRequestContext, VendorStatusApi } from '../../lambda/core/adapter';
import { localLipdub, localSync } from './local-apis';
import { startFakeVendor, type FakeVendorServer } from './support';

describe('StatusClient against a real HTTP server', () => {
  let sync: FakeVendorServer;
  let ctx: StatusRequestContext;
  const client = new StatusClient();
  // The fake status APIs are on 127.0.0.1 over http: asked only with the opt-in.
  const opts = (timeoutMs = 1000): StatusCheckOptions => ({ timeoutMs, deadlineMs: Date.now() + 10_000, allowInsecureStatusApi: true });

  beforeEach(async () => {
    sync = await startFakeVendor('sync');
    ctx = { baseUrl: sync.baseUrl, apiKey: sync.apiKey };
    sync.jobs.set('g1', { id: 'g1', status: 'COMPLETED', outputUrl: 'https://cdn/g1.mp4' });
  });
  afterEach(() => sync.close());

  it('returns the adapter fields of a 2xx JSON answer and sends the adapter headers', async () => {
    const result = await client.check(localSync, 'g1', ctx, opts());
    expect(result).toMatchObject({ kind: 'status', fields: { jobId: 'g1', status: 'succeeded', outputUrl: 'https://cdn/g1.mp4' } });
    expect(sync.requests[0].headers).toMatchObject({ 'x-api-key': sync.apiKey, accept: 'application/json' });
  });

  it.each([
    ['not JSON', '<html>oops</html>', 'body is not JSON'],
    ['empty', '', 'empty body'],
    ['an unknown shape', '{"hello":"world"}', 'no known status'],
  ])('calls a 2xx answer that is %s invalid, with the bytes it read (for the archive)', async (_name, body, reason) => {
    sync.override = () => ({ status: 200, body });
    expect(await client.check(localSync, 'g1', ctx, opts())).toEqual({ kind: 'invalid', httpStatus: 200, reason, answers: [{ status: 200, body: Buffer.from(body) }] });
  });

  it('calls a body over the limit invalid without parsing it', async () => {
    const small = new StatusClient({ maxBodyBytes: 100 });
    sync.override = () => ({ status: 200, body: JSON.stringify({ id: 'g1', status: 'COMPLETED', pad: 'x'.repeat(500) }) });
    expect(await small.check(localSync, 'g1', ctx, opts())).toMatchObject({ kind: 'invalid', reason: 'body over 100 bytes' });
  });

  it.each([
    [{ 'retry-after': '7' }, 7000],
    [{ 'retry-after': '0' }, 0],
    [{ 'ratelimit-reset': '12' }, 12_000],
    [{}, 60_000],
    [{ 'retry-after': 'soon' }, 60_000],
    [{ 'retry-after': '999999' }, 3_600_000], // capped
    [{ 'retry-after': '-1' }, 60_000], // not an HTTP date in 2001
    [{ 'retry-after': '5, 10' }, 60_000], // two headers folded into one
    [{ 'ratelimit-reset': '-30' }, 60_000],
    [{ 'ratelimit-reset': '1000000000' }, 60_000], // a Unix time long past
  ])('answers a 429 with %j with a retry time %i ms ahead', async (headers, waitMs) => {
    sync.override = () => ({ status: 429, headers, body: '{"errorCode":"rate_limit_exceeded"}' });
    const before = Date.now();
    const result = await client.check(localSync, 'g1', ctx, opts());
    expect(result.kind).toBe('rate_limited');
    const retryAt = (result as { retryAtMs: number }).retryAtMs;
    expect(retryAt - before).toBeGreaterThanOrEqual(waitMs - 5);
    expect(retryAt - before).toBeLessThanOrEqual(waitMs + 200);
  });

  it.each([
    [401, 'auth_error'],
    [403, 'auth_error'],
    [404, 'not_found'],
  ])('classifies %i as %s', async (status, kind) => {
    sync.override = () => ({ status, body: '{}' });
    expect(await client.check(localSync, 'g1', ctx, opts())).toEqual({ kind, httpStatus: status });
  });

  it('answers 401 itself when the key is wrong (the fake checks x-api-key)', async () => {
    expect(await client.check(localSync, 'g1', { ...ctx, apiKey: 'wrong' }, opts())).toEqual({ kind: 'auth_error', httpStatus: 401 });
  });

  it.each([
    [500, 'http_5xx'],
    [503, 'http_5xx'],
    [400, 'http_4xx'],
  ])('classifies %i as a retryable error (%s)', async (status, reason) => {
    sync.override = () => ({ status, body: 'upstream' });
    expect(await client.check(localSync, 'g1', ctx, opts())).toEqual({ kind: 'error', reason, httpStatus: status });
  });

  it('times out a vendor that never answers', async () => {
    sync.override = () => 'hang';
    const before = Date.now();
    expect(await client.check(localSync, 'g1', ctx, opts(200))).toEqual({ kind: 'error', reason: 'timeout', httpStatus: null });
    expect(Date.now() - before).toBeLessThan(1000);
  });

  it('defers instead of failing when the run deadline cut the request short', async () => {
    sync.override = () => 'hang';
    const result = await client.check(localSync, 'g1', ctx, { ...opts(5000), deadlineMs: Date.now() + 150 });
    expect(result.kind).toBe('deferred');
    expect(await client.check(localSync, 'g1', ctx, { ...opts(5000), deadlineMs: Date.now() - 1 })).toMatchObject({ kind: 'deferred' });
  });

  it('reports a dropped connection and a closed port as network errors', async () => {
    sync.override = () => 'reset';
    expect(await client.check(localSync, 'g1', ctx, opts())).toEqual({ kind: 'error', reason: 'network', httpStatus: null });
    const closed = sync.baseUrl;
    await sync.close();
    sync = await startFakeVendor('sync'); // for afterEach
    expect(await client.check(localSync, 'g1', { ...ctx, baseUrl: closed }, opts())).toEqual({ kind: 'error', reason: 'network', httpStatus: null });
  });

  it('contains an adapter that throws, and sends nothing when it throws building the request', async () => {
    const throwing: VendorStatusApi = {
      ...localSync,
      parse: () => {
        throw new Error('bug');
      },
    };
    expect(await client.check(throwing, 'g1', ctx, opts())).toMatchObject({ kind: 'invalid', reason: 'adapter threw: bug' });
    const badRequest: VendorStatusApi = {
      ...localSync,
      request: () => {
        throw new Error('bug');
      },
    };
    const before = sync.requests.length;
    expect(await client.check(badRequest, 'g1', ctx, opts())).toEqual({ kind: 'refused', reason: 'bug' });
    expect(sync.requests).toHaveLength(before);
  });
});

describe('StatusClient follow-ups (LipDub /download)', () => {
  let lipdub: FakeVendorServer;
  let ctx: StatusRequestContext;
  const client = new StatusClient();
  // The fake status APIs are on 127.0.0.1 over http: asked only with the opt-in.
  const opts = (extra: Partial<StatusCheckOptions> = {}): StatusCheckOptions => ({ timeoutMs: 1000, deadlineMs: Date.now() + 10_000, allowInsecureStatusApi: true, ...extra });

  beforeEach(async () => {
    lipdub = await startFakeVendor('lipdub');
    ctx = { baseUrl: lipdub.baseUrl, apiKey: lipdub.apiKey };
    lipdub.jobs.set('9', { status: 'finished', download_url: 'https://cdn.lipdub.ai/9.mp4' });
  });
  afterEach(() => lipdub.close());

  it('makes the follow-up request and hands its answer to the adapter', async () => {
    const result = await client.check(localLipdub, '9', ctx, opts());
    expect(result).toMatchObject({ kind: 'status', fields: { status: 'succeeded', outputUrl: 'https://cdn.lipdub.ai/9.mp4' } });
    expect(lipdub.requests.map((r) => r.path)).toEqual(['/v1/renders/9/status', '/v1/renders/9/download']);
  });

  it('hands a 404 follow-up to the adapter, but treats 429 and 5xx on it like on the first request', async () => {
    lipdub.override = (req) => (req.path.endsWith('/download') ? { status: 404, body: '{}' } : undefined);
    expect(await client.check(localLipdub, '9', ctx, opts())).toMatchObject({ kind: 'status', fields: { status: 'succeeded', outputUrl: null } });
    lipdub.override = (req) => (req.path.endsWith('/download') ? { status: 429, headers: { 'retry-after': '3' } } : undefined);
    expect(await client.check(localLipdub, '9', ctx, opts())).toMatchObject({ kind: 'rate_limited' });
    lipdub.override = (req) => (req.path.endsWith('/download') ? { status: 502 } : undefined);
    expect(await client.check(localLipdub, '9', ctx, opts())).toEqual({ kind: 'error', reason: 'http_5xx', httpStatus: 502 });
  });

  it('defers when no request slot is left for the follow-up', async () => {
    const result = await client.check(localLipdub, '9', ctx, opts({ beforeFollowUp: async () => false }));
    expect(result.kind).toBe('deferred');
    expect(lipdub.requests).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  const h = (init: Record<string, string>) => new Headers(init);
  it('reads Retry-After seconds and HTTP dates, then RateLimit-Reset delta or epoch seconds', () => {
    expect(retryAfterMs(h({ 'retry-after': '30' }), now)).toBe(30_000);
    expect(retryAfterMs(h({ 'retry-after': 'Tue, 24 Nov 2026 12:01:00 GMT' }), now)).toBe(60_000);
    expect(retryAfterMs(h({ 'ratelimit-reset': '5' }), now)).toBe(5000);
    expect(retryAfterMs(h({ 'x-ratelimit-reset': String(now / 1000 + 90) }), now)).toBe(90_000);
    expect(retryAfterMs(h({ 'retry-after': '2', 'ratelimit-reset': '50' }), now)).toBe(2000);
    expect(retryAfterMs(h({}), now)).toBeUndefined();
  });
});

describe('retryAfterMs: only well-formed values make a pause, anything else gives undefined (the default pause)', () => {
  const now = Date.now();
  const h = (init: Record<string, string>) => new Headers(init);
  const httpDate = (ms: number) => new Date(ms).toUTCString(); // IMF-fixdate
  const rfc850 = (ms: number) => {
    const d = new Date(ms);
    const [weekday, month] = [['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()], d.toUTCString().slice(8, 11)];
    const two = (n: number) => String(n).padStart(2, '0');
    return `${weekday}, ${two(d.getUTCDate())}-${month}-${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
  };
  const asctime = (ms: number) => {
    const d = new Date(ms).toUTCString(); // "Tue, 24 Nov 2026 12:01:00 GMT"
    const [, day, month, year, time] = d.split(' ');
    return `${d.slice(0, 3)} ${month} ${day.replace(/^0/, ' ')} ${time} ${year}`;
  };
  const inOneMinute = Math.ceil((now + 60_000) / 1000) * 1000;

  it('reads delay seconds and the three HTTP-date forms of RFC 9110 in Retry-After', () => {
    expect(retryAfterMs(h({ 'retry-after': '30' }), now)).toBe(30_000);
    expect(retryAfterMs(h({ 'retry-after': ' 0 ' }), now)).toBe(0);
    expect(retryAfterMs(h({ 'retry-after': httpDate(inOneMinute) }), now)).toBe(inOneMinute - now);
    expect(retryAfterMs(h({ 'retry-after': rfc850(inOneMinute) }), now)).toBe(inOneMinute - now);
    expect(retryAfterMs(h({ 'retry-after': asctime(inOneMinute) }), now)).toBe(inOneMinute - now);
  });

  it.each([
    ['-1'],
    ['-30'],
    ['+30'],
    ['1e3'],
    ['0x1e'],
    ['Infinity'],
    ['NaN'],
    [''],
    ['soon'],
    ['5, 10'],
    ['1 2'],
    ['2001-01-01'],
    ['99999999999999999999999'],
    ['30 seconds'],
  ])('ignores Retry-After %j', (value) => {
    expect(retryAfterMs(h({ 'retry-after': value }), now)).toBeUndefined();
  });

  it('ignores an HTTP date that is not in the future, or that is not one of the three forms', () => {
    expect(retryAfterMs(h({ 'retry-after': httpDate(now - 60_000) }), now)).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after': new Date(inOneMinute).toISOString() }), now)).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after': String(new Date(inOneMinute)) }), now)).toBeUndefined(); // Date#toString, local zone
  });

  it('reads RateLimit-Reset and X-RateLimit-Reset as delay seconds or a future Unix time, and ignores the rest', () => {
    expect(retryAfterMs(h({ 'ratelimit-reset': '12' }), now)).toBe(12_000);
    expect(retryAfterMs(h({ 'ratelimit-reset': '0' }), now)).toBe(0);
    expect(retryAfterMs(h({ 'x-ratelimit-reset': String(inOneMinute / 1000) }), now)).toBe(inOneMinute - now);
    for (const odd of ['-5', '1e2', 'soon', '5, 5', '', String(Math.floor(now / 1000) - 60), '99999999999999999999']) {
      expect(retryAfterMs(h({ 'ratelimit-reset': odd }), now)).toBeUndefined();
    }
  });

  it('falls back from an unusable Retry-After to a usable RateLimit-Reset', () => {
    expect(retryAfterMs(h({ 'retry-after': '-1', 'ratelimit-reset': '20' }), now)).toBe(20_000);
    expect(retryAfterMs(h({ 'ratelimit-reset': '-1', 'x-ratelimit-reset': '7' }), now)).toBe(7000);
  });
});
