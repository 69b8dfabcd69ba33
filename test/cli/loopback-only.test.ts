/**
 * The dev server is unauthenticated by design, so nothing it opens may be reachable from another
 * machine: every TCP socket `video-webhooks dev` (the built CLI, a child process) and its emulators
 * listen on is on a loopback address, as the operating system reports it for that process
 * (test/support/listening-sockets.ts); `--host` other than a loopback address is refused at start.
 * startEmulators() is also checked on its own, as test/global-setup.mjs starts it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startEmulators } from '../../local/strict-aws/emulators';
import { childEnv } from '../support/child-env';
import { createServer } from 'node:http';
import { loopbackUrl, NotLoopbackError } from '../../local/strict-aws/loopback';
import { isLoopback, listeningSockets, socketListingUnavailable, type ListeningSocket } from '../support/listening-sockets';
import { spawnCli, startDev, stopDev, waitFor } from './dev-support';

/** The dev server, dynalite, fauxqs and the strict layer's two proxies. */
const DEV_SOCKETS = 5;

/** Where the operating system's list of a process's sockets cannot be read, those assertions are skipped (the reason is in the test's name). */
const UNLISTABLE = socketListingUnavailable();
const withSockets = UNLISTABLE === undefined ? it : it.skip;
const SOCKETS = UNLISTABLE === undefined ? 'as the operating system lists them' : `SKIPPED: ${UNLISTABLE}`;

describe('video-webhooks dev listens only on loopback', () => {
  withSockets.each([['(default)', []], ['::1', ['--host', '::1']], ['localhost', ['--host', 'localhost']], ['127.0.0.2', ['--host', '127.0.0.2']]])(
    `with --host %s: every socket the process listens on is on 127.0.0.1 or ::1, the emulators included (${SOCKETS})`,
    async (_name, args) => {
      const dev = await startDev({}, args);
      try {
        const sockets = listeningSockets(dev.child.pid!);
        expect(sockets.map((s) => s.port)).toContain(dev.port);
        expect(sockets.length).toBeGreaterThanOrEqual(DEV_SOCKETS);
        expect(exposed(sockets)).toEqual([]);
      } finally {
        await stopDev(dev);
      }
    },
  );

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.1.nip.io', '::ffff:10.0.0.1'])('refuses --host %s at start with one line that says why and what to do', async (host) => {
    const run = spawnCli(['dev', '--port', '0', '--host', host]);
    // A dev server that starts instead of refusing is stopped after a while, and the test fails on its output.
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
    const code = await run.exited;
    clearTimeout(timer);
    expect({ code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr: [
        `--host ${host} is not a loopback address: the dev server is unauthenticated by design, so it listens only on 127.0.0.1 (any 127.x), ::1 or localhost; to let a real vendor reach POST /webhooks/*, run a tunnel to it (README "Develop locally")`,
      ],
    });
  });
});

describe('startEmulators() (as test/global-setup.mjs starts them)', () => {
  withSockets(`listens only on loopback: dynalite, fauxqs and the strict layer (${SOCKETS})`, async () => {
    const script = `
      const { require: tsRequire } = require('tsx/cjs/api');
      const { startEmulators } = tsRequire(${JSON.stringify(join(__dirname, '..', '..', 'local', 'strict-aws', 'emulators.ts'))}, __filename);
      startEmulators().then((e) => { process.stdout.write('ready ' + e.sqsEndpoint + '\\n'); setInterval(() => undefined, 1000); });`;
    const child = spawn(process.execPath, ['-e', script], { env: childEnv(), cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    try {
      await waitFor(() => (output.join('').includes('ready ') ? true : undefined), 30_000, () => output.join(''));
      const sockets = listeningSockets(child.pid!);
      expect(sockets.length).toBeGreaterThanOrEqual(DEV_SOCKETS - 1);
      expect(exposed(sockets)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a host that is not loopback before starting anything', async () => {
    await expect(startEmulators('0.0.0.0')).rejects.toThrow('host 0.0.0.0 is not a loopback address');
  });
});

describe('the check made after every listen (on any operating system)', () => {
  it('refuses a server that the operating system bound beyond loopback, naming it and the address', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', () => resolve()));
    try {
      const { port } = server.address() as { port: number };
      expect(() => loopbackUrl(server, 'the embedded SQS (fauxqs)')).toThrow(NotLoopbackError);
      expect(() => loopbackUrl(server, 'the embedded SQS (fauxqs)')).toThrow(`the embedded SQS (fauxqs) listens on 0.0.0.0:${port}, reachable from other machines`);
    } finally {
      server.close();
    }
  });

  it.each([['127.0.0.1', /^http:\/\/127\.0\.0\.1:\d+$/], ['::1', /^http:\/\/\[::1\]:\d+$/]])('gives the URL of a server on %s', async (host, url) => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
    try {
      expect(loopbackUrl(server, 'a server')).toMatch(url);
    } finally {
      server.close();
    }
  });
});

function exposed(sockets: readonly ListeningSocket[]): string[] {
  return sockets.filter((s) => !isLoopback(s.address)).map((s) => `${s.address}:${s.port}`);
}
