/**
 * A strict local AWS: an HTTP proxy on loopback in front of each emulator (dynalite, fauxqs) that
 * answers every call AWS would reject with AWS's own error (the `__type`, and for SQS the
 * `x-amzn-query-error` header, from which the SDK names its exception), before the emulator sees
 * it; and that carries through the emulator, intact, what AWS accepts and the emulator would not.
 *
 * Why a proxy and not SDK middleware: every emulator-backed path speaks HTTP to an endpoint. The
 * jest workers' clients, the Lambda bundles the tests run in child processes (real SDK clients
 * pointed here by `AWS_ENDPOINT_URL_*`) and `video-webhooks dev` all reach it; middleware would
 * cover only the clients it was installed on, never a child process or a consumer's own client.
 *
 * It speaks the AWS JSON protocols the current SDK uses (`X-Amz-Target: AmazonSQS.*`,
 * `DynamoDB_20120810.*`); any other request is passed through untouched. Local tooling only: no
 * Lambda bundle imports it.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { loopbackUrl } from './loopback';
import { strictDynamoDb } from './strict-dynamodb';
import { isRejection, type StrictService, type UpstreamCall } from './strict-service';
import { strictSqs } from './strict-sqs';

export interface StrictAws {
  /** Where DynamoDB clients go: the strict layer in front of dynalite. */
  readonly dynamoEndpoint: string;
  /** Where SQS clients go: the strict layer in front of fauxqs. */
  readonly sqsEndpoint: string;
  stop(): Promise<void>;
}

export interface StrictAwsOptions {
  /** The clock that rates are measured on (SQS's FIFO send rate). @default Date.now */
  readonly now?: () => number;
}

/** Starts the strict layer in front of emulators already listening at these endpoints. */
export async function startStrictAws(upstream: { readonly dynamoEndpoint: string; readonly sqsEndpoint: string }, host = '127.0.0.1', options: StrictAwsOptions = {}): Promise<StrictAws> {
  const dynamo = await startStrictProxy(upstream.dynamoEndpoint, strictDynamoDb(), host);
  const sqs = await startStrictProxy(upstream.sqsEndpoint, strictSqs(options), host).catch(async (err: unknown) => {
    await dynamo.stop();
    throw err;
  });
  return {
    dynamoEndpoint: dynamo.url,
    sqsEndpoint: sqs.url,
    stop: async () => {
      await Promise.all([dynamo.stop(), sqs.stop()]);
    },
  };
}

interface Proxy {
  readonly url: string;
  stop(): Promise<void>;
}

async function startStrictProxy(upstreamUrl: string, service: StrictService, host: string): Promise<Proxy> {
  const upstream = new URL(upstreamUrl);
  const upstreamHost = upstream.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its URL brackets
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'StrictLocalAwsProxyError', message: `strict local AWS: the emulator at ${upstreamUrl} failed: ${(err as Error)?.message ?? err}` }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    const target = req.headers['x-amz-target'];
    const action = typeof target === 'string' && target.startsWith(service.targetPrefix) ? target.slice(service.targetPrefix.length) : undefined;
    const input = action !== undefined ? parseObject(raw) : undefined;
    if (action === undefined || input === undefined) {
      const through = service.passThrough?.(req.method ?? '', req.url ?? '/');
      return forward(req, raw, res, through?.rewriteOutput, through?.rewrites);
    }

    const admission = await service.admit(action, input, upstreamCall(req));
    if (isRejection(admission)) {
      const error = service.errorAnswer(admission);
      return answer(res, 400, error.headers, error.body);
    }
    if (admission.answer !== undefined) return answer(res, admission.answerStatus ?? 200, { 'content-type': 'application/x-amz-json-1.0' }, admission.answer);
    const body = admission.input === undefined ? raw : Buffer.from(JSON.stringify(admission.input), 'utf8');
    return forward(req, body, res, admission.rewriteOutput, admission.rewrites);
  }

  async function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, rewriteOutput?: (output: unknown) => unknown, rewrites: (raw: Buffer) => boolean = () => true): Promise<void> {
    const reply = await send(req.method ?? 'POST', req.url ?? '/', { ...endToEnd(req.headers), 'content-length': body.length }, body);
    if (!rewriteOutput || reply.statusCode !== 200) {
      const headers = endToEnd(reply.headers);
      res.writeHead(reply.statusCode ?? 502, reply.statusCode !== 200 && service.emulatorErrorHeaders ? service.emulatorErrorHeaders(headers) : headers);
      await pipeline(reply, res);
      return;
    }
    const buffer = await readAll(reply);
    const output = rewrites(buffer) ? parseObject(buffer) : undefined;
    const rewritten = output === undefined ? buffer : Buffer.from(JSON.stringify(rewriteOutput(output)), 'utf8');
    // The length and checksum were the emulator's answer's; this one is another.
    const headers = without(endToEnd(reply.headers), ['content-length', 'x-amz-crc32']);
    res.writeHead(200, { ...headers, 'content-length': rewritten.length }).end(rewritten);
  }

  function upstreamCall(req: IncomingMessage): UpstreamCall {
    return async (action, input) => {
      const body = Buffer.from(JSON.stringify(input), 'utf8');
      // Emulators check that a request is signed, not the signature: the caller's headers do.
      const reply = await send('POST', '/', { ...endToEnd(req.headers), 'x-amz-target': `${service.targetPrefix}${action}`, 'content-length': body.length }, body);
      return { status: reply.statusCode ?? 0, output: parseObject(await readAll(reply)) };
    };
  }

  /**
   * Sends a request to the emulator. A kept-alive connection the emulator closed while idle fails
   * the first write (ECONNRESET on a reused socket): the request never reached it, and is sent once
   * more on a new connection, as Node's documentation advises.
   */
  function send(method: string, path: string, headers: OutgoingHttpHeaders, body: Buffer, retried = false): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const out = httpRequest({ host: upstreamHost, port: upstream.port, method, path, headers, agent }, resolve);
      out.on('error', (err: NodeJS.ErrnoException) => {
        if (!retried && out.reusedSocket && err.code === 'ECONNRESET') resolve(send(method, path, headers, body, true));
        else reject(err);
      });
      out.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
    // Longer than the SDK keeps a connection idle, so that it never reuses one closed under it.
    server.keepAliveTimeout = 120_000;
  });
  let url: string;
  try {
    url = loopbackUrl(server, 'the strict local AWS proxy');
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  return {
    url,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** Headers without the hop-by-hop ones (RFC 9110 7.6.1): each side of the proxy has its own connection. */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return without(headers, HOP_BY_HOP);
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'];

function without(headers: IncomingHttpHeaders, names: readonly string[]): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

function answer(res: ServerResponse, status: number, headers: Record<string, string>, output: unknown): void {
  const body = JSON.stringify(output);
  res.writeHead(status, { ...headers, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(body) }).end(body);
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function parseObject(buffer: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(buffer.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not JSON: the emulator answers it as AWS would (SerializationException)
  }
}
