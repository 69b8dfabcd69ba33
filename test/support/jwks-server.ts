/**
 * A vendor's JWKS endpoint on 127.0.0.1, serving Ed25519 public keys made with node:crypto, and
 * counting every request it gets: what the tests of public-key signatures fetch keys from. Its
 * keys can be rotated, and it can be told to answer badly (a status, a redirect, a large or slow
 * body).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ed25519Key {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public key as a JWKS entry: `{kty: 'OKP', crv: 'Ed25519', x, kid}`. */
  readonly jwk: Record<string, string>;
}

export function ed25519Key(kid: string): Ed25519Key {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
  return { kid, privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid } };
}

/** How the server answers the next requests. */
export type JwksBehaviour =
  | { readonly kind: 'keys' }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'body'; readonly body: string }
  | { readonly kind: 'slow'; readonly ms: number };

export class JwksServer {
  /** Requests received, every path. */
  requests = 0;
  keys: Ed25519Key[];
  behaviour: JwksBehaviour = { kind: 'keys' };
  private server: Server | undefined;

  constructor(...keys: Ed25519Key[]) {
    this.keys = keys;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  async start(): Promise<this> {
    this.server = createServer((_req, res) => {
      this.requests++;
      const b = this.behaviour;
      if (b.kind === 'status') return void res.writeHead(b.status).end('{}');
      if (b.kind === 'redirect') return void res.writeHead(302, { location: b.location }).end();
      const body = b.kind === 'body' ? b.body : JSON.stringify({ keys: this.keys.map((k) => k.jwk) });
      if (b.kind === 'slow') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setTimeout(() => res.end(body), b.ms);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * fal's signature, computed here with node:crypto only: Ed25519 over
 * `<request id>\n<user id>\n<timestamp>\n<hex SHA-256 of the raw body>`, hex in
 * `X-Fal-Webhook-Signature` (https://docs.fal.ai/model-apis/model-endpoints/webhooks, "Verifying Your Webhook").
 */
export function falHeaders(key: Ed25519Key, body: string | Buffer, h: { readonly requestId: string; readonly userId: string; readonly timestamp: number | string }): Record<string, string> {
  const digest = createHash('sha256').update(body).digest('hex');
  const message = Buffer.from([h.requestId, h.userId, String(h.timestamp), digest].join('\n'), 'utf8');
  return {
    'x-fal-webhook-request-id': h.requestId,
    'x-fal-webhook-user-id': h.userId,
    'x-fal-webhook-timestamp': String(h.timestamp),
    'x-fal-webhook-signature': sign(null, message, key.privateKey).toString('hex'),
  };
}
