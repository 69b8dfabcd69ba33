/**
 * `video-webhooks dev` (the built CLI, a child process) runs the hint and the poll-only paths: an
 * unsigned Luma callback sent by `video-webhooks send` (its token in the URL) makes the dev poller
 * ask the (fake, 127.0.0.1) status API, and only its answer is printed; Runway has no route, `send`
 * refuses it, and a registered task is polled until its terminal event is printed.
 */
import { spawnSync } from 'node:child_process';
import { childEnv } from '../support/child-env';
import { startFakeStatusApi, type FakeStatusApi } from '../support/fake-status-api';
import { CLI, startDev, stopDev, waitFor, type Dev } from './dev-support';

const TOKEN = 'luma-dev-token-5b2e';

describe('video-webhooks dev with an unsigned vendor and a poll-only vendor', () => {
  let dev: Dev;
  let luma: FakeStatusApi;
  let runway: FakeStatusApi;
  const events = () => dev.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; data: { jobId: string; receivedVia: string } });
  const register = (vendor: string, jobId: string) => fetch(`${dev.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, jobId }) });
  const send = (vendor: string, event: string, jobId: string) =>
    spawnSync(process.execPath, [CLI, 'send', vendor, event, '--port', String(dev.port), '--job-id', jobId], { env: childEnv({ LUMA_WEBHOOK_SECRET: TOKEN }), encoding: 'utf8' });

  beforeAll(async () => {
    luma = await startFakeStatusApi(/^\/dream-machine\/v1\/generations\/([^/]+)$/, (h) => h.authorization === 'Bearer luma-key');
    runway = await startFakeStatusApi(/^\/v1\/tasks\/([^/]+)$/, (h) => h.authorization === 'Bearer rw-key' && h['x-runway-version'] === '2024-11-06');
    dev = await startDev(
      { LUMA_WEBHOOK_SECRET: TOKEN, LUMA_API_BASE_URL: luma.baseUrl, LUMA_API_KEY: 'luma-key', RUNWAY_API_BASE_URL: runway.baseUrl, RUNWAY_API_KEY: 'rw-key' },
      ['--poll-interval-seconds', '1'],
    );
  }, 60_000);
  afterAll(async () => {
    await stopDev(dev);
    await Promise.all([luma.close(), runway.close()]);
  });

  it('says at start what each is', () => {
    expect(dev.stderr).toContain('luma: secret set (LUMA_WEBHOOK_SECRET)');
    expect(dev.stderr).toContain('runway: sends no webhooks: its registered jobs are polled (its status API is set)');
  });

  it('takes a forged completed Luma callback for a registered job as a hint: the status API says dreaming, and only that is printed', async () => {
    const id = '00000000-0000-4000-8000-000000000042';
    expect((await register('luma', id)).status).toBe(201);
    luma.jobs.set(id, { id, state: 'dreaming', assets: {} });
    const sent = send('luma', 'completed', id);
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toMatch(/^200 \{"accepted":true,"check":"scheduled"\}/);
    await waitFor(() => events().find((e) => e.data.jobId === id), 15_000, () => dev.stderr.join('\n'));
    expect(luma.asked(id)).toBeGreaterThanOrEqual(1);
    expect(events().filter((e) => e.data.jobId === id).map((e) => [e.type, e.data.receivedVia])).toEqual([['video.job.processing', 'callback']]);
    expect(dev.stderr).toContain(`200 luma hinted: scheduled (job ${id})`);
  });

  it('answers 202 to a callback for a job nobody registered, and asks nothing about it', async () => {
    const sent = send('luma', 'completed', 'never-registered');
    expect(sent.stdout).toMatch(/^202 /);
    await new Promise((r) => setTimeout(r, 2_000)); // two poll runs
    expect(luma.asked('never-registered')).toBe(0);
  });

  it('has no route for Runway, refuses to send it, and prints a registered task\'s events until it succeeds', async () => {
    expect((await fetch(`${dev.url}/webhooks/runway`, { method: 'POST', body: '{}' })).status).toBe(404);
    const refused = send('runway', 'completed', 't');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('runway sends no webhooks: it is polled; register its jobs (POST /jobs) and set RUNWAY_API_BASE_URL or RUNWAY_API_KEY');

    const id = '17f20503-6c24-4c16-946b-000000000007';
    runway.jobs.set(id, { id, createdAt: new Date().toISOString(), status: 'RUNNING', progress: 0.3 });
    expect((await register('runway', id)).status).toBe(201);
    await waitFor(() => events().find((e) => e.data.jobId === id), 15_000, () => dev.stderr.join('\n'));
    runway.jobs.set(id, { id, createdAt: new Date().toISOString(), status: 'SUCCEEDED', output: ['https://cdn.runway.example/out.mp4'] });
    await waitFor(() => events().find((e) => e.data.jobId === id && e.type === 'video.job.succeeded'), 15_000, () => dev.stderr.join('\n'));
    expect(events().filter((e) => e.data.jobId === id).map((e) => [e.type, e.data.receivedVia])).toEqual([
      ['video.job.processing', 'poll'],
      ['video.job.succeeded', 'poll'],
    ]);
  });
});
