/**
 * Telemetry as one JSON line per log entry and CloudWatch embedded-metric-format (EMF) lines for
 * counters, in the spirit of Powertools for AWS Lambda. Lambda ships stdout to CloudWatch Logs,
 * which turns EMF lines into metrics with no API call.
 */
import { METRIC_NAMESPACE } from '../config';
import type { LogLevel, MetricName, Telemetry } from './ports';

export { METRIC_NAMESPACE };

export interface JsonTelemetryOptions {
  /** Where lines go. @default console.log */
  readonly write?: (line: string) => void;
  /** Lowest level logged. @default 'info' */
  readonly level?: LogLevel;
  /** Added to every log line (e.g. the function name). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Emit EMF metric lines. @default true */
  readonly metrics?: boolean;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class JsonTelemetry implements Telemetry {
  private readonly write: (line: string) => void;
  private readonly minLevel: number;

  constructor(private readonly options: JsonTelemetryOptions = {}) {
    this.write = options.write ?? ((line) => console.log(line));
    this.minLevel = LEVELS[options.level ?? 'info'];
  }

  log(level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (LEVELS[level] < this.minLevel) return;
    this.write(JSON.stringify({ level, time: new Date().toISOString(), message, ...this.options.context, ...fields }));
  }

  count(metric: MetricName, vendor: string, value = 1, extraDimensions: Readonly<Record<string, string>> = {}): void {
    if (this.options.metrics === false) return;
    // Always a per-vendor series (what the alarms watch), plus a finer one when there are extra dimensions.
    const extra = Object.keys(extraDimensions);
    const dimensionSets = extra.length === 0 ? [['Vendor']] : [['Vendor'], ['Vendor', ...extra]];
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: dimensionSets, Metrics: [{ Name: metric, Unit: 'Count' }] }],
        },
        Vendor: vendor,
        ...extraDimensions,
        [metric]: value,
      }),
    );
  }
}

/** Counts in memory: for tests, benchmarks and the local dev server's summary. */
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
