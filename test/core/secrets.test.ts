import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EnvSecretSource, parseSecretValue, SecretsManagerSource } from '../../lambda/core/secrets';

/**
 * A Secrets Manager endpoint on 127.0.0.1 speaking the real AWS JSON 1.1 protocol
 * (`X-Amz-Target: secretsmanager.GetSecretValue`), so the real SDK client is exercised.
 */
function fakeSecretsManager(values: Map<string, string>, calls: string[]): Promise<{ server: Server; endpoint: string; fail: { next: number } }> {
  const fail = { next: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      calls.push(`${target}:${SecretId}`);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (fail.next > 0) {
        fail.next--;
        res.statusCode = 500;
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'injected' }));
        return;
      }
      const value = SecretId ? values.get(SecretId) : undefined;
      if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not found' }));
        return;
      }
      res.end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: value, VersionId: 'v1' }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, fail, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

describe('webhook secrets', () => {
  it('parses one string, or a JSON array of accepted strings during rotation', () => {
    expect(parseSecretValue('whsec_abc')).toEqual(['whsec_abc']);
    expect(parseSecretValue('["whsec_old","whsec_new"]')).toEqual(['whsec_old', 'whsec_new']);
    expect(parseSecretValue(' [not json')).toEqual(['[not json']);
    expect(parseSecretValue('')).toEqual([]);
    expect(parseSecretValue(undefined)).toEqual([]);
  });

  it('reads env secrets as comma-separated lists', async () => {
    const env = new EnvSecretSource({ SYNC_WEBHOOK_SECRET: 'a, b ,', OTHER: '' });
    expect(await env.get('SYNC_WEBHOOK_SECRET')).toEqual(['a', 'b']);
    expect(await env.get('OTHER')).toEqual([]);
    expect(await env.get('MISSING')).toEqual([]);
  });

  describe('from Secrets Manager (a local endpoint speaking its JSON protocol)', () => {
    let fake: Awaited<ReturnType<typeof fakeSecretsManager>>;
    const values = new Map<string, string>();
    const calls: string[] = [];
    let now = 0;
    let source: SecretsManagerSource;

    beforeAll(async () => {
      fake = await fakeSecretsManager(values, calls);
    });
    afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));
    beforeEach(() => {
      calls.length = 0;
      now = 1_000_000;
      values.set('arn:sync', 'whsec_one');
      const client = new SecretsManagerClient({ endpoint: fake.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
      source = new SecretsManagerSource(client, 300_000, { now: () => now });
    });

    it('reads once per container and serves concurrent callers from one request', async () => {
      const got = await Promise.all([source.get('arn:sync'), source.get('arn:sync'), source.get('arn:sync')]);
      expect(got).toEqual([['whsec_one'], ['whsec_one'], ['whsec_one']]);
      await source.get('arn:sync');
      expect(calls).toEqual(['secretsmanager.GetSecretValue:arn:sync']);
    });

    it('picks up a rotation after the refresh interval', async () => {
      await source.get('arn:sync');
      values.set('arn:sync', '["whsec_one","whsec_two"]');
      now += 299_000;
      expect(await source.get('arn:sync')).toEqual(['whsec_one']);
      now += 2_000;
      expect(await source.get('arn:sync')).toEqual(['whsec_one', 'whsec_two']);
      expect(calls).toHaveLength(2);
    });

    it('keeps serving the last good value when a refresh fails, and fails when it never had one', async () => {
      await source.get('arn:sync');
      now += 301_000;
      fake.fail.next = 1;
      expect(await source.get('arn:sync')).toEqual(['whsec_one']);
      fake.fail.next = 1;
      await expect(source.get('arn:other')).rejects.toThrow();
    });
  });
});
