/** Durations as people read them, in log lines and reasons. Pure. */

/** `48 hours`, `90 minutes`, `45 seconds`: the largest whole unit. */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      // Prefer hours for whole days under a week: "48 hours" reads better than "2 days".
      if (name === 'day' && ms < 7 * 86_400_000) continue;
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
