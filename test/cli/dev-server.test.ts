/**
 * `video-webhooks dev` as a child process (the built dist/bin/cli.js), driven over HTTP with
 * requests signed here with node:crypto, plus `send`, `--help`, and a fake Sync status API.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { REPORT_EVENTS, signsWithSecret } from '../../lambda/vendors/samples';
import { childEnv } from '../support/child-env';
import { CLI, startDev, waitFor, type Dev } from './dev-support';

const SECRETS = {
  SYNC_WEBHOOK_SECRET: 'whsec_cli',
  LIPDUB_WEBHOOK_API_KEY: 'ld_cli',
  VIRALSYNC_WEBHOOK_SECRET: 'vs_cli',
  SYNTHESIA_WEBHOOK_SECRET: 'syn_cli',
  REPLICATE_WEBHOOK_SECRET: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
  MUX_WEBHOOK_SECRET: 'mux_cli',
  ELEVENLABS_WEBHOOK_SECRET: 'el_cli',
};
const hex = (key: string, data: string) => createHmac('sha256', key).update(data).digest('hex');

const events = (dev: Dev) => dev.stdout.map((l) => JSON.parse(l) as { id: string; type: string; data: { vendor: string; jobId: string; receivedVia: string; status: string } });

describe('video-webhooks dev (child process)', () => {
  let dev: Dev;
  let statusApi: Server;
  const statusRequests: Array<{ url: string; key: string | undefined }> = [];

  beforeAll(async () => {
    statusApi = createServer((req, res) => {
      statusRequests.push({ url: req.url ?? '', key: req.headers['x-api-key'] as string | undefined });
      const id = /\/v2\/generate\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id, status: 'COMPLETED', outputUrl: `https://cdn.example/${id}.mp4`, outputDuration: 3.5 }));
    });
    await new Promise<void>((resolve) => statusApi.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(statusApi.address() as AddressInfo).port}`;
    dev = await startDev({ ...SECRETS, SYNC_API_BASE_URL: base, SYNC_API_KEY: 'sync-api-key' }, ['--poll-interval-seconds', '1', '--stale-after-seconds', '0']);
  });

  afterAll(async () => {
    if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
    await new Promise<void>((resolve) => statusApi.close(() => resolve()));
  });

  it('answers /healthz and prints each queued event as one compact CloudEvent JSON line on stdout', async () => {
    const body = JSON.stringify({ jobId: 'job_line', status: 'done', progress: 1, outputUrl: 'https://r2/o.mp4', timestamp: '2026-04-02T10:00:52.000Z' });
    const res = await fetch(`${dev.url}/webhooks/viralsync`, { method: 'POST', headers: { 'x-render-signature': hex(SECRETS.VIRALSYNC_WEBHOOK_SECRET, body) }, body });
    expect(res.status).toBe(200);
    const line = await waitFor(() => dev.stdout.find((l) => l.includes('"job_line"')), 10_000);
    expect(line).toBe(JSON.stringify(JSON.parse(line)));
    expect(JSON.parse(line)).toMatchObject({ specversion: '1.0', type: 'video.job.succeeded', data: { vendor: 'viralsync', jobId: 'job_line' } });
  });

  it('prints a duplicate delivery once', async () => {
    const t = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({ id: 'gen_dup', status: 'COMPLETED', outputUrl: 'https://x/y.mp4' });
    const headers = { 'sync-signature': `t=${t},v1=${hex(SECRETS.SYNC_WEBHOOK_SECRET, `${t}.${body}`)}` };
    const answers = await Promise.all([1, 2, 3].map(() => fetch(`${dev.url}/webhooks/sync`, { method: 'POST', headers, body }).then((r) => r.status)));
    expect(answers.every((s) => s === 200)).toBe(true);
    await waitFor(() => dev.stdout.find((l) => l.includes('"gen_dup"')), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(dev.stdout.filter((l) => l.includes('"gen_dup"'))).toHaveLength(1);
  });

  it('prints each rejection on stderr as one line with the status and reason, and queues nothing', async () => {
    const body = JSON.stringify({ type: 'video.completed', data: { id: 'vid_forged', status: 'complete' } });
    const t = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${dev.url}/webhooks/synthesia`, { method: 'POST', headers: { 'synthesia-timestamp': t, 'synthesia-signature': hex('wrong', `${t}.${body}`) }, body });
    expect(res.status).toBe(401);
    await waitFor(() => dev.stderr.find((l) => l.startsWith('401 synthesia') && l.includes('bad_signature')), 5_000);
    expect(dev.stdout.some((l) => l.includes('vid_forged'))).toBe(false);
  });

  // A vendor that signs with a private key: test/cli/dev-public-keys.test.ts; an unsigned or poll-only one: test/cli/dev-unsigned.test.ts.
  it.each(Object.entries(REPORT_EVENTS).filter(([vendor]) => signsWithSecret(vendor)).flatMap(([vendor, evs]) => evs.map((e) => [vendor, e])))('send %s %s: posts a signed sample that is queued', async (vendor, event) => {
    const jobId = vendor === 'lipdub' ? String(700000 + Math.floor(Math.random() * 99999)) : vendor === 'elevenlabs' ? `proj_send:lang_${event}` : `job_send_${vendor}_${event}`;
    const run = spawnSync(process.execPath, [CLI, 'send', vendor, event, '--url', `${dev.url}/webhooks/${vendor}`, '--job-id', jobId], {
      env: childEnv(SECRETS),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^200 /);
    await waitFor(() => dev.stdout.find((l) => l.includes(`"jobId":"${jobId}"`)), 10_000);
  });

  it('send refuses an event the vendor does not send, saying what it sends', () => {
    const run = spawnSync(process.execPath, [CLI, 'send', 'sync', 'progress', '--secret', 'x'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('sync has no progress webhook; it sends: completed, failed, cancelled');
  });

  it('send --print prints a curl command that carries the vendor signature', () => {
    const run = spawnSync(process.execPath, [CLI, 'send', 'viralsync', 'completed', '--secret', 's3cret', '--job-id', 'job_curl', '--print'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const body = /--data-binary '(.*)'$/.exec(run.stdout.trim())?.[1] ?? '';
    expect(run.stdout).toContain(`x-render-signature: ${hex('s3cret', body)}`);
    expect(run.stdout.startsWith("curl -sS -X POST 'http://127.0.0.1:8787/webhooks/viralsync'")).toBe(true);
  });

  it('registers a job with POST /jobs and prints the poller\'s event for it (receivedVia "poll")', async () => {
    const res = await fetch(`${dev.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'sync', jobId: 'gen_polled' }) });
    expect(res.status).toBe(201);
    expect((await fetch(`${dev.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'sync', jobId: 'gen_polled' }) })).status).toBe(200);
    const line = await waitFor(() => dev.stdout.find((l) => l.includes('"gen_polled"')), 20_000, () => dev.stderr.join('\n'));
    expect(JSON.parse(line)).toMatchObject({ type: 'video.job.succeeded', data: { receivedVia: 'poll', outputUrl: 'https://cdn.example/gen_polled.mp4' } });
    expect(statusRequests.some((r) => r.url.startsWith('/v2/generate/gen_polled') && r.key === 'sync-api-key')).toBe(true);
  });

  it('has --help for every command', () => {
    for (const command of ['dev', 'send', 'replay', 'demo']) {
      const run = spawnSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`usage: video-webhooks ${command}`);
    }
    expect(spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout).toContain('dev');
  });

  it('keeps every printed event id unique', () => {
    const all = events(dev);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  });
});

describe('video-webhooks dev without secrets', () => {
  it('answers 503 naming the unset variable, and stops cleanly on SIGTERM with nothing left listening', async () => {
    const dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: 'only-this-one' });
    const res = await fetch(`${dev.url}/webhooks/sync`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toContain('SYNC_WEBHOOK_SECRET');
    expect((await fetch(`${dev.url}/webhooks/acme`, { method: 'POST', body: '{}' })).status).toBe(404);

    dev.child.kill('SIGTERM');
    expect(await dev.exited).toBe(0);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(dev.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
