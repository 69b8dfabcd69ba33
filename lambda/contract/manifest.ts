/**
 * What a vendor is, as plain data: its folder's `manifest.ts` (lambda/vendors/<vendor>/) fills this
 * in. The constructs read manifests (defaults, option names) and the runtime builds its per-vendor
 * tables (adapters, samples, CLI help, local secret variables) from the same list of vendors, so
 * nothing about a vendor is written twice.
 */
import type { ObjectSpec } from './options';

/** The sample webhooks `video-webhooks send` can sign and post. */
export const SAMPLE_EVENTS = ['created', 'progress', 'completed', 'failed', 'cancelled'] as const;
export type SampleEvent = (typeof SAMPLE_EVENTS)[number];

/**
 * How a vendor reports a job: `webhook`, signed (or keyed) reports the verifier authenticates and
 * turns into events; `hint`, unsigned callbacks whose body is never trusted: a callback only makes
 * its (registered) job due for a status request, and the status API's answer is the event
 * (core/hint.ts); `poll`, no webhooks at all: no route, jobs are registered by the app and the
 * poller asks the status API at the vendor's poll interval.
 */
export const VENDOR_REPORTS = ['webhook', 'hint', 'poll'] as const;
export type VendorReports = (typeof VENDOR_REPORTS)[number];

export interface VendorManifest {
  /** The adapter kind, and the default vendor id (`acme`). */
  readonly kind: string;
  /** For people: `Acme Video`. */
  readonly title: string;
  /**
   * A built-in vendor (its id defaults to its kind, the dev server serves it); false for a kind run
   * entirely by options, whose vendors each need an id.
   */
  readonly builtIn: boolean;
  /** The options its adapter takes (the JSON of `VendorRuntimeConfig.options`). */
  readonly options: ObjectSpec;
  /**
   * Options only the status API reads (where to ask, how to send the key): left out of the
   * verifier's configuration, whose adapter must construct without them and whose webhook path
   * never reads them. @default - none
   */
  readonly pollerOnlyOptions?: readonly string[];
  /** Default tolerance of the signed timestamp, in seconds; undefined when the vendor signs none. */
  readonly timestampToleranceSeconds?: number;
  /**
   * How the vendor reports (see VendorReports); `options` for a kind whose options say (custom).
   * @default 'webhook'
   */
  readonly reports?: VendorReports | 'options';
  /**
   * The default poll interval, in seconds: the poller asks about each of the vendor's jobs that are
   * not final this often, from its registration on (a vendor that only reports by its status API).
   * @default - none: a job is asked after `staleAfter` of quiet, then with a growing backoff
   */
  readonly pollIntervalSeconds?: number;
  /** Default status-API requests per minute, below the vendor's documented read limit. */
  readonly pollRequestsPerMinute: number;
  /**
   * The status API: `none`; `base-url` (a path under a base URL, `statusApiBaseUrl` below being the
   * default when the vendor publishes one); `options` (the adapter's options say where).
   */
  readonly statusApi: 'none' | 'base-url' | 'options';
  /** The public base URL of the status API; undefined when none is published. */
  readonly statusApiBaseUrl?: string;
  /** Environment variables local tooling (`video-webhooks dev`, `send`) reads for a built-in vendor. */
  readonly local?: {
    readonly webhookSecretEnv: string;
    readonly apiBaseUrlEnv: string;
    readonly apiKeyEnv: string;
    /**
     * For a vendor that signs with a private key (its public keys in a JWKS): the variable
     * `video-webhooks send` reads the private key to sign samples with. @default - none: signed with the webhook secret
     */
    readonly signingKeyEnv?: string;
  };
  /** The sample webhooks the vendor really sends (for `send` and the demo); none for a custom kind. */
  readonly sampleEvents?: readonly SampleEvent[];
}

/**
 * The variables local tooling reads for a built-in vendor: `<PREFIX>_WEBHOOK_SECRET` (or the name
 * given), `<PREFIX>_API_BASE_URL` and `<PREFIX>_API_KEY`.
 */
export function localVariables(prefix: string, webhookSecretEnv = `${prefix}_WEBHOOK_SECRET`): NonNullable<VendorManifest['local']> {
  return { webhookSecretEnv, apiBaseUrlEnv: `${prefix}_API_BASE_URL`, apiKeyEnv: `${prefix}_API_KEY` };
}

/** The variable `video-webhooks send` reads a public-key vendor's private signing key from: `<PREFIX>_SIGNING_KEY`. */
export function signingKeyVariable(prefix: string): string {
  return `${prefix}_SIGNING_KEY`;
}
