/**
 * The deployment contract between the constructs (lib/) and the handlers (lambda/): environment
 * variable names, the JSON they carry, defaults and the table schema. Plain data: lib/ imports it,
 * the handlers read the environment it names.
 */

/** One vendor as the runtime sees it. Serializable: it travels in a file beside the code (or an environment variable). */
export interface VendorRuntimeConfig {
  /** Path segment and event source id, e.g. `acme`. */
  readonly id: string;
  /** The adapter: a vendor manifest's `kind` (see lambda/vendors/index.ts). */
  readonly kind: string;
  /** The adapter's options, as its manifest's `options` spec describes them. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** One vendor as the poller sees it. */
export interface PollerVendorConfig {
  readonly vendor: VendorRuntimeConfig;
  /** The status-API key's Secrets Manager SecretId (its complete ARN, or its name); undefined when the API needs none. */
  readonly apiKeySecretArn: string | undefined;
  /** Base URL of the status API; undefined means the adapter's default. */
  readonly statusApiBaseUrl: string | undefined;
  /** Status-API requests per minute, at most. */
  readonly requestsPerMinute: number;
  readonly pollingEnabled: boolean;
  /** Per-request timeout. */
  readonly requestTimeoutMs: number;
  /**
   * Ask about each of the vendor's jobs that are not final this often, from its registration on,
   * whether or not it was quiet (poll-only vendors). @default - none: after staleAfter of quiet, with a growing backoff
   */
  readonly pollIntervalMs?: number;
  /**
   * The vendor's `allowInsecureStatusApi`: the key may go over plain http and a loopback status API
   * may be asked (a local stand-in). Never link-local; never loopback on Lambda. @default false
   */
  readonly allowInsecureStatusApi?: boolean;
}

/** Environment variable names. */
export const ENV = {
  /** Verifier: JSON `VendorRuntimeConfig` (tests and local runs; a deployment uses the file below). */
  VENDOR: 'VW_VENDOR',
  /**
   * Verifier: the file beside the code that holds its JSON `VendorRuntimeConfig`, deploy-time
   * values as `{"$env": ...}` references (see config-refs.ts). Relative to the code's folder.
   */
  VENDOR_FILE: 'VW_VENDOR_FILE',
  /**
   * Verifier: the webhook secret's Secrets Manager SecretId (its complete ARN, or its name); its
   * value is a string or a JSON array of strings. (Formerly `VW_WEBHOOK_SECRET_ARN`; the construct
   * and its bundle are deployed together, so nothing reads the old name.)
   */
  WEBHOOK_SECRET_ID: 'VW_WEBHOOK_SECRET_ID',
  /** Poller: JSON `PollerVendorConfig[]` (tests and local runs; a deployment uses the file below). */
  POLLER_VENDORS: 'VW_POLLER_VENDORS',
  /**
   * Poller: the file beside the code that holds the JSON `PollerVendorConfig[]`, its deploy-time
   * values as `{"$env": ...}` references (see config-refs.ts). Relative to the code's folder.
   */
  POLLER_VENDORS_FILE: 'VW_POLLER_VENDORS_FILE',
  /**
   * Archive replay: the file beside the code that holds the JSON `VendorRuntimeConfig[]` of every
   * vendor of the deployment (deploy-time values as `{"$env": ...}` references, see config-refs.ts).
   */
  REPLAY_VENDORS_FILE: 'VW_REPLAY_VENDORS_FILE',
  /** Archive replay: the same JSON inline (tests and local runs). */
  REPLAY_VENDORS: 'VW_REPLAY_VENDORS',
  /**
   * Every function: the deployment's id, the value of the `Deployment` dimension of every metric
   * it emits (see `METRIC_DIMENSIONS`). Unset (the dev server, tests): no `Deployment` dimension.
   */
  DEPLOYMENT: 'VW_DEPLOYMENT',
  TABLE_NAME: 'VW_TABLE_NAME',
  QUEUE_URL: 'VW_QUEUE_URL',
  QUARANTINE_QUEUE_URL: 'VW_QUARANTINE_QUEUE_URL',
  MAX_BODY_BYTES: 'VW_MAX_BODY_BYTES',
  DEDUPE_WINDOW_SECONDS: 'VW_DEDUPE_WINDOW_SECONDS',
  STALE_AFTER_SECONDS: 'VW_STALE_AFTER_SECONDS',
  GIVE_UP_AFTER_SECONDS: 'VW_GIVE_UP_AFTER_SECONDS',
  SECRET_REFRESH_SECONDS: 'VW_SECRET_REFRESH_SECONDS',
  POLL_CONCURRENCY: 'VW_POLL_CONCURRENCY',
  /** Poller: stop this many ms before the Lambda's own timeout. */
  POLL_SAFETY_MARGIN_MS: 'VW_POLL_SAFETY_MARGIN_MS',
  /**
   * Verifier and poller: the Amazon Data Firehose delivery stream that archives authenticated
   * requests (contract/archive.ts). Unset: nothing is archived (`archive: false`, the dev server).
   */
  ARCHIVE_STREAM: 'VW_ARCHIVE_STREAM',
  /** Archive replay function: the bucket the archive's objects are in. */
  ARCHIVE_BUCKET: 'VW_ARCHIVE_BUCKET',
  /** Archive replay function: the key prefix the partitions start after (`archive/`, or empty). */
  ARCHIVE_PREFIX: 'VW_ARCHIVE_PREFIX',
  /**
   * Your own functions: the jobs table name `registerJob` reads when no `tableName` is passed. The
   * construct's `grantRegisterJobs(fn)` sets it on a Lambda function it is given.
   */
  JOBS_TABLE_NAME: 'VIDEO_WEBHOOKS_TABLE_NAME',
} as const;

/** Defaults shared by the constructs, the handlers and the dev server. */
export const DEFAULTS = {
  maxBodyBytes: 256 * 1024,
  dedupeWindowSeconds: 7 * 24 * 3600,
  staleAfterSeconds: 600,
  giveUpAfterSeconds: 48 * 3600,
  secretRefreshSeconds: 300,
  pollConcurrency: 8,
  /** A claim that was never completed can be taken again after this long. */
  claimLeaseMs: 30_000,
  /** How long a webhook waits for another event of its job to be delivered before answering 503. */
  busyWaitMs: 1500,
  /**
   * Receives of an event before SQS moves it to the DLQ. AWS Lambda's guidance for an SQS event
   * source is to "set the maxReceiveCount on the source queue's redrive policy to at least 5"
   * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-queueconfig). On the FIFO
   * events queue the budget is shared: a job's later events in the batch are received (and counted)
   * each time its failing event is (see README, "Replay the dead-letter queue").
   */
  maxReceiveCount: 5,
  /**
   * An unsigned callback (a hint, core/hint.ts) makes its registered job due for a status request
   * at most once per this many seconds: a flood of callbacks for one job costs at most one status
   * request per interval.
   */
  hintIntervalSeconds: 60,
  /** The poll interval of a poll-only custom vendor (`WebhookAuth.pollOnly()`) that sets none. */
  pollOnlyIntervalSeconds: 30,
} as const;

/**
 * A vendor's quarantined requests are spread over this many FIFO groups of the quarantine
 * (`quarantine#<vendor>#<0..15>`, by a hash of the request), each taking
 * SQS_FIFO_GROUP_SENDS_PER_SECOND (300) sends a second: 4,800 a second for one vendor, which leaves
 * room for the hash's uneven spread above the route's default 1,000 requests a second (a vendor's
 * format change quarantines every request). Changing it moves a request to another group, so a
 * retry across the change may be kept twice (deduplication is per group).
 */
export const QUARANTINE_GROUPS_PER_VENDOR = 16;

/** The job table's key schema and index, shared by the table construct and the DynamoDB store. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  ttlAttribute: 'expiresAt',
  pendingIndex: 'pending',
  pendingPartitionKey: 'pollVendor',
  pendingSortKey: 'nextPollAt',
  /**
   * A vendor's not-final jobs are spread over this many `pending` partition keys
   * (`<vendor>#<0..15>`, by a hash of the job id): each event rewrites its job's index entry, and
   * one partition key takes about 1,000 writes a second. Fixed: changing it strands index entries.
   */
  pendingShards: 16,
} as const;

/**
 * Every attribute a job's registration writes: all the registration grant lets a principal write,
 * so it cannot store a terminal event or an event id for the pipeline to send.
 */
export const REGISTRATION_ATTRIBUTES = [
  'pk', 'vendor', 'jobId', 'version', 'status', 'position', 'lastEventDelivered', 'terminalDelivered',
  'lastActivityMs', 'createdAtMs', 'pollAttempts', 'expiresAtMs', 'expiresAt', 'pollVendor', 'nextPollAt',
] as const;

/** The namespace and dimensions of the pipeline's metrics, defined in ./metrics.ts (re-exported for the code that reads them here). */
export { METRIC_DIMENSIONS, METRIC_NAMESPACE } from './metrics';

/**
 * At most this many characters in a `Deployment` value: CloudWatch takes 1 to 1,024 ASCII
 * characters in a dimension value
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html); 255 keeps
 * the dashboard's SEARCH expressions, which carry it with the namespace, the dimension names, the
 * metric name and the vendor, well inside their 1,024-character query limit
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html).
 */
export const DEPLOYMENT_ID_MAX_CHARS = 255;
