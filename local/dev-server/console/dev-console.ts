/**
 * The dev console: a page at the dev server's root (`GET /`) and the JSON routes it reads, which a
 * script can read as well (README "Develop locally", "The console"):
 *
 * | route | answers |
 * |---|---|
 * | `GET /` | the page (with this run's token) |
 * | `GET /console/requests` | the webhook requests of this run, newest first (RequestRecord) |
 * | `GET /console/jobs` | each job's events in queue order, with each receive and what the consumer answered (JobTimeline) |
 * | `GET /console/vendors` | the built-in vendors, their sample events and whether their secret is set |
 * | `GET /console/events` | the same records as they happen, as Server-Sent Events (event-stream.ts) |
 * | `POST /console/send` | signs and posts a sample event (actions.ts) |
 * | `POST /quarantine/replay` | replays the quarantine (actions.ts) |
 *
 * The DLQ and the quarantine are the dev server's own `GET /dlq`, `GET /quarantine` and
 * `POST /dlq/redrive`. All of these are guarded like them (request-guard.ts), and a state-changing
 * one from a browser needs the token too. Looking changes nothing: the DLQ and quarantine are only
 * ever peeked at (queue-inspection.ts `look`), never received from, to see what moved where.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VendorRuntimeConfig } from '../../../lambda/contract/deployment';
import type { RawRequest } from '../../../lambda/core/adapter';
import { keptHeaders, type WebhookAnswer } from '../../../lambda/core/webhook';
import type { VendorRegistry } from '../../../lambda/vendors/registry';
import { envSecrets } from '../../adapters/secrets';
import type { QueueInspector } from '../queue-inspection';
import type { Attempt, QueuedEvent } from '../queue-tap';
import { notJsonBecause } from '../request-guard';
import { webhookSecretEnv, type LocalPipeline } from '../wiring';
import { ActionInputError, replayLocalQuarantine, sendTestEvent, type ActionContext } from './actions';
import { EventStream } from './event-stream';
import { refusalHint } from './hints';
import { History, MAX_BODY_CHARS, type RequestRecord } from './history';
import { pageAssets } from './page-assets';
import type { VendorInfo } from './records';

export interface DevConsoleOptions {
  readonly pipeline: LocalPipeline;
  readonly inspector: QueueInspector;
  readonly vendors: VendorRegistry;
  readonly configVendors: readonly VendorRuntimeConfig[];
  readonly env: NodeJS.ProcessEnv;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
  readonly log: (line: string) => void;
}

/** A route of the console: all are guarded (request-guard.ts). */
export type ConsoleRoute = readonly [method: string, path: RegExp, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>];

export interface DevConsole {
  /** This run's token: the page carries it, a state-changing request from a browser must send it. */
  readonly token: string;
  readonly routes: readonly ConsoleRoute[];
  /** Told of each webhook request and its answer (routes.ts). */
  recordRequest(vendor: string, request: RawRequest, answer: WebhookAnswer, receivedAtMs: number): void;
  /** Told of each receive of the events queue and what the consumer answered (queue-tap.ts). */
  recordAttempt(message: QueuedEvent, attempt: Attempt | undefined): void;
  /** The server's URL once it listens: test events are posted there. */
  listening(url: string): void;
  stop(): void;
}

/** How often the DLQ and quarantine are peeked at while a page listens or an event is about to move. */
const WATCH_MS = 500;

export function createDevConsole(options: DevConsoleOptions): DevConsole {
  const token = randomBytes(24).toString('base64url');
  const history = new History();
  const stream = new EventStream();
  const assets = pageAssets(token);
  const { pipeline, inspector } = options;
  const actions: ActionContext = { ...options };
  let serverUrl = '';
  let nextRequestId = 1;
  let lastCounts = '';
  let stopped = false;

  /** Peeks at both queues; tells the pages what changed. */
  const look = async (): Promise<void> => {
    const [dlq, quarantine] = await Promise.all([inspector.look(pipeline.queues.deadLetterQueueUrl), inspector.look(pipeline.queues.quarantineQueueUrl)]);
    const inDlq = new Set(dlq.flatMap((m) => eventIdOf(m.body)));
    for (const key of history.reconcileDeadLetters(inDlq, Date.now())) stream.send('job', history.job(key));
    const counts = JSON.stringify({ dlq: dlq.length, quarantine: quarantine.length, ids: [...dlq, ...quarantine].map((m) => `${m.messageId}:${m.inFlight}`) });
    if (counts !== lastCounts) {
      lastCounts = counts;
      stream.send('queues', { dlq: dlq.length, quarantine: quarantine.length });
    }
  };
  let looking: Promise<void> | undefined;
  const lookOnce = () =>
    (looking ??= look()
      .catch((err: unknown) => {
        if (!stopped) options.log(`console: could not look at the queues: ${(err as Error).message}`);
      })
      .finally(() => (looking = undefined)));
  const watch = setInterval(() => {
    if (stream.size > 0 || history.awaitsDeadLetterMove()) void lookOnce();
  }, WATCH_MS);
  watch.unref();

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };

  const routes: ConsoleRoute[] = [
    ['GET', /^\/$/, async (_req, res) => assets.serve(res, 'index.html')],
    ['GET', /^\/console\/console\.js$/, async (_req, res) => assets.serve(res, 'console.js')],
    ['GET', /^\/console\/console\.css$/, async (_req, res) => assets.serve(res, 'console.css')],
    ['GET', /^\/console\/requests$/, async (_req, res) => json(res, 200, history.listRequests())],
    [
      'GET',
      /^\/console\/jobs$/,
      async (_req, res) => {
        await lookOnce(); // so that an event's DLQ state is current even when no page listens
        json(res, 200, history.listJobs());
      },
    ],
    ['GET', /^\/console\/vendors$/, async (_req, res) => json(res, 200, vendorList(options))],
    [
      'GET',
      /^\/console\/events$/,
      async (req, res) => {
        stream.open(req, res);
        void lookOnce();
      },
    ],
    [
      'POST',
      /^\/console\/send$/,
      async (req, res) => {
        const notJson = notJsonBecause(req, 'POST /console/send');
        if (notJson !== undefined) {
          req.resume();
          return json(res, 415, { error: notJson.replace(/: e\.g\. curl.*$/, '') });
        }
        let input: unknown;
        try {
          input = JSON.parse((await readSmallBody(req)).toString('utf8'));
        } catch {
          return json(res, 400, { error: 'body must be JSON: {"vendor": "...", "event": "..."}' });
        }
        try {
          json(res, 200, await sendTestEvent(input, serverUrl, actions));
        } catch (err) {
          if (!(err instanceof ActionInputError)) throw err;
          json(res, err.statusCode, { error: err.message });
        }
      },
    ],
    [
      'POST',
      /^\/quarantine\/replay$/,
      async (req, res) => {
        req.resume();
        const summary = await replayLocalQuarantine(actions);
        void lookOnce();
        json(res, 200, summary);
      },
    ],
  ];

  return {
    token,
    routes,
    recordRequest(vendor, request, answer, receivedAtMs) {
      const id = nextRequestId++;
      const receivedAt = new Date(receivedAtMs).toISOString();
      void requestRecord(id, receivedAt, vendor, request, answer, options).then(
        (record) => {
          history.addRequest(record);
          stream.send('request', record);
        },
        (err: unknown) => options.log(`console: could not record a request: ${(err as Error).message}`),
      );
    },
    recordAttempt(message, attempt) {
      const key = history.addAttempt(message, attempt, options.maxReceiveCount, Date.now());
      if (key !== undefined) stream.send('job', history.job(key));
    },
    listening(url) {
      serverUrl = url;
    },
    stop() {
      stopped = true;
      clearInterval(watch);
      stream.close();
    },
  };
}

async function requestRecord(id: number, receivedAt: string, vendor: string, request: RawRequest, answer: WebhookAnswer, options: DevConsoleOptions): Promise<RequestRecord> {
  const { deps } = options.pipeline;
  const adapter = deps.adapters.get(vendor);
  // The secrets are left out of the headers by the quarantine's own rule (core/webhook.ts keptHeaders).
  const secrets = adapter ? await deps.secrets.get(deps.secretIdFor(vendor), vendor).catch(() => [] as readonly string[]) : [];
  const headers = keptHeaders(request.headers, [...(adapter?.authHeaders ?? []), 'content-type'], secrets);
  const r = answer.result;
  const reason = r.kind === 'delivered' || r.kind === 'hinted' ? r.outcome : r.reason;
  const text = utf8(request.body);
  const body = text ?? request.body.toString('base64');
  const hint =
    r.kind === 'rejected' && adapter
      ? refusalHint(r.reason, {
          secretVariable: deps.secretIdFor(vendor),
          authHeaders: adapter.authHeaders,
          toleranceSeconds: options.vendors.builtIn(vendor)?.manifest.timestampToleranceSeconds,
        })
      : null;
  return {
    id,
    receivedAt,
    vendor,
    statusCode: answer.statusCode,
    verdict: r.kind,
    reason,
    jobId: r.kind === 'delivered' || r.kind === 'hinted' ? r.jobId : null,
    eventId: r.kind === 'delivered' ? r.eventId : null,
    headers,
    body: body.slice(0, MAX_BODY_CHARS),
    bodyEncoding: text === undefined ? 'base64' : 'utf8',
    bodyBytes: request.body.length,
    bodyTruncated: body.length > MAX_BODY_CHARS,
    hint,
  };
}

function vendorList(options: DevConsoleOptions): VendorInfo[] {
  return options.vendors.builtIns.map((b) => {
    const secretVariable = webhookSecretEnv(b.id, options.vendors);
    let secretSet = false;
    try {
      secretSet = envSecrets(options.env, secretVariable).length > 0;
    } catch {
      // in the wrong format: not set, as far as sending goes
    }
    return { id: b.id, title: b.manifest.title, sampleEvents: b.sampleEvents, secretVariable, secretSet };
  });
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function eventIdOf(body: string): string[] {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? [id] : [];
  } catch {
    return [];
  }
}

/** At most 64 KiB: a test event's input is a few fields. */
function readSmallBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
