/**
 * The hardened HTTP client of the functions that ask vendors for something: the poller's status
 * client (../poller/status-client.ts) and the verifiers' public-key source
 * (../adapters/http/jwks-source.ts). One GET with node:http(s), bounded in time and in bytes. It
 * never follows a redirect (a key would go with it, to wherever it points), decodes only the
 * content codings it asked for, counts a body after decoding and destroys the request at the cap,
 * and one timeout bounds the whole exchange, the body included (a body that trickles times out).
 * What a status or a body means is the caller's.
 */
import { request as httpRequest, type Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { StatusHttpRequest } from '../core/adapter';
import { RefusedAddress } from './checked-agents';

/** A response's headers, as `Headers` reads them: a value (repeated ones joined with ", ") or null. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A response as `httpGet` hands it over: status and headers at once, the body only when read. */
export interface HttpResponse extends HeaderReader {
  readonly kind: 'response';
  readonly status: number;
  /** The decoded body; why it was not read to the end (the request is then destroyed); or the exchange failing meanwhile. */
  read(maxBytes: number): Promise<Buffer | Unreadable | HttpFailure>;
  /** Drops the body unread, and the connection with it. */
  discard(): void;
}

/** A body left unread past a limit (size, coding). */
export interface Unreadable {
  readonly kind: 'unreadable';
  readonly problem: string;
}

/**
 * No response, or no whole body: the timeout fired, the connection failed (an unsupported URL
 * scheme included), or the agent refused an address the host resolved to (`reason` says which).
 */
export type HttpFailure = { readonly kind: 'failed'; readonly cause: 'timeout' | 'network' } | { readonly kind: 'failed'; readonly cause: 'refused'; readonly reason: string };

/** The agent for a request's protocol (checked-agents.ts: it refuses addresses); node's global one when undefined. */
export type AgentFor = (protocol: 'http:' | 'https:') => Agent | undefined;

/**
 * One GET of `request` through the agent `agentFor` gives, the whole exchange bounded by
 * `timeoutMs`. Resolves at the response's headers; never rejects.
 */
export async function httpGet(request: StatusHttpRequest, timeoutMs: number, agentFor: AgentFor = () => undefined): Promise<HttpResponse | HttpFailure> {
  const signal = AbortSignal.timeout(timeoutMs);
  const failure = (err: unknown): HttpFailure =>
    err instanceof RefusedAddress ? { kind: 'failed', cause: 'refused', reason: err.message } : { kind: 'failed', cause: signal.aborted ? 'timeout' : 'network' };
  try {
    const { req, res } = await send(request, signal, agentFor);
    res.on('error', () => undefined); // read() sees it; nothing is left unhandled
    return {
      kind: 'response',
      status: res.statusCode ?? 0,
      get: (name) => {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      read: (maxBytes) => readDecoded(req, res, maxBytes).catch(failure),
      discard: () => void req.destroy(),
    };
  } catch (err) {
    return failure(err);
  }
}

/** The content codings asked for: decoders with a 32 KiB window (brotli's may be 16 MiB: not asked for). */
const ACCEPTED_CODINGS = ['gzip', 'deflate'];
/** Sent unless the request names its own (`user-agent` in its headers). */
const USER_AGENT = 'cdk-video-webhooks-poller';

/**
 * One GET with node:http(s), which neither follows a redirect nor decodes a body by itself (fetch
 * does both: it inflates any coding a server sends, asked for or not, as soon as the bytes arrive,
 * and a brotli decoder holds up to 16 MiB however early the body is dropped). Resolves at the
 * response's headers; `signal` ends the exchange, the body included.
 */
function send(request: StatusHttpRequest, signal: AbortSignal, agentFor: AgentFor): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const get = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
    if (!get) return reject(new Error(`URL scheme ${url.protocol} is neither http: nor https:`));
    const headers = { accept: 'application/json', 'user-agent': USER_AGENT, ...request.headers, 'accept-encoding': ACCEPTED_CODINGS.join(', ') };
    const agent = agentFor(url.protocol as 'http:' | 'https:');
    const req = get(url, { method: 'GET', headers, signal, agent }, (res) => resolve({ req, res }));
    req.on('error', reject); // before the response; later errors reach read() through the response
    req.end();
  });
}

/**
 * The body, decoded with the coding the response names (only the ones asked for), read until more
 * than `maxBytes` came out of the decoder: then the request is destroyed. A bomb or an endless
 * body thus costs at most `maxBytes` plus one chunk (16 KiB decoded, 64 KiB raw), however large
 * it would have been. Rejects when the connection fails or the signal fires.
 */
async function readDecoded(req: ClientRequest, res: IncomingMessage, maxBytes: number): Promise<Buffer | Unreadable> {
  const coding = (res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const refuse = (problem: string): Unreadable => {
    req.destroy();
    return { kind: 'unreadable', problem };
  };
  if (coding !== 'identity' && !ACCEPTED_CODINGS.includes(coding)) return refuse(`content-encoding ${JSON.stringify(coding.slice(0, 60))} was not asked for`);
  if (Number(res.headers['content-length'] ?? '') > maxBytes) return refuse(`body over ${maxBytes} bytes`);
  const decoder = coding === 'gzip' ? createGunzip() : coding === 'deflate' ? createInflate() : undefined;
  const body: Readable = decoder ? pipeline(res, decoder, () => undefined) : res;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) return refuse(`body over ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (decoder && typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('Z_')) return refuse(`body is not valid ${coding}`);
    throw err;
  }
  return Buffer.concat(chunks, size);
}
