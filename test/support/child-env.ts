/**
 * The environment of a child process a test starts with a clean environment (only PATH and what
 * the test passes). When the run's clock is shifted (VW_TEST_CLOCK_SHIFT, see clock-shift.cjs), the
 * child gets the same shift, so that it and the test see one clock.
 */
import { join } from 'node:path';

export const CLOCK_SHIFT_MODULE = join(__dirname, 'clock-shift.cjs');

export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...clockShiftEnv(), ...extra };
}

/** NODE_OPTIONS and VW_TEST_CLOCK_SHIFT that shift a child's clock like this process's; empty when not shifted. */
export function clockShiftEnv(): NodeJS.ProcessEnv {
  const shift = process.env.VW_TEST_CLOCK_SHIFT;
  return shift ? { VW_TEST_CLOCK_SHIFT: shift, NODE_OPTIONS: `--require ${JSON.stringify(CLOCK_SHIFT_MODULE)}` } : {};
}
