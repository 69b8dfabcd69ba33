/**
 * A vendor you add yourself, described by options and run by the custom adapter
 * (lambda/vendors/custom/): its options, and what they are to the adapter. The part that says where
 * the fields are and how the status API is asked is shared with the Standard Webhooks vendor.
 */
import type { OptionsOf } from '../../lambda/contract/options';
import { customManifest } from '../../lambda/vendors/custom/manifest';
import { WebhookAuth } from '../webhook-auth';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { vendorDefinition, type PolledVendorOptions, type VendorDefinition } from './base';

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

/**
 * Where a custom vendor's fields are in its bodies, and how its status API is asked: the options
 * `Vendor.custom`'s `adapterOptions` and `Vendor.standardWebhooks` share.
 */
export interface CustomVendorMappingOptions {
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

/** How a custom vendor's webhooks are read. The same options, as JSON, configure `video-webhooks dev --config`. */
export interface CustomVendorAdapterOptions extends CustomVendorMappingOptions {
  /**
   * How the webhooks are authenticated: `WebhookAuth.hmac({...})`, `WebhookAuth.keyedHeader({...})`,
   * `WebhookAuth.ed25519Jwks({...})`, `WebhookAuth.standardWebhooks()` or `WebhookAuth.bearer()`;
   * `WebhookAuth.unsignedHint()` for unsigned callbacks, `WebhookAuth.pollOnly()` for none.
   */
  readonly auth: WebhookAuth;
}

/**
 * A vendor you add yourself: described by options, run by the custom adapter.
 *
 * Defaults of the shared options: `pollRequestsPerMinute` 60, `statusApiBaseUrl` none (`adapterOptions.statusUrlTemplate` says where the status API is).
 */
export interface CustomVendorOptions extends PolledVendorOptions {
  /** The vendor id (see `BuiltInVendorOptions.id` for its form). */
  readonly id: string;

  /**
   * An existing secret the vendor's webhooks are authenticated with (see `VendorOptions.webhookSecret`):
   * its signing secret or key, or with `WebhookAuth.unsignedHint()` the token of its callback URL.
   * Required, but with `WebhookAuth.pollOnly()`, which takes none.
   *
   * @default - none: only with `WebhookAuth.pollOnly()`
   */
  readonly webhookSecret?: secretsmanager.ISecret;

  /** How its webhooks are authenticated and read. */
  readonly adapterOptions: CustomVendorAdapterOptions;
}

/** The custom adapter's options, as its manifest's spec types them. */
type CustomAdapterOptions = OptionsOf<typeof customManifest.options>;

export function customDefinition(options: CustomVendorOptions): VendorDefinition {
  if (options.id === undefined) throw new Error('a custom vendor needs an id: pass Vendor.custom({ id: "acme", ... })');
  const adapterOptions = options.adapterOptions as CustomVendorAdapterOptions | undefined;
  if (typeof adapterOptions !== 'object' || adapterOptions === null) {
    throw new Error(`vendor ${options.id}: a custom vendor needs adapterOptions with auth, paths and statusMap`);
  }
  if (!(adapterOptions.auth instanceof WebhookAuth)) {
    throw new Error(
      `vendor ${options.id}: adapterOptions.auth must be WebhookAuth.hmac({...}), WebhookAuth.keyedHeader({...}), WebhookAuth.ed25519Jwks({...}), WebhookAuth.standardWebhooks(), WebhookAuth.bearer({...}), WebhookAuth.unsignedHint() or WebhookAuth.pollOnly()`,
    );
  }
  const { auth, paths, statusMap, statusUrlTemplate, apiKeyHeader, apiKeyPrefix, statusPaths, ...unlisted } = adapterOptions;
  const reports = auth.type === 'poll-only' ? 'poll' : auth.type === 'unsigned-hint' ? 'hint' : 'webhook';
  if (reports !== 'webhook' && statusUrlTemplate === undefined) {
    throw new Error(`vendor ${options.id}: ${reports === 'poll' ? 'a poll-only vendor' : 'an unsigned vendor'} reports through its status API alone: set adapterOptions.statusUrlTemplate`);
  }
  return vendorDefinition(customManifest, options, { auth: auth._json, ...mappingOf({ paths, statusMap, statusUrlTemplate, apiKeyHeader, apiKeyPrefix, statusPaths }) }, 'adapterOptions', unlisted, reports);
}

/** The shared options as the custom adapter takes them. */
export function mappingOf(options: CustomVendorMappingOptions): Omit<CustomAdapterOptions, 'auth'> {
  return {
    paths: pathsOf(options.paths),
    // The map's values are checked at synth against the normalized statuses (the type cannot be: jsii has no string unions).
    statusMap: options.statusMap as CustomAdapterOptions['statusMap'],
    statusUrlTemplate: options.statusUrlTemplate,
    apiKeyHeader: options.apiKeyHeader,
    apiKeyPrefix: options.apiKeyPrefix,
    statusPaths: options.statusPaths && pathsOf(options.statusPaths),
  };
}

/**
 * The paths as the custom adapter takes them: each name written out, so that one the spec does not
 * list fails to compile (a struct passed whole would get no such check); names the type does not
 * know are passed on for the synth's check to refuse by name.
 */
function pathsOf(paths: CustomVendorPaths): CustomAdapterOptions['paths'] {
  const { jobId, status, errorMessage, errorCode, outputUrl, progress, stage, time, eventType, ...unlisted } = paths;
  const mapped: CustomAdapterOptions['paths'] = { jobId, status, errorMessage, errorCode, outputUrl, progress, stage, time, eventType };
  return { ...unlisted, ...Object.fromEntries(Object.entries(mapped).filter(([, path]) => path !== undefined)) } as CustomAdapterOptions['paths'];
}
