import { Duration, Token } from 'aws-cdk-lib/core';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { unknownOptionProblem, type PollerVendorConfig, type VendorKind, type VendorRuntimeConfig } from '../lambda/config';
import { genericOptionsProblem } from '../lambda/vendors/generic-options';

/** Options every vendor takes. */
export interface VendorOptions {
  /**
   * The vendor id: the webhook path segment (`/webhooks/<id>`), the event `source`
   * (`video-webhooks/<id>`) and `data.vendor`. Lower case letters, digits and `-`, at most 32
   * characters, starting with a letter. Set it to run two accounts of one vendor side by side.
   *
   * @default - the vendor kind: `sync`, `lipdub`, `viralsync` or `synthesia`
   */
  readonly id?: string;

  /**
   * The secret the vendor's webhooks are authenticated with: the signing secret (Sync, ViralSync,
   * Synthesia, HMAC vendors) or the static key (LipDub). The secret value is either one string or
   * a JSON array of strings, all accepted at once during a rotation.
   */
  readonly webhookSecret: secretsmanager.ISecret;

  /**
   * The key of the vendor's status API, used by the poller only (never by the verifier).
   *
   * @default - no key is sent to the status API
   */
  readonly apiKey?: secretsmanager.ISecret;

  /**
   * Base URL of the vendor's status API, e.g. `https://api.sync.so`.
   *
   * @default - the adapter's default (none for ViralSync and custom vendors)
   */
  readonly statusApiBaseUrl?: string;

  /**
   * Whether the poller asks the vendor's status API about jobs that went quiet. Jobs of a vendor
   * that is not polled still get an `expired` event at the give-up age.
   *
   * @default - true when the vendor has a status API with a known base URL (Sync, LipDub,
   * Synthesia; ViralSync and custom vendors only when `statusApiBaseUrl` is set)
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

  /**
   * Kind-specific adapter options, passed to the runtime adapter as plain JSON (see the adapter's
   * `...Options` in lambda/vendors/<kind>.ts). Typed options of this interface win over keys here.
   * A name the adapter does not take is an error (see `VENDOR_OPTION_NAMES`), not ignored.
   *
   * @default - none
   */
  readonly adapterOptions?: Readonly<Record<string, unknown>>;
}

/** Options of vendors that sign a timestamp (Sync, Synthesia, custom HMAC vendors). */
export interface TimestampedVendorOptions extends VendorOptions {
  /**
   * How far the signed timestamp may be from now, either way.
   *
   * @default - Sync 300 seconds, Synthesia 600 seconds, custom: the generic adapter's default
   */
  readonly timestampTolerance?: Duration;
}

/** Sync (sync.so). */
export type SyncVendorOptions = TimestampedVendorOptions;
/** Synthesia. */
export type SynthesiaVendorOptions = TimestampedVendorOptions;
/** LipDub AI: `webhookSecret` holds the static key LipDub sends as `Authorization: Bearer <key>`. */
export type LipDubVendorOptions = VendorOptions;
/** ViralSync: its status API has no public base URL; set `statusApiBaseUrl` to poll it. */
export type ViralSyncVendorOptions = VendorOptions;

/**
 * A vendor you add yourself, run by the generic adapter. `adapterOptions` is the adapter's
 * `GenericOptions` (lambda/vendors/generic.ts): `auth` (`{ type: 'hmac', signatureHeader,
 * timestampHeader?, template?, encoding?, signaturePrefix? }` or `{ type: 'bearer', header? }`),
 * `paths` (`jobId`, `status`, ...: dotted JSON paths), `statusMap` (vendor word to normalized
 * status) and, for polling, `statusUrlTemplate` (`https://api.acme.com/v1/jobs/{jobId}`).
 * `timestampTolerance` sets `auth.toleranceSeconds`.
 */
export interface CustomVendorOptions extends TimestampedVendorOptions {
  /** The vendor id (required for a custom vendor). */
  readonly id: string;
  /** The generic adapter's options (required for a custom vendor). */
  readonly adapterOptions: Readonly<Record<string, unknown>>;
}

/** The pattern a vendor id must match. */
export const VENDOR_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

interface KindDefaults {
  readonly requestsPerMinute: number;
  readonly timestampToleranceSeconds: number | undefined;
  /** The adapter has a status API whose base URL it knows. */
  readonly statusApiWithDefaultUrl: boolean;
}

const KIND_DEFAULTS: Record<VendorKind, KindDefaults> = {
  sync: { requestsPerMinute: 300, timestampToleranceSeconds: 300, statusApiWithDefaultUrl: true },
  lipdub: { requestsPerMinute: 60, timestampToleranceSeconds: undefined, statusApiWithDefaultUrl: true },
  viralsync: { requestsPerMinute: 60, timestampToleranceSeconds: undefined, statusApiWithDefaultUrl: false },
  synthesia: { requestsPerMinute: 50, timestampToleranceSeconds: 600, statusApiWithDefaultUrl: true },
  generic: { requestsPerMinute: 60, timestampToleranceSeconds: undefined, statusApiWithDefaultUrl: false },
};

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
    return new Vendor('sync', options, options.timestampTolerance);
  }

  /** LipDub AI: a static key (`Authorization: Bearer`), status API `GET /v1/renders/{id}/status`. */
  static lipdub(options: LipDubVendorOptions): Vendor {
    return new Vendor('lipdub', options, undefined);
  }

  /** ViralSync: HMAC-SHA256 of the raw body in `x-render-signature`; status API `GET /v1/jobs/{jobId}` at a base URL you set. */
  static viralsync(options: ViralSyncVendorOptions): Vendor {
    return new Vendor('viralsync', options, undefined);
  }

  /** Synthesia: `Synthesia-Signature` + `Synthesia-Timestamp` HMAC-SHA256, status API `GET /v2/videos/{id}`. */
  static synthesia(options: SynthesiaVendorOptions): Vendor {
    return new Vendor('synthesia', options, options.timestampTolerance);
  }

  /** Any other vendor, run by the generic adapter configured with `adapterOptions`. */
  static custom(options: CustomVendorOptions): Vendor {
    return new Vendor('generic', options, options.timestampTolerance);
  }

  /** The vendor id (path segment and event source). */
  readonly id: string;
  /** The runtime adapter that handles it. */
  readonly kind: VendorKind;
  /** The webhook secret (read by this vendor's verifier only). */
  readonly webhookSecret: secretsmanager.ISecret;
  /** The status-API key (read by the poller only), if any. */
  readonly apiKey: secretsmanager.ISecret | undefined;
  /** Whether the poller asks this vendor's status API. */
  readonly pollingEnabled: boolean;
  /** Status-API requests per minute, at most. */
  readonly pollRequestsPerMinute: number;

  private readonly statusApiBaseUrl: string | undefined;
  private readonly statusRequestTimeout: Duration;
  private readonly options: Readonly<Record<string, unknown>>;

  private constructor(kind: VendorKind, options: VendorOptions, timestampTolerance: Duration | undefined) {
    const defaults = KIND_DEFAULTS[kind];
    const id = options.id ?? kind;
    if (kind === 'generic' && options.id === undefined) {
      throw new Error('a custom vendor needs an id: pass Vendor.custom({ id: "acme", ... })');
    }
    validateId(id);
    this.id = id;
    this.kind = kind;
    this.webhookSecret = options.webhookSecret;
    this.apiKey = options.apiKey;
    this.statusApiBaseUrl = options.statusApiBaseUrl;
    validateBaseUrl(id, options.statusApiBaseUrl);

    if (options.adapterOptions !== undefined && typeof options.adapterOptions === 'object' && options.adapterOptions !== null) {
      const unknown = unknownOptionProblem(kind, options.adapterOptions);
      if (unknown) throw new Error(`vendor ${id}: adapterOptions: ${unknown}`);
    }
    if (kind === 'generic') validateGenericOptions(id, options.adapterOptions);
    const hasStatusUrlTemplate = typeof options.adapterOptions?.statusUrlTemplate === 'string';
    const pollable = kind === 'generic' ? hasStatusUrlTemplate : defaults.statusApiWithDefaultUrl || options.statusApiBaseUrl !== undefined;
    this.pollingEnabled = options.polling ?? pollable;
    if (this.pollingEnabled && !pollable) {
      throw new Error(
        kind === 'generic'
          ? `vendor ${id}: polling is on but adapterOptions has no statusUrlTemplate: set it (e.g. "https://api.example.com/v1/jobs/{jobId}"), or polling: false`
          : `vendor ${id}: polling is on but its status API has no public base URL: set statusApiBaseUrl, or polling: false`,
      );
    }

    this.pollRequestsPerMinute = options.pollRequestsPerMinute ?? defaults.requestsPerMinute;
    if (!Token.isUnresolved(this.pollRequestsPerMinute) && !(this.pollRequestsPerMinute > 0 && this.pollRequestsPerMinute <= 100_000)) {
      throw new Error(`vendor ${id}: pollRequestsPerMinute ${this.pollRequestsPerMinute} is out of range: use a positive number up to 100000, below the vendor's read limit`);
    }

    this.statusRequestTimeout = options.statusRequestTimeout ?? DEFAULT_STATUS_REQUEST_TIMEOUT;
    if (!this.statusRequestTimeout.isUnresolved()) {
      const ms = this.statusRequestTimeout.toMilliseconds();
      if (ms < 100 || ms > 60_000) {
        throw new Error(`vendor ${id}: statusRequestTimeout ${this.statusRequestTimeout.toHumanString()} is out of range: use 100 ms to 60 seconds`);
      }
    }

    const toleranceSeconds = timestampTolerance?.toSeconds() ?? defaults.timestampToleranceSeconds;
    if (toleranceSeconds !== undefined && !Token.isUnresolved(toleranceSeconds) && !(toleranceSeconds >= 1 && toleranceSeconds <= 86_400)) {
      throw new Error(`vendor ${id}: timestampTolerance ${toleranceSeconds} seconds is out of range: use 1 second to 24 hours`);
    }
    this.options = kind === 'generic' ? genericOptions(id, options.adapterOptions ?? {}, toleranceSeconds) : {
      ...(options.adapterOptions ?? {}),
      ...(toleranceSeconds !== undefined ? { timestampToleranceSeconds: toleranceSeconds } : {}),
    };
  }

  /** The verifier's view of this vendor (the `VW_VENDOR` environment variable). */
  runtimeConfig(): VendorRuntimeConfig {
    return { id: this.id, kind: this.kind, options: this.options };
  }

  /** The poller's view of this vendor (one entry of `VW_POLLER_VENDORS`). */
  pollerConfig(): PollerVendorConfig {
    return {
      vendor: this.runtimeConfig(),
      apiKeySecretArn: this.apiKey?.secretArn,
      statusApiBaseUrl: this.statusApiBaseUrl,
      requestsPerMinute: this.pollRequestsPerMinute,
      pollingEnabled: this.pollingEnabled,
      requestTimeoutMs: this.statusRequestTimeout.toMilliseconds(),
    };
  }
}

function validateId(id: string): void {
  if (Token.isUnresolved(id)) {
    throw new Error('a vendor id cannot be a token: it names routes and constructs at synth time; use a literal such as "acme"');
  }
  if (!VENDOR_ID_PATTERN.test(id)) {
    throw new Error(`vendor id "${id}" is invalid: use lower case letters, digits and "-", starting with a letter, at most 32 characters (e.g. "acme-video")`);
  }
}

function validateBaseUrl(id: string, url: string | undefined): void {
  if (url === undefined || Token.isUnresolved(url)) return;
  if (!/^https?:\/\/[^/\s]+/.test(url)) {
    throw new Error(`vendor ${id}: statusApiBaseUrl "${url}" is not an http(s) URL: use e.g. "https://api.example.com"`);
  }
}

/** The generic adapter's options with `timestampTolerance` applied to `auth.toleranceSeconds`. */
function genericOptions(id: string, options: Readonly<Record<string, unknown>>, toleranceSeconds: number | undefined): Record<string, unknown> {
  if (toleranceSeconds === undefined) return { ...options };
  const auth = options.auth as Record<string, unknown>;
  if (auth.type !== 'hmac') {
    throw new Error(`vendor ${id}: timestampTolerance applies to hmac auth only (auth.type is ${JSON.stringify(auth.type)}): remove it`);
  }
  return { ...options, auth: { ...auth, toleranceSeconds } };
}

/** Synth-time check of the generic adapter's options, the same the adapter makes at cold start. */
function validateGenericOptions(id: string, options: Readonly<Record<string, unknown>> | undefined): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`vendor ${id}: a custom vendor needs adapterOptions with auth, paths and statusMap (the generic adapter's options)`);
  }
  const problem = genericOptionsProblem(options);
  if (problem) throw new Error(`vendor ${id}: adapterOptions.${problem}`);
}
