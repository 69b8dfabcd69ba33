/**
 * The pipeline's CloudWatch metrics, defined once: the namespace, the dimensions and every metric
 * name. The handlers emit them (embedded metric format, through the core's `Telemetry` port, whose
 * `MetricName` is the type below), the API's access-log metric filters publish two, and lib/ reads
 * the same names for its alarms, its dashboard and `VideoWebhookIngestion.metric*()`.
 */

/** The CloudWatch namespace of every metric of the pipeline. */
export const METRIC_NAMESPACE = 'VideoWebhooks';

/**
 * The dimensions of the namespace's metrics. Every series has `Deployment` (one pipeline: several
 * share an account and region, e.g. staging and prod) and `Vendor`; some also `Reason`.
 */
export const METRIC_DIMENSIONS = { deployment: 'Deployment', vendor: 'Vendor', reason: 'Reason' } as const;

/** The counters the handlers emit, each with the dimensions `Deployment` and `Vendor`. */
export const HANDLER_METRICS = {
  RECEIVED: 'Received',
  /** Webhooks answered 401/413 (also per `Reason`). */
  REJECTED: 'Rejected',
  QUARANTINED: 'Quarantined',
  IGNORED: 'Ignored',
  DUPLICATES: 'Duplicates',
  /** Events older than what the job already reported (late progress): not queued. */
  STALE: 'Stale',
  ENQUEUED: 'Enqueued',
  CONFLICTS: 'Conflicts',
  /** Webhooks answered 503 because another event of the job was being delivered (the vendor retries). */
  BUSY: 'Busy',
  BACKEND_ERRORS: 'BackendErrors',
  /** Unsigned callbacks (hints) by what they came to (`Reason`: scheduled, already_scheduled, job_final, unknown_job, busy). */
  HINTS: 'Hints',
  POLL_REQUESTS: 'PollRequests',
  POLL_HITS: 'PollHits',
  /** Poll failures (also per `Reason`: `http_5xx`, `timeout`, ..., and `backend` for our own DynamoDB/SQS). */
  POLL_ERRORS: 'PollErrors',
  /** Status-API answers 401/403: the API key is wrong or revoked. */
  POLL_AUTH_ERRORS: 'PollAuthErrors',
  POLL_RATE_LIMITED: 'PollRateLimited',
  EXPIRED: 'Expired',
  /** Quarantined requests a replay delivered through the core. */
  QUARANTINE_REPLAYED: 'QuarantineReplayed',
  /** Quarantined requests a replay could not deliver (backend failure; they stay quarantined). */
  QUARANTINE_REPLAY_FAILURES: 'QuarantineReplayFailures',
  /** A refresh of a cached secret failed (the last value served, or dropped). */
  SECRET_REFRESH_FAILURES: 'SecretRefreshFailures',
  /**
   * Authenticated requests the archive could not keep (also per `Reason`: `too_large`,
   * `throttled`, `timeout`, `error`); the requests themselves went their normal way. Also a series
   * per deployment, without `Vendor` (see `DEPLOYMENT_WIDE_METRICS`), which one alarm watches.
   */
  ARCHIVE_FAILED: 'ArchiveFailed',
} as const;

/**
 * Counters also written as a series of the deployment alone (dimension `Deployment`, no `Vendor`),
 * so that one alarm per pipeline watches them however many vendors it has (an alarm on a metric
 * math expression takes at most 10 metrics). Written on lines of their own: they are rare.
 */
export const DEPLOYMENT_WIDE_METRICS: readonly string[] = [HANDLER_METRICS.ARCHIVE_FAILED];

/** The counters the API's access-log metric filters publish, with the dimension `Deployment` only. */
export const ACCESS_LOG_METRICS = {
  /** API answers 500-599 other than the deliberate 503s. */
  API_SERVER_ERRORS: 'ApiServerErrors',
  /** Requests the API stage throttled, answered 429. */
  API_THROTTLED: 'ApiThrottled',
} as const;

/** Every metric name of the namespace. */
export const METRICS = { ...HANDLER_METRICS, ...ACCESS_LOG_METRICS } as const;

/** A counter the handlers emit. */
export type MetricName = (typeof HANDLER_METRICS)[keyof typeof HANDLER_METRICS];
