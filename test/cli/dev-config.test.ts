/**
 * `video-webhooks dev --config FILE` and `send --config FILE`: custom vendors (HMAC and Standard
 * Webhooks) served locally at /webhooks/<id>, their secrets from <ID>_WEBHOOK_SECRET; a misspelt
 * nested option fails the config load; `GET /quarantine` shows what could not be normalized.
 * Standard Webhooks messages are signed by the real `standardwebhooks` package.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { childEnv } from '../support/child-env';
import { CLI, spawnCli, startDev, stopDev, waitFor, type Dev } from './dev-support';

const ACME_SECRET = 'acme_local_secret';
const SWH_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const PATHS = { jobId: 'data.job.id', status: 'data.job.state', outputUrl: 'data.job.url' };
const STATUS_MAP = { rendering: 'processing', done: 'succeeded', error: 'failed' };
const CONFIG = {
  vendors: [
    { id: 'acme', options: { auth: { type: 'hmac', signatureHeader: 'x-acme-signature', timestampHeader: 'x-acme-timestamp', template: '{timestamp}.{body}' }, paths: PATHS, statusMap: STATUS_MAP } },
    { id: 'swh-video', options: { auth: { type: 'standard-webhooks' }, paths: PATHS, statusMap: STATUS_MAP } },
  ],
};
const ENV = { ACME_WEBHOOK_SECRET: ACME_SECRET, SWH_VIDEO_WEBHOOK_SECRET: SWH_SECRET };

function writeConfig(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vw-config-')), 'vendors.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

const body = (jobId: string, state: string) => JSON.stringify({ data: { job: { id: jobId, state, url: state === 'done' ? `https://cdn.example/${jobId}.mp4` : undefined } } });

describe('video-webhooks dev --config (custom vendors, locally)', () => {
  let dev: Dev;
  let config: string;
  beforeAll(async () => {
    config = writeConfig(CONFIG);
    dev = await startDev(ENV, ['--config', config]);
  });
  afterAll(() => stopDev(dev));

  it('serves each config vendor at /webhooks/<id> and says its secret is set', () => {
    expect(dev.stderr).toContain('acme: secret set (ACME_WEBHOOK_SECRET)');
    expect(dev.stderr).toContain('swh-video: secret set (SWH_VIDEO_WEBHOOK_SECRET)');
  });

  it('accepts a Standard Webhooks message signed by the standardwebhooks package and queues its event', async () => {
    const payload = body('swh-1', 'done');
    const now = new Date();
    const headers = { 'webhook-id': 'msg_local_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(SWH_SECRET).sign('msg_local_1', now, payload) };
    const res = await fetch(`${dev.url}/webhooks/swh-video`, { method: 'POST', headers, body: payload });
    expect(res.status).toBe(200);
    const line = await waitFor(() => dev.stdout.find((l) => l.includes('"swh-1"')), 10_000);
    expect(JSON.parse(line)).toMatchObject({ source: 'video-webhooks/swh-video', type: 'video.job.succeeded', data: { vendor: 'swh-video', outputUrl: 'https://cdn.example/swh-1.mp4' } });
    const forged = await fetch(`${dev.url}/webhooks/swh-video`, { method: 'POST', headers: { ...headers, 'webhook-signature': new Webhook(`whsec_${randomBytes(24).toString('base64')}`).sign('msg_local_1', now, payload) }, body: payload });
    expect(forged.status).toBe(401);
  });

  it('send <id> --body FILE --config FILE signs any body for a config vendor (HMAC and Standard Webhooks) and posts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-body-'));
    for (const [vendor, jobId] of [['acme', 'acme-7'], ['swh-video', 'swh-7']]) {
      const file = join(dir, `${vendor}.json`);
      writeFileSync(file, body(jobId, 'rendering'));
      const run = spawnSync(process.execPath, [CLI, 'send', vendor, '--body', file, '--config', config, '--port', String(dev.port)], { env: childEnv(ENV), encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^200 /);
      expect(run.status).toBe(0);
      await waitFor(() => dev.stdout.find((l) => l.includes(`"${jobId}"`)), 10_000);
    }
    const acme = createHmac('sha256', ACME_SECRET); // the acme secret signs what send printed
    const printed = spawnSync(process.execPath, [CLI, 'send', 'acme', '--body', join(dir, 'acme.json'), '--config', config, '--print'], { env: childEnv(ENV), encoding: 'utf8' });
    const timestamp = /x-acme-timestamp: (\d+)/.exec(printed.stdout)?.[1];
    expect(printed.stdout).toContain(`x-acme-signature: ${acme.update(`${timestamp}.${body('acme-7', 'rendering')}`).digest('hex')}`);
  });

  it('quarantines an authentic body it cannot normalize; GET /quarantine shows it, reason and body, without consuming it', async () => {
    const payload = body('acme-q', 'paused');
    const t = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${dev.url}/webhooks/acme`, { method: 'POST', headers: { 'x-acme-timestamp': t, 'x-acme-signature': createHmac('sha256', ACME_SECRET).update(`${t}.${payload}`).digest('hex') }, body: payload });
    expect(res.status).toBe(202);
    await waitFor(() => dev.stderr.find((l) => l === '202 acme quarantined: status "paused" is not in the status map'), 5_000);
    const read = async () => (await (await fetch(`${dev.url}/quarantine`)).json()) as Array<{ vendor: string; reason: string; body: string; headers: Record<string, string> }>;
    const held = await read();
    expect(held).toEqual([expect.objectContaining({ vendor: 'acme', reason: 'status "paused" is not in the status map', body: payload, headers: { 'x-acme-signature': expect.any(String), 'x-acme-timestamp': t } })]);
    expect(await read()).toEqual(held);
  });
});

describe('video-webhooks dev --config that is wrong', () => {
  const start = async (config: unknown) => {
    const file = typeof config === 'string' ? config : writeConfig(config);
    const run = spawnCli(['dev', '--port', '0', '--config', file]);
    return { code: await run.exited, stderr: run.stderr, file };
  };

  it('fails the load on a misspelt nested option, with its path and the valid names', async () => {
    const options = CONFIG.vendors[0].options;
    const run = await start({ vendors: [{ id: 'acme', options: { ...options, paths: { ...PATHS, outputURL: 'data.url' } } }] });
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([`--config ${run.file}: vendor acme: paths.outputURL is not an option: use jobId, status, errorMessage, errorCode, outputUrl, progress, stage, time, eventType`]);
    const auth = await start({ vendors: [{ id: 'acme', options: { ...options, auth: { type: 'standard-webhooks', tolerence: 60 } } }] });
    expect(auth.stderr).toEqual([`--config ${auth.file}: vendor acme: auth.tolerence is not an option of standard-webhooks auth: use type, toleranceSeconds`]);
  });

  it('fails the load on a timestamp header the template ignores and on a status URL template with {jobId} in the fragment', async () => {
    const options = CONFIG.vendors[0].options;
    const header = await start({ vendors: [{ id: 'acme', options: { ...options, auth: { type: 'hmac', signatureHeader: 'x-sig', timestampHeader: 'x-ts', template: 'v0:{body}' } } }] });
    expect(header.code).toBe(1);
    expect(header.stderr).toEqual([
      `--config ${header.file}: vendor acme: auth.timestampHeader is set but auth.template "v0:{body}" does not use {timestamp}, so auth.timestampHeader would be ignored: put {timestamp} in auth.template (e.g. "{timestamp}.{body}"), or remove auth.timestampHeader`,
    ]);
    const fragment = await start({ vendors: [{ id: 'acme', options: { ...options, statusUrlTemplate: 'http://127.0.0.1:9/jobs#{jobId}' } }] });
    expect(fragment.code).toBe(1);
    expect(fragment.stderr).toEqual([
      `--config ${fragment.file}: vendor acme: statusUrlTemplate "http://127.0.0.1:9/jobs#{jobId}" has {jobId} in the fragment: put each {jobId} in the path or the query (elsewhere every job would be polled at one URL, and its answer published for every job)`,
    ]);
  });

  it('refuses a file that is not there, not JSON, or not {"vendors": [...]}, a bad or built-in id, and a misspelt entry key', async () => {
    const missing = await start('/nonexistent/vendors.json');
    expect(missing.stderr).toEqual(['--config /nonexistent/vendors.json: cannot read it (ENOENT): give a JSON file {"vendors":[{"id":"acme","options":{...}}]}']);
    const notJson = writeConfig({});
    writeFileSync(notJson, '{"vendors": [');
    expect((await start(notJson)).stderr).toEqual([expect.stringMatching(new RegExp(`^--config ${notJson}: it is not JSON \\(.+\\)$`))]);
    const noVendors = await start({ vendor: [] });
    expect(noVendors.stderr).toEqual([`--config ${noVendors.file}: vendor is not a setting: use vendors`]);
    const badId = await start({ vendors: [{ id: 'Acme Video', options: CONFIG.vendors[0].options }] });
    expect(badId.stderr).toEqual([`--config ${badId.file}: vendors[0].id "Acme Video" is invalid: use lower case letters, digits and "-", starting with a letter, at most 32 characters (e.g. "acme-video")`]);
    const builtIn = await start({ vendors: [{ id: 'sync', options: CONFIG.vendors[0].options }] });
    expect(builtIn.stderr).toEqual([`--config ${builtIn.file}: vendors[0].id "sync" is a built-in vendor: pick another id`]);
    const twice = await start({ vendors: [CONFIG.vendors[0], CONFIG.vendors[0]] });
    expect(twice.stderr).toEqual([`--config ${twice.file}: vendors[1].id "acme" is given twice: give each vendor its own id`]);
    const entryKey = await start({ vendors: [{ id: 'acme', option: {} }] });
    expect(entryKey.stderr).toEqual([`--config ${entryKey.file}: vendors[0].option is not a setting: use id, options`]);
  });
});
