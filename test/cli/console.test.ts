/**
 * The dev console's JSON routes and guard, against `video-webhooks dev` (the built CLI, a child
 * process) with a real `--handler` consumer that fails one job until it is "fixed": what the page
 * shows is answered to a script too (`GET /console/requests`, `GET /console/jobs`,
 * `GET /console/vendors`, `GET /console/events`), secrets never appear, a refused request carries
 * its usual causes, a job's timeline follows its events to the DLQ and back, and every
 * state-changing action from a browser needs this run's token. The browser itself:
 * console-browser.test.ts. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDev, stopDev, waitFor, type Dev } from './dev-support';
import { BROKEN_JOB, pageToken, viralsyncBody, viralsyncRequest, writeFailingConsumer } from './console-support';

const SECRET = 'vs_console';
const LIPDUB_KEY = 'ld_console_key_5f1c9a';
const root = join(__dirname, '..', '..');

interface RequestRecord {
  id: number;
  vendor: string;
  statusCode: number;
  verdict: string;
  reason: string;
  jobId: string | null;
  eventId: string | null;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: string;
  bodyBytes: number;
  hint: string | null;
}
interface Step {
  kind: string;
  receive?: number;
  maxReceives?: number;
  detail?: string;
}
interface JobTimeline {
  key: string;
  events: Array<{ eventId: string; type: string; state: string; receivedVia: string; steps: Step[] }>;
}

/** One request with exactly these headers (node:http sends Host and Origin as given). */
function call(dev: Dev, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dev.port, method, path, headers: { host: `127.0.0.1:${dev.port}`, ...headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('video-webhooks dev: the console\'s routes', () => {
  let dev: Dev;
  let fix: () => void;
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${dev.url}${path}`)).json()) as T;
  const requests = () => get<RequestRecord[]>('/console/requests');
  const job = async (key: string) => (await get<JobTimeline[]>('/console/jobs')).find((j) => j.key === key);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-console-'));
    ({ fix } = writeFailingConsumer(dir));
    dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET, LIPDUB_WEBHOOK_API_KEY: LIPDUB_KEY }, ['--handler', 'consumer.cjs', '--visibility-timeout-seconds', '1', '--max-receive-count', '2', '--poll-interval-seconds', '3600'], dir);
  });
  afterAll(() => stopDev(dev));

  it('prints the console URL next to the listening line and answers GET / with the page, its token, and headers that keep it to itself', async () => {
    const listening = dev.stderr.findIndex((l) => l.startsWith(`listening on ${dev.url} `));
    expect(dev.stderr[listening + 1]).toMatch(new RegExp(`^console: ${dev.url.replace(/[.]/g, '\\.')}/ \\(open it in a browser`));
    const page = await fetch(`${dev.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await pageToken(dev.url)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    for (const [file, type] of [['console.js', 'text/javascript; charset=utf-8'], ['console.css', 'text/css; charset=utf-8']]) {
      const asset = await fetch(`${dev.url}/console/${file}`);
      expect({ file, status: asset.status, type: asset.headers.get('content-type') }).toEqual({ file, status: 200, type });
    }
    expect(await get('/console/vendors')).toEqual(
      expect.arrayContaining([
        { id: 'viralsync', title: 'ViralSync', sampleEvents: ['progress', 'completed', 'failed', 'cancelled'], secretVariable: 'VIRALSYNC_WEBHOOK_SECRET', secretSet: true },
        expect.objectContaining({ id: 'sync', secretVariable: 'SYNC_WEBHOOK_SECRET', secretSet: false }),
      ]),
    );
  });

  it('lists each webhook request newest first: verdict, reason, job and event ids, the exact body, the kept headers, and a hint when refused', async () => {
    const before = (await requests()).length;
    const good = viralsyncBody('job_listed', 'running', 0.4);
    expect((await fetch(`${dev.url}/webhooks/viralsync`, viralsyncRequest(SECRET, good))).status).toBe(200);
    const forged = viralsyncBody('job_forged', 'done', 1);
    expect((await fetch(`${dev.url}/webhooks/viralsync`, viralsyncRequest('not-the-secret', forged))).status).toBe(401);
    const listed = await pollFor(async () => {
      const rows = await requests();
      return rows.length >= before + 2 ? rows : undefined;
    });
    const [newest, older] = listed;
    expect(newest).toMatchObject({ vendor: 'viralsync', statusCode: 401, verdict: 'rejected', reason: 'bad_signature', jobId: null, eventId: null, body: forged, bodyEncoding: 'utf8', bodyBytes: Buffer.byteLength(forged) });
    expect(newest.hint).toEqual(expect.stringContaining('parsed and re-serialized'));
    expect(newest.hint).toEqual(expect.stringContaining('the wrong secret (VIRALSYNC_WEBHOOK_SECRET'));
    expect(newest.hint).toEqual(expect.stringContaining('a secret in the wrong format'));
    expect(newest.hint).toEqual(expect.stringContaining('a clock off by more than'));
    expect(older).toMatchObject({ vendor: 'viralsync', statusCode: 200, verdict: 'delivered', reason: 'enqueued', jobId: 'job_listed', eventId: expect.stringMatching(/^[0-9a-f-]{36}$/), body: good, hint: null });
    expect(Object.keys(older.headers).sort()).toEqual(['content-type', 'x-render-signature']);
    expect(newest.id).toBeGreaterThan(older.id);
  });

  it('never shows a secret: a static key is left out of the headers, even in a header the adapter keeps', async () => {
    const sent = await call(dev, 'POST', '/console/send', { 'content-type': 'application/json' }, JSON.stringify({ vendor: 'lipdub', event: 'completed' }));
    expect(JSON.parse(sent.body)).toMatchObject({ vendor: 'lipdub', statusCode: 200 });
    // The key where the adapter keeps a header (x-lipdub-event is kept for the quarantine).
    const body = JSON.stringify({ event_type: 'VIDEO_RENDER_COMPLETE', created_at: new Date().toISOString(), data: { generate_id: 551234, project_id: 1, shot_id: 2, download_url: 'https://cdn.lipdub.ai/renders/551234/output.mp4' } });
    const leaky = await fetch(`${dev.url}/webhooks/lipdub`, { method: 'POST', headers: { authorization: `Bearer ${LIPDUB_KEY}`, 'x-lipdub-event': `VIDEO_RENDER_COMPLETE ${LIPDUB_KEY}` }, body });
    expect(leaky.status).toBe(200);
    const lipdub = await pollFor(async () => {
      const rows = (await requests()).filter((r) => r.vendor === 'lipdub');
      return rows.length >= 2 ? rows : undefined;
    });
    for (const row of lipdub) expect(row.headers).not.toHaveProperty('authorization');
    expect(lipdub[0].headers).not.toHaveProperty('x-lipdub-event');
    const all = await (await fetch(`${dev.url}/console/requests`)).text();
    expect(all).not.toContain(LIPDUB_KEY);
    const jobs = await (await fetch(`${dev.url}/console/jobs`)).text();
    expect(jobs).not.toContain(LIPDUB_KEY);
  });

  it('streams each request and job change as Server-Sent Events', async () => {
    const abort = new AbortController();
    const res = await fetch(`${dev.url}/console/events`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += Buffer.from(value!).toString('utf8');
      }
    })();
    try {
      expect((await fetch(`${dev.url}/webhooks/viralsync`, viralsyncRequest(SECRET, viralsyncBody('job_streamed', 'done', 1)))).status).toBe(200);
      // The two arrive in either order: the queue may hand the event out before the request is answered.
      await waitFor(() => (/event: job\ndata: \{"key":"viralsync#job_streamed"/.test(text) && /event: request\ndata: .*"job_streamed"/.test(text) ? true : undefined), 10_000, () => text);
      const streamed = [...text.matchAll(/event: request\ndata: (.+)\n\n/g)].map((m) => JSON.parse(m[1]) as RequestRecord);
      expect(streamed).toContainEqual(expect.objectContaining({ vendor: 'viralsync', verdict: 'delivered', jobId: 'job_streamed' }));
      expect(text.startsWith('retry: 1000\n\n')).toBe(true);
    } finally {
      abort.abort();
      await pump;
    }
  });

  it("follows a failing job to the DLQ and back: each receive and the consumer's answer, the move, the redrive, the delivery; looking changes nothing", async () => {
    expect((await fetch(`${dev.url}/webhooks/viralsync`, viralsyncRequest(SECRET, viralsyncBody(BROKEN_JOB, 'done', 1)))).status).toBe(200);
    const key = `viralsync#${BROKEN_JOB}`;
    const inDlq = await pollFor(async () => {
      const j = await job(key);
      return j?.events[0]?.state === 'in-dlq' ? j : undefined;
    }, 30_000);
    expect(inDlq.events).toHaveLength(1);
    expect(inDlq.events[0]).toMatchObject({ type: 'video.job.succeeded', receivedVia: 'webhook' });
    expect(inDlq.events[0].steps).toEqual([
      expect.objectContaining({ kind: 'failed', receive: 1, maxReceives: 2, detail: `handler threw: cannot render ${BROKEN_JOB}` }),
      expect.objectContaining({ kind: 'failed', receive: 2, maxReceives: 2, detail: `handler threw: cannot render ${BROKEN_JOB}` }),
      expect.objectContaining({ kind: 'moved-to-dlq' }),
    ]);
    // Looking (the console's own peeks included) receives nothing: the same message, never in flight.
    const looks = [await get<Array<{ messageId: string; inFlight: boolean; event: { id: string } }>>('/dlq')];
    await get('/console/jobs');
    looks.push(await get('/dlq'));
    expect(looks[1]).toEqual(looks[0]);
    expect(looks[0]).toEqual([expect.objectContaining({ inFlight: false, event: expect.objectContaining({ id: inDlq.events[0].eventId }) })]);

    fix();
    expect(JSON.parse((await call(dev, 'POST', '/dlq/redrive', {})).body)).toEqual({ moved: 1 });
    const delivered = await pollFor(async () => {
      const j = await job(key);
      return j?.events[0]?.state === 'delivered' ? j : undefined;
    });
    expect(delivered.events[0].steps.slice(3)).toEqual([expect.objectContaining({ kind: 'redriven' }), expect.objectContaining({ kind: 'delivered', receive: 1, detail: 'handled' })]);
  });

  it("shows a quarantined request and replays the quarantine with the poller's code, the message sent back with its reason", async () => {
    const notJson = 'this is not JSON';
    expect((await fetch(`${dev.url}/webhooks/viralsync`, viralsyncRequest(SECRET, notJson))).status).toBe(202);
    const row = await pollFor(async () => (await requests()).find((r) => r.body === notJson));
    expect(row).toMatchObject({ verdict: 'quarantined', reason: 'body is not a JSON object', statusCode: 202, hint: null });
    const replayed = await call(dev, 'POST', '/quarantine/replay', {});
    expect(replayed.status).toBe(200);
    expect(JSON.parse(replayed.body)).toMatchObject({ received: 1, requeued: 1, failed: 0, delivered: { enqueued: 0 } });
    expect(dev.stderr).toContainEqual(expect.stringMatching(/^quarantine replay: 1 received, 0 enqueued, 1 sent back/));
    const held = await get<Array<{ vendor: string; reason: string; replays: number; body: string }>>('/quarantine');
    expect(held).toEqual([expect.objectContaining({ vendor: 'viralsync', reason: 'body is not a JSON object', replays: 1, body: notJson })]);
  });

  it.each([
    ['/console/send', { 'content-type': 'application/json' }, JSON.stringify({ vendor: 'viralsync', event: 'completed', jobId: 'job_refused' })],
    ['/dlq/redrive', {}, undefined],
    ['/quarantine/replay', {}, undefined],
    ['/jobs', { 'content-type': 'application/json' }, JSON.stringify({ vendor: 'viralsync', jobId: 'job_refused' })],
  ] as const)('POST %s from a browser needs this run\'s token, and from another site is refused even with it; refused, it does nothing', async (path, headers, body) => {
    const token = await pageToken(dev.url);
    const own = `http://127.0.0.1:${dev.port}`;
    const lines = dev.stderr.length;
    const rows = (await requests()).length;
    const refused: Array<Record<string, string>> = [
      { origin: own }, // an old tab of whatever served this origin before: no token
      { origin: own, 'x-video-webhooks-token': `${token.slice(0, -1)}x` },
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'http://attacker.example', 'x-video-webhooks-token': token },
      { origin: `http://127.0.0.1:${dev.port + 1}`, 'x-video-webhooks-token': token },
    ];
    for (const extra of refused) {
      const answer = await call(dev, 'POST', path, { ...headers, ...extra }, body);
      expect({ extra, status: answer.status }).toEqual({ extra, status: 403 });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(dev.stderr.slice(lines).filter((l) => !l.startsWith('403 '))).toEqual([]);
    expect((await requests()).length).toBe(rows);
    const admitted = await call(dev, 'POST', path, { ...headers, origin: own, 'x-video-webhooks-token': token }, body);
    expect([200, 201]).toContain(admitted.status);
  });

  it('ships the built page in the npm package, and not its sources', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    const [packed] = JSON.parse(r.stdout) as Array<{ files: Array<{ path: string; size: number }> }>;
    const page = packed.files.filter((f) => f.path.startsWith('dist/local/dev-server/console/assets/'));
    expect(page.map((f) => f.path).sort()).toEqual(['console.css', 'console.js', 'index.html'].map((f) => `dist/local/dev-server/console/assets/${f}`));
    expect(packed.files.filter((f) => f.path.includes('console/page/'))).toEqual([]);
    // Small: what a browser loads for the page, uncompressed.
    expect(page.reduce((sum, f) => sum + f.size, 0)).toBeLessThan(32 * 1024);
  });
});

async function pollFor<T>(get: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
