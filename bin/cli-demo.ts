/**
 * `npm run demo`: the local pipeline end to end. Starts the dev server on a free port with demo
 * secrets, fires signed, duplicate, forged and progress webhooks for every vendor, and checks
 * what reached the queue.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VideoJobEvent } from '../lambda/core/event';
import { startDevServer } from '../local/dev-server/dev-server';
import { jwksUrlEnv, webhookSecretEnv } from '../local/dev-server/wiring';
import { registry } from '../lambda/vendors/registry';
import { REPORT_EVENTS, sampleSecret, VENDOR_EVENTS } from '../lambda/vendors/samples';
import { buildSample } from './cli-send';

// The vendors whose webhooks are reports: an unsigned vendor's callback, or a poll-only vendor, makes no event of its own.
const VENDOR_IDS = Object.keys(REPORT_EVENTS);

interface Check {
  readonly vendor: string;
  readonly step: 'completed' | 'duplicate' | 'forged' | 'progress';
  readonly expected: string;
  actual: string;
  ok: boolean;
}

export async function runDemo(out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const env: NodeJS.ProcessEnv = {};
  for (const id of VENDOR_IDS) env[webhookSecretEnv(id)] = sampleSecret(id);
  // A vendor that signs with a private key gets a demo key pair, its public key served on loopback as the vendor's JWKS.
  const signers = Object.fromEntries(VENDOR_IDS.filter((id) => registry.builtIn(id)?.manifest.local.signingKeyEnv).map((id) => [id, keyPair()]));
  const jwks = Object.keys(signers).length > 0 ? await serveJwks(Object.values(signers).map((s) => s.jwk)) : undefined;
  for (const id of Object.keys(signers)) env[jwksUrlEnv(id)] = jwks!.url;
  const events: VideoJobEvent[] = [];
  const rejections: string[] = [];
  const started = Date.now();
  const server = await startDevServer({ port: 0, env, onEvent: (e) => events.push(e), onRejection: (l) => rejections.push(l), pollIntervalSeconds: 3600 });
  out(`dev server on ${server.url}, embedded DynamoDB (dynalite) and SQS FIFO (fauxqs)\n`);
  const checks: Check[] = [];
  try {
    for (const vendor of VENDOR_IDS) {
      const secret = env[webhookSecretEnv(vendor)]!;
      const url = `${server.url}/webhooks/${vendor}`;
      const signingKey = signers[vendor]?.pem;
      const completed = buildSample(vendor, 'completed', { secret, url, signingKey });
      checks.push(await post(vendor, 'completed', completed, '200 enqueued'));
      checks.push(await post(vendor, 'duplicate', completed, '200 duplicate'));
      // Forged: another secret, or (a public-key vendor) another private key.
      const forged = signingKey ? { secret, signingKey: keyPair().pem } : { secret: sampleSecret(vendor) };
      checks.push(await post(vendor, 'forged', buildSample(vendor, 'completed', { ...forged, url }), '401'));
      const progressEvent = VENDOR_EVENTS[vendor].includes('progress') ? 'progress' : VENDOR_EVENTS[vendor].includes('created') ? 'created' : undefined;
      if (progressEvent) checks.push(await post(vendor, 'progress', buildSample(vendor, progressEvent, { secret, url, signingKey }), '200 enqueued'));
      else checks.push({ vendor, step: 'progress', expected: 'none', actual: `none: ${registry.builtIn(vendor)?.manifest.title} sends only final webhooks (the poller covers the rest)`, ok: true });
    }
    const expectedEvents = checks.filter((c) => c.expected === '200 enqueued').length;
    const deadline = Date.now() + 10_000;
    while (events.length < expectedEvents && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // a duplicate that slipped through would show up now

    out(`${'vendor'.padEnd(10)} ${'completed'.padEnd(14)} ${'duplicate'.padEnd(15)} ${'forged'.padEnd(8)} progress`);
    for (const vendor of VENDOR_IDS) {
      const cell = (step: Check['step'], width: number) => {
        const c = checks.find((x) => x.vendor === vendor && x.step === step)!;
        return `${c.ok ? '✓' : '✗'} ${c.actual}`.padEnd(width);
      };
      out(`${vendor.padEnd(10)} ${cell('completed', 14)} ${cell('duplicate', 15)} ${cell('forged', 8)} ${cell('progress', 0)}`);
    }
    out('\nqueued (read back from the FIFO queue):');
    for (const e of events) out(`  ${e.data.vendor.padEnd(10)} ${e.type.padEnd(22)} job ${e.data.jobId.padEnd(20)} id ${e.id}`);
    out('\nrejected or not queued (the dev server\'s stderr lines):');
    for (const line of rejections) out(`  ${line}`);

    const ids = new Set(events.map((e) => e.id));
    const eventsOk = events.length === expectedEvents && ids.size === events.length;
    const failed = checks.filter((c) => !c.ok);
    out(
      `\n${events.length} events queued (expected ${expectedEvents}), ${ids.size} distinct ids; ` +
        `${checks.filter((c) => c.step === 'forged' && c.ok).length} forged requests rejected; ${failed.length} unexpected answers; ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const ok = eventsOk && failed.length === 0;
    out(ok ? 'demo passed' : 'demo FAILED');
    return ok ? 0 : 1;
  } finally {
    await server.stop();
    await new Promise<void>((resolve) => (jwks ? jwks.server.close(() => resolve()) : resolve()));
  }
}

/** An Ed25519 key pair: the private key as PEM, the public key as a JWKS entry. */
function keyPair(): { readonly pem: string; readonly jwk: Record<string, unknown> } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), jwk: { ...publicKey.export({ format: 'jwk' }), kid: 'demo' } };
}

/** A JWKS of `keys` on 127.0.0.1. */
async function serveJwks(keys: ReadonlyArray<Record<string, unknown>>): Promise<{ readonly server: Server; readonly url: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json` };
}

async function post(vendor: string, step: Check['step'], sample: { url: string; headers: Record<string, string>; body: string }, expected: string): Promise<Check> {
  const res = await fetch(sample.url, { method: 'POST', headers: sample.headers, body: sample.body });
  const body = (await res.json().catch(() => ({}))) as { outcome?: string };
  const actual = body.outcome ? `${res.status} ${body.outcome}` : String(res.status);
  return { vendor, step, expected, actual, ok: actual === expected };
}
