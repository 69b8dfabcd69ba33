/**
 * A Secrets Manager endpoint on 127.0.0.1 speaking the real AWS JSON 1.1 protocol
 * (`X-Amz-Target: secretsmanager.GetSecretValue`), so the real SDK client is exercised.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecretsManager {
  readonly server: Server;
  readonly endpoint: string;
  readonly values: Map<string, string>;
  readonly calls: string[];
  /** Answer the next n calls with a 500. */
  readonly fail: { next: number };
  /**
   * Answers for the next calls, in order, before any other: an AWS error (its HTTP status and
   * `__type`, as Secrets Manager sends it), or `'reset'` (the connection is dropped unanswered).
   */
  readonly answers: FakeSecretsManagerAnswer[];
  close(): Promise<void>;
}

export type FakeSecretsManagerAnswer = { readonly status: number; readonly type: string } | 'reset';

export function startFakeSecretsManager(initial: Record<string, string> = {}): Promise<FakeSecretsManager> {
  const values = new Map(Object.entries(initial));
  const calls: string[] = [];
  const fail = { next: 0 };
  const answers: FakeSecretsManagerAnswer[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      let secretId: string | undefined;
      try {
        secretId = (JSON.parse(body || '{}') as { SecretId?: string }).SecretId;
      } catch {
        secretId = undefined;
      }
      calls.push(`${target}:${secretId}`);
      const answer = answers.shift();
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (answer) {
        res.statusCode = answer.status;
        res.end(JSON.stringify({ __type: answer.type, message: 'injected' }));
        return;
      }
      if (fail.next > 0) {
        fail.next--;
        res.statusCode = 500;
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'injected' }));
        return;
      }
      const value = secretId ? values.get(secretId) : undefined;
      if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can’t find the specified secret.' }));
        return;
      }
      res.end(JSON.stringify({ ARN: secretId, Name: secretId, SecretString: value, VersionId: 'v1' }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        values,
        calls,
        fail,
        answers,
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}
