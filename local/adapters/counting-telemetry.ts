/** Telemetry that counts in memory: for tests, benchmarks and the local dev server's summary. */
import type { LogLevel, MetricName, Telemetry } from '../../lambda/core/ports';

export class CountingTelemetry implements Telemetry {
  readonly counts = new Map<string, number>();
  readonly lines: Array<{ level: LogLevel; message: string; fields: Readonly<Record<string, unknown>> }> = [];

  constructor(private readonly keepLines = false) {}

  log(level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (this.keepLines) this.lines.push({ level, message, fields });
  }

  count(metric: MetricName, vendor: string, value = 1, extraDimensions: Readonly<Record<string, string>> = {}): void {
    for (const key of [metric, `${metric}:${vendor}`, ...Object.values(extraDimensions).map((d) => `${metric}:${d}`)]) {
      this.counts.set(key, (this.counts.get(key) ?? 0) + value);
    }
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
