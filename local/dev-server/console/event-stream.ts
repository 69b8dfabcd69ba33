/**
 * `GET /console/events`: the console's live updates as Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html): one `event:` name and one
 * `data:` line of JSON per update, a comment line every 15 s so that idle proxies and the browser
 * keep the connection, and `retry: 1000` so a browser reconnects within a second after a restart.
 * The updates are `request` (a RequestRecord), `job` (a JobTimeline) and `queues` (the DLQ's and the
 * quarantine's message counts; read their lists from GET /dlq and GET /quarantine).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const KEEP_ALIVE_MS = 15_000;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor() {
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** How many pages listen now. */
  get size(): number {
    return this.clients.size;
  }

  open(_req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    // The response closes when the page goes away (or the server closes the connection).
    res.once('close', () => this.clients.delete(res));
  }

  /** One update to every listening page. JSON has no raw newline, so `data:` is one line. */
  send(event: string, data: unknown): void {
    if (this.clients.size > 0) this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }
}
