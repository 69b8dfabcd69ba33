/**
 * The vendors: the `Vendor` class, one factory per vendor. Each vendor's options, and what they are
 * to its adapter, are in its own file, lib/vendors/<vendor>.ts; this file lists them (an import,
 * an export of its options type, its factory) and builds a `Vendor` from what they define.
 */
import { Duration, Token } from 'aws-cdk-lib/core';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DEFAULTS, type PollerVendorConfig, type VendorRuntimeConfig } from '../lambda/contract/deployment';
import { optionsProblem } from '../lambda/contract/options';
import { secretIdOf } from './private/grants';
import { checkStatusUrl } from './private/status-url';
import { validateDuration, validateHttpUrl, validateNumber } from './private/validate';
import type { VendorManifest } from '../lambda/contract/manifest';
import type { DefinedVendorOptions, VendorDefinition } from './vendors/base';
import { customDefinition, type CustomVendorOptions } from './vendors/custom';
import { elevenlabsDefinition, type ElevenLabsVendorOptions } from './vendors/elevenlabs';
import { falDefinition, type FalVendorOptions } from './vendors/fal';
import { heygenDefinition, type HeyGenVendorOptions } from './vendors/heygen';
import { lipdubDefinition, type LipDubVendorOptions } from './vendors/lipdub';
import { lumaDefinition, type LumaVendorOptions } from './vendors/luma';
import { muxDefinition, type MuxVendorOptions } from './vendors/mux';
import { replicateDefinition, type ReplicateVendorOptions } from './vendors/replicate';
import { runwayDefinition, type RunwayVendorOptions } from './vendors/runway';
import { standardWebhooksDefinition, type StandardWebhooksVendorOptions } from './vendors/standard-webhooks';
import { syncDefinition, type SyncVendorOptions } from './vendors/sync';
import { synthesiaDefinition, type SynthesiaVendorOptions } from './vendors/synthesia';
import { tavusDefinition, type TavusVendorOptions } from './vendors/tavus';
import { viralsyncDefinition, type ViralSyncVendorOptions } from './vendors/viralsync';

export type { BuiltInVendorOptions, PolledVendorOptions, PollOnlyVendorOptions, VendorOptions } from './vendors/base';
export type { CustomVendorAdapterOptions, CustomVendorMappingOptions, CustomVendorOptions, CustomVendorPaths } from './vendors/custom';
export type { ElevenLabsVendorOptions } from './vendors/elevenlabs';
export type { FalVendorOptions } from './vendors/fal';
export type { HeyGenVendorOptions } from './vendors/heygen';
export type { LipDubVendorOptions } from './vendors/lipdub';
export type { LumaVendorOptions } from './vendors/luma';
export type { MuxVendorOptions } from './vendors/mux';
export type { ReplicateVendorOptions } from './vendors/replicate';
export type { RunwayVendorOptions } from './vendors/runway';
export type { StandardWebhooksVendorOptions } from './vendors/standard-webhooks';
export type { SyncVendorOptions } from './vendors/sync';
export type { SynthesiaVendorOptions } from './vendors/synthesia';
export type { TavusVendorOptions } from './vendors/tavus';
export type { ViralSyncVendorOptions } from './vendors/viralsync';

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
    return new Vendor(syncDefinition(options));
  }

  /** LipDub AI: a static key (`Authorization: Bearer`), status API `GET /v1/renders/{id}/status`. */
  static lipdub(options: LipDubVendorOptions): Vendor {
    return new Vendor(lipdubDefinition(options));
  }

  /** ViralSync: HMAC-SHA256 of the raw body in `x-render-signature`; status API `GET /v1/jobs/{jobId}` at a base URL you set. */
  static viralsync(options: ViralSyncVendorOptions): Vendor {
    return new Vendor(viralsyncDefinition(options));
  }

  /** Synthesia: `Synthesia-Signature` + `Synthesia-Timestamp` HMAC-SHA256, status API `GET /v2/videos/{id}`. */
  static synthesia(options: SynthesiaVendorOptions): Vendor {
    return new Vendor(synthesiaDefinition(options));
  }

  /** Replicate: Standard Webhooks (`webhook-signature`), status API `GET /v1/predictions/{id}`. */
  static replicate(options: ReplicateVendorOptions): Vendor {
    return new Vendor(replicateDefinition(options));
  }

  /** Mux Video: `mux-signature: t=<unix>,v1=<hex>` HMAC-SHA256 webhooks, status API `GET /video/v1/assets/{id}`. */
  static mux(options: MuxVendorOptions): Vendor {
    return new Vendor(muxDefinition(options));
  }

  /** ElevenLabs (dubbing): `ElevenLabs-Signature: t=<unix>,v0=<hex>` HMAC-SHA256 webhooks, status API `GET /v1/dubbing/...`. */
  static elevenlabs(options: ElevenLabsVendorOptions): Vendor {
    return new Vendor(elevenlabsDefinition(options));
  }

  /** fal.ai: Ed25519 webhooks checked with fal's JWKS; status API (with `modelId`) `GET /{model}/requests/{id}/status`. */
  static fal(options: FalVendorOptions): Vendor {
    return new Vendor(falDefinition(options));
  }

  /** Luma Dream Machine: unsigned callbacks, each a hint for `GET /dream-machine/v1/generations/{id}` (its answer is the event). */
  static luma(options: LumaVendorOptions): Vendor {
    return new Vendor(lumaDefinition(options));
  }

  /** Runway: no webhooks; each registered task is polled at `GET /v1/tasks/{id}` every 30 seconds. */
  static runway(options: RunwayVendorOptions = {}): Vendor {
    return new Vendor(runwayDefinition(options));
  }

  /** HeyGen: unsigned per-job callbacks, each a hint for `GET /v3/videos/{video_id}` (its answer is the event). */
  static heygen(options: HeyGenVendorOptions): Vendor {
    return new Vendor(heygenDefinition(options));
  }

  /** Tavus: unsigned callbacks, each a hint for `GET /v2/videos/{video_id}` (its answer is the event). */
  static tavus(options: TavusVendorOptions): Vendor {
    return new Vendor(tavusDefinition(options));
  }

  /** Any other vendor, run by the custom adapter configured with `adapterOptions`. */
  static custom(options: CustomVendorOptions): Vendor {
    return new Vendor(customDefinition(options));
  }

  /** A vendor that sends Standard Webhooks (Svix and others), run by the custom adapter with `WebhookAuth.standardWebhooks()`. */
  static standardWebhooks(options: StandardWebhooksVendorOptions): Vendor {
    return new Vendor(standardWebhooksDefinition(options));
  }

  /** The vendor id (path segment and event source). */
  readonly id: string;
  /** The adapter that handles it: a built-in vendor's own, or `custom`. */
  readonly kind: string;
  /** The webhook secret (read by this vendor's verifier only); none for a vendor that sends no webhooks. */
  readonly webhookSecret?: secretsmanager.ISecret;
  /**
   * How the vendor reports: `webhook` (signed reports, each verified and made an event), `hint`
   * (unsigned callbacks, each only a hint for the status API, which makes the events) or `poll` (no
   * webhooks: no route, its jobs are registered and polled).
   */
  readonly reports: string;
  /** How often the poller asks about each of its jobs that are not final; undefined: after `staleAfter` of quiet. */
  readonly pollInterval?: Duration;
  /** The status-API key (read by the poller only), if any. */
  readonly apiKey?: secretsmanager.ISecret;
  /** Whether the poller asks this vendor's status API. */
  readonly pollingEnabled: boolean;
  /** Status-API requests per minute, at most. */
  readonly pollRequestsPerMinute: number;

  private readonly statusApiBaseUrl: string | undefined;
  private readonly statusRequestTimeout: Duration;
  private readonly allowInsecureStatusApi: boolean;
  private readonly options: Record<string, unknown>;
  private readonly pollerOnlyOptions: readonly string[];
  private readonly statusUrlWarnings: readonly string[];

  private constructor({ manifest, options, adapterOptions, optionsPath, reports }: VendorDefinition) {
    this.id = options.id ?? manifest.kind;
    validateId(this.id);
    const subject = `vendor ${this.id}`;
    this.kind = manifest.kind;
    this.reports = reports;
    this.pollerOnlyOptions = manifest.pollerOnlyOptions ?? [];
    this.webhookSecret = webhookSecretOf(subject, reports, options, manifest.kind === 'custom' ? 'WebhookAuth.pollOnly()' : undefined);
    this.apiKey = options.apiKey;
    this.statusApiBaseUrl = options.statusApiBaseUrl;
    validateHttpUrl(subject, 'statusApiBaseUrl', options.statusApiBaseUrl, 'https://api.example.com');

    // The same check the adapter runs at cold start: a bad or misspelt option fails the synth.
    this.options = definedOnly(adapterOptions);
    const problem = optionsProblem(manifest.options, this.options, optionsPath);
    if (problem) throw new Error(`${subject}: ${problem}`);

    const pollable =
      manifest.statusApi === 'options' ? typeof this.options.statusUrlTemplate === 'string' : manifest.statusApi === 'base-url' && (manifest.statusApiBaseUrl !== undefined || options.statusApiBaseUrl !== undefined);
    this.pollingEnabled = options.polling ?? pollable;
    if (!this.pollingEnabled && reports !== 'webhook') {
      throw new Error(`${subject} reports only through its status API: polling cannot be false`);
    }
    if (this.pollingEnabled && !pollable) {
      throw new Error(
        manifest.statusApi === 'options'
          ? `${subject}: polling is on but adapterOptions has no statusUrlTemplate: set it (e.g. "https://api.example.com/v1/jobs/{jobId}"), or polling: false`
          : `${subject}: polling is on but its status API has no public base URL: set statusApiBaseUrl, or polling: false`,
      );
    }
    this.allowInsecureStatusApi = options.allowInsecureStatusApi ?? false;
    this.statusUrlWarnings = this.pollingEnabled ? this.checkStatusUrl(manifest, options, optionsPath) : [];

    this.pollRequestsPerMinute = options.pollRequestsPerMinute ?? manifest.pollRequestsPerMinute;
    validateNumber(subject, 'pollRequestsPerMinute', this.pollRequestsPerMinute, (n) => n > 0 && n <= 100_000, "a positive number up to 100000, below the vendor's read limit");
    this.statusRequestTimeout = options.statusRequestTimeout ?? DEFAULT_STATUS_REQUEST_TIMEOUT;
    validateDuration(subject, 'statusRequestTimeout', this.statusRequestTimeout, Duration.millis(100), Duration.seconds(60));
    const ownInterval = manifest.pollIntervalSeconds ?? (reports === 'poll' ? DEFAULTS.pollOnlyIntervalSeconds : undefined);
    this.pollInterval = options.pollInterval ?? (ownInterval === undefined ? undefined : Duration.seconds(ownInterval));
    validateDuration(subject, 'pollInterval', this.pollInterval, Duration.seconds(10), Duration.hours(1));
  }

  /**
   * Whether the poller must run every minute for this vendor: its jobs are asked at an interval,
   * or its callbacks are hints the next run answers.
   * @internal
   */
  _needsPromptPolling(): boolean {
    return this.reports === 'hint' || this.pollInterval !== undefined;
  }

  /**
   * What the status-URL check found worth a warning (the poller's scope adds them).
   * @internal
   */
  _statusUrlWarnings(): readonly string[] {
    return this.statusUrlWarnings;
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
      ...(this.allowInsecureStatusApi ? { allowInsecureStatusApi: true } : {}),
      ...(this.pollInterval ? { pollIntervalMs: this.pollInterval.toMilliseconds() } : {}),
    };
  }

  /** The URL the poller will ask (a base URL overrides a template's origin), checked; its warnings. */
  private checkStatusUrl(manifest: VendorManifest, options: DefinedVendorOptions, optionsPath: string): string[] {
    const template = manifest.statusApi === 'options' ? this.options.statusUrlTemplate : undefined;
    const [option, url] =
      options.statusApiBaseUrl !== undefined ? ['statusApiBaseUrl', options.statusApiBaseUrl]
        : typeof template === 'string' ? [optionsPath ? `${optionsPath}.statusUrlTemplate` : 'statusUrlTemplate', template]
          : [undefined, undefined];
    if (option === undefined || url === undefined) return []; // a built-in vendor's own public https URL
    return checkStatusUrl({ vendorId: this.id, option, url, hasApiKey: options.apiKey !== undefined, allowInsecure: this.allowInsecureStatusApi });
  }
}

/** The webhook secret a vendor needs (every one but a poll-only vendor, which takes none). */
function webhookSecretOf(subject: string, reports: string, options: DefinedVendorOptions, pollOnlyAuth: string | undefined): secretsmanager.ISecret | undefined {
  if (reports === 'poll') {
    if (options.webhookSecret !== undefined) throw new Error(`${subject} sends no webhooks${pollOnlyAuth ? ` (${pollOnlyAuth})` : ''}: remove webhookSecret`);
    return undefined;
  }
  if (options.webhookSecret === undefined) {
    throw new Error(`${subject}: webhookSecret is required: ${reports === 'hint' ? 'the token its callback URL carries (?token=<secret value>)' : 'the secret its webhooks are signed with (or its key)'}`);
  }
  return options.webhookSecret;
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
function definedOnly(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
