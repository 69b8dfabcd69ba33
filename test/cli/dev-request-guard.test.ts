/**
 * DNS rebinding and cross-site requests against `video-webhooks dev` (the built CLI, a child
 * process), with real HTTP requests whose `Host`, `Origin` and `content-type` are set as a browser
 * on another site, a rebound name or a tunnel would set them (node:http, which sends `Host` as
 * given). The inspection and state-changing routes (`POST /jobs`, `GET /quarantine`, `GET /dlq`,
 * `POST /dlq/redrive`) answer 403 unless `Host` is a loopback name with the server's port (or an
 * `--allow-host` name) and `Origin` is absent or the same; `POST /jobs` takes only JSON (415). A POST
 * from a browser (with `Origin` or `Sec-Fetch-Site`) also needs the token of the console page this
 * run served (console.test.ts tests each console action).
 * `POST /webhooks/*` stays reachable with any `Host`, as through a tunnel.
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { pageToken } from './console-support';
import { spawnCli, startDev, stopDev, type Dev } from './dev-support';

const SECRET = 'vs_guard';
const TUNNEL = 'abc123.ngrok.app';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One request to the dev server with exactly these headers (Host included). */
function call(dev: Dev, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dev.port, method, path, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const job = (jobId: string) => JSON.stringify({ vendor: 'viralsync', jobId });

/** The inspection and state-changing routes, each as a request that succeeds when admitted. */
const GUARDED: ReadonlyArray<readonly [string, string, Record<string, string>, string | undefined]> = [
  ['GET', '/quarantine', {}, undefined],
  ['GET', '/dlq', {}, undefined],
  ['POST', '/dlq/redrive', {}, undefined],
  ['POST', '/jobs', JSON_TYPE, job('job_guarded')],
  ['GET', '/', {}, undefined],
  ['GET', '/console/requests', {}, undefined],
  ['GET', '/console/jobs', {}, undefined],
  ['POST', '/quarantine/replay', {}, undefined],
];

describe('video-webhooks dev against DNS rebinding and cross-site requests', () => {
  let dev: Dev;
  beforeAll(async () => {
    dev = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET }, ['--poll-interval-seconds', '3600']);
  });
  afterAll(() => stopDev(dev));

  const loopbackHosts = () => [`127.0.0.1:${dev.port}`, `localhost:${dev.port}`, `LocalHost:${dev.port}`, `[::1]:${dev.port}`, `127.0.0.1:${dev.port}`];

  it.each(GUARDED)('%s %s answers 403 to a rebound host name (Host attacker.example) before doing anything', async (method, path, headers, body) => {
    const refused = path === '/jobs' ? job('job_rebound') : body;
    for (const host of ['attacker.example', `attacker.example:${dev.port}`, `127.0.0.1.nip.io:${dev.port}`, `localhost:${dev.port + 1}`, `127.0.0.1`, `localhost.:${dev.port}`]) {
      const answer = await call(dev, method, path, { host, ...headers }, refused);
      expect({ host, status: answer.status }).toEqual({ host, status: 403 });
      expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining(`Host ${host} is not this dev server`) });
    }
    // The refused registrations registered nothing: the first admitted one creates the job.
    if (path === '/jobs') expect((await call(dev, 'POST', '/jobs', { host: `localhost:${dev.port}`, ...JSON_TYPE }, job('job_rebound'))).status).toBe(201);
    expect(dev.stderr).toContainEqual(expect.stringMatching(new RegExp(`^403 ${method} ${path.replace(/\//g, '\\/')}: Host attacker\\.example is not this dev server`)));
  });

  it.each(GUARDED)('%s %s answers 403 to another site (Origin http://attacker.example, or null)', async (method, path, headers, body) => {
    for (const origin of ['http://attacker.example', `http://127.0.0.1:${dev.port + 1}`, 'null', `https://localhost.attacker.example:${dev.port}`]) {
      const answer = await call(dev, method, path, { host: `localhost:${dev.port}`, origin, ...headers }, body);
      expect({ origin, status: answer.status }).toEqual({ origin, status: 403 });
      expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining(`Origin ${origin} is another site`) });
    }
  });

  it.each(GUARDED)('%s %s is answered for a loopback Host with the server\'s port, without Origin or from the same origin (a POST with the page\'s token)', async (method, path, headers, body) => {
    const token: Record<string, string> = method === 'POST' ? { 'x-video-webhooks-token': await pageToken(dev.url) } : {};
    for (const host of loopbackHosts()) {
      for (const origin of [undefined, `http://${host}`]) {
        const answer = await call(dev, method, path, { host, ...(origin ? { origin, ...token } : {}), ...headers }, body);
        expect({ host, origin, admitted: [200, 201].includes(answer.status) }).toEqual({ host, origin, admitted: true });
      }
    }
  });

  it.each(GUARDED.filter(([method]) => method === 'POST'))('%s %s from a same-origin page without this run\'s token answers 403 (an old tab of what listened on this port before)', async (method, path, headers, body) => {
    for (const browser of [{ origin: `http://localhost:${dev.port}` }, { 'sec-fetch-site': 'same-origin' }] as Array<Record<string, string>>) {
      const answer = await call(dev, method, path, { host: `localhost:${dev.port}`, ...browser, ...headers }, body);
      expect({ browser, status: answer.status }).toEqual({ browser, status: 403 });
      expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining("needs this run's token in x-video-webhooks-token") });
    }
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x'], [undefined]])(
    'POST /jobs with content-type %s answers 415 and registers nothing',
    async (type) => {
      const jobId = `job_form_${String(type).replace(/\W/g, '_')}`;
      const answer = await call(dev, 'POST', '/jobs', { host: `127.0.0.1:${dev.port}`, ...(type ? { 'content-type': type } : {}) }, job(jobId));
      expect(answer.status).toBe(415);
      expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining('POST /jobs takes content-type application/json') });
      // Not registered: the first JSON registration creates it.
      expect((await call(dev, 'POST', '/jobs', { host: `127.0.0.1:${dev.port}`, 'content-type': 'application/json; charset=utf-8' }, job(jobId))).status).toBe(201);
    },
  );

  it('keeps POST /webhooks/{vendor} reachable with any Host and Origin (a tunnel forwards its own Host)', async () => {
    const body = JSON.stringify({ jobId: 'job_tunnel', status: 'done', progress: 1, outputUrl: 'https://r2/o.mp4', timestamp: '2026-04-02T10:00:52.000Z' });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const answer = await call(dev, 'POST', '/webhooks/viralsync', { host: TUNNEL, origin: 'https://vendor.example', 'content-type': 'application/json', 'x-render-signature': signature }, body);
    expect(answer.status).toBe(200);
    expect((await call(dev, 'POST', '/webhooks/viralsync', { host: TUNNEL, 'x-render-signature': 'forged' }, body)).status).toBe(401);
    expect((await call(dev, 'GET', '/healthz', { host: TUNNEL })).status).toBe(200);
  });
});

describe('video-webhooks dev --allow-host', () => {
  let dev: Dev;
  beforeAll(async () => {
    dev = await startDev({}, ['--allow-host', TUNNEL, '--allow-host', 'dev.example.test', '--poll-interval-seconds', '3600']);
  });
  afterAll(() => stopDev(dev));

  it.each(GUARDED)('%s %s admits the hosts named, with any port, from their own origin, and still refuses the others', async (method, path, headers, body) => {
    const admitted: Array<[host: string, origin: string | undefined]> = [[TUNNEL, undefined], [TUNNEL.toUpperCase(), `https://${TUNNEL}`], ['dev.example.test:8443', 'https://dev.example.test:8443']];
    const token: Record<string, string> = method === 'POST' ? { 'x-video-webhooks-token': await pageToken(dev.url) } : {};
    for (const [host, origin] of admitted) {
      const answer = await call(dev, method, path, { host, ...(origin ? { origin, ...token } : {}), ...headers }, body);
      expect({ host, admitted: [200, 201].includes(answer.status) }).toEqual({ host, admitted: true });
    }
    expect((await call(dev, method, path, { host: 'attacker.example', ...headers }, body)).status).toBe(403);
    expect((await call(dev, method, path, { host: TUNNEL, origin: 'https://attacker.example', ...headers }, body)).status).toBe(403);
    expect((await call(dev, method, path, { host: `x.${TUNNEL}`, ...headers }, body)).status).toBe(403);
  });

  it.each(['http://abc.ngrok.app', 'abc.ngrok.app/webhooks', 'abc.ngrok.app:443', '', 'a b'])('refuses --allow-host %j at start, saying what it takes', async (name) => {
    const run = spawnCli(['dev', '--port', '0', '--allow-host', name]);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
    const code = await run.exited;
    clearTimeout(timer);
    expect({ code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr: [`--allow-host ${JSON.stringify(name)} is not a host name: give the name alone, as the tunnel's URL shows it (e.g. --allow-host abc123.ngrok.app)`],
    });
  });
});
