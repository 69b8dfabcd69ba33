/**
 * Helpers for the CLI tests: `video-webhooks dev` started as a child process (the built
 * dist/bin/cli.js), its stdout and stderr collected line by line, and a wait with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { childEnv } from '../support/child-env';

export const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'cli.js');

export interface Dev {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
}

/** Starts `video-webhooks <args>` with a clean environment plus `env`. */
export function spawnCli(args: string[], env: Record<string, string> = {}, cwd?: string): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', lines(stdout));
  child.stderr!.on('data', lines(stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

/** Starts `video-webhooks dev --port 0 <args>` and waits until it answers /healthz. */
export async function startDev(env: Record<string, string>, args: string[] = [], cwd?: string): Promise<Dev> {
  const spawned = spawnCli(['dev', '--port', '0', ...args], env, cwd);
  const url = await waitFor(() => spawned.stderr.map((l) => /listening on (http:\/\/\S+)/.exec(l)?.[1]).find(Boolean), 30_000, () => spawned.stderr.join('\n'));
  const health = await fetch(`${url}/healthz`);
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  return { ...spawned, url, port: Number(new URL(url).port) };
}

export async function stopDev(dev: Pick<Dev, 'child' | 'exited'>): Promise<void> {
  if (dev.child.exitCode !== null || dev.child.signalCode !== null) return;
  dev.child.kill('SIGTERM');
  const timer = setTimeout(() => dev.child.kill('SIGKILL'), 5_000);
  await dev.exited;
  clearTimeout(timer);
}

export async function waitFor<T>(get: () => T | undefined, timeoutMs: number, describe: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function lines(sink: string[]) {
  let rest = '';
  return (chunk: Buffer) => {
    rest += chunk.toString();
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    sink.push(...parts.filter(Boolean));
  };
}
