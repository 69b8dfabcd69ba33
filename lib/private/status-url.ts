/**
 * The synth-time check of where a vendor's status API is configured (see
 * lambda/contract/status-url.ts for the classification the poller shares): link-local and
 * loopback are errors, a key over plain http is an error unless `allowInsecureStatusApi`, a
 * private range or plain http a warning. A token is left to the poller, which checks every request.
 */
import { Token } from 'aws-cdk-lib/core';
import { describeTarget, statusUrlTarget } from '../../lambda/contract/status-url';

export interface ConfiguredStatusUrl {
  readonly vendorId: string;
  /** The option it was given as (`statusApiBaseUrl`, `adapterOptions.statusUrlTemplate`). */
  readonly option: string;
  readonly url: string;
  readonly hasApiKey: boolean;
  readonly allowInsecure: boolean;
}

/** Throws for a status URL the poller must never ask; returns the warnings for one it may. */
export function checkStatusUrl(c: ConfiguredStatusUrl): string[] {
  if (Token.isUnresolved(c.url)) return [];
  const target = statusUrlTarget(c.url);
  if (!target) return []; // the option checks already said it is not an http(s) URL
  const named = `vendor ${c.vendorId}: ${c.option} "${c.url}"`;
  if (target.range === 'link-local' || target.range === 'loopback') {
    throw new Error(`${named} is not a vendor's status API: ${describeTarget(target)}: use the vendor's public https URL`);
  }
  const plainHttp = target.protocol === 'http:';
  if (plainHttp && c.hasApiKey && !c.allowInsecure) {
    throw new Error(
      `${named} is plain http and the vendor has an apiKey: the poller never sends a key over plain http; use https, or set allowInsecureStatusApi: true if the network between them is yours`,
    );
  }
  const warnings: string[] = [];
  if (target.range === 'private') warnings.push(`${named}: ${describeTarget(target)}; use the vendor's public URL`);
  if (plainHttp && !c.allowInsecure) {
    warnings.push(
      `${named} is plain http: anyone on the way can read and rewrite the status answers, and so publish any status (and video URL) for a job; use https, or set allowInsecureStatusApi: true to accept it`,
    );
  }
  return warnings;
}
