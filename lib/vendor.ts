import { Duration, Token } from 'aws-cdk-lib/core';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { PollerVendorConfig, VendorRuntimeConfig } from '../lambda/contract/deployment';
import type { VendorManifest } from '../lambda/contract/manifest';
import { optionsProblem } from '../lambda/contract/options';
import { customManifest } from '../lambda/vendors/custom/manifest';
import { lipdubManifest } from '../lambda/vendors/lipdub/manifest';
import { syncManifest } from '../lambda/vendors/sync/manifest';
import { synthesiaManifest } from '../lambda/vendors/synthesia/manifest';
import { viralsyncManifest } from '../lambda/vendors/viralsync/manifest';
import { toleranceSeconds as toleranceSecondsOf, validateDuration, validateHttpUrl, validateNumber } from './private/validate';
import { secretIdOf } from './private/grants';
import { WebhookAuth } from './webhook-auth';

/** Options every vendor takes. */
export interface VendorOptions {
  /**
   * The secret the vendor's webhooks are authenticated with: the signing secret (HMAC vendors) or
   * the static key (bearer vendors). The secret value is either one string or a JSON array of
   * strings, all accepted at once during a rotation.
   */
  readonly webhookSecret: secretsmanager.ISecret;

  /**
   * The key of the vendor's status API, used by the poller only (never by the verifier).
   *
   * @default - no key is sent to the status API
   */
  readonly apiKey?: secretsmanager.ISecret;

  /**
   * Base URL of the vendor's status API, e.g. `https://api.example.com`.
   *
   * @default - the vendor's public base URL (none for ViralSync and custom vendors)
   */
  readonly statusApiBaseUrl?: string;

  /**
   * Whether the poller asks the vendor's status API about jobs that went quiet. Jobs of a vendor
   * that is not polled still get an `expired` event at the give-up age.
   *
   * @default - true when the vendor has a status API with a known base URL (Sync, LipDub,
   * Synthesia; ViralSync only when `statusApiBaseUrl` is set; custom vendors when
   * `adapterOptions.statusUrlTemplate` is)
   */
  readonly polling?: boolean;

  /**
   * Status-API requests per minute the poller sends to this vendor, at most.
   *
   * @default - below the vendor's documented read limit: Sync 300, Synthesia 50, LipDub 60,
   * ViralSync 60, custom 60
   */
  readonly pollRequestsPerMinute?: number;

  /**
   * Timeout of one status-API request.
   *
   * @default Duration.seconds(5)
   */
  readonly statusRequestTimeout?: Duration;
}

/** Options of a built-in vendor. */
export interface BuiltInVendorOptions extends VendorOptions {
  /**
   * The vendor id: the webhook path segment (`/webhooks/<id>`), the event `source`
   * (`video-webhooks/<id>`) and `data.vendor`. Lower case letters, digits and `-`, at most 32
   * characters, starting with a letter. Set it to run two accounts of one vendor side by side.
   *
   * @default - the vendor's own: `sync`, `lipdub`, `viralsync` or `synthesia`
   */
  readonly id?: string;
}

/** Sync (sync.so). */
export interface SyncVendorOptions extends BuiltInVendorOptions {
  /**
   * How far the signed timestamp `t` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.seconds(300)
   */
  readonly timestampTolerance?: Duration;

  /**
   * Also accept a signature over the body re-serialized as compact JSON, as Sync's own samples
   * compute it, when the raw body does not verify. It parses the body before it is authenticated,
   * and two bodies with the same JSON but different bytes then both verify: turn it on only if
   * Sync turns out to sign re-serialized JSON.
   *
   * @default false
   */
  readonly compactJsonFallback?: boolean;
}

/** Synthesia. */
export interface SynthesiaVendorOptions extends BuiltInVendorOptions {
  /**
   * How far `Synthesia-Timestamp` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.seconds(600)
   */
  readonly timestampTolerance?: Duration;
}

/** LipDub AI: `webhookSecret` holds the static key LipDub sends as `Authorization: Bearer <key>`. */
export interface LipDubVendorOptions extends BuiltInVendorOptions {
  /**
   * Where the job id is in the webhook's `data` (LipDub does not publish its field names), first
   * match wins; numbers become strings.
   *
   * @default ['generate_id', 'render_id', 'job_id', 'id']
   */
  readonly jobIdFields?: string[];

  /**
   * Where the output URL is in `data`.
   *
   * @default ['download_url', 'output_url', 'video_url']
   */
  readonly outputUrlFields?: string[];

  /**
   * Where the failure text is in `data`.
   *
   * @default ['failure_reason', 'error', 'message']
   */
  readonly errorFields?: string[];

  /**
   * Turn event types the adapter does not know into `processing` events (with `vendorEventType`
   * set) instead of answering 202 and dropping them.
   *
   * @default false
   */
  readonly emitUnknownEvents?: boolean;
}

/** ViralSync: its status API has no public base URL; set `statusApiBaseUrl` to poll it. */
export interface ViralSyncVendorOptions extends BuiltInVendorOptions {
  /**
   * Header carrying the webhook signature.
   *
   * @default 'x-render-signature'
   */
  readonly signatureHeader?: string;

  /**
   * Header the status-API key is sent in (ViralSync documents none: a guess, hence configurable).
   *
   * @default 'authorization'
   */
  readonly statusApiKeyHeader?: string;

  /**
   * Text before the key in that header.
   *
   * @default 'Bearer '
   */
  readonly statusApiKeyPrefix?: string;
}

/**
 * Dotted JSON paths into the vendor's body (`data.job.id`, `items.0.id`); a list is tried in order,
 * the first path holding a value wins.
 */
export interface CustomVendorPaths {
  /** The job id (a string, or a number made a string). */
  readonly jobId: string | string[];
  /** The vendor's status word, looked up in `statusMap`. */
  readonly status: string | string[];
  /** @default - none */
  readonly errorMessage?: string | string[];
  /** @default - none */
  readonly errorCode?: string | string[];
  /** @default - none */
  readonly outputUrl?: string | string[];
  /** A 0..1 figure. @default - none */
  readonly progress?: string | string[];
  /** @default - none */
  readonly stage?: string | string[];
  /** ISO-8601 time of the event. @default - the signed timestamp, else when it was received */
  readonly time?: string | string[];
  /** @default - none */
  readonly eventType?: string | string[];
}

/** How a custom vendor's webhooks are read. The same options, as JSON, configure `video-webhooks dev --config`. */
export interface CustomVendorAdapterOptions {
  /** How the webhooks are authenticated: `WebhookAuth.hmac({...})` or `WebhookAuth.bearer()`. */
  readonly auth: WebhookAuth;

  /** Where the fields are in the body. */
  readonly paths: CustomVendorPaths;

  /**
   * The vendor's status words to normalized statuses (`queued`, `processing`, `succeeded`,
   * `failed`, `cancelled`, `expired`). A status not in the map is quarantined, not guessed.
   */
  readonly statusMap: { [vendorStatus: string]: string };

  /**
   * The status API's URL with `{jobId}`, e.g. `https://api.acme.example/v1/jobs/{jobId}`: turns
   * polling on.
   *
   * @default - no status API
   */
  readonly statusUrlTemplate?: string;

  /**
   * Header the status-API key is sent in.
   *
   * @default 'authorization'
   */
  readonly apiKeyHeader?: string;

  /**
   * Text before the key in that header.
   *
   * @default 'Bearer '
   */
  readonly apiKeyPrefix?: string;

  /**
   * Paths in the status API's answer, when they differ from the webhook's.
   *
   * @default - `paths`
   */
  readonly statusPaths?: CustomVendorPaths;
}

/** A vendor you add yourself: described by options, run by the custom adapter. */
export interface CustomVendorOptions extends VendorOptions {
  /** The vendor id (see `BuiltInVendorOptions.id` for its form). */
  readonly id: string;

  /** How its webhooks are authenticated and read. */
  readonly adapterOptions: CustomVendorAdapterOptions;
}

/**
 * A vendor that signs its webhooks as Standard Webhooks (https://www.standardwebhooks.com: Svix and
 * the vendors that send through it, and others), run by the custom adapter. `webhookSecret` holds
 * the `whsec_...` signing secret the vendor shows (a JSON array of two during a rotation).
 */
export interface StandardWebhooksVendorOptions extends VendorOptions {
  /** The vendor id (see `BuiltInVendorOptions.id` for its form). */
  readonly id: string;

  /** Where the fields are in the body. */
  readonly paths: CustomVendorPaths;

  /**
   * The vendor's status words to normalized statuses (`queued`, `processing`, `succeeded`,
   * `failed`, `cancelled`, `expired`). A status not in the map is quarantined, not guessed.
   */
  readonly statusMap: { [vendorStatus: string]: string };

  /**
   * How far `webhook-timestamp` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.minutes(5)
   */
  readonly tolerance?: Duration;

  /**
   * The status API's URL with `{jobId}`, e.g. `https://api.acme.example/v1/jobs/{jobId}`: turns
   * polling on.
   *
   * @default - no status API
   */
  readonly statusUrlTemplate?: string;

  /**
   * Header the status-API key is sent in.
   *
   * @default 'authorization'
   */
  readonly apiKeyHeader?: string;

  /**
   * Text before the key in that header.
   *
   * @default 'Bearer '
   */
  readonly apiKeyPrefix?: string;

  /**
   * Paths in the status API's answer, when they differ from the webhook's.
   *
   * @default - `paths`
   */
  readonly statusPaths?: CustomVendorPaths;
}

/** The pattern a vendor id must match. */
export const VENDOR_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

const DEFAULT_STATUS_REQUEST_TIMEOUT = Duration.seconds(5);

/**
 * A video vendor whose webhooks the pipeline receives (and whose status API the poller asks).
 *
 * ```ts
 * Vendor.sync({ webhookSecret, apiKey })
 * ```
 */
export class Vendor {
  /** Sync (sync.so): `Sync-Signature: t=<unix>,v1=<hex>` HMAC-SHA256 webhooks, status API `GET /v2/generate/{id}`. */
  static sync(options: SyncVendorOptions): Vendor {
    return new Vendor(syncManifest, options.id, options, {
      timestampToleranceSeconds: toleranceSeconds(options.id ?? syncManifest.kind, options.timestampTolerance, syncManifest.timestampToleranceSeconds),
      compactJsonFallback: options.compactJsonFallback,
    });
  }

  /** LipDub AI: a static key (`Authorization: Bearer`), status API `GET /v1/renders/{id}/status`. */
  static lipdub(options: LipDubVendorOptions): Vendor {
    return new Vendor(lipdubManifest, options.id, options, {
      jobIdFields: options.jobIdFields,
      outputUrlFields: options.outputUrlFields,
      errorFields: options.errorFields,
      emitUnknownEvents: options.emitUnknownEvents,
    });
  }

  /** ViralSync: HMAC-SHA256 of the raw body in `x-render-signature`; status API `GET /v1/jobs/{jobId}` at a base URL you set. */
  static viralsync(options: ViralSyncVendorOptions): Vendor {
    return new Vendor(viralsyncManifest, options.id, options, {
      signatureHeader: options.signatureHeader,
      statusApiKeyHeader: options.statusApiKeyHeader,
      statusApiKeyPrefix: options.statusApiKeyPrefix,
    });
  }

  /** Synthesia: `Synthesia-Signature` + `Synthesia-Timestamp` HMAC-SHA256, status API `GET /v2/videos/{id}`. */
  static synthesia(options: SynthesiaVendorOptions): Vendor {
    return new Vendor(synthesiaManifest, options.id, options, {
      timestampToleranceSeconds: toleranceSeconds(options.id ?? synthesiaManifest.kind, options.timestampTolerance, synthesiaManifest.timestampToleranceSeconds),
    });
  }

  /** Any other vendor, run by the custom adapter configured with `adapterOptions`. */
  static custom(options: CustomVendorOptions): Vendor {
    if (options.id === undefined) throw new Error('a custom vendor needs an id: pass Vendor.custom({ id: "acme", ... })');
    const adapterOptions = options.adapterOptions as CustomVendorAdapterOptions | undefined;
    if (typeof adapterOptions !== 'object' || adapterOptions === null) {
      throw new Error(`vendor ${options.id}: a custom vendor needs adapterOptions with auth, paths and statusMap`);
    }
    if (!(adapterOptions.auth instanceof WebhookAuth)) {
      throw new Error(`vendor ${options.id}: adapterOptions.auth must be WebhookAuth.hmac({...}), WebhookAuth.standardWebhooks() or WebhookAuth.bearer({...})`);
    }
    return new Vendor(customManifest, options.id, options, { ...adapterOptions, auth: adapterOptions.auth._json }, 'adapterOptions');
  }

  /** A vendor that sends Standard Webhooks (Svix and others), run by the custom adapter with `WebhookAuth.standardWebhooks()`. */
  static standardWebhooks(options: StandardWebhooksVendorOptions): Vendor {
    if (options.id === undefined) throw new Error('a Standard Webhooks vendor needs an id: pass Vendor.standardWebhooks({ id: "acme", ... })');
    toleranceSecondsOf(`vendor ${options.id}`, 'tolerance', options.tolerance);
    const auth = WebhookAuth.standardWebhooks({ tolerance: options.tolerance });
    const { paths, statusMap, statusUrlTemplate, apiKeyHeader, apiKeyPrefix, statusPaths } = options;
    // The options are top-level here, so a problem is named by its own path (`paths.outputURL`).
    return new Vendor(customManifest, options.id, options, { auth: auth._json, paths, statusMap, statusUrlTemplate, apiKeyHeader, apiKeyPrefix, statusPaths });
  }

  /** The vendor id (path segment and event source). */
  readonly id: string;
  /** The adapter that handles it: a built-in vendor's own, or `custom`. */
  readonly kind: string;
  /** The webhook secret (read by this vendor's verifier only). */
  readonly webhookSecret: secretsmanager.ISecret;
  /** The status-API key (read by the poller only), if any. */
  readonly apiKey?: secretsmanager.ISecret;
  /** Whether the poller asks this vendor's status API. */
  readonly pollingEnabled: boolean;
  /** Status-API requests per minute, at most. */
  readonly pollRequestsPerMinute: number;

  private readonly statusApiBaseUrl: string | undefined;
  private readonly statusRequestTimeout: Duration;
  private readonly options: Record<string, unknown>;
  private readonly pollerOnlyOptions: readonly string[];

  private constructor(manifest: VendorManifest, id: string | undefined, options: VendorOptions, adapterOptions: Record<string, unknown>, optionsPath = '') {
    this.id = id ?? manifest.kind;
    validateId(this.id);
    this.kind = manifest.kind;
    this.pollerOnlyOptions = manifest.pollerOnlyOptions ?? [];
    this.webhookSecret = options.webhookSecret;
    this.apiKey = options.apiKey;
    this.statusApiBaseUrl = options.statusApiBaseUrl;
    validateHttpUrl(`vendor ${this.id}`, 'statusApiBaseUrl', options.statusApiBaseUrl, 'https://api.example.com');

    // The same check the adapter runs at cold start: a bad or misspelt option fails the synth.
    this.options = definedOnly(adapterOptions);
    const problem = optionsProblem(manifest.options, this.options, optionsPath);
    if (problem) throw new Error(`vendor ${this.id}: ${problem}`);

    const pollable =
      manifest.statusApi === 'options' ? typeof this.options.statusUrlTemplate === 'string' : manifest.statusApi === 'base-url' && (manifest.statusApiBaseUrl !== undefined || options.statusApiBaseUrl !== undefined);
    this.pollingEnabled = options.polling ?? pollable;
    if (this.pollingEnabled && !pollable) {
      throw new Error(
        manifest.statusApi === 'options'
          ? `vendor ${this.id}: polling is on but adapterOptions has no statusUrlTemplate: set it (e.g. "https://api.example.com/v1/jobs/{jobId}"), or polling: false`
          : `vendor ${this.id}: polling is on but its status API has no public base URL: set statusApiBaseUrl, or polling: false`,
      );
    }

    this.pollRequestsPerMinute = options.pollRequestsPerMinute ?? manifest.pollRequestsPerMinute;
    validateNumber(`vendor ${this.id}`, 'pollRequestsPerMinute', this.pollRequestsPerMinute, (n) => n > 0 && n <= 100_000, "a positive number up to 100000, below the vendor's read limit");

    this.statusRequestTimeout = options.statusRequestTimeout ?? DEFAULT_STATUS_REQUEST_TIMEOUT;
    validateDuration(`vendor ${this.id}`, 'statusRequestTimeout', this.statusRequestTimeout, Duration.millis(100), Duration.seconds(60));
  }

  /**
   * The verifier's view of this vendor (its configuration file, `VW_VENDOR_FILE`): the options
   * but the ones only the poller reads (the manifest's `pollerOnlyOptions`).
   * @internal
   */
  _runtimeConfig(): VendorRuntimeConfig {
    const options = Object.fromEntries(Object.entries(this.options).filter(([name]) => !this.pollerOnlyOptions.includes(name)));
    return { id: this.id, kind: this.kind, options };
  }

  /**
   * The poller's view of this vendor (one entry of its configuration file, `VW_POLLER_VENDORS_FILE`), every option included.
   * @internal
   */
  _pollerConfig(): PollerVendorConfig {
    return {
      vendor: { id: this.id, kind: this.kind, options: this.options },
      apiKeySecretArn: this.apiKey ? secretIdOf(this.apiKey) : undefined,
      statusApiBaseUrl: this.statusApiBaseUrl,
      requestsPerMinute: this.pollRequestsPerMinute,
      pollingEnabled: this.pollingEnabled,
      requestTimeoutMs: this.statusRequestTimeout.toMilliseconds(),
    };
  }
}

/** A built-in vendor's tolerance in seconds, its manifest's default when not given. */
function toleranceSeconds(vendorId: string, tolerance: Duration | undefined, fallbackSeconds: number): number {
  return toleranceSecondsOf(`vendor ${vendorId}`, 'timestampTolerance', tolerance) ?? fallbackSeconds;
}

function validateId(id: string): void {
  if (Token.isUnresolved(id)) {
    throw new Error('a vendor id cannot be a token: it names routes and constructs at synth time; use a literal such as "acme"');
  }
  if (!VENDOR_ID_PATTERN.test(id)) {
    throw new Error(`vendor id "${id}" is invalid: use lower case letters, digits and "-", starting with a letter, at most 32 characters (e.g. "acme-video")`);
  }
}

/** The options without the ones left unset (they take the adapter's defaults). */
function definedOnly(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
