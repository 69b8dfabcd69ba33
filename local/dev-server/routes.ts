/**
 * The dev server's HTTP routes: the deployed API's `POST /webhooks/{vendor}` (the same
 * `handleWebhook` as the verifier Lambda), `POST /jobs` (what `registerJob` does), `GET /healthz`,
 * the local inspection routes `GET /quarantine`, `GET /dlq` and `POST /dlq/redrive`, and
 * `POST /archive/replay` (archive-replay-route.ts). The inspection, job and replay routes are
 * guarded against other web sites (request-guard.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EVENT_BOUNDS, jobIdProblem } from '../../lambda/core/bounds';
import { rawRequest, toHttpResponse } from '../../lambda/core/http';
import { handleWebhook } from '../../lambda/core/webhook';
import { archiveReplayRoute } from './archive-replay-route';
import type { DevConsole } from './console/dev-console';
import type { QueueInspector } from './queue-inspection';
import { forbiddenBecause, notJsonBecause, type HostRule } from './request-guard';
import { isRejection, requestLine } from './request-log';
import type { LocalPipeline } from './wiring';

export interface RouteDeps {
  readonly pipeline: LocalPipeline;
  readonly inspector: QueueInspector;
  /** A line for stderr. */
  readonly log: (line: string) => void;
  /** Told of each request not answered 2xx, and each ignored or quarantined one. */
  readonly onRejection?: (line: string) => void;
  /** Which `Host` names the guarded routes answer besides loopback. */
  readonly hostRule: HostRule;
  /** The archive directory `POST /archive/replay` replays; undefined when the server keeps no archive. */
  readonly archiveDir?: string;
  /** The console (console/dev-console.ts): its routes, and told of each webhook request. @default - none */
  readonly console?: DevConsole;
}

type Route = (req: IncomingMessage, res: ServerResponse, deps: RouteDeps, match: RegExpExecArray) => Promise<void>;

/** `guarded`: answered only to this machine's own requests (request-guard.ts). */
const ROUTES: ReadonlyArray<readonly [method: string, path: RegExp, route: Route, guarded: boolean]> = [
  ['GET', /^\/healthz$/, async (_req, res) => send(res, 200, { ok: true }), false],
  ['POST', /^\/webhooks\/([^/]+)\/?$/, webhook, false],
  ['POST', /^\/jobs$/, registerJob, true],
  ['GET', /^\/quarantine$/, quarantine, true],
  ['GET', /^\/dlq$/, deadLetters, true],
  ['POST', /^\/dlq\/redrive$/, redrive, true],
  ['POST', /^\/archive\/replay$/, archiveReplayRoute, true],
];

const NOT_FOUND = 'not found: POST /webhooks/{vendor}, POST /jobs, GET /healthz, GET /quarantine, GET /dlq, POST /dlq/redrive, POST /archive/replay, or the console (GET /, GET /console/...)';

/** Answers one request; a failure inside a route is a 500 and a stderr line. */
export function routeRequest(deps: RouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const consoleRoutes = (deps.console?.routes ?? []).map(([method, path, handle]): (typeof ROUTES)[number] => [method, path, (req, res) => handle(req, res), true]);
  const routes = [...ROUTES, ...consoleRoutes];
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const found = routes.map(([method, pattern, route, guarded]) => ({ method, match: pattern.exec(path), route, guarded })).find((r) => r.match && r.method === req.method);
    const forbidden = found?.guarded ? forbiddenBecause(req, deps.hostRule) : undefined;
    if (forbidden !== undefined) {
      deps.log(`403 ${req.method} ${path}: ${forbidden}`);
      req.resume();
      return send(res, 403, { error: forbidden });
    }
    const work = found ? found.route(req, res, deps, found.match!) : Promise.resolve(send(res, 404, { error: NOT_FOUND }));
    work.catch((err: unknown) => {
      deps.log(`500 ${req.method} ${req.url}: ${(err as Error)?.message ?? err}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  };
}

async function webhook(req: IncomingMessage, res: ServerResponse, deps: RouteDeps, match: RegExpExecArray): Promise<void> {
  const vendor = safeDecode(match[1]);
  const { deps: pipeline } = deps.pipeline;
  const receivedAtMs = Date.now();
  const body = await readBody(req, pipeline.maxBodyBytes + 1);
  // The query: where an unsigned vendor's callback URL carries its token (a repeated name joined with `,`, as API Gateway does).
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const query = Object.fromEntries([...new Set(params.keys())].map((name) => [name, params.getAll(name).join(',')]));
  const request = rawRequest(req.headers, body, false, query);
  const answer = await handleWebhook(vendor, request, pipeline);
  deps.console?.recordRequest(vendor, request, answer, receivedAtMs);
  const line = requestLine(vendor, answer);
  deps.log(line);
  if (isRejection(answer)) deps.onRejection?.(line);
  const http = toHttpResponse(answer);
  res.writeHead(http.statusCode, http.headers).end(http.body);
}

async function registerJob(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const notJson = notJsonBecause(req, 'POST /jobs');
  if (notJson !== undefined) {
    req.resume();
    return send(res, 415, { error: notJson });
  }
  let input: { vendor?: unknown; jobId?: unknown };
  try {
    input = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as typeof input;
  } catch {
    return send(res, 400, { error: 'body must be JSON: {"vendor": "...", "jobId": "..."}' });
  }
  const jobId = typeof input?.jobId === 'number' ? String(input.jobId) : input?.jobId;
  if (typeof input?.vendor !== 'string' || typeof jobId !== 'string') {
    return send(res, 400, { error: 'body must be {"vendor": "...", "jobId": "..."}' });
  }
  // The bounds a webhook's job id is held to: an id outside them would be polled, and its event would block its FIFO group.
  const problem = jobIdProblem(jobId);
  if (problem !== undefined) {
    return send(res, 400, { error: `${problem}: a job id is non-empty, at most ${EVENT_BOUNDS.jobIdBytes.toLocaleString('en-US')} UTF-8 bytes, well-formed Unicode (the bounds webhooks are held to); register the vendor's id as its webhooks carry it` });
  }
  if (!deps.pipeline.deps.adapters.has(input.vendor)) return send(res, 404, { error: `unknown vendor ${input.vendor}` });
  const result = await deps.pipeline.jobs.register(input.vendor, jobId);
  return send(res, result.registered ? 201 : 200, result);
}

/** The quarantine's messages, each with its SQS message id and its raw body decoded; read-only. */
async function quarantine(_req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const held = await deps.inspector.look(deps.pipeline.queues.quarantineQueueUrl);
  send(
    res,
    200,
    held.map((m) => {
      const message = parseOr(m.body, { body: m.body }) as { bodyBase64?: unknown };
      const shown = typeof message.bodyBase64 === 'string' ? { ...message, body: Buffer.from(message.bodyBase64, 'base64').toString('utf8') } : message;
      return { messageId: m.messageId, inFlight: m.inFlight, ...shown };
    }),
  );
}

/** The DLQ's messages, each with its SQS message id; read-only. */
async function deadLetters(_req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const held = await deps.inspector.look(deps.pipeline.queues.deadLetterQueueUrl);
  send(res, 200, held.map((m) => ({ messageId: m.messageId, inFlight: m.inFlight, messageGroupId: m.groupId, event: parseOr(m.body, m.body) })));
}

async function redrive(_req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const moved = await deps.inspector.move(deps.pipeline.queues.deadLetterQueueUrl, deps.pipeline.queues.queueUrl);
  deps.log(`redrive: ${moved} message${moved === 1 ? '' : 's'} moved from the DLQ back to the events queue`);
  send(res, 200, { moved });
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

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
