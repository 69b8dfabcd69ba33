/**
 * Load: 50 concurrent senders against `video-webhooks dev` (the built CLI in a child process: the
 * verifier core on embedded dynalite and fauxqs) for 30 s (RELIABILITY=full) or 5 s (`npm test`).
 * Every sender posts signed ViralSync webhooks: progress then the final event per job, plus 10%
 * duplicates. Figures are bound by the in-process emulators, not by AWS.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { childEnv } from '../support/child-env';

const FULL = process.env.RELIABILITY === 'full';
const SECONDS = FULL ? 30 : 5;
const SENDERS = 50;
const SECRET = 'load_secret';
const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'cli.js');

jest.setTimeout((SECONDS + 90) * 1000);

describe(`load: ${SENDERS} concurrent senders for ${SECONDS} s against the dev server`, () => {
  it('answers every request 2xx and queues every job\'s terminal event exactly once', async () => {
    const child = spawn(process.execPath, [CLI, 'dev', '--port', '0'], { env: childEnv({ VIRALSYNC_WEBHOOK_SECRET: SECRET }), stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let rest = '';
    child.stdout.on('data', (c: Buffer) => {
      rest += c.toString();
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearInterval(timer);
          resolve(m[1]);
        }
      }, 20);
      child.once('exit', () => reject(new Error(`dev exited: ${stderr}`)));
    });

    const latencies: number[] = [];
    let errors = 0;
    let accepted = 0;
    const finished = new Set<string>();
    const deadline = Date.now() + SECONDS * 1000;
    const post = async (body: string) => {
      const t = process.hrtime.bigint();
      try {
        const res = await fetch(`${url}/webhooks/viralsync`, { method: 'POST', headers: { 'x-render-signature': createHmac('sha256', SECRET).update(body).digest('hex') }, body });
        await res.arrayBuffer();
        if (res.status >= 200 && res.status < 300) accepted++;
        else errors++;
      } catch {
        errors++;
      }
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    };
    const started = Date.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, s) => {
        for (let j = 0; Date.now() < deadline; j++) {
          const jobId = `load-${s}-${j}`;
          const at = new Date().toISOString();
          await post(JSON.stringify({ jobId, status: 'running', phase: 'rendering', progress: 0.5, timestamp: at }));
          const done = JSON.stringify({ jobId, status: 'done', progress: 1, outputUrl: `https://r2/${jobId}.mp4`, timestamp: at });
          await post(done);
          if (j % 10 === 0) await post(done); // a vendor retry
          finished.add(jobId);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    // Wait until every queued event has been read back and printed.
    const expectedEvents = finished.size * 2;
    const waitUntil = Date.now() + 60_000;
    while (lines.length < expectedEvents && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const events = lines.map((l) => JSON.parse(l) as { id: string; data: { jobId: string; status: string } });
    const ids = new Set(events.map((e) => e.id));
    const terminals = new Map<string, number>();
    for (const e of events) if (e.data.status === 'succeeded') terminals.set(e.data.jobId, (terminals.get(e.data.jobId) ?? 0) + 1);
    const sorted = [...latencies].sort((a, b) => a - b);
    const figures = {
      senders: SENDERS,
      seconds: Number(seconds.toFixed(1)),
      requests: latencies.length,
      acceptedPerSecond: Number((accepted / seconds).toFixed(1)),
      p50Ms: Number(sorted[Math.floor(sorted.length * 0.5)].toFixed(1)),
      p99Ms: Number(sorted[Math.floor(sorted.length * 0.99)].toFixed(1)),
      errors,
      jobs: finished.size,
      eventsQueued: events.length,
      duplicated: events.length - ids.size,
      jobsWithoutExactlyOneTerminal: [...finished].filter((j) => terminals.get(j) !== 1).length,
    };
    console.log(`load figures (bound by the in-process emulators)\n${JSON.stringify(figures, null, 2)}`);
    expect(errors).toBe(0);
    expect(figures.duplicated).toBe(0);
    expect(events).toHaveLength(expectedEvents);
    expect(figures.jobsWithoutExactlyOneTerminal).toBe(0);
  });
});
