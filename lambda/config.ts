/**
 * The deployment contract between the constructs (lib/) and the handlers (lambda/): environment
 * variable names and the JSON they carry. lib/ imports these types; the handlers parse them.
 */

/** Built-in adapter kinds; `generic` is configured entirely by options. */
export type VendorKind = 'sync' | 'lipdub' | 'viralsync' | 'synthesia' | 'generic';

/**
 * The option names each adapter kind takes: the keys of its `...Options` interface (the registry
 * checks at compile time that the two agree). A name not listed is refused at synth and at cold
 * start, so a misspelt option (a tolerance, a header name) cannot be silently ignored.
 */
export const VENDOR_OPTION_NAMES = {
  sync: ['timestampToleranceSeconds', 'compactJsonFallback'],
  lipdub: ['jobIdFields', 'outputUrlFields', 'errorFields', 'emitUnknownEvents'],
  viralsync: ['signatureHeader', 'statusApiKeyHeader', 'statusApiKeyPrefix'],
  synthesia: ['timestampToleranceSeconds'],
  generic: ['auth', 'paths', 'statusMap', 'statusUrlTemplate', 'apiKeyHeader', 'apiKeyPrefix', 'statusPaths'],
} as const satisfies Readonly<Record<VendorKind, readonly string[]>>;

/** What is wrong when `options` has a name the `kind` adapter does not take; undefined when none. */
export function unknownOptionProblem(kind: VendorKind, options: Readonly<Record<string, unknown>>): string | undefined {
  const known: readonly string[] = VENDOR_OPTION_NAMES[kind];
  const unknown = Object.keys(options).find((name) => !known.includes(name));
  return unknown === undefined ? undefined : `option ${JSON.stringify(unknown)} is not one the ${kind} adapter takes: use ${known.join(', ')}`;
}

/** One vendor as the runtime sees it. Serializable: it travels in an environment variable. */
export interface VendorRuntimeConfig {
  /** Path segment and event source id, e.g. `sync` or a custom `acme`. */
  readonly id: string;
  readonly kind: VendorKind;
  /** Kind-specific adapter options (see each lambda/vendors/<kind>.ts `...Options`). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** One vendor as the poller sees it. */
export interface PollerVendorConfig {
  readonly vendor: VendorRuntimeConfig;
  /** Secrets Manager ARN of the status-API key; undefined when the API needs none. */
  readonly apiKeySecretArn: string | undefined;
  /** Base URL of the status API; undefined means the adapter's default. */
  readonly statusApiBaseUrl: string | undefined;
  /** Status-API requests per minute, at most. */
  readonly requestsPerMinute: number;
  readonly pollingEnabled: boolean;
  /** Per-request timeout. */
  readonly requestTimeoutMs: number;
}

/** Environment variable names. */
export const ENV = {
  /** Verifier: JSON `VendorRuntimeConfig`. */
  VENDOR: 'VW_VENDOR',
  /** Verifier: Secrets Manager ARN of the webhook secret(s): a string or a JSON array of strings. */
  WEBHOOK_SECRET_ARN: 'VW_WEBHOOK_SECRET_ARN',
  /** Poller: JSON `PollerVendorConfig[]`. */
  POLLER_VENDORS: 'VW_POLLER_VENDORS',
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
} as const;

/** The job table's key schema and index, shared by the table construct and the DynamoDB store. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  ttlAttribute: 'expiresAt',
  pendingIndex: 'pending',
  pendingPartitionKey: 'pollVendor',
  pendingSortKey: 'nextPollAt',
} as const;

/** The CloudWatch namespace of every metric the handlers emit (the alarms in lib/ use it). */
export const METRIC_NAMESPACE = 'VideoWebhooks';
