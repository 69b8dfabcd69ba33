#!/usr/bin/env node
// `npm run test:shifted-clock [-- <shift>... [jest args]]`: runs the time-sensitive suites with the
// wall clock of the test processes, the emulators and every child process shifted (default: +400
// days, then -3 days), so that a fixed date in a test meeting the real clock fails now, not on a
// clean checkout weeks later. See test/support/clock-shift.cjs for what is shifted.
// The construct and package suites (cdk synth, npm pack, jsii-pacmak) read no clock and are left out.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shiftModule = join(root, 'test', 'support', 'clock-shift.cjs');
const args = process.argv.slice(2);
const shifts = args.filter((a) => /^[+-]\d+[smhd]$/.test(a));
const jestArgs = args.filter((a) => !shifts.includes(a));
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');

// The shifts run at once (each jest with its own emulators on free ports): the suites wait on real
// timers (visibility timeouts, long polls) more than they compute, so two runs together take about
// 240 s on 2 cores against about 330 s one after the other. Each run's output is printed when it ends.
const runs = (shifts.length > 0 ? shifts : ['+400d', '-3d']).map((shift) => runShifted(shift));
const failed = (await Promise.all(runs)).filter((r) => r.status !== 0);
if (failed.length > 0) {
  for (const r of failed) console.error(`\nthe suites fail with the clock shifted ${r.shift}: a test depends on today's date (a fixed date meets the real clock); see test/support/clock-shift.cjs`);
  process.exit(failed[0].status ?? 1);
}

function runShifted(shift) {
  const started = Date.now();
  const child = spawn(process.execPath, [jest, '--silent', ...jestArgs, '--testPathIgnorePatterns=/test/(constructs|package)/'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      VW_TEST_CLOCK_SHIFT: shift,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(shiftModule)}`.trim(),
    },
  });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    child.on('close', (status) => {
      process.stdout.write(`\n== jest with the clock shifted ${shift} ==\n${Buffer.concat(output).toString('utf8')}`);
      if (status === 0) console.log(`== clock shifted ${shift}: passed in ${((Date.now() - started) / 1000).toFixed(0)} s ==`);
      resolve({ shift, status });
    });
  });
}
