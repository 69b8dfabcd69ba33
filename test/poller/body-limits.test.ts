/**
 * A status answer costs at most its cap (1 MiB by default) of decoded bytes: the body is streamed,
 * counted after decompression, and the request aborted at the cap. Real servers send a 400 MB
 * chunked body and gzip, deflate and brotli bombs; the memory a check costs is measured in a fresh
 * child process (peak RSS before and after), where nothing else moves it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusClient, type StatusCheckOptions } from '../../lambda/poller/status-client';
import { createAdapter } from '../../lambda/vendors/registry';
import { bomb, checkInChild, compressed, endlessChunked, startRecordingServer, trickle, type Coding, type RecordingServer, type Written } from './hostile-http';
import { startFakeVendor, type FakeVendorServer, type Override } from './support';

const MIB = 1 << 20;
const CAP = MIB; // the StatusClient default
const HUGE = 400 * 1000 * 1000; // the finding's 400 MB
const INFLATED = 157 * 1000 * 1000; // the finding's 157 MB bomb
/** The most a refused answer may add to a process's peak RSS (the cap, stream buffers, a parse). */
const PEAK_RSS_BOUND_KB = 48 * 1024;
/** Less than this left the server before the client hung up (socket buffers of a few MiB included). */
const WRITTEN_BOUND = 16 * MIB;

const sync = createAdapter({ id: 'sync', kind: 'sync', options: {} }).statusApi!;

describe('status answer bodies are read up to the cap, counted after decompression', () => {
  let server: FakeVendorServer;
  const client = new StatusClient();
  // The fake status APIs are on 127.0.0.1 over http: asked only with the opt-in.
  const opts = (timeoutMs = 10_000): StatusCheckOptions => ({ timeoutMs, deadlineMs: Date.now() + 30_000, allowInsecureStatusApi: true });
  const check = () => client.check(sync, 'g1', { baseUrl: server.baseUrl, apiKey: server.apiKey }, opts());

  beforeEach(async () => {
    server = await startFakeVendor('sync');
  });
  afterEach(() => server.close());

  it('stops reading an endless chunked 200 at the cap and calls it unreadable', async () => {
    const written: Written = { bytes: 0 };
    server.override = () => endlessChunked(HUGE, written);
    const started = Date.now();
    expect(await check()).toEqual({ kind: 'invalid', httpStatus: 200, reason: `body over ${CAP} bytes` });
    console.log(`chunked ${HUGE} B body refused after ${Date.now() - started} ms; ${(written.bytes / MIB).toFixed(1)} MiB left the server`);
    expect(written.bytes).toBeLessThan(WRITTEN_BOUND);
  });

  it.each([
    [500, { kind: 'error', reason: 'http_5xx', httpStatus: 500 }],
    [429, { kind: 'rate_limited', httpStatus: 429 }],
    [404, { kind: 'not_found', httpStatus: 404 }],
  ])('never reads the body of a %i, however long', async (status, expected) => {
    const written: Written = { bytes: 0 };
    server.override = () => endlessChunked(HUGE, written, status);
    expect(await check()).toMatchObject(expected);
    expect(written.bytes).toBeLessThan(WRITTEN_BOUND);
  });

  it('refuses an answer that declares a length over the cap without reading it', async () => {
    server.override = (): Override => ({ respond: (res) => res.writeHead(200, { 'content-length': String(HUGE) }).write('{"status":') });
    expect(await check()).toEqual({ kind: 'invalid', httpStatus: 200, reason: `body over ${CAP} bytes` });
  });

  it('reads a gzip answer under the cap as its decoded JSON', async () => {
    const { gzipSync } = await import('node:zlib');
    server.override = () => compressed(gzipSync(JSON.stringify({ id: 'g1', status: 'COMPLETED', pad: ' '.repeat(CAP - 100) })), 'gzip');
    expect(await check()).toMatchObject({ kind: 'status', fields: { status: 'succeeded' } });
  });

  it('refuses JSON nested deeper than 64 levels without parsing it, and reads one nested 64 deep', async () => {
    const nested = (depth: number) => `{"id":"g1","status":"COMPLETED","input":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    server.override = () => ({ status: 200, body: nested(65) });
    expect(await check()).toEqual({ kind: 'invalid', httpStatus: 200, reason: 'body nested deeper than 64 levels' });
    server.override = () => ({ status: 200, body: nested(64) });
    expect(await check()).toMatchObject({ kind: 'status', fields: { status: 'succeeded' } });
    // Brackets inside strings are text, not nesting.
    server.override = () => ({ status: 200, body: JSON.stringify({ id: 'g1', status: 'COMPLETED', error: '[{\\"'.repeat(1000) }) });
    expect(await check()).toMatchObject({ kind: 'status' });
  });

  it('times out a body that trickles past the request timeout', async () => {
    server.override = () => trickle(20);
    const started = Date.now();
    expect(await client.check(sync, 'g1', { baseUrl: server.baseUrl, apiKey: server.apiKey }, opts(300))).toEqual({ kind: 'error', reason: 'timeout', httpStatus: null });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe(`what a hostile answer costs a fresh process (peak RSS growth bound ${PEAK_RSS_BOUND_KB / 1024} MiB)`, () => {
  let server: RecordingServer;
  let answer: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  const bombs = new Map<string, Buffer>();
  beforeAll(async () => {
    for (const [coding, layers] of [['gzip', 1], ['deflate', 1], ['br', 1], ['gzip', 2]] as const) bombs.set(`${coding}x${layers}`, await bomb(coding, INFLATED, layers));
    server = await startRecordingServer((req, res) => {
      if (req.url?.includes('/warm')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"warm","status":"PROCESSING"}');
      else answer(req, res);
    });
  });
  afterAll(() => server.close());

  const run = (jobId = 'g1') =>
    checkInChild({ vendor: { id: 'sync', kind: 'sync', options: {} }, baseUrl: server.baseUrl, apiKey: 'k', jobId, warmJobId: 'warm', timeoutMs: 30_000 });
  const respondWith = (override: Override) => {
    answer = (_req, res) => (override as { respond: (res: ServerResponse) => void }).respond(res);
  };

  it(`refuses a ${HUGE} B chunked body at the cap`, async () => {
    const written: Written = { bytes: 0 };
    respondWith(endlessChunked(HUGE, written));
    const report = await run();
    console.log(`chunked ${HUGE} B: ${JSON.stringify({ ms: report.ms, peakRssGrowthMiB: +(report.peakRssGrowthKb / 1024).toFixed(1), peakRssMiB: +(report.peakRssKb / 1024).toFixed(1), writtenMiB: +(written.bytes / MIB).toFixed(1) })}`);
    expect(report.result).toEqual({ kind: 'invalid', httpStatus: 200, reason: `body over ${CAP} bytes` });
    expect(report.peakRssGrowthKb).toBeLessThan(PEAK_RSS_BOUND_KB);
  });

  it('refuses 1 MB of nested arrays under the cap without building them', async () => {
    respondWith({ respond: (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`${'['.repeat(500_000)}${']'.repeat(500_000)}`) });
    const report = await run();
    console.log(`500,000 nested arrays: ${JSON.stringify({ ms: report.ms, peakRssGrowthMiB: +(report.peakRssGrowthKb / 1024).toFixed(1) })}`);
    expect(report.result).toEqual({ kind: 'invalid', httpStatus: 200, reason: 'body nested deeper than 64 levels' });
    expect(report.peakRssGrowthKb).toBeLessThan(16 * 1024);
  });

  it.each<[string, Coding, number, string]>([
    ['gzip', 'gzip', 1, `body over ${CAP} bytes`],
    ['deflate', 'deflate', 1, `body over ${CAP} bytes`],
    // Not asked for (accept-encoding: gzip, deflate): refused before a decoder (a 16 MiB window) exists.
    ['brotli', 'br', 1, 'content-encoding "br" was not asked for'],
    ['gzip inside gzip', 'gzip', 2, 'content-encoding "gzip, gzip" was not asked for'],
  ])(`refuses a %s bomb (${INFLATED} B inflated), in well under a second`, async (name, coding, layers, reason) => {
    const body = bombs.get(`${coding}x${layers}`)!;
    respondWith(compressed(body, coding, layers));
    const report = await run();
    console.log(`${name} bomb of ${body.length} B: ${JSON.stringify({ ms: report.ms, peakRssGrowthMiB: +(report.peakRssGrowthKb / 1024).toFixed(1), peakRssMiB: +(report.peakRssKb / 1024).toFixed(1) })}`);
    expect(report.result).toEqual({ kind: 'invalid', httpStatus: 200, reason });
    expect(report.peakRssGrowthKb).toBeLessThan(PEAK_RSS_BOUND_KB);
    expect(report.ms).toBeLessThan(1000);
  });
});
