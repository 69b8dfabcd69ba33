/**
 * Job registration, for your own code: call `registerJob` right after you create a render job at
 * a vendor, so the poller reconciles it with the vendor's status API even if no webhook ever
 * arrives (a vendor that sends only final webhooks and never retries them otherwise leaves a lost
 * one invisible).
 *
 * ```ts
 * import { registerJob } from 'cdk-video-webhooks/runtime';
 *
 * const job = await vendorClient.createRender({ ... });
 * await registerJob({ vendor: 'acme', jobId: job.id });
 * ```
 *
 * The function needs `dynamodb:PutItem` and `dynamodb:GetItem` on the jobs table (the construct's
 * `grantRegisterJobs(grantee)`) and the table name, from the `tableName` option or the
 * `VIDEO_WEBHOOKS_TABLE_NAME` environment variable.
 *
 * Registering is idempotent: registering a job twice, or a job the pipeline already knows (final
 * or not, e.g. because its webhook came first), changes nothing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoJobStore } from '../adapters/aws/dynamo-store';
import { DEFAULTS, ENV } from '../contract/deployment';
import { jobIdProblem } from '../core/bounds';
import { newRecord } from '../core/delivery';
import { systemClock, type Clock, type JobStore } from '../core/ports';

/** The environment variable `registerJob` reads the table name from. */
export const TABLE_NAME_ENV = ENV.JOBS_TABLE_NAME;

export interface RegistrationSettings {
  /**
   * How long after registration the poller first asks the vendor. Match the construct's `staleAfter`.
   * @default - `VW_STALE_AFTER_SECONDS` when set (by `grantRegisterJobs`), else 600 (10 minutes)
   */
  readonly staleAfterSeconds?: number;
  /**
   * How long a job may stay non-final before it expires. Match the construct's `giveUpAfter`:
   * the registration is kept at least this long plus the dedupe window.
   * @default - `VW_GIVE_UP_AFTER_SECONDS` when set, else 172800 (48 hours)
   */
  readonly giveUpAfterSeconds?: number;
  /**
   * Match the construct's `dedupeWindow`.
   * @default - `VW_DEDUPE_WINDOW_SECONDS` when set, else 604800 (7 days)
   */
  readonly dedupeWindowSeconds?: number;
}

export interface RegisterJobOptions extends RegistrationSettings {
  /** The vendor id as in the webhook path `/webhooks/{vendor}`, e.g. `acme`. */
  readonly vendor: string;
  /** The vendor's job id (as in its webhooks and status API). Numbers are stored as strings. */
  readonly jobId: string | number;
  /**
   * The jobs table.
   * @default - the `VIDEO_WEBHOOKS_TABLE_NAME` environment variable
   */
  readonly tableName?: string;
  /**
   * The DynamoDB client to use.
   * @default - one client per process, created on first use with the default credential chain and region
   */
  readonly client?: DynamoDBClient;
}

export interface RegisterJobResult {
  /** True when this call created the job's record; false when the pipeline already knew the job. */
  readonly registered: boolean;
}

/**
 * A job id that cannot be a key of the pipeline: empty, over 1,024 UTF-8 bytes, or not well-formed
 * Unicode (a lone surrogate). The same bound as a webhook's job id (which is quarantined instead):
 * such a job could be polled, but its event could not be delivered.
 */
export class InvalidJobIdError extends Error {
  override readonly name = 'InvalidJobIdError';

  constructor(
    readonly vendor: string,
    readonly jobId: string,
    /** What is wrong with it, e.g. `job id is 1100 bytes (at most 1024)`. */
    readonly problem: string,
  ) {
    super(`cannot register job ${shownId(jobId)} of vendor ${vendor}: ${problem}; the pipeline could not deliver its events (a webhook with this id is quarantined): register the job id the vendor returned`);
  }
}

/** Registers a job you just created at a vendor, so a missed webhook is found by the poller. */
export async function registerJob(options: RegisterJobOptions): Promise<RegisterJobResult> {
  const tableName = options.tableName ?? process.env[TABLE_NAME_ENV];
  if (!tableName) {
    throw new Error(`registerJob needs the jobs table name: pass tableName, or set ${TABLE_NAME_ENV} (the construct's table.tableName)`);
  }
  const store = new DynamoJobStore(options.client ?? defaultClient(), tableName);
  return new JobRegistry(store, { ...settingsFromEnv(process.env), ...definedOnly(options) }).register(options.vendor, options.jobId);
}

/**
 * The same registration on any `JobStore`: the local dev server uses it with its embedded store.
 * It reads no environment: settings not passed take the library defaults.
 */
export class JobRegistry {
  private readonly staleAfterMs: number;
  private readonly giveUpAfterMs: number;
  private readonly dedupeWindowMs: number;

  constructor(
    private readonly store: JobStore,
    settings: RegistrationSettings = {},
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.staleAfterMs = seconds('staleAfterSeconds', settings.staleAfterSeconds, DEFAULTS.staleAfterSeconds) * 1000;
    this.giveUpAfterMs = seconds('giveUpAfterSeconds', settings.giveUpAfterSeconds, DEFAULTS.giveUpAfterSeconds) * 1000;
    this.dedupeWindowMs = seconds('dedupeWindowSeconds', settings.dedupeWindowSeconds, DEFAULTS.dedupeWindowSeconds) * 1000;
  }

  /** Creates the job's record unless one exists; see `registerJob`. Throws an InvalidJobIdError for an id the pipeline cannot carry. */
  async register(vendor: string, jobId: string | number): Promise<RegisterJobResult> {
    if (typeof vendor !== 'string' || vendor.length === 0) throw new Error(`vendor must be a non-empty string, got ${JSON.stringify(vendor)}`);
    const id = typeof jobId === 'number' && Number.isFinite(jobId) ? String(jobId) : jobId;
    if (typeof id !== 'string') throw new Error(`jobId must be a non-empty string or a number, got ${JSON.stringify(jobId)}`);
    const problem = jobIdProblem(id);
    if (problem) throw new InvalidJobIdError(vendor, id, problem);

    const now = this.clock.now();
    const record = newRecord(vendor, id, now, { staleAfterMs: this.staleAfterMs, giveUpAfterMs: this.giveUpAfterMs, dedupeWindowMs: this.dedupeWindowMs });
    if (await this.store.put(record, null)) return { registered: true };
    // Something is stored. Only a record past its expiry (TTL deletes days late) counts as absent,
    // as it does for the delivery core; anything else, final or not, is left exactly as it is.
    const stored = await this.store.get(vendor, id);
    if (stored && stored.expiresAtMs <= now) return { registered: await this.store.put({ ...record, version: stored.version + 1 }, stored.version) };
    return { registered: false };
  }
}

/**
 * The construct's settings, when the environment carries them (`VW_STALE_AFTER_SECONDS`,
 * `VW_GIVE_UP_AFTER_SECONDS`, `VW_DEDUPE_WINDOW_SECONDS`), so a registration matches the deployment.
 */
function settingsFromEnv(env: NodeJS.ProcessEnv): RegistrationSettings {
  const read = (name: string): number | undefined => {
    const value = env[name];
    const n = value === undefined || value.trim() === '' ? NaN : Number(value);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  return definedOnly({
    staleAfterSeconds: read(ENV.STALE_AFTER_SECONDS),
    giveUpAfterSeconds: read(ENV.GIVE_UP_AFTER_SECONDS),
    dedupeWindowSeconds: read(ENV.DEDUPE_WINDOW_SECONDS),
  });
}

function definedOnly(settings: RegistrationSettings): RegistrationSettings {
  const out: { -readonly [K in keyof RegistrationSettings]: RegistrationSettings[K] } = {};
  if (settings.staleAfterSeconds !== undefined) out.staleAfterSeconds = settings.staleAfterSeconds;
  if (settings.giveUpAfterSeconds !== undefined) out.giveUpAfterSeconds = settings.giveUpAfterSeconds;
  if (settings.dedupeWindowSeconds !== undefined) out.dedupeWindowSeconds = settings.dedupeWindowSeconds;
  return out;
}

let sharedClient: DynamoDBClient | undefined;

function defaultClient(): DynamoDBClient {
  sharedClient ??= new DynamoDBClient({});
  return sharedClient;
}

/** The id as JSON, cut to 32 characters: enough to recognise, short enough for a log line. */
function shownId(jobId: string): string {
  return jobId.length > 32 ? `${JSON.stringify(jobId.slice(0, 32)).slice(0, -1)}…"` : JSON.stringify(jobId);
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number of seconds, got ${value}`);
  return value;
}
