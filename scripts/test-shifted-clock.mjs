#!/usr/bin/env node
// `npm run test:shifted-clock [-- <shift>... [jest args]]`: runs the time-sensitive suites with the
// wall clock of the test processes, the emulators and every child process shifted (default: +400
// days, then -3 days), so that a fixed date in a test meeting the real clock fails now, not on a
// clean checkout weeks later. See test/support/clock-shift.cjs for what is shifted.
// The construct and package suites (cdk synth, npm pack, jsii-pacmak) read no clock and are left out.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shiftModule = join(root, 'test', 'support', 'clock-shift.cjs');
const args = process.argv.slice(2);
const shifts = args.filter((a) => /^[+-]\d+[smhd]$/.test(a));
const jestArgs = args.filter((a) => !shifts.includes(a));
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');

for (const shift of shifts.length > 0 ? shifts : ['+400d', '-3d']) {
  console.log(`\n== jest with the clock shifted ${shift} ==`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [jest, '--silent', ...jestArgs, '--testPathIgnorePatterns=/test/(constructs|package)/'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      VW_TEST_CLOCK_SHIFT: shift,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(shiftModule)}`.trim(),
    },
  });
  if (run.status !== 0) {
    console.error(`\nthe suites fail with the clock shifted ${shift}: a test depends on today's date (a fixed date meets the real clock); see test/support/clock-shift.cjs`);
    process.exit(run.status ?? 1);
  }
  console.log(`== clock shifted ${shift}: passed in ${((Date.now() - started) / 1000).toFixed(0)} s ==`);
}
