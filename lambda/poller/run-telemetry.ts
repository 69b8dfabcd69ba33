/**
 * Telemetry for one poll run. A run can touch thousands of jobs: one metric line per request and
 * one info line per unchanged job would cost more in CloudWatch Logs than the poller itself. So
 * counters are summed and written once per metric and vendor when the run ends (as Powertools
 * flushes metrics once per invocation), and the core's "nothing new" lines (duplicate, stale) go
 * out at debug level. Errors, warnings and enqueued events are logged as they happen.
 */
import type { LogLevel, MetricName, Telemetry } from '../core/ports';

const QUIET_OUTCOMES: ReadonlySet<unknown> = new Set(['duplicate', 'stale']);

export class RunTelemetry implements Telemetry {
  private readonly sums = new Map<string, { metric: MetricName; vendor: string; dims: Readonly<Record<string, string>>; value: number }>();

  constructor(private readonly inner: Telemetry) {}

  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void {
    const quiet = level === 'info' && fields !== undefined && QUIET_OUTCOMES.has(fields.outcome);
    this.inner.log(quiet ? 'debug' : level, message, fields);
  }

  count(metric: MetricName, vendor: string, value = 1, extraDimensions: Readonly<Record<string, string>> = {}): void {
    const key = JSON.stringify([metric, vendor, Object.entries(extraDimensions).sort()]);
    const sum = this.sums.get(key);
    if (sum) sum.value += value;
    else this.sums.set(key, { metric, vendor, dims: extraDimensions, value });
  }

  /** Writes the summed counters and starts over. */
  flush(): void {
    for (const { metric, vendor, dims, value } of this.sums.values()) this.inner.count(metric, vendor, value, dims);
    this.sums.clear();
  }
}
