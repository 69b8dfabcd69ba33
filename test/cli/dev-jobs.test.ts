/**
 * `POST /jobs` on `video-webhooks dev` (the built CLI, a child process) holds a registered job id
 * to the bounds a webhook's job id is held to (lambda/core/bounds.ts `jobIdProblem`): non-empty, at
 * most 1,024 UTF-8 bytes, well-formed Unicode. An id outside them is answered 400 saying what is
 * wrong, and registered nowhere (it would be polled, and its event would poison its FIFO group).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDev, stopDev, waitFor, type Dev } from './dev-support';

/** POST /jobs with this exact body (a lone surrogate must reach the server as JSON's \ud800 escape). */
function register(dev: Dev, body: string): Promise<{ status: number; json: { error?: string; registered?: boolean } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dev.port, method: 'POST', path: '/jobs', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: string } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const body = (jobIdJson: string) => `{"vendor":"viralsync","jobId":${jobIdJson}}`;

describe('POST /jobs job id bounds', () => {
  let dev: Dev;
  let statusApi: Server;
  /** The paths the dev server's poller asked the (fake) ViralSync status API for. */
  const polled: string[] = [];

  beforeAll(async () => {
    statusApi = createServer((req, res) => {
      polled.push(decodeURIComponent(req.url ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'processing', progress: 0.5 }));
    });
    await new Promise<void>((resolve) => statusApi.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(statusApi.address() as AddressInfo).port}`;
    dev = await startDev({ VIRALSYNC_API_BASE_URL: base, VIRALSYNC_API_KEY: 'vs-key' }, ['--poll-interval-seconds', '1', '--stale-after-seconds', '0']);
  });
  afterAll(async () => {
    await stopDev(dev);
    await new Promise<void>((resolve) => statusApi.close(() => resolve()));
  });

  it.each([
    ['1,025 ASCII bytes', JSON.stringify('a'.repeat(1025)), 'job id is 1025 bytes (at most 1024)'],
    ['1,026 bytes in 513 characters (é is 2 bytes)', JSON.stringify('é'.repeat(513)), 'job id is 1026 bytes (at most 1024)'],
    ['a lone high surrogate', '"job\\ud800"', 'job id is not well-formed Unicode (a lone surrogate)'],
    ['a lone low surrogate', '"\\udc00job"', 'job id is not well-formed Unicode (a lone surrogate)'],
    ['empty', '""', 'job id is empty'],
  ])('answers 400 to a job id of %s, saying why, and registers nothing', async (_name, jobIdJson, problem) => {
    const answer = await register(dev, body(jobIdJson));
    expect(answer).toEqual({ status: 400, json: { error: expect.stringContaining(problem) } });
    expect(answer.json.error).toContain('non-empty, at most 1,024 UTF-8 bytes, well-formed Unicode');
  });

  it('never polls a refused id (the poller runs every second for jobs quiet 0 s)', async () => {
    await register(dev, body(JSON.stringify('job_control')));
    await waitFor(() => (polled.some((p) => p.includes('job_control')) ? true : undefined), 10_000, () => dev.stderr.join('\n'));
    await new Promise((r) => setTimeout(r, 1_500)); // one more poll run
    expect(polled.filter((p) => !p.includes('job_control'))).toEqual([]);
  });

  it.each([
    ['1,024 ASCII bytes', JSON.stringify('b'.repeat(1024))],
    ['1,024 bytes of 4-byte characters (a surrogate pair each)', JSON.stringify('🎬'.repeat(256))],
    ['a number', '700123'],
  ])('registers a job id of %s, at the bound', async (_name, jobIdJson) => {
    expect(await register(dev, body(jobIdJson))).toEqual({ status: 201, json: { registered: true } });
    expect(await register(dev, body(jobIdJson))).toEqual({ status: 200, json: { registered: false } });
  });
});
