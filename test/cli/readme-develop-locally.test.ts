/**
 * The README's "Develop locally" block runs as written, top to bottom: its ```sh block is read
 * from README.md and each of its lines run in one bash, in a fresh folder where `npx video-webhooks`
 * resolves to the built dist/bin/cli.js (as it does in a project that installed the package), with
 * `dev` in the background as the block starts it. Each command must work: exit 0, `send` posts and
 * gets a 200 (or prints curl), `curl` gets JSON, the dev server listens on the block's port, the
 * events file gets one CloudEvent per event sent, and `kill` stops it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../support/child-env';
import { withPortLock } from '../support/port-lock';
import { CLI } from './dev-support';

const README = join(__dirname, '..', '..', 'README.md');

/** The lines of the first ```sh block under "## Develop locally" that are commands (not blank, not comments). */
function developLocallyCommands(markdown: string): string[] {
  const start = markdown.search(/^## Develop locally\s*$/m);
  if (start < 0) throw new Error('README.md has no "## Develop locally" heading');
  const rest = markdown.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('"## Develop locally" has no ```sh block');
  return block.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** One bash script: each command in its own group, its stdout, stderr and exit code in files N.out, N.err, N.rc. */
function script(commands: readonly string[]): string {
  // A line may end in a `# comment`: the group's closing brace goes on the next line, out of its reach.
  // `set -m`: job control as in a terminal, so `kill %1` signals the background job's whole process group.
  // Whatever happens, the background jobs (each its own process group) end with the script.
  const cleanup = `trap 'for job in $(jobs -p); do kill -- -$job 2> /dev/null; done' EXIT`;
  return ['set -um', cleanup, ...commands.map((command, i) => `{\n${command}\n} > ${i}.out 2> ${i}.err; echo $? > ${i}.rc`)].join('\n');
}

function isJson(text: string): boolean | string {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return text;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('README "Develop locally"', () => {
  it('runs as written, top to bottom, each command working (npx video-webhooks = the built CLI)', async () => {
    const commands = developLocallyCommands(readFileSync(README, 'utf8'));
    const devIndex = commands.findIndex((c) => /npx video-webhooks dev\b.*&\s*(#.*)?$/.test(c));
    expect(devIndex).toBeGreaterThanOrEqual(0); // the block starts dev in the background
    const port = Number(/--port (\d+)/.exec(commands[devIndex])?.[1] ?? 8787);
    // Another jest run at once (npm test's two shifted-clock passes) may run this block too: one at a time.
    await withPortLock(port, async () => {
      const deadline = Date.now() + 30_000;
      while (!(await portIsFree(port))) {
        if (Date.now() > deadline) throw new Error(`port ${port}, which the README block uses, stays in use: stop what listens there and run the test again`);
        await new Promise((r) => setTimeout(r, 500));
      }

      // A project that installed the package: npx finds node_modules/.bin/video-webhooks, offline.
      const work = mkdtempSync(join(tmpdir(), 'vw-readme-'));
      writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'readme-check', version: '1.0.0', private: true }));
      mkdirSync(join(work, 'node_modules', '.bin'), { recursive: true });
      const bin = join(work, 'node_modules', '.bin', 'video-webhooks');
      writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
      chmodSync(bin, 0o755);
      writeFileSync(join(work, 'block.sh'), script(commands));

      const bash = spawn('bash', ['block.sh'], {
        cwd: work,
        env: childEnv({ HOME: work, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }),
        stdio: 'ignore',
        detached: true,
    });
    const stop = setTimeout(() => bash.kill('SIGTERM'), 120_000);
    const kill = setTimeout(() => process.kill(-bash.pid!, 'SIGKILL'), 125_000);
    const code = await new Promise<number | null>((resolve) => bash.once('exit', resolve));
    clearTimeout(stop);
    clearTimeout(kill);
    expect(code).toBe(0);

    const read = (i: number, ext: string) => (existsSync(join(work, `${i}.${ext}`)) ? readFileSync(join(work, `${i}.${ext}`), 'utf8') : '');
    const results = commands.map((command, i) => ({ command, rc: read(i, 'rc').trim(), out: read(i, 'out'), err: read(i, 'err') }));
    for (const r of results) expect({ command: r.command, rc: r.rc }).toEqual({ command: r.command, rc: '0' });

    expect(results[devIndex].err).toContain(`listening on http://127.0.0.1:${port}`);
    const sends = results.filter((r) => /^npx video-webhooks send\b/.test(r.command));
    expect(sends.length).toBeGreaterThan(0);
    for (const r of sends) {
      if (/--print\b/.test(r.command)) expect({ command: r.command, out: r.out }).toEqual({ command: r.command, out: expect.stringMatching(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/webhooks\/[a-z-]+' -H /) });
      else expect({ command: r.command, out: r.out }).toEqual({ command: r.command, out: expect.stringMatching(/^200 \{"accepted":true,"outcome":"enqueued"\}/) });
    }
    for (const r of results.filter((x) => /^curl\b/.test(x.command))) expect({ command: r.command, out: isJson(r.out) }).toEqual({ command: r.command, out: true });

    const eventsFile = /--events-file (\S+)/.exec(commands[devIndex])?.[1];
    if (eventsFile) {
      const events = readFileSync(join(work, eventsFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { specversion: string; type: string });
      expect(events).toHaveLength(sends.filter((r) => !/--print\b/.test(r.command)).length);
      for (const e of events) expect(e.specversion).toBe('1.0');
    }
    // `kill` stopped the dev server: nothing listens on its port any more.
    const stopped = Date.now() + 10_000;
    while (!(await portIsFree(port)) && Date.now() < stopped) await new Promise((r) => setTimeout(r, 200));
    expect(await portIsFree(port)).toBe(true);
    });
  }, 400_000);
});
