/**
 * `video-webhooks dev` and `send` for vendors that sign with a private key and publish the public
 * keys as a JWKS (fal, and a `--config` vendor with `ed25519-jwks` auth): `<ID>_JWKS_URL` points the
 * dev server at a JWKS served on 127.0.0.1 (node:crypto Ed25519 keys), `<ID>_SIGNING_KEY` gives
 * `send` the private key. Deliveries are also signed here with node:crypto.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../support/child-env';
import { ed25519Key, falHeaders, JwksServer } from '../support/jwks-server';
import { CLI, startDev, stopDev, waitFor, type Dev } from './dev-support';

const USER = 'github|5150';
const KEY = ed25519Key('k1');
const PEM = KEY.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const CONFIG = {
  vendors: [
    {
      id: 'acme-keys',
      options: {
        auth: {
          type: 'ed25519-jwks',
          jwksUrl: 'https://keys.acme.example/.well-known/jwks.json',
          signatureHeader: 'x-acme-signature',
          timestampHeader: 'x-acme-timestamp',
          accountHeader: 'x-acme-account',
          template: '{header:x-acme-account}.{timestamp}.{body}',
        },
        paths: { jobId: 'id', status: 'state' },
        statusMap: { done: 'succeeded' },
      },
    },
  ],
};

describe('video-webhooks dev with public-key vendors (JWKS on 127.0.0.1)', () => {
  const jwks = new JwksServer(KEY);
  let dev: Dev;
  let config: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    await jwks.start();
    config = join(mkdtempSync(join(tmpdir(), 'vw-keys-')), 'vendors.json');
    writeFileSync(config, JSON.stringify(CONFIG));
    env = { FAL_WEBHOOK_SECRET: USER, FAL_JWKS_URL: jwks.url, ACME_KEYS_WEBHOOK_SECRET: 'acct-1', ACME_KEYS_JWKS_URL: jwks.url };
    dev = await startDev(env, ['--config', config]);
  });
  afterAll(async () => {
    await stopDev(dev);
    await jwks.stop();
  });

  it('queues a fal delivery signed with a key of FAL_JWKS_URL, and answers 401 to one signed with another key', async () => {
    const body = JSON.stringify({ request_id: 'req-dev-1', status: 'OK', payload: { video: { url: 'https://v3.fal.media/files/dev.mp4' } } });
    const headers = falHeaders(KEY, body, { requestId: 'req-dev-1', userId: USER, timestamp: Math.floor(Date.now() / 1000) });
    const res = await fetch(`${dev.url}/webhooks/fal`, { method: 'POST', headers, body });
    expect(res.status).toBe(200);
    const line = await waitFor(() => dev.stdout.find((l) => l.includes('"req-dev-1"')), 10_000);
    expect(JSON.parse(line)).toMatchObject({ type: 'video.job.succeeded', data: { vendor: 'fal', outputUrl: 'https://v3.fal.media/files/dev.mp4' } });
    const forged = falHeaders(ed25519Key('other'), body, { requestId: 'req-dev-1', userId: USER, timestamp: Math.floor(Date.now() / 1000) });
    expect((await fetch(`${dev.url}/webhooks/fal`, { method: 'POST', headers: forged, body })).status).toBe(401);
    expect(jwks.requests).toBeLessThanOrEqual(2);
  });

  it.each(['completed', 'failed'])('send fal %s signs with FAL_SIGNING_KEY and the sample is queued', async (event) => {
    const jobId = `00000000-0000-4000-8000-00000000000${event === 'completed' ? 1 : 2}`;
    const run = spawnSync(process.execPath, [CLI, 'send', 'fal', event, '--port', String(dev.port), '--job-id', jobId], { env: childEnv({ ...env, FAL_SIGNING_KEY: PEM }), encoding: 'utf8' });
    expect({ stderr: run.stderr, status: run.status }).toEqual({ stderr: '', status: 0 });
    expect(run.stdout).toMatch(/^200 /);
    await waitFor(() => dev.stdout.find((l) => l.includes(`"jobId":"${jobId}"`)), 10_000);
  });

  it('send fal without FAL_SIGNING_KEY says what to set', () => {
    const run = spawnSync(process.execPath, [CLI, 'send', 'fal', 'completed', '--port', String(dev.port)], { env: childEnv(env), encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('fal signs with a private key, whose public key it publishes: set FAL_SIGNING_KEY to an Ed25519 private key (PKCS#8 PEM or JWK), and serve its public key to the dev server at FAL_JWKS_URL\n');
  });

  it('serves a --config ed25519-jwks vendor with its keys from <ID>_JWKS_URL; send --body signs with <ID>_SIGNING_KEY', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vw-keys-body-')), 'body.json');
    writeFileSync(file, JSON.stringify({ id: 'acme-dev-1', state: 'done' }));
    const run = spawnSync(process.execPath, [CLI, 'send', 'acme-keys', '--body', file, '--config', config, '--port', String(dev.port)], { env: childEnv({ ...env, ACME_KEYS_SIGNING_KEY: PEM }), encoding: 'utf8' });
    expect({ stderr: run.stderr, status: run.status }).toEqual({ stderr: '', status: 0 });
    const line = await waitFor(() => dev.stdout.find((l) => l.includes('"acme-dev-1"')), 10_000);
    expect(JSON.parse(line)).toMatchObject({ source: 'video-webhooks/acme-keys', type: 'video.job.succeeded' });
    // Signed for an account the dev server does not accept: 401.
    const other = spawnSync(process.execPath, [CLI, 'send', 'acme-keys', '--body', file, '--config', config, '--port', String(dev.port), '--secret', 'acct-2'], { env: childEnv({ ...env, ACME_KEYS_SIGNING_KEY: PEM }), encoding: 'utf8' });
    expect(other.stdout).toMatch(/^401 /);
  });
});
