/**
 * Realistic sample webhooks of the built-in vendors, signed exactly as each vendor signs them: for
 * `video-webhooks send`, the demo and the benchmarks. Each vendor's own are in its folder
 * (`samples.ts`); this is the table over the vendor list.
 */
import { randomBytes } from 'node:crypto';
import { SAMPLE_EVENTS, type SampleEvent } from '../contract/manifest';
import { registry, type BuiltInVendor } from './registry';

export { SAMPLE_EVENTS, type SampleEvent };

/** Which sample events each built-in vendor really sends by webhook. */
export const VENDOR_EVENTS: Readonly<Record<string, readonly SampleEvent[]>> = Object.fromEntries(registry.builtIns.map((b) => [b.id, b.sampleEvents]));

/**
 * The sample events of the built-in vendors whose webhooks are reports (signed or keyed): each
 * sample becomes an event. An unsigned vendor's samples are callbacks, which only the status API
 * answers (core/hint.ts), and a poll-only vendor has none.
 */
export const REPORT_EVENTS: Readonly<Record<string, readonly SampleEvent[]>> = Object.fromEntries(registry.builtIns.filter((b) => b.reports === 'webhook').map((b) => [b.id, b.sampleEvents]));

export class UnsupportedSampleError extends Error {}

/** The payload `vendor` sends for `event`, or throws UnsupportedSampleError naming what it has. */
export function samplePayload(vendor: string, event: SampleEvent, jobId: string, nowMs: number): Record<string, unknown> {
  const b = sampled(vendor);
  if (b.reports === 'poll') throw new UnsupportedSampleError(`${vendor} sends no webhooks: it is polled`);
  if (!b.sampleEvents.includes(event)) throw new UnsupportedSampleError(`${vendor} has no ${event} webhook; it sends: ${b.sampleEvents.join(', ')}`);
  return b.samples.payload(event, jobId, nowMs);
}

/**
 * The headers `vendor` sends with `body`, authenticated with `secret` at `nowMs`. Never throws,
 * whatever the body; a vendor that signs with a private key needs `signingKey` (see `signsWithSecret`).
 */
export function signRequest(vendor: string, body: string, secret: string, nowMs: number, signingKey?: string): Record<string, string> {
  return sampled(vendor).samples.sign(body, secret, nowMs, signingKey);
}

/**
 * Whether `vendor`'s samples are signed with its webhook secret alone; false for a vendor that
 * signs with a private key whose public keys it publishes (`manifest.local.signingKeyEnv`).
 */
export function signsWithSecret(vendor: string): boolean {
  return sampled(vendor).manifest.local.signingKeyEnv === undefined;
}

/** A random webhook secret in `vendor`'s form (for the demo and tests): what signRequest signs with. */
export function sampleSecret(vendor: string): string {
  return sampled(vendor).samples.secret?.() ?? `${vendor}_${randomBytes(12).toString('hex')}`;
}

/** The query `vendor`'s callback URL carries for `secret` (an unsigned vendor's token); none for a signing vendor. */
export function sampleQuery(vendor: string, secret: string): Record<string, string> {
  return sampled(vendor).samples.query?.(secret) ?? {};
}

/** A realistic job id for `vendor` (some vendors' are numbers): the `sequence`-th one, or a random one. */
export function sampleJobId(vendor: string, sequence?: number): string {
  return sampled(vendor).samples.jobId(sequence);
}

/** What `vendor`'s status API answers for a job still in progress. */
export function sampleStatusAnswer(vendor: string, jobId: string): Record<string, unknown> {
  return sampled(vendor).samples.statusAnswer(jobId);
}

function sampled(vendor: string): BuiltInVendor & { samples: NonNullable<BuiltInVendor['samples']> } {
  const b = registry.builtIn(vendor);
  if (!b?.samples) throw new Error(`unknown vendor ${vendor}: use one of ${registry.builtIns.map((v) => v.id).join(', ')}`);
  return b as BuiltInVendor & { samples: NonNullable<BuiltInVendor['samples']> };
}
