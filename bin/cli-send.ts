/** `video-webhooks send`: a realistic, correctly signed vendor webhook, posted or printed as curl. */
import { webhookSecretEnv } from '../lambda/local/wiring';
import { registry } from '../lambda/vendors/registry';
import { SAMPLE_EVENTS, sampleJobId, samplePayload, signRequest, UnsupportedSampleError, type SampleEvent } from '../lambda/vendors/samples';

export interface SignedSample {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly jobId: string;
}

/** Builds and signs the sample; throws UnsupportedSampleError or a plain Error with what to fix. */
export function buildSample(vendor: string, event: string, options: { jobId?: string; url?: string; secret?: string; env?: NodeJS.ProcessEnv; nowMs?: number }): SignedSample {
  if (!registry.builtIn(vendor)) throw new Error(`unknown vendor ${vendor}: use one of ${registry.builtIns.map((b) => b.id).join(', ')}`);
  if (!(SAMPLE_EVENTS as readonly string[]).includes(event)) throw new Error(`unknown event ${event}: use one of ${SAMPLE_EVENTS.join(', ')}`);
  const env = options.env ?? process.env;
  const secretEnv = webhookSecretEnv(vendor);
  const secret = options.secret ?? (env[secretEnv] ?? '').split(',')[0]?.trim();
  if (!secret) throw new Error(`no secret: pass --secret or set ${secretEnv}`);
  const nowMs = options.nowMs ?? Date.now();
  const jobId = options.jobId ?? sampleJobId(vendor);
  const body = JSON.stringify(samplePayload(vendor, event as SampleEvent, jobId, nowMs));
  return { url: options.url ?? `http://127.0.0.1:8787/webhooks/${vendor}`, headers: signRequest(vendor, body, secret, nowMs), body, jobId };
}

export function toCurl(sample: SignedSample): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const headers = Object.entries(sample.headers).map(([k, v]) => `-H ${quote(`${k}: ${v}`)}`);
  return ['curl', '-sS', '-X', 'POST', quote(sample.url), ...headers, '--data-binary', quote(sample.body)].join(' ');
}

export async function sendSample(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const [vendor, event] = positionals;
  if (!vendor || !event || positionals.length > 2) {
    process.stderr.write('usage: video-webhooks send <vendor> <created|progress|completed|failed|cancelled> [--job-id ID] [--url URL] [--secret S] [--print]\n');
    return 2;
  }
  let sample: SignedSample;
  try {
    sample = buildSample(vendor, event, { jobId: values['job-id'] as string | undefined, url: values.url as string | undefined, secret: values.secret as string | undefined });
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
  process.stdout.write(`${res.status} ${await res.text()}  (${vendor} ${event}, job ${sample.jobId})\n`);
  return res.ok ? 0 : 1;
}
