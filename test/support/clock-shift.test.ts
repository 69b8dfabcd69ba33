/**
 * The shifted clock the time-sensitive suites run under (scripts/test-shifted-clock.mjs): if it
 * stopped shifting, those runs would pass without proving anything.
 */
import { spawnSync } from 'node:child_process';
import { createContext, runInContext } from 'node:vm';
import { childEnv } from './child-env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseShift, install } = require('./clock-shift.cjs') as { parseShift(text: string): number; install(global: object, offsetMs: number): void };

describe('the shifted test clock', () => {
  it('reads +400d, -3d, +90m, -12h and +30s, and names the form for anything else', () => {
    expect([parseShift('+400d'), parseShift('-3d'), parseShift('+90m'), parseShift('-12h'), parseShift('+30s')]).toEqual([
      400 * 86_400_000, -3 * 86_400_000, 90 * 60_000, -12 * 3_600_000, 30_000,
    ]);
    expect(() => parseShift('400d')).toThrow('use a sign, a whole number and s, m, h or d, e.g. +400d or -3d');
  });

  it('shifts Date.now, new Date() and Date() and leaves dates of given times, parsing and instanceof alone', () => {
    const context = createContext({});
    // The real time (a fresh context's Date is not shifted, even when this run's is).
    const realNow = performance.timeOrigin + performance.now();
    install(runInContext('globalThis', context) as object, 86_400_000);
    const seen = runInContext(
      `({ now: Date.now(), made: new Date().getTime(), text: Date(), fixed: new Date(0).getTime(), parsed: Date.parse('2026-01-01T00:00:00Z'),
          isDate: new Date() instanceof Date, utc: Date.UTC(2026, 0, 1) })`,
      context,
    ) as Record<string, unknown>;
    expect(seen.now as number).toBeGreaterThanOrEqual(Math.floor(realNow) + 86_400_000);
    expect(seen.now as number).toBeLessThan(realNow + 86_400_000 + 5_000);
    expect(Math.abs((seen.made as number) - (seen.now as number))).toBeLessThan(1000);
    expect(new Date(seen.text as string).getUTCDate()).toBe(new Date(realNow + 86_400_000).getUTCDate());
    expect(seen).toMatchObject({ fixed: 0, parsed: Date.parse('2026-01-01T00:00:00Z'), isDate: true, utc: Date.UTC(2026, 0, 1) });
  });

  const shift = process.env.VW_TEST_CLOCK_SHIFT;
  (shift ? it : it.skip)(`is in effect in this run (${shift ?? 'unshifted'}): here and in a child started with a clean environment`, () => {
    const offset = parseShift(shift!);
    const child = spawnSync(process.execPath, ['-p', 'Date.now()'], { env: childEnv(), encoding: 'utf8' });
    // The process's own clock, untouched by either shift, is what performance.timeOrigin counts from.
    const real = performance.timeOrigin + performance.now();
    expect(Math.abs(Date.now() - (real + offset))).toBeLessThan(5_000);
    expect(Math.abs(Number(child.stdout) - (real + offset))).toBeLessThan(5_000);
  });
});
