/**
 * Emulators on a clock the test moves: for behaviour that hangs on the emulators' own time, such as
 * SQS's 5-minute FIFO deduplication window, which a test cannot wait out. The emulators run in a
 * child process (./movable-clock-emulators-child.ts); `clock` is the test's clock, and advancing it
 * moves the child's by the same amount, so the delivery core and SQS see one time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Clock } from '../../lambda/core/ports';
import { endpoints, type Emulators } from '../../local/strict-aws/emulators';
import { clockShiftEnv } from './child-env';

export interface MovableClock extends Clock {
  /** Moves this clock and the emulators' by `ms`; resolves once the emulators' has moved. */
  advance(ms: number): Promise<void>;
}

export interface MovableClockEmulators {
  readonly emulators: Emulators;
  readonly clock: MovableClock;
  stop(): Promise<void>;
}

export async function startEmulatorsOnMovableClock(): Promise<MovableClockEmulators> {
  const child: ChildProcess = fork(join(__dirname, 'movable-clock-emulators-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...clockShiftEnv(), NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<{ dynamoEndpoint?: string; sqsEndpoint?: string; nowMs: number }>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the emulators' process exited with ${code}`));
      child.once('exit', exited);
      child.once('message', (m: { dynamoEndpoint?: string; sqsEndpoint?: string; nowMs: number }) => {
        child.off('exit', exited);
        resolve(m);
      });
    });
  const ready = await next();
  let offsetMs = 0;
  const clock: MovableClock = {
    now: () => Date.now() + offsetMs,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    async advance(ms) {
      offsetMs += ms;
      const moved = next();
      child.send({ advanceMs: ms });
      await moved;
    },
  };
  return {
    emulators: endpoints(ready.dynamoEndpoint!, ready.sqsEndpoint!),
    clock,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ stop: true });
      }),
  };
}
