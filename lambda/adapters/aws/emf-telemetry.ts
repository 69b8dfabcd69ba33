/**
 * Telemetry as one JSON line per log entry and CloudWatch embedded-metric-format (EMF) lines for
 * counters, in the spirit of Powertools for AWS Lambda. Lambda ships stdout to CloudWatch Logs,
 * which turns EMF lines into metrics with no API call.
 */
import { METRIC_DIMENSIONS, METRIC_NAMESPACE } from '../../contract/deployment';
import { DEPLOYMENT_WIDE_METRICS } from '../../contract/metrics';
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
   * With `buffered`: hold info and debug lines until `flush()` too, and write the first EMF
   * document into the last of them, so that a request that logs one line writes one line. The
   * folded line leaves out what it carries otherwise: `time` (its `_aws.Timestamp`), `vendor` (its
   * `Vendor` dimension) and the context fields (the function: each has its own log group). Warnings
   * and errors are written at once, whole (a timeout or a crash before `flush()` cannot lose them).
   * @default false
   */
  readonly fold?: boolean;
  /**
   * The `Deployment` dimension of every metric: which pipeline counted it, when several share an
   * account and region (the construct sets it on every function, `ENV.DEPLOYMENT`).
   * @default - no `Deployment` dimension (the dev server, tests)
   */
  readonly deployment?: string;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

interface HeldLine {
  readonly level: LogLevel;
  readonly time: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

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
    const line = { level, time: new Date().toISOString(), message: boundText(message, LOG_FIELD_CHARS), fields: boundLogFields(fields) };
    if (this.options.fold && this.options.buffered && LEVELS[level] < LEVELS.warn) this.held.push(line);
    else this.write(this.whole(line));
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
    const held = this.held.splice(0);
    const last = held.pop();
    for (const line of held) this.write(this.whole(line));
    let folded = last === undefined;
    for (const { vendor, dimensions, values } of this.documents()) {
      // Always a per-vendor series of this deployment (what the alarms watch), plus a finer one when there are extra dimensions.
      const { deployment } = this.options;
      const base: string[] = deployment ? [METRIC_DIMENSIONS.deployment, METRIC_DIMENSIONS.vendor] : [METRIC_DIMENSIONS.vendor];
      const extra = Object.keys(dimensions);
      const dimensionSets = extra.length === 0 ? [base] : [base, [...base, ...extra]];
      // A deployment-wide counter (its own document) also without the vendor: one alarm per pipeline.
      if (deployment && Object.keys(values).some((name) => DEPLOYMENT_WIDE_METRICS.includes(name))) dimensionSets.push([METRIC_DIMENSIONS.deployment]);
      const emf = {
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: dimensionSets, Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })) }],
        },
        ...(deployment ? { [METRIC_DIMENSIONS.deployment]: deployment } : {}),
        [METRIC_DIMENSIONS.vendor]: vendor,
        ...dimensions,
        ...values,
      };
      if (!folded && last) {
        folded = true;
        // The log fields first, the metric's members last: a field never overrides a dimension or a value.
        const { vendor: sameVendor, ...fields } = last.fields;
        const kept = sameVendor === undefined || sameVendor === vendor ? fields : last.fields;
        this.write(JSON.stringify({ level: last.level, message: last.message, ...kept, ...emf }));
      } else {
        this.write(JSON.stringify(emf));
      }
    }
    this.pending.clear();
    if (!folded && last) this.write(this.whole(last));
  }

  /** The EMF documents of the pending counters: one per dimension set, the deployment-wide counters in documents of their own, last. */
  private documents(): Array<{ vendor: string; dimensions: Readonly<Record<string, string>>; values: Record<string, number> }> {
    const usual: Array<{ vendor: string; dimensions: Readonly<Record<string, string>>; values: Record<string, number> }> = [];
    const wide: typeof usual = [];
    for (const { vendor, dimensions, values } of this.pending.values()) {
      const split = { usual: {} as Record<string, number>, wide: {} as Record<string, number> };
      for (const [name, n] of Object.entries(values)) split[DEPLOYMENT_WIDE_METRICS.includes(name) ? 'wide' : 'usual'][name] = n;
      if (Object.keys(split.usual).length > 0) usual.push({ vendor, dimensions, values: split.usual });
      if (Object.keys(split.wide).length > 0) wide.push({ vendor, dimensions, values: split.wide });
    }
    return [...usual, ...wide];
  }

  private whole(line: HeldLine): string {
    return JSON.stringify({ level: line.level, time: line.time, message: line.message, ...this.options.context, ...line.fields });
  }

  private readonly held: HeldLine[] = [];

  private readonly pending = new Map<string, { vendor: string; dimensions: Readonly<Record<string, string>>; values: Record<string, number> }>();
}
