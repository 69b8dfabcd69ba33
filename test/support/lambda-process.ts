/** A built handler bundle in a child Node process (see lambda-runner.cjs), invoked over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { clockShiftEnv } from './child-env';

export interface LambdaProcess<E, R> {
  invoke(event: E): Promise<R>;
  /** Log lines the function wrote (stdout), for assertions on what is and is not logged. */
  readonly logs: string[];
  stop(): Promise<void>;
}

export interface LambdaProcessOptions {
  /** The Node binary to run the bundle on (see lambda-node.ts). @default this process's (process.execPath) */
  readonly execPath?: string;
}

export async function startLambda<E, R>(bundle: string, env: NodeJS.ProcessEnv, options: LambdaProcessOptions = {}): Promise<LambdaProcess<E, R>> {
  const child: ChildProcess = fork(join(__dirname, 'lambda-runner.cjs'), [bundle], {
    env: { ...env, ...clockShiftEnv(), AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1', NODE_NO_WARNINGS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...(options.execPath ? { execPath: options.execPath } : {}),
  });
  const logs: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    logs.push(...lines.filter(Boolean));
  });
  child.stderr!.on('data', () => undefined);
  const pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { id: number; ready?: boolean; result?: R; error?: string }) => {
      if (m.ready) return resolve();
      if (m.id === -1) return reject(new Error(m.error));
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result as R);
    });
    child.once('exit', (code) => reject(new Error(`lambda process exited with ${code}`)));
  });
  return {
    logs,
    invoke: (event) =>
      new Promise<R>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, event });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
