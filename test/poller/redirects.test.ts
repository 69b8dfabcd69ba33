/**
 * A status API that redirects never gets the key out of its origin: each vendor adapter's real
 * status API (from the registry) asks a real server that answers 3xx; the server it points to
 * records every request. No redirect is followed (same origin, another origin, another scheme,
 * loops): the answer is a `redirect` error, backed off like a 5xx, and nothing is learned.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { pollOnce } from '../../lambda/poller/poller';
import type { StatusCheckOptions } from '../../lambda/poller/status-client';
import { StatusClient } from '../../lambda/poller/status-client';
import { createAdapter } from '../../lambda/vendors/registry';
import { drainEvents, freshBackend } from '../support/emulators';
import { pollerDeps, registry, STALE_MS } from './harness';
import { checkInChild, headerValues, redirect, selfSignedCertificate, startRecordingServer, type ChildCheck, type RecordingServer } from './hostile-http';
import { OffsetClock, startFakeVendor } from './support';

interface VendorCase {
  readonly label: string;
  readonly vendor: ChildCheck['vendor'];
  readonly jobId: string;
  readonly keyHeader: string;
  /** The key header's value for key `k`. */
  readonly sent: (k: string) => string;
  /** An answer the adapter reads as a status: what a followed redirect would have published. */
  readonly answer: Record<string, unknown>;
}

const CUSTOM_OPTIONS = {
  auth: { type: 'bearer' },
  paths: { jobId: 'id', status: 'state' },
  statusMap: { done: 'succeeded' },
  statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}',
  apiKeyHeader: 'x-acme-key',
  apiKeyPrefix: '',
};

const CASES: readonly VendorCase[] = [
  { label: 'sync', vendor: { id: 'sync', kind: 'sync', options: {} }, jobId: 'g1', keyHeader: 'x-api-key', sent: (k) => k, answer: { id: 'g1', status: 'COMPLETED', outputUrl: 'https://elsewhere.example/g1.mp4' } },
  { label: 'lipdub', vendor: { id: 'lipdub', kind: 'lipdub', options: {} }, jobId: '101', keyHeader: 'x-api-key', sent: (k) => k, answer: { status: 'running', generate_id: 101 } },
  { label: 'viralsync', vendor: { id: 'viralsync', kind: 'viralsync', options: {} }, jobId: 'job_1', keyHeader: 'authorization', sent: (k) => `Bearer ${k}`, answer: { jobId: 'job_1', status: 'done', outputUrl: 'https://elsewhere.example/1.mp4' } },
  { label: 'synthesia', vendor: { id: 'synthesia', kind: 'synthesia', options: {} }, jobId: 'vid-1', keyHeader: 'authorization', sent: (k) => k, answer: { id: 'vid-1', status: 'complete', download: 'https://elsewhere.example/v.mp4' } },
  { label: 'custom', vendor: { id: 'acme', kind: 'custom', options: CUSTOM_OPTIONS }, jobId: 'a1', keyHeader: 'x-acme-key', sent: (k) => k, answer: { id: 'a1', state: 'done' } },
];

const KEY = 'the-status-api-key-0123456789';
const NOT_FOLLOWED = 'not followed; if the vendor moved its status API, configure the new address';
const REDIRECTS = [301, 302, 303, 307, 308];

const json = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const redirectTo = (status: number, location: (req: IncomingMessage) => string) => (req: IncomingMessage, res: ServerResponse) =>
  res.writeHead(status, { location: location(req), 'content-type': 'text/plain' }).end('moved');
const apiOf = (c: VendorCase) => createAdapter(c.vendor).statusApi!;

describe('status requests never follow a redirect, so the key never leaves its origin', () => {
  const client = new StatusClient();
  // The fake status APIs are on 127.0.0.1 over http: asked only with the opt-in.
  const opts = (): StatusCheckOptions => ({ timeoutMs: 2000, deadlineMs: Date.now() + 10_000, allowInsecureStatusApi: true });
  const servers: RecordingServer[] = [];
  const server = async (answer: (req: IncomingMessage, res: ServerResponse) => void) => {
    const s = await startRecordingServer(answer);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it.each(CASES.map((c) => [c.label, c] as const))('%s: the answer the other servers give would be read as a status (so following them would publish it)', async (_label, c) => {
    const direct = await server(json(c.answer));
    expect(await client.check(apiOf(c), c.jobId, { baseUrl: direct.baseUrl, apiKey: KEY }, opts())).toMatchObject({ kind: 'status' });
    expect(direct.requests[0].headers[c.keyHeader]).toBe(c.sent(KEY));
  });

  describe.each(CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    it.each(REDIRECTS)('answers a %i to another origin with a redirect error: the other server gets no request and no key', async (status) => {
      const elsewhere = await server(json(c.answer));
      const origin = await server(redirectTo(status, (req) => `${elsewhere.baseUrl}${req.url}`));
      const result = await client.check(apiOf(c), c.jobId, { baseUrl: origin.baseUrl, apiKey: KEY }, opts());
      expect(headerValues(elsewhere.requests).filter((v) => v.includes(KEY))).toEqual([]);
      expect(elsewhere.requests).toEqual([]);
      expect(result).toEqual({ kind: 'error', reason: 'redirect', httpStatus: status, detail: `to another origin (${elsewhere.baseUrl}): ${NOT_FOLLOWED}` });
      expect(origin.requests).toHaveLength(1);
      expect(origin.requests[0].headers[c.keyHeader]).toBe(c.sent(KEY));
    });

    it('does not follow a redirect within the same origin either, so the key is sent once', async () => {
      const origin = await server((req, res) =>
        req.url?.includes('moved=1') ? json(c.answer)(req, res) : redirectTo(302, (r) => `${r.url}${r.url?.includes('?') ? '&' : '?'}moved=1`)(req, res),
      );
      const result = await client.check(apiOf(c), c.jobId, { baseUrl: origin.baseUrl, apiKey: KEY }, opts());
      expect(result).toEqual({ kind: 'error', reason: 'redirect', httpStatus: 302, detail: `within the same origin: ${NOT_FOLLOWED}` });
      expect(origin.requests).toHaveLength(1);
      expect(headerValues(origin.requests).filter((v) => v.includes(KEY))).toHaveLength(1);
    });

    it('asks once when redirected to the same URL or between two origins in a loop', async () => {
      const self = await server(redirectTo(307, (req) => req.url ?? '/'));
      expect(await client.check(apiOf(c), c.jobId, { baseUrl: self.baseUrl, apiKey: KEY }, opts())).toMatchObject({ kind: 'error', reason: 'redirect' });
      expect(self.requests).toHaveLength(1);

      const peer = { baseUrl: '' };
      const a = await server(redirectTo(302, (req) => `${peer.baseUrl}${req.url}`));
      const b = await server(redirectTo(302, (req) => `${a.baseUrl}${req.url}`));
      peer.baseUrl = b.baseUrl;
      expect(await client.check(apiOf(c), c.jobId, { baseUrl: a.baseUrl, apiKey: KEY }, opts())).toMatchObject({ kind: 'error', reason: 'redirect' });
      expect(a.requests).toHaveLength(1);
      expect(b.requests).toEqual([]);
    });
  });

  it('does not follow a redirect on a follow-up request (LipDub /download) either', async () => {
    const lipdub = CASES.find((c) => c.label === 'lipdub')!;
    const elsewhere = await server(json({ download_url: 'https://elsewhere.example/101.mp4' }));
    const origin = await server((req, res) =>
      req.url?.endsWith('/download') ? redirectTo(302, (r) => `${elsewhere.baseUrl}${r.url}`)(req, res) : json({ status: 'finished', generate_id: 101 })(req, res),
    );
    const result = await client.check(apiOf(lipdub), '101', { baseUrl: origin.baseUrl, apiKey: KEY }, opts());
    expect(result).toMatchObject({ kind: 'error', reason: 'redirect', httpStatus: 302 });
    expect(origin.requests.map((r) => r.url)).toEqual(['/v1/renders/101/status', '/v1/renders/101/download']);
    expect(elsewhere.requests).toEqual([]);
  });
});

describe('an https status API redirecting to http (a real TLS server, the check in a child process that trusts its certificate)', () => {
  const tls = selfSignedCertificate();
  let plain: RecordingServer;
  let secure: RecordingServer;
  let answer: Record<string, unknown> = {};
  beforeAll(async () => {
    plain = await startRecordingServer((req, res) => json(answer)(req, res));
    secure = await startRecordingServer((req, res) =>
      req.url?.includes('direct') ? json({ ...answer, id: 'direct', jobId: 'direct' })(req, res) : redirectTo(302, (r) => `http://127.0.0.1:${new URL(plain.baseUrl).port}${r.url}`)(req, res),
    tls);
  });
  afterAll(async () => {
    await Promise.all([plain.close(), secure.close()]);
  });

  it.each(CASES.filter((c) => c.label !== 'lipdub').map((c) => [c.label, c] as const))('%s: the key is never sent in clear text to the http address', async (_label, c) => {
    answer = c.answer;
    const check = { vendor: c.vendor, baseUrl: secure.baseUrl, apiKey: KEY, timeoutMs: 3000, caFile: tls.certFile };
    const before = secure.requests.length;
    // The TLS server is reachable and trusted: a direct answer is read.
    expect((await checkInChild({ ...check, jobId: 'direct' })).result).toMatchObject({ kind: 'status' });
    const redirected = await checkInChild({ ...check, jobId: c.jobId });
    expect(headerValues(plain.requests).filter((v) => v.includes(KEY))).toEqual([]);
    expect(plain.requests).toEqual([]);
    expect(redirected.result).toEqual({ kind: 'error', reason: 'redirect', httpStatus: 302, detail: `to another origin (${plain.baseUrl}): ${NOT_FOLLOWED}` });
    expect(secure.requests.slice(before).map((r) => r.headers[c.keyHeader])).toEqual([c.sent(KEY), c.sent(KEY)]);
  });
});

describe('a poll run that meets a redirect (dynalite and fauxqs)', () => {
  it('counts it under its own reason, logs where it pointed (origin only), publishes nothing and backs the job off like a 5xx', async () => {
    const backend = await freshBackend();
    const clock = new OffsetClock();
    const telemetry = new CountingTelemetry(true);
    const sync = await startFakeVendor('sync');
    const elsewhere = await startRecordingServer(json({ id: 'r-1', status: 'COMPLETED' }));
    try {
      await registry(backend.store, clock).register('sync', 'r-1');
      await registry(backend.store, clock).register('sync', 'e-1');
      sync.override = (req) => (req.jobId === 'e-1' ? { status: 503, body: 'down' } : redirect(302, `${elsewhere.baseUrl}${req.path}?token=secret-in-the-location`));
      clock.advance(STALE_MS + 1);
      const summary = await pollOnce(pollerDeps({ ...backend, clock, telemetry, vendors: [{ server: sync }] }), { deadlineMs: clock.now() + 5000 });

      expect(summary).toMatchObject({ polled: 2, hits: 0, errors: 2, vendors: { sync: { errorsByReason: { redirect: 1, http_5xx: 1 } } } });
      expect(telemetry.get('PollErrors:redirect')).toBe(1);
      const line = telemetry.lines.find((l) => l.fields.reason === 'redirect');
      expect(line).toMatchObject({ level: 'warn', fields: { vendor: 'sync', jobId: 'r-1', httpStatus: 302, detail: `to another origin (${elsewhere.baseUrl}): ${NOT_FOLLOWED}` } });
      expect(JSON.stringify(telemetry.lines)).not.toContain('secret-in-the-location');
      expect(elsewhere.requests).toEqual([]);
      expect(await drainEvents(backend.sqs, backend.queueUrl)).toEqual([]);
      // Both backed off the same way: the first backoff is `staleAfter` from the poll.
      const after = clock.now();
      for (const id of ['r-1', 'e-1']) {
        const job = await backend.store.get('sync', id);
        expect(job).toMatchObject({ status: 'registered', pollAttempts: 1 });
        expect(job!.nextPollAtMs).toBeGreaterThan(after + STALE_MS - 5000);
        expect(job!.nextPollAtMs).toBeLessThanOrEqual(after + STALE_MS);
      }
    } finally {
      await Promise.all([sync.close(), elsewhere.close()]);
    }
  });
});
