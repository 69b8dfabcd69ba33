/**
 * `video-webhooks dev` as the local loop, as a child process: startup failures that exit at once
 * with one line, one stderr line per webhook request, and `--forward-to` against a real consumer
 * (an HTTP server here) with redelivery, the local DLQ, `GET /dlq` and `POST /dlq/redrive`.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, startDev, stopDev, waitFor, type Dev } from './dev-support';

const SECRET = 'vs_loop';
const hex = (key: string, data: string) => createHmac('sha256', key).update(data).digest('hex');

/** Posts a signed ViralSync webhook for `jobId`; answers the dev server's JSON answer. */
async function post(dev: Dev, jobId: string, status: 'running' | 'done', progress: number): Promise<{ status: number; body: { outcome?: string } }> {
  const body = JSON.stringify({ jobId, status, progress, phase: status === 'running' ? 'render' : undefined, outputUrl: status === 'done' ? `https://r2.example/${jobId}.mp4` : undefined, timestamp: new Date().toISOString() });
  const res = await fetch(`${dev.url}/webhooks/viralsync`, { method: 'POST', headers: { 'x-render-signature': hex(SECRET, body) }, body });
  return { status: res.status, body: (await res.json()) as { outcome?: string } };
}

async function elapsedUntilExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; ms: number; stderr: string[]; stdout: string[] }> {
  const started = Date.now();
  const run = spawnCli(args, env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, ms: Date.now() - started, stderr: run.stderr, stdout: run.stdout };
}

describe('video-webhooks dev: a startup failure exits non-zero within 5 s with one line naming the problem and the fix', () => {
  it('when the port is in use: names the port and --port 0, no stack trace, no endless queue errors', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const port = (holder.address() as AddressInfo).port;
    try {
      const run = await elapsedUntilExit(['dev', '--port', String(port)], { VIRALSYNC_WEBHOOK_SECRET: SECRET });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(5_000);
      expect(run.stderr).toEqual([`port ${port} on 127.0.0.1 is in use: stop what listens there, or pass --port 0 to pick a free port`]);
    } finally {
      holder.close();
    }
  });

  it('when a flag is unknown: names it and the flag it looks like', async () => {
    const run = await elapsedUntilExit(['dev', '--prot', '8787']);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual(["unknown option --prot: did you mean --port? (video-webhooks dev --help lists the options)"]);
  });

  it('when a flag value is not a number', async () => {
    const run = await elapsedUntilExit(['dev', '--visibility-timeout-seconds', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual(['--visibility-timeout-seconds is "soon": use a whole number of seconds from 1 to 43200']);
  });

  it('when --events-file cannot be written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vw-events-')), 'no-such-folder', 'events.jsonl');
    const run = await elapsedUntilExit(['dev', '--port', '0', '--events-file', file]);
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(5_000);
    expect(run.stderr).toEqual([`cannot write --events-file ${file} (ENOENT): give a file in a folder that exists and that you can write to`]);
  });

  it('when --forward-to is not an http(s) URL, or is given with --handler', async () => {
    const bad = await elapsedUntilExit(['dev', '--port', '0', '--forward-to', 'localhost:9000/events']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toEqual(['--forward-to localhost:9000/events is not an http(s) URL: use e.g. http://127.0.0.1:9000/events']);
    const both = await elapsedUntilExit(['dev', '--port', '0', '--forward-to', 'http://127.0.0.1:9/x', '--handler', 'h.js']);
    expect(both.code).toBe(1);
    expect(both.stderr).toEqual(['--forward-to and --handler both consume the events queue: pass one of them']);
  });
});

describe('video-webhooks dev: one stderr line per webhook request', () => {
  let dev: Dev;
  beforeAll(async () => {
    dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET });
  });
  afterAll(() => stopDev(dev));

  it('says at startup, for each vendor, whether its secret is set (never the secret)', () => {
    expect(dev.stderr).toContain('viralsync: secret set (VIRALSYNC_WEBHOOK_SECRET)');
    expect(dev.stderr).toContain('sync: no secret: set SYNC_WEBHOOK_SECRET (until then it answers 503)');
    expect(dev.stderr.join('\n')).not.toContain(SECRET);
  });

  it('prints a 2xx too, with the status, vendor, outcome, job id and event id (like stripe listen)', async () => {
    expect((await post(dev, 'job_logged', 'done', 1)).status).toBe(200);
    const event = JSON.parse(await waitFor(() => dev.stdout.find((l) => l.includes('"job_logged"')), 10_000)) as { id: string };
    await waitFor(() => dev.stderr.find((l) => l.startsWith('200 viralsync')), 5_000);
    expect(dev.stderr).toContain(`200 viralsync delivered: enqueued (job job_logged, event ${event.id})`);
    expect((await post(dev, 'job_logged', 'done', 1)).status).toBe(200);
    await waitFor(() => dev.stderr.find((l) => l === `200 viralsync delivered: duplicate (job job_logged, event ${event.id})`), 5_000);
  });

  it('prints a rejection with its reason, and an unknown vendor', async () => {
    const res = await fetch(`${dev.url}/webhooks/viralsync`, { method: 'POST', headers: { 'x-render-signature': hex('wrong', '{}') }, body: '{}' });
    expect(res.status).toBe(401);
    expect((await fetch(`${dev.url}/webhooks/acme`, { method: 'POST', body: '{}' })).status).toBe(404);
    await waitFor(() => dev.stderr.find((l) => l === '401 viralsync rejected: bad_signature'), 5_000);
    await waitFor(() => dev.stderr.find((l) => l === '404 acme rejected: unknown_vendor'), 5_000);
  });
});

interface Delivery {
  readonly at: number;
  readonly jobId: string;
  readonly id: string;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

describe('video-webhooks dev --forward-to (a real HTTP consumer here)', () => {
  let dev: Dev;
  let consumer: Server;
  const deliveries: Delivery[] = [];
  const attempts = new Map<string, number>();
  let brokenFixed = false;

  beforeAll(async () => {
    consumer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as { id: string; data: { jobId: string; status: string } };
        const n = (attempts.get(event.id) ?? 0) + 1;
        attempts.set(event.id, n);
        // job_flaky: its first event fails twice, then works. job_broken: fails until fixed.
        const fail = (event.data.jobId === 'job_flaky' && event.data.status === 'processing' && n <= 2) || (event.data.jobId === 'job_broken' && !brokenFixed);
        const status = fail ? 500 : 200;
        deliveries.push({ at: Date.now(), jobId: event.data.jobId, id: event.id, status, headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => consumer.listen(0, '127.0.0.1', () => resolve()));
    const target = `http://127.0.0.1:${(consumer.address() as AddressInfo).port}/events`;
    dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET }, ['--forward-to', target, '--visibility-timeout-seconds', '1', '--max-receive-count', '3']);
    for (const jobId of ['job_flaky', 'job_fine', 'job_broken']) {
      expect((await post(dev, jobId, 'running', 0.3)).body.outcome).toBe('enqueued');
      expect((await post(dev, jobId, 'done', 1)).body.outcome).toBe('enqueued');
    }
  });

  afterAll(async () => {
    await stopDev(dev);
    await new Promise<void>((resolve) => consumer.close(() => resolve()));
  });

  const of = (jobId: string) => deliveries.filter((d) => d.jobId === jobId);
  const queued = (jobId: string) => dev.stdout.map((l) => JSON.parse(l) as { id: string; data: { jobId: string } }).filter((e) => e.data.jobId === jobId);

  it('POSTs each event as the CloudEvent JSON with content-type application/cloudevents+json', async () => {
    await waitFor(() => (of('job_fine').length === 2 ? true : undefined), 15_000, () => dev.stderr.join('\n'));
    expect(of('job_fine').map((d) => d.headers['content-type'])).toEqual(['application/cloudevents+json', 'application/cloudevents+json']);
    expect(of('job_fine').map((d) => d.body)).toEqual(dev.stdout.filter((l) => l.includes('"job_fine"')));
  });

  it('redelivers a failed event after the visibility timeout, then delivers the job\'s events in order; other jobs are not held back', async () => {
    await waitFor(() => (of('job_flaky').length === 4 ? true : undefined), 20_000, () => dev.stderr.join('\n'));
    const [first, second] = queued('job_flaky').map((e) => e.id);
    expect(of('job_flaky').map((d) => [d.id, d.status])).toEqual([
      [first, 500],
      [first, 500],
      [first, 200],
      [second, 200],
    ]);
    const gaps = of('job_flaky').slice(1, 3).map((d, i) => d.at - of('job_flaky')[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900); // visible again only after 1 s
    expect(Math.max(...of('job_fine').map((d) => d.at))).toBeLessThan(of('job_flaky')[2].at);
    expect(dev.stderr).toContainEqual(expect.stringMatching(new RegExp(`^→ failed video\\.job\\.processing job viralsync#job_flaky event ${first} \\(receive 1 of 3\\): answered 500; visible again in 1 s$`)));
    // Logged once the batch is settled, which may be just after the job's next event was POSTed in it.
    const delivered = new RegExp(`^→ delivered video\\.job\\.processing job viralsync#job_flaky event ${first} \\(receive 3 of 3\\): answered 200$`);
    await waitFor(() => dev.stderr.find((l) => delivered.test(l)), 5_000, () => dev.stderr.join('\n'));
  });

  it('moves an event that keeps failing to the local DLQ after --max-receive-count receives; GET /dlq shows it without consuming it; POST /dlq/redrive sends it back, in order', async () => {
    const dlq = async () => (await (await fetch(`${dev.url}/dlq`)).json()) as Array<{ messageId: string; messageGroupId: string; event: { id: string } }>;
    const deadline = Date.now() + 30_000;
    let held: Awaited<ReturnType<typeof dlq>> = [];
    while (Date.now() < deadline && held.length < 2) {
      held = await dlq();
      await new Promise((r) => setTimeout(r, 250));
    }
    // As on SQS, the second event is received with the first (same group, one batch) but never
    // forwarded before it: held back, it spends the same receives, so it reaches the DLQ with it.
    const [first, second] = queued('job_broken').map((e) => e.id);
    expect(held.map((m) => [m.messageGroupId, m.event.id])).toEqual([
      ['viralsync#job_broken', first],
      ['viralsync#job_broken', second],
    ]);
    const ids = of('job_broken').map((d) => d.id);
    expect(ids.slice(0, 3)).toEqual([first, first, first]);
    // Forwarded only on receives it had alone, after the first one left for the DLQ (none, or one when it arrived after the first's first receive).
    expect(ids.slice(3).every((id) => id === second)).toBe(true);
    expect(ids.length).toBeLessThanOrEqual(4);
    expect(dev.stderr).toContainEqual(`→ failed video.job.processing job viralsync#job_broken event ${first} (receive 3 of 3): answered 500; moves to the DLQ`);
    expect(dev.stderr).toContainEqual(expect.stringMatching(new RegExp(`^→ failed video\\.job\\.succeeded job viralsync#job_broken event ${second} \\(receive [12] of 3\\): held back behind a failed event of its job; visible again in 1 s$`)));
    expect(await dlq()).toEqual(held); // reading it did not consume it, nor renumber it
    expect(held.map((m) => typeof m.messageId)).toEqual(['string', 'string']);

    brokenFixed = true;
    const redrive = await fetch(`${dev.url}/dlq/redrive`, { method: 'POST' });
    expect(redrive.status).toBe(200);
    expect(await redrive.json()).toEqual({ moved: 2 });
    await waitFor(() => (of('job_broken').filter((d) => d.status === 200).length === 2 ? true : undefined), 10_000, () => dev.stderr.join('\n'));
    expect(of('job_broken').filter((d) => d.status === 200).map((d) => d.id)).toEqual([first, second]);
    expect(await dlq()).toEqual([]);
  });
});
