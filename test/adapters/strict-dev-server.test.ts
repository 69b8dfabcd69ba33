/**
 * `video-webhooks dev` (the built dist/bin/cli.js, in a child process: jest cannot load fauxqs, an
 * ES module, in its own sandbox) on its emulators behind the strict local AWS: a webhook whose
 * event SQS accepts is answered 200 and read back from the queue exactly as sent. The request is
 * signed with the vendor's sample signer, the same one `video-webhooks send` uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { webhookSecretEnv } from '../../local/dev-server/wiring';
import { registry } from '../../lambda/vendors/registry';
import { sampleJobId, samplePayload, signRequest, VENDOR_EVENTS } from '../../lambda/vendors/samples';
import { childEnv } from '../support/child-env';

const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'cli.js');
const vendor = registry.builtIns[0].id;
const secret = 'strict-dev-secret';

describe('video-webhooks dev behind the strict local AWS', () => {
  let child: ChildProcess;
  let url: string;
  const stdout: string[] = [];
  const stderr: string[] = [];

  beforeAll(async () => {
    child = spawn(process.execPath, [CLI, 'dev', '--port', '0'], { env: childEnv({ [webhookSecretEnv(vendor)]: secret }), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(...chunk.toString().split('\n').filter(Boolean)));
    url = await until(() => stderr.map((l) => /listening on (http:\/\/\S+)/.exec(l)?.[1]).find(Boolean), () => stderr.join('\n'));
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('answers 200 and queues the event intact when the payload carries emoji (astral characters SQS accepts)', async () => {
    const now = Date.now();
    const jobId = sampleJobId(vendor, 4242);
    const event = VENDOR_EVENTS[vendor].includes('completed') ? 'completed' : VENDOR_EVENTS[vendor][0];
    const note = 'rendered 🎬 in 🇫🇷, 𝄞 and 😀';
    const body = JSON.stringify({ ...samplePayload(vendor, event, jobId, now), note });
    const res = await fetch(`${url}/webhooks/${vendor}`, { method: 'POST', headers: signRequest(vendor, body, secret, now), body });
    // No failure said on stderr (its other lines: the vendors' secrets, one line per request).
    expect({ status: res.status, failures: stderr.filter((l) => /^5\d\d |error|backend/i.test(l)) }).toEqual({ status: 200, failures: [] });
    const line = await until(() => stdout.find((l) => l.includes(jobId)), () => stdout.join('\n'));
    const queued = JSON.parse(line) as { data: { jobId: string; raw: { note?: string } } };
    expect(queued.data.raw.note).toBe(note);
  });
});

async function until<T>(get: () => T | undefined, describe: () => string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
