/**
 * A realistic, correctly signed vendor webhook, or any body signed for any vendor (the custom
 * vendors of `--config` too): what `video-webhooks send` posts and the dev console's "Send a test
 * event" sends, one code for both. The checks run in the order a person fixes things: the vendor,
 * then the event, then the secret.
 */
import type { VendorRuntimeConfig } from '../../lambda/contract/deployment';
import { customCallbackQuery, signCustomRequest, type CustomOptions } from '../../lambda/vendors/custom';
import { registry } from '../../lambda/vendors/registry';
import { sampleJobId, samplePayload, sampleQuery, signRequest, UnsupportedSampleError, type SampleEvent } from '../../lambda/vendors/samples';
import { envSecrets } from '../adapters/secrets';
import { didYouMean } from './suggest';
import { webhookSecretEnv } from './wiring';

export { UnsupportedSampleError } from '../../lambda/vendors/samples';

export interface SignedSample {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The sample's job id; undefined for a body of your own. */
  readonly jobId: string | undefined;
}

export interface SampleOptions {
  readonly jobId?: string;
  readonly url?: string;
  /** Posts to http://127.0.0.1:<port>/webhooks/<vendor>. @default 8787 */
  readonly port?: number;
  readonly secret?: string;
  /** The private key a public-key vendor signs with (PEM or JWK). @default the vendor's `<ID>_SIGNING_KEY` */
  readonly signingKey?: string;
  /** Sign and send these bytes instead of a sample. */
  readonly body?: string;
  /** Vendors of a `--config` file. */
  readonly configVendors?: readonly VendorRuntimeConfig[];
  readonly env?: NodeJS.ProcessEnv;
  readonly nowMs?: number;
}

export const SEND_USAGE = 'usage: video-webhooks send <vendor> <event> | send <vendor> --body FILE  [--job-id ID] [--port 8787 | --url URL] [--secret S] [--config FILE] [--print]';
const DEFAULT_PORT = 8787;

/** Builds and signs the request; throws UnsupportedSampleError, or an Error saying what to fix. */
export function buildSample(vendor: string, event: string | undefined, options: SampleOptions = {}): SignedSample {
  const builtIn = registry.builtIn(vendor);
  const custom = options.configVendors?.find((v) => v.id === vendor);
  if (!builtIn && !custom) throw new Error(unknownVendor(vendor, options.configVendors ?? []));
  if (builtIn?.reports === 'poll' || (custom?.options.auth as { type?: string } | undefined)?.type === 'poll-only') {
    const local = builtIn?.manifest.local;
    throw new UnsupportedSampleError(`${vendor} sends no webhooks: it is polled; register its jobs (POST /jobs) and set ${local ? `${local.apiBaseUrlEnv} or ${local.apiKeyEnv}` : 'its <ID>_API_BASE_URL or <ID>_API_KEY'}`);
  }
  if (options.body === undefined && event === undefined) throw new Error(`say which event, or pass --body FILE: ${SEND_USAGE}`);
  if (options.body !== undefined && event !== undefined) throw new Error(`pass an event or --body FILE, not both: ${SEND_USAGE}`);
  if (custom && options.body === undefined) throw new Error(`${vendor} is a vendor of --config and has no sample events: pass --body FILE with the body to sign`);
  if (builtIn && event !== undefined && !(builtIn.sampleEvents as readonly string[]).includes(event)) {
    throw new UnsupportedSampleError(`${vendor} has no ${event} webhook; it sends: ${builtIn.sampleEvents.join(', ')}${didYouMean(event, builtIn.sampleEvents)}`);
  }
  const env = options.env ?? process.env;
  const secretEnv = webhookSecretEnv(vendor);
  // The secret format of core/secrets.ts; during a rotation the newest (last) secret signs.
  const secret = options.secret ?? envSecrets(env, secretEnv).at(-1);
  if (!secret) throw new Error(`no secret for ${vendor}: pass --secret or set ${secretEnv}`);
  const nowMs = options.nowMs ?? Date.now();
  const jobId = options.body === undefined ? (options.jobId ?? sampleJobId(vendor)) : undefined;
  const body = options.body ?? JSON.stringify(samplePayload(vendor, event as SampleEvent, jobId as string, nowMs));
  const signingKey = signingKeyOf(vendor, builtIn?.manifest.local.signingKeyEnv, custom, options.signingKey, env);
  const headers = custom ? signCustomRequest(custom.options as unknown as CustomOptions, body, secret, nowMs, signingKey) : signRequest(vendor, body, secret, nowMs, signingKey);
  // An unsigned vendor's callback carries its token in the URL, not in a header.
  const query = custom ? customCallbackQuery(custom.options as unknown as CustomOptions, secret) : sampleQuery(vendor, secret);
  const url = new URL(options.url ?? `http://127.0.0.1:${options.port ?? DEFAULT_PORT}/webhooks/${vendor}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return { url: Object.keys(query).length > 0 ? url.toString() : (options.url ?? url.toString()), headers, body, jobId };
}

function signingKeyOf(vendor: string, builtInEnv: string | undefined, custom: VendorRuntimeConfig | undefined, given: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const auth = (custom?.options as { auth?: { type?: unknown } } | undefined)?.auth;
  const variable = builtInEnv ?? (auth?.type === 'ed25519-jwks' ? `${vendor.toUpperCase().replace(/-/g, '_')}_SIGNING_KEY` : undefined);
  if (variable === undefined) return undefined;
  const key = given ?? env[variable];
  if (!key) {
    throw new Error(
      `${vendor} signs with a private key, whose public key it publishes: set ${variable} to an Ed25519 private key (PKCS#8 PEM or JWK), and serve its public key to the dev server at ${vendor.toUpperCase().replace(/-/g, '_')}_JWKS_URL`,
    );
  }
  return key;
}

function unknownVendor(vendor: string, configVendors: readonly VendorRuntimeConfig[]): string {
  const ids = [...registry.builtIns.map((b) => b.id), ...configVendors.map((v) => v.id)];
  const hint = didYouMean(vendor, ids);
  return `unknown vendor ${vendor}${hint || `: use one of ${ids.join(', ')}`}${configVendors.length === 0 ? ' (a custom vendor needs --config FILE)' : ''}`;
}
