/**
 * `video-webhooks send`: a realistic, correctly signed vendor webhook, posted or printed as curl;
 * or any body (`--body FILE`) signed for any vendor, the custom vendors of `--config FILE` too.
 * The checks run in the order a person fixes things: the vendor, then the event, then the secret.
 */
import { readFileSync } from 'node:fs';
import type { VendorRuntimeConfig } from '../lambda/contract/deployment';
import { readVendorConfig } from '../local/dev-server/config';
import { didYouMean } from '../local/dev-server/suggest';
import { webhookSecretEnv } from '../local/dev-server/wiring';
import { customCallbackQuery, signCustomRequest, type CustomOptions } from '../lambda/vendors/custom';
import { registry } from '../lambda/vendors/registry';
import { sampleJobId, samplePayload, sampleQuery, signRequest, UnsupportedSampleError, type SampleEvent } from '../lambda/vendors/samples';
import { envSecrets } from '../local/adapters/secrets';

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

const USAGE = 'usage: video-webhooks send <vendor> <event> | send <vendor> --body FILE  [--job-id ID] [--port 8787 | --url URL] [--secret S] [--config FILE] [--print]';
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
  if (options.body === undefined && event === undefined) throw new Error(`say which event, or pass --body FILE: ${USAGE}`);
  if (options.body !== undefined && event !== undefined) throw new Error(`pass an event or --body FILE, not both: ${USAGE}`);
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

/**
 * The private key of a vendor that signs with one (a built-in vendor whose manifest names its
 * variable, a config vendor with public-key auth): `signingKey`, else `<ID>_SIGNING_KEY`. Throws
 * saying what to set when there is none; undefined for a vendor signed with its secret.
 */
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

export function toCurl(sample: SignedSample): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const headers = Object.entries(sample.headers).map(([k, v]) => `-H ${quote(`${k}: ${v}`)}`);
  return ['curl', '-sS', '-X', 'POST', quote(sample.url), ...headers, '--data-binary', quote(sample.body)].join(' ');
}

export async function sendSample(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const [vendor, event] = positionals;
  if (!vendor) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let sample: SignedSample;
  try {
    sample = buildSample(vendor, event, {
      jobId: values['job-id'] as string | undefined,
      url: values.url as string | undefined,
      port: portOf(values),
      secret: values.secret as string | undefined,
      body: values.body === undefined ? undefined : readBody(String(values.body)),
      configVendors: values.config === undefined ? [] : readVendorConfig(String(values.config), registry),
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return err instanceof UnsupportedSampleError ? 3 : 2;
  }
  if (values.print) {
    process.stdout.write(`${toCurl(sample)}\n`);
    return 0;
  }
  let res: Response;
  try {
    res = await fetch(sample.url, { method: 'POST', headers: sample.headers, body: sample.body });
  } catch (err) {
    process.stderr.write(`could not reach ${sample.url}: ${((err as Error).cause as Error)?.message ?? (err as Error).message} (is \`video-webhooks dev\` running?)\n`);
    return 1;
  }
  const what = sample.jobId === undefined ? `${vendor}, body of ${values.body}` : `${vendor} ${event}, job ${sample.jobId}`;
  process.stdout.write(`${res.status} ${await res.text()}  (${what})\n`);
  return res.ok ? 0 : 1;
}

function portOf(values: Record<string, string | boolean | undefined>): number | undefined {
  if (values.port === undefined) return undefined;
  if (values.url !== undefined) throw new Error('pass --port or --url, not both');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--port is ${JSON.stringify(values.port)}: use a port number from 1 to 65535 (the dev server's, 8787 by default)`);
  return port;
}

function readBody(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read --body ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give the file with the body to sign`);
  }
}

function unknownVendor(vendor: string, configVendors: readonly VendorRuntimeConfig[]): string {
  const ids = [...registry.builtIns.map((b) => b.id), ...configVendors.map((v) => v.id)];
  const hint = didYouMean(vendor, ids);
  return `unknown vendor ${vendor}${hint || `: use one of ${ids.join(', ')}`}${configVendors.length === 0 ? ' (a custom vendor needs --config FILE)' : ''}`;
}
