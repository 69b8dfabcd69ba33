/**
 * A fake vendor status API on a real HTTP server (127.0.0.1, a free port): `GET <path with the job
 * id>` answers the job's current JSON, which the test changes as the vendor would. Every request is
 * recorded (path, job id, headers), so a test counts exactly what the poller asked.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeStatusApi {
  readonly baseUrl: string;
  /** The job's answer by id; a missing job answers 404. */
  readonly jobs: Map<string, unknown>;
  readonly requests: Array<{ readonly path: string; readonly jobId: string; readonly headers: IncomingMessage['headers'] }>;
  /** Requests for one job. */
  asked(jobId: string): number;
  close(): Promise<void>;
}

/** `route` matches a job's path and captures its (URL-encoded) id, e.g. `/^\/v1\/tasks\/([^/]+)$/`. */
export async function startFakeStatusApi(route: RegExp, accepts: (headers: IncomingMessage['headers']) => boolean = () => true): Promise<FakeStatusApi> {
  const jobs = new Map<string, unknown>();
  const requests: FakeStatusApi['requests'][number][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = route.exec(path);
    const jobId = match ? decodeURIComponent(match[1]) : '';
    requests.push({ path, jobId, headers: req.headers });
    const answer = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET' || !match) return answer(404, { error: 'not found' });
    if (!accepts(req.headers)) return answer(401, { error: 'unauthorized' });
    return jobs.has(jobId) ? answer(200, jobs.get(jobId)) : answer(404, { error: 'no such job' });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    jobs,
    requests,
    asked: (jobId) => requests.filter((r) => r.jobId === jobId).length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
