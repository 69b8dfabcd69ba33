/**
 * What every vendor shares: the options each takes, and the definition a vendor's file
 * (lib/vendors/<vendor>.ts) makes of its own options for the `Vendor` its factory returns.
 */
import type { Duration } from 'aws-cdk-lib/core';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { VendorManifest, VendorReports } from '../../lambda/contract/manifest';
import type { OptionsOf } from '../../lambda/contract/options';

/** Options every vendor takes but the webhook secret (a poll-only vendor sends no webhooks). */
export interface PolledVendorOptions {
  /**
   * An existing secret holding the key of the vendor's status API, read by the poller only (never
   * by the verifier).
   *
   * @default - no key is sent to the status API
   */
  readonly apiKey?: secretsmanager.ISecret;

  /**
   * Base URL of the vendor's status API, e.g. `https://api.example.com`.
   *
   * @default - the vendor's public base URL, when it has one (each vendor's options name it)
   */
  readonly statusApiBaseUrl?: string;

  /**
   * Whether the poller asks the vendor's status API about jobs that went quiet. Jobs of a vendor
   * that is not polled still get an `expired` event at the give-up age.
   *
   * @default - true when the vendor has a status API with a known base URL (its own, or
   * `statusApiBaseUrl`; for a custom vendor, `statusUrlTemplate`)
   */
  readonly polling?: boolean;

  /**
   * Status-API requests per minute the poller sends to this vendor, at most.
   *
   * @default - below the vendor's documented read limit (each vendor's options name it)
   */
  readonly pollRequestsPerMinute?: number;

  /**
   * Timeout of one status-API request.
   *
   * @default Duration.seconds(5)
   */
  readonly statusRequestTimeout?: Duration;

  /**
   * Let the poller send the status-API key over plain http, and ask a status API on a loopback
   * address (a local stand-in: tests, `video-webhooks dev`). Without it the poller refuses both,
   * and synth refuses plain http with an `apiKey`. Synth refuses a loopback or link-local status URL
   * either way (on Lambda, loopback is the Runtime API; link-local the metadata endpoints), and the
   * deployed poller never asks loopback or link-local addresses, whatever this says.
   *
   * @default false
   */
  readonly allowInsecureStatusApi?: boolean;

  /**
   * Ask the status API about each of the vendor's jobs that are not final once per this interval,
   * from one interval after its registration on, whether or not it was quiet (instead of after
   * `staleAfter` of quiet with a growing backoff). For a vendor that reports only through its status
   * API; a vendor with a poll interval makes the poller run every minute. 10 seconds to 1 hour;
   * under the poller's schedule, it is asked at every run.
   *
   * @default - the vendor's own (a poll-only vendor's, 30 seconds for the built-in one and a custom one); none for the others
   */
  readonly pollInterval?: Duration;
}

/** Options every vendor that sends webhooks takes. */
export interface VendorOptions extends PolledVendorOptions {
  /**
   * An existing secret the vendor's webhooks are authenticated with: the signing secret (HMAC
   * vendors), the static key (bearer vendors), the account ids whose deliveries are accepted
   * (vendors that sign with public keys), or the token of an unsigned vendor's callback URL. The
   * secret value is either one string or a JSON array of strings, all accepted at once (during a
   * rotation, or several accounts). Only read (by this vendor's verifier), never created or changed here.
   */
  readonly webhookSecret: secretsmanager.ISecret;
}

/** Options of a built-in vendor that sends no webhooks (it is polled). */
export interface PollOnlyVendorOptions extends PolledVendorOptions {
  /**
   * The vendor id: the event `source` (`video-webhooks/<id>`) and `data.vendor`, and the vendor
   * `registerJob` names. Lower case letters, digits and `-`, at most 32 characters, starting with
   * a letter.
   *
   * @default - the vendor's own (each vendor's options name it)
   */
  readonly id?: string;
}

/** Options of a built-in vendor. */
export interface BuiltInVendorOptions extends VendorOptions {
  /**
   * The vendor id: the webhook path segment (`/webhooks/<id>`), the event `source`
   * (`video-webhooks/<id>`) and `data.vendor`. Lower case letters, digits and `-`, at most 32
   * characters, starting with a letter. Set it to run two accounts of one vendor side by side.
   *
   * @default - the vendor's own (each vendor's options name it)
   */
  readonly id?: string;
}

/** What a vendor's file makes of its options: the `Vendor` its factory returns is built from it. */
export interface VendorDefinition {
  readonly manifest: VendorManifest;
  /** The options every vendor takes (and the id and the webhook secret, if given). */
  readonly options: DefinedVendorOptions;
  /** How the vendor reports (a custom vendor's auth says; a built-in vendor's manifest). */
  readonly reports: VendorReports;
  /** The adapter's options, as its manifest's option spec types them; the unset ones are left out. */
  readonly adapterOptions: object;
  /** Where the adapter's options are in the vendor's options (`adapterOptions`), for the messages; '' at the top. */
  readonly optionsPath: string;
}

/**
 * A vendor's definition, its adapter options typed by its manifest's option spec: a name the spec
 * does not list, or a value of another type than the spec's, fails to compile (lib and the manifest
 * cannot drift apart). `unlisted` are options the types do not know (a JavaScript caller's, or a
 * cast's), passed on so that the synth's check refuses them by name.
 */
export function vendorDefinition<M extends VendorManifest>(
  manifest: M,
  options: DefinedVendorOptions,
  adapterOptions: NoInfer<OptionsOf<M['options']>>,
  optionsPath = '',
  unlisted: object = {},
  reports: VendorReports = manifest.reports === undefined || manifest.reports === 'options' ? 'webhook' : manifest.reports,
): VendorDefinition {
  return { manifest, options, reports, adapterOptions: { ...unlisted, ...adapterOptions }, optionsPath };
}

/** The options a vendor's definition carries: the shared ones, and the id and webhook secret when given. */
export type DefinedVendorOptions = PolledVendorOptions & { readonly id?: string; readonly webhookSecret?: secretsmanager.ISecret };

/** Who a vendor's problems are about, in messages: `vendor <id>` (a factory has no construct path yet). */
export function vendorSubject(manifest: VendorManifest, options: { readonly id?: string }): string {
  return `vendor ${options.id ?? manifest.kind}`;
}
