/**
 * What a vendor folder exports (lambda/vendors/<vendor>/index.ts): its manifest (plain data), its
 * adapter and its samples. The vendor list (./index.ts) is a list of these.
 */
import type { AdapterPorts, VendorAdapter } from '../core/adapter';
import type { SampleEvent, VendorManifest } from '../contract/manifest';

export interface VendorModule {
  readonly manifest: VendorManifest;
  /** The adapter under `id`, for options already checked against `manifest.options`, with the ports the composition root gives. */
  createAdapter(options: Readonly<Record<string, unknown>>, id: string, ports: AdapterPorts): VendorAdapter;
  /** Realistic signed webhooks, for `video-webhooks send`, the demo and the benchmarks. */
  readonly samples?: VendorSamples;
}

export interface VendorSamples {
  /** The payload the vendor sends for `event` (one of `manifest.sampleEvents`). */
  payload(event: SampleEvent, jobId: string, nowMs: number): Record<string, unknown>;
  /**
   * The headers the vendor sends with `body`, authenticated with `secret` at `nowMs`. Never throws,
   * whatever the body. A vendor that signs with a private key (`manifest.local.signingKeyEnv`)
   * signs with `signingKey` (PEM or JWK) for the account `secret`, and throws, saying what to
   * give, without one.
   */
  sign(body: string, secret: string, nowMs: number, signingKey?: string): Record<string, string>;
  /**
   * A random webhook secret in the form the vendor's secrets take (a `whsec_` key, say), for the demo
   * and tests. @default - random letters and digits
   */
  secret?(): string;
  /** A job id of the vendor's kind: the `sequence`-th one, or a random one. */
  jobId(sequence?: number): string;
  /** What the vendor's status API answers for a job still in progress (for fake status APIs). */
  statusAnswer(jobId: string): Record<string, unknown>;
  /**
   * The query the vendor's callback URL carries for `secret` (an unsigned vendor's token: the
   * sender puts it in the URL, not in a header). @default - none
   */
  query?(secret: string): Record<string, string>;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * A vendor module whose adapter takes options of type `O`. The compiler checks that the option
 * names of `O` are exactly the ones the manifest's spec lists, so the two cannot drift apart.
 */
export function defineVendor<O, M extends VendorManifest>(
  module: { readonly manifest: M; createAdapter(options: O, id: string, ports: AdapterPorts): VendorAdapter; readonly samples?: VendorSamples } & (Same<keyof O, keyof M['options']['properties']> extends true
    ? unknown
    : { readonly optionNamesDifferFromTheManifest: never }),
): VendorModule {
  return module as unknown as VendorModule;
}
