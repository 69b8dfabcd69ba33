import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EnvSecretSource } from '../../lambda/adapters/local/secrets';
import { parseSecretValue } from '../../lambda/core/secrets';
import { SecretsManagerSource } from '../../lambda/adapters/aws/secrets-manager';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager';

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
    let fake: FakeSecretsManager;
    let now = 0;
    let source: SecretsManagerSource;

    beforeAll(async () => {
      fake = await startFakeSecretsManager();
    });
    afterAll(() => fake.close());
    beforeEach(() => {
      fake.calls.length = 0;
      now = 1_000_000;
      fake.values.set('arn:sync', 'whsec_one');
      const client = new SecretsManagerClient({ endpoint: fake.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
      source = new SecretsManagerSource(client, 300_000, { now: () => now });
    });

    it('reads once per container and serves concurrent callers from one request', async () => {
      const got = await Promise.all([source.get('arn:sync'), source.get('arn:sync'), source.get('arn:sync')]);
      expect(got).toEqual([['whsec_one'], ['whsec_one'], ['whsec_one']]);
      await source.get('arn:sync');
      expect(fake.calls).toEqual(['secretsmanager.GetSecretValue:arn:sync']);
    });

    it('picks up a rotation after the refresh interval', async () => {
      await source.get('arn:sync');
      fake.values.set('arn:sync', '["whsec_one","whsec_two"]');
      now += 299_000;
      expect(await source.get('arn:sync')).toEqual(['whsec_one']);
      now += 2_000;
      expect(await source.get('arn:sync')).toEqual(['whsec_one', 'whsec_two']);
      expect(fake.calls).toHaveLength(2);
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
