/**
 * `video-webhooks dev`: the deployed pipeline on localhost. The same `handleWebhook` and
 * `deliver` code as the verifier Lambda, and the same poller, on embedded DynamoDB (dynalite) and
 * SQS FIFO (fauxqs). Every event that reaches the queue is read back from it and reported.
 */
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startEmulators, type Emulators } from '../adapters/local/emulators';
import type { VideoJobEvent } from '../core/event';
import { rawRequest, toHttpResponse } from '../core/http';
import { handleWebhook, type WebhookAnswer } from '../core/webhook';
import { pollOnce } from '../poller/poller';
import type { VendorRegistry } from '../vendors/registry';
import { wireLocalPipeline } from './wiring';

export interface DevServerOptions {
  /** @default 8787 (0 picks a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Also append every queued event, one JSON line each, to this file. */
  readonly eventsFile?: string;
  /** @default 30 */
  readonly pollIntervalSeconds?: number;
  /** @default 600 */
  readonly staleAfterSeconds?: number;
  /** Secrets, status-API base URLs and keys are read from here. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each event read from the queue. @default print it as one line on stdout */
  readonly onEvent?: (event: VideoJobEvent, line: string) => void;
  /** Called with each request not answered 2xx, and each ignored or quarantined one. @default one line on stderr */
  readonly onRejection?: (line: string) => void;
  /** @default this runtime's vendor list */
  readonly vendors?: VendorRegistry;
}

export interface DevServer {
  readonly url: string;
  readonly port: number;
  /** Runs one poll now (the interval runs them anyway). */
  pollNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const env = options.env ?? process.env;
  const onEvent = options.onEvent ?? ((_e, line) => process.stdout.write(`${line}\n`));
  const onRejection = options.onRejection ?? ((line) => process.stderr.write(`${line}\n`));
  const emulators = await startEmulators();
  try {
    return await wire(emulators, options, env, onEvent, onRejection);
  } catch (err) {
    await emulators.stop();
    throw err;
  }
}

async function wire(
  emulators: Emulators,
  options: DevServerOptions,
  env: NodeJS.ProcessEnv,
  onEvent: NonNullable<DevServerOptions['onEvent']>,
  onRejection: NonNullable<DevServerOptions['onRejection']>,
): Promise<DevServer> {
  const { deps, poller, jobs, queues, sqs } = await wireLocalPipeline(emulators, { env, staleAfterSeconds: options.staleAfterSeconds, vendors: options.vendors });

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      onRejection(`500 ${req.method} ${req.url}: ${(err as Error)?.message ?? err}`);
      send(res, 500, { error: 'internal error' });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    const webhook = /^\/webhooks\/([^/]+)\/?$/.exec(path);
    if (req.method === 'POST' && webhook) {
      const vendor = safeDecode(webhook[1]);
      const body = await readBody(req, deps.maxBodyBytes + 1);
      const answer = await handleWebhook(vendor, rawRequest(req.headers, body), deps);
      report(answer, vendor);
      const http = toHttpResponse(answer);
      res.writeHead(http.statusCode, http.headers).end(http.body);
      return;
    }
    if (req.method === 'POST' && path === '/jobs') return registerJob(req, res);
    return send(res, 404, { error: 'not found: POST /webhooks/{vendor}, POST /jobs or GET /healthz' });
  }

  async function registerJob(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let input: { vendor?: unknown; jobId?: unknown };
    try {
      input = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as typeof input;
    } catch {
      return send(res, 400, { error: 'body must be JSON: {"vendor": "...", "jobId": "..."}' });
    }
    const jobId = typeof input?.jobId === 'number' ? String(input.jobId) : input?.jobId;
    if (typeof input?.vendor !== 'string' || typeof jobId !== 'string' || jobId === '') {
      return send(res, 400, { error: 'body must be {"vendor": "...", "jobId": "..."}' });
    }
    if (!deps.adapters.has(input.vendor)) return send(res, 404, { error: `unknown vendor ${input.vendor}` });
    const result = await jobs.register(input.vendor, jobId);
    return send(res, result.registered ? 201 : 200, result);
  }

  function report(answer: WebhookAnswer, vendor: string): void {
    const r = answer.result;
    if (r.kind === 'delivered' && answer.statusCode < 300) return;
    const detail = r.kind === 'delivered' ? `${r.outcome} (job ${r.jobId})` : r.reason;
    onRejection(`${answer.statusCode} ${vendor} ${r.kind}: ${detail}`);
  }

  // Read the events queue back: what is printed is what reached SQS.
  let running = true;
  const tap = (async () => {
    while (running) {
      try {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of out.Messages ?? []) {
          const line = m.Body ?? '';
          if (options.eventsFile) appendFileSync(options.eventsFile, `${line}\n`);
          onEvent(JSON.parse(line) as VideoJobEvent, line);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      } catch (err) {
        if (running) onRejection(`queue read failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();

  let polling: Promise<void> | undefined;
  const pollNow = async () => {
    polling ??= pollOnce(poller, { deadlineMs: Date.now() + 25_000 })
      .then((s) => {
        if (s.polled > 0 || s.errors > 0) onRejection(`poll: ${s.polled} polled, ${s.hits} new, ${s.expired} expired, ${s.errors} errors`);
      })
      .finally(() => (polling = undefined));
    return polling;
  };
  const interval = setInterval(() => void pollNow(), (options.pollIntervalSeconds ?? 30) * 1000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    pollNow,
    async stop() {
      clearInterval(interval);
      running = false;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([tap, polling]);
      await emulators.stop();
    },
  };
}

/** Reads at most `limit` bytes; a longer body is cut there (the core answers 413 for it). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => resolve(Buffer.concat(chunks).subarray(0, limit)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
