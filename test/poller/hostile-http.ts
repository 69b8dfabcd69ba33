/**
 * Hostile status-API answers on real HTTP servers (127.0.0.1, free ports): a canary that records
 * every request it gets, redirects, compressed bombs, endless chunked bodies, trickled bodies, a
 * TLS server with a certificate made for the test, and a child process that runs one status check
 * and reports its peak memory. Each answer is an `Override` for ./support.ts's fake vendors, or a
 * plain handler for `startRecordingServer`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, createBrotliCompress, createDeflate, createGzip, type Gzip } from 'node:zlib';
import type { StatusCheckResult } from '../../lambda/poller/status-client';
import { childEnv } from '../support/child-env';
import type { Override } from './support';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RecordingServer {
  readonly baseUrl: string;
  readonly requests: SeenRequest[];
  /** TCP connections accepted, whether or not a request (or a TLS handshake) followed. */
  readonly connections: number;
  close(): Promise<void>;
}

/** A server that records every request (method, URL, headers), then lets `answer` respond. */
export async function startRecordingServer(answer: (req: IncomingMessage, res: ServerResponse) => void, tls?: TlsFiles): Promise<RecordingServer> {
  const requests: SeenRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    answer(req, res);
  };
  const server: Server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every header value a server got, flattened: to search for a key that should not be there. */
export function headerValues(requests: ReadonlyArray<Pick<SeenRequest, 'headers'>>): string[] {
  return requests.flatMap((r) => Object.values(r.headers).flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])));
}

/** A redirect to `location` (absolute, relative or scheme-relative), with a small body. */
export function redirect(status: number, location: string): Override {
  return { respond: (res) => res.writeHead(status, { location, 'content-type': 'text/plain' }).end('moved') };
}

export type Coding = 'gzip' | 'deflate' | 'br';

/**
 * A compression bomb: `inflatedBytes` of JSON (an object whose one string is all spaces, never
 * closed) compressed with `coding`, built a MiB at a time so the test never holds it inflated.
 * `layers` > 1 compresses the result again (sent as `content-encoding: gzip, gzip`).
 */
export async function bomb(coding: Coding, inflatedBytes: number, layers = 1): Promise<Buffer> {
  let out = await compress(coding, (write) => {
    write(Buffer.from('{"status":"COMPLETED","pad":"'));
    const mib = Buffer.alloc(1 << 20, 0x20);
    for (let left = inflatedBytes; left > 0; left -= mib.length) write(left >= mib.length ? mib : mib.subarray(0, left));
  });
  for (let i = 1; i < layers; i++) {
    const inner = out;
    out = await compress(coding, (write) => write(inner));
  }
  return out;
}

async function compress(coding: Coding, fill: (write: (chunk: Buffer) => void) => void): Promise<Buffer> {
  const stream: Gzip =
    coding === 'gzip' ? createGzip({ level: 9 }) : coding === 'deflate' ? createDeflate({ level: 9 }) : createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = once(stream, 'end');
  fill((chunk) => stream.write(chunk));
  stream.end();
  await done;
  return Buffer.concat(chunks);
}

/** A 200 whose body is `compressed`, declared with `content-encoding` (repeated once per layer). */
export function compressed(body: Buffer, coding: Coding, layers = 1, status = 200): Override {
  const encoding = Array.from({ length: layers }, () => coding).join(', ');
  return { respond: (res) => res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': String(body.length) }).end(body) };
}

/** Bytes a streaming answer managed to write before the client went away. */
export interface Written {
  bytes: number;
}

/**
 * A chunked body (no content-length) of `totalBytes`: a JSON string of spaces, written as fast as
 * the client reads, until done or the client closes. `written` counts what left the server.
 */
export function endlessChunked(totalBytes: number, written: Written = { bytes: 0 }, status = 200): Override {
  return {
    respond: (res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      let closed = false;
      res.on('close', () => (closed = true));
      const pump = () => {
        while (!closed && sent < totalBytes) {
          sent += chunk.length;
          written.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!closed) res.end();
      };
      res.write('{"status":"COMPLETED","pad":"');
      pump();
    },
  };
}

/** A 200 whose headers come at once and whose body comes one byte per `intervalMs`, for ever. */
export function trickle(intervalMs: number): Override {
  return {
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), intervalMs);
      res.on('close', () => clearInterval(timer));
    },
  };
}

export interface TlsFiles {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** The certificate's file, for a child's NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
}

/** A self-signed certificate for 127.0.0.1, made with openssl for this test run. */
export function selfSignedCertificate(): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'vw-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '36500', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}

/** What ./status-check-child.ts is told to do. */
export interface ChildCheck {
  /** The vendor as the registry creates it. */
  readonly vendor: { readonly id: string; readonly kind: string; readonly options: Record<string, unknown> };
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly jobId: string;
  /** A job the server answers normally: checked first, so fetch is loaded before memory is measured. */
  readonly warmJobId?: string;
  readonly timeoutMs: number;
  /** A CA file the child trusts (NODE_EXTRA_CA_CERTS). */
  readonly caFile?: string;
}

export interface ChildReport {
  readonly result: StatusCheckResult;
  readonly ms: number;
  /** How much the process's peak RSS grew during the check (KiB). */
  readonly peakRssGrowthKb: number;
  readonly peakRssKb: number;
}

/** Runs one status check in a fresh Node process (the real fetch, no jest) and reports its cost. */
export async function checkInChild(check: ChildCheck): Promise<ChildReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'status-check-child.ts'), JSON.stringify(check)], {
    cwd: join(__dirname, '..', '..'),
    env: childEnv(check.caFile ? { NODE_EXTRA_CA_CERTS: check.caFile } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`status check child exited with ${code}: ${err.slice(0, 2000)}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '') as ChildReport;
}
