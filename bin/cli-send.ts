/**
 * `video-webhooks send`: a realistic, correctly signed vendor webhook, posted or printed as curl;
 * or any body (`--body FILE`) signed for any vendor, the custom vendors of `--config FILE` too.
 * The checks run in the order a person fixes things: the vendor, then the event, then the secret.
 */
import { readFileSync } from 'node:fs';
import { readVendorConfig } from '../local/dev-server/config';
import { buildSample, SEND_USAGE as USAGE, UnsupportedSampleError, type SignedSample } from '../local/dev-server/sample-request';
import { registry } from '../lambda/vendors/registry';

// The signing is shared with the dev console's "Send a test event" (local/dev-server/sample-request.ts).
export { buildSample, type SampleOptions, type SignedSample } from '../local/dev-server/sample-request';

/**
 * The private key of a vendor that signs with one (a built-in vendor whose manifest names its
 * variable, a config vendor with public-key auth): `signingKey`, else `<ID>_SIGNING_KEY`. Throws
 * saying what to set when there is none; undefined for a vendor signed with its secret.
 */

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
