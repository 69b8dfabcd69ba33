/**
 * Telemetry as one JSON line per log entry and CloudWatch embedded-metric-format (EMF) lines for
 * counters, in the spirit of Powertools for AWS Lambda. Lambda ships stdout to CloudWatch Logs,
 * which turns EMF lines into metrics with no API call.
 */
import { METRIC_DIMENSIONS, METRIC_NAMESPACE } from '../../contract/deployment';
import { boundLogFields, boundText, LOG_FIELD_CHARS } from '../../core/bounds';
import type { LogLevel, MetricName, Telemetry } from '../../core/ports';

export interface JsonTelemetryOptions {
  /** Where lines go. @default process.stdout, written directly: Lambda's JSON log format wraps console.log lines, which would hide EMF from CloudWatch */
  readonly write?: (line: string) => void;
  /** Lowest level logged. @default 'info' */
  readonly level?: LogLevel;
  /** Added to every log line (e.g. the function name). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Emit EMF metric lines. @default true */
  readonly metrics?: boolean;
  /** Gather counters until `flush()` (one EMF line per invocation instead of one per counter). @default false */
  readonly buffered?: boolean;
  /**
   * The `Deployment` dimension of every metric: which pipeline counted it, when several share an
   * account and region (the construct sets it on every function, `ENV.DEPLOYMENT`).
   * @default - no `Deployment` dimension (the dev server, tests)
   */
  readonly deployment?: string;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class JsonTelemetry implements Telemetry {
  private readonly write: (line: string) => void;
  private readonly minLevel: number;

  constructor(private readonly options: JsonTelemetryOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.minLevel = LEVELS[options.level ?? 'info'];
  }

  log(level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (LEVELS[level] < this.minLevel) return;
    // Every field bounded (core/bounds.ts): a field may quote a payload.
    this.write(JSON.stringify({ level, time: new Date().toISOString(), message: boundText(message, LOG_FIELD_CHARS), ...this.options.context, ...boundLogFields(fields) }));
  }

  count(metric: MetricName, vendor: string, value = 1, extraDimensions: Readonly<Record<string, string>> = {}): void {
    if (this.options.metrics === false) return;
    const key = JSON.stringify([vendor, extraDimensions]);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = { vendor, dimensions: extraDimensions, values: {} };
      this.pending.set(key, pending);
    }
    pending.values[metric] = (pending.values[metric] ?? 0) + value;
    if (!this.options.buffered) this.flush();
  }

  /**
   * Writes the counters gathered since the last flush as one EMF document per dimension set (a
   * verifier invocation usually writes one line: `Received` and its outcome together).
   */
  flush(): void {
    for (const { vendor, dimensions, values } of this.pending.values()) {
      // Always a per-vendor series of this deployment (what the alarms watch), plus a finer one when there are extra dimensions.
      const { deployment } = this.options;
      const base: string[] = deployment ? [METRIC_DIMENSIONS.deployment, METRIC_DIMENSIONS.vendor] : [METRIC_DIMENSIONS.vendor];
      const extra = Object.keys(dimensions);
      const dimensionSets = extra.length === 0 ? [base] : [base, [...base, ...extra]];
      this.write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: dimensionSets, Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })) }],
          },
          ...(deployment ? { [METRIC_DIMENSIONS.deployment]: deployment } : {}),
          [METRIC_DIMENSIONS.vendor]: vendor,
          ...dimensions,
          ...values,
        }),
      );
    }
    this.pending.clear();
  }

  private readonly pending = new Map<string, { vendor: string; dimensions: Readonly<Record<string, string>>; values: Record<string, number> }>();
}
