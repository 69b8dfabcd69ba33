/**
 * Fake vendor status APIs on real HTTP servers (127.0.0.1, a free port), written from
 * ../shared/VENDORS.md: the paths, auth headers and bodies each vendor documents. Each server
 * keeps a job table the test fills, records every request with its arrival time, and can be told
 * to answer slowly, with an error status, garbage, or not at all.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../lambda/core/ports';

export type FakeVendor = 'sync' | 'lipdub' | 'viralsync' | 'synthesia';

export interface RecordedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly jobId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What the server answers for one request, instead of the job's state. */
export type Override =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  /** Accept the request and never answer. */
  | 'hang'
  /** Close the connection without an answer. */
  | 'reset'
  /** Answer by hand (a redirect, a compressed bomb, a trickle): `respond` owns the response. */
  | { readonly respond: (res: ServerResponse) => void }
  | undefined;

export interface FakeVendorServer {
  readonly vendor: FakeVendor;
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Job states as the vendor would report them (the body fields of its status answer). */
  readonly jobs: Map<string, Record<string, unknown>>;
  readonly requests: RecordedRequest[];
  /** Answer time of every request. */
  latencyMs: number;
  /** Called for every request before the normal answer; return something to answer that instead. */
  override: (req: RecordedRequest, index: number) => Override;
  close(): Promise<void>;
}

const ROUTES: Record<FakeVendor, RegExp> = {
  sync: /^\/v2\/generate\/([^/?]+)$/,
  lipdub: /^\/v1\/renders\/([^/?]+)\/(status|download)$/,
  viralsync: /^\/v1\/jobs\/([^/?]+)$/,
  synthesia: /^\/v2\/videos\/([^/?]+)$/,
};

/** Starts a fake status API for `vendor`, accepting `apiKey` the way the vendor documents. */
export async function startFakeVendor(vendor: FakeVendor, apiKey = `${vendor}-key`): Promise<FakeVendorServer> {
  const sockets = new Set<import('node:net').Socket>();
  const hanging = new Set<ServerResponse>();
  const state: Omit<FakeVendorServer, 'baseUrl' | 'close'> = {
    vendor,
    apiKey,
    jobs: new Map(),
    requests: [],
    latencyMs: 0,
    override: () => undefined,
  };
  const server: Server = createServer((req, res) => void answer(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = ROUTES[vendor].exec(url.pathname);
    const recorded: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? '',
      path: url.pathname,
      jobId: match ? decodeURIComponent(match[1]) : '',
      headers: req.headers,
    };
    const index = state.requests.push(recorded) - 1;
    const forced = state.override(recorded, index);
    if (forced === 'hang') {
      hanging.add(res);
      return;
    }
    if (forced === 'reset') {
      req.socket.destroy();
      return;
    }
    if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    if (forced && 'respond' in forced) return forced.respond(res);
    if (forced) return send(res, forced.status, forced.body ?? '', forced.headers);
    if (req.method !== 'GET' || !match) return send(res, 404, JSON.stringify({ error: 'not found' }));
    if (!authorized(vendor, req, apiKey)) return send(res, vendor === 'lipdub' ? 403 : 401, JSON.stringify({ error: 'unauthorized' }));
    const job = state.jobs.get(recorded.jobId);
    if (!job) return send(res, 404, JSON.stringify({ error: 'job not found' }));
    if (vendor === 'lipdub' && match[2] === 'download') {
      return send(res, 200, JSON.stringify({ download_url: job.download_url ?? null }));
    }
    if (vendor === 'lipdub') return send(res, 200, JSON.stringify({ status: job.status, generate_id: job.generate_id ?? Number(recorded.jobId) }));
    return send(res, 200, JSON.stringify(job));
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}`,
    async close(): Promise<void> {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function authorized(vendor: FakeVendor, req: IncomingMessage, key: string): boolean {
  switch (vendor) {
    case 'sync':
      return req.headers['x-api-key'] === key;
    case 'lipdub':
      return req.headers['x-api-key'] === key;
    case 'synthesia':
      return req.headers.authorization === key; // no "Bearer"
    case 'viralsync':
      // Auth header not public (configurable in the adapter): accept the two usual forms.
      return req.headers['x-api-key'] === key || req.headers.authorization === `Bearer ${key}`;
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

/** Real time plus an offset the test moves: sleeps really sleep, `advance` jumps hours at once. */
export class OffsetClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** The largest number of requests inside any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
