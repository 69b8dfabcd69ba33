/**
 * Shifts this process's wall clock by VW_TEST_CLOCK_SHIFT (`+400d`, `-3d`, `+90m`, `-12h`, `+30s`):
 * `Date.now()`, `new Date()` and `Date()` read the shifted time; timers, `performance.now()` and
 * `process.hrtime()` (monotonic clocks) are left alone. Nothing happens when the variable is unset.
 *
 * `npm test` runs the time-sensitive suites under shifted clocks (scripts/test-shifted-clock.mjs),
 * so that a fixed date in a test meeting the real clock fails here before it fails on a clean
 * checkout weeks later. It is loaded twice per jest worker: by NODE_OPTIONS `--require` (the
 * process's own Date, used by the emulators and child processes) and by jest's setupFiles (the
 * test context's Date, a separate global in jest's VM context). Children started with a clean
 * environment get it back through `childEnv()` in test/support/child-env.ts.
 *
 * For every process of a run, native ones included, use libfaketime instead:
 * scripts/faketime-run.sh (see README, "Tests").
 */
'use strict';

const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The shift in ms for `+400d`-style text; throws on anything else. */
function parseShift(text) {
  const match = /^([+-])(\d+)([smhd])$/.exec(String(text).trim());
  if (!match) throw new Error(`VW_TEST_CLOCK_SHIFT ${JSON.stringify(text)} is not a shift: use a sign, a whole number and s, m, h or d, e.g. +400d or -3d`);
  return (match[1] === '-' ? -1 : 1) * Number(match[2]) * UNITS[match[3]];
}

function install(global, offsetMs) {
  const RealDate = global.Date;
  if (RealDate.__vwShiftMs !== undefined) return; // already shifted (loaded twice in one context)
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offsetMs;
    }
    /** Dates made before the shift, or by Node itself (fs.Stats), are still Dates. */
    static [Symbol.hasInstance](value) {
      return value instanceof RealDate;
    }
  }
  // `Date()` called without `new` returns the current time as a string.
  const Shifted = new Proxy(ShiftedDate, { apply: () => new ShiftedDate().toString() });
  Object.defineProperty(ShiftedDate, '__vwShiftMs', { value: offsetMs });
  global.Date = Shifted;
}

const shift = process.env.VW_TEST_CLOCK_SHIFT;
if (shift) install(globalThis, parseShift(shift));

module.exports = { parseShift, install };
