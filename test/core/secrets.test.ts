import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EnvSecretSource } from '../../local/adapters/secrets';
import { parseSecretValue, SecretFormatError } from '../../lambda/core/secrets';
import { SecretsManagerSource } from '../../lambda/adapters/aws/secrets-manager';
import { silentTelemetry } from '../../lambda/core/ports';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager';

describe('webhook secrets', () => {
  it('parses one string, or a JSON array of accepted strings during rotation', () => {
    expect(parseSecretValue('whsec_abc')).toEqual(['whsec_abc']);
    expect(parseSecretValue(' ["whsec_old", "whsec_new"] ')).toEqual(['whsec_old', 'whsec_new']);
    expect(parseSecretValue('123456')).toEqual(['123456']); // JSON, but a number: the secret itself
    expect(parseSecretValue('a,b')).toEqual(['a,b']); // one secret with a comma in it
    expect(parseSecretValue('')).toEqual([]);
    expect(parseSecretValue(undefined)).toEqual([]);
  });

  it.each([
    ['a malformed array', '["whsec_old", "whsec_new"', /starts with \[ but is not a JSON array/],
    ['an array with an empty entry', '["whsec_old", ""]', /not of non-empty strings/],
    ['an array with a number', '["whsec_old", 7]', /not of non-empty strings/],
    ['an empty array', '[]', /not of non-empty strings/],
    ['a JSON object (the console\'s key/value editor)', '{"secret":"whsec_abc"}', /JSON object/],
    ['a quoted string', '"whsec_abc"', /quoted JSON string/],
  ])('refuses %s with a clear error that does not show the value', (_what, value, message) => {
    expect(() => parseSecretValue(value)).toThrow(SecretFormatError);
    expect(() => parseSecretValue(value)).toThrow(message);
    try {
      parseSecretValue(value);
    } catch (err) {
      expect((err as Error).message).not.toContain('whsec_');
    }
  });

  it('reads env secrets in the same format (the dev server)', async () => {
    const env = new EnvSecretSource({ SYNC_WEBHOOK_SECRET: '["a","b"]', ONE: 'a,b', OTHER: '', BAD: '{"k":"v"}' });
    expect(await env.get('SYNC_WEBHOOK_SECRET')).toEqual(['a', 'b']);
    expect(await env.get('ONE')).toEqual(['a,b']);
    expect(await env.get('OTHER')).toEqual([]);
    expect(await env.get('MISSING')).toEqual([]);
    await expect(env.get('BAD')).rejects.toThrow('BAD: the value is a JSON object');
  });

  it('a verifier answers 503 (not 500, not a literal key) when the stored secret is not in the format', async () => {
    const { handleWebhook } = await import('../../lambda/core/webhook');
    const { CountingTelemetry } = await import('../../local/adapters/counting-telemetry');
    const { MemoryEventQueue, MemoryJobStore, MemoryQuarantineQueue } = await import('../../local/adapters/memory');
    const { createAdapter } = await import('../../lambda/vendors/registry');
    const telemetry = new CountingTelemetry(true);
    const answer = await handleWebhook('sync', { headers: {}, body: Buffer.from('{}') }, {
      adapters: new Map([['sync', createAdapter({ id: 'sync', kind: 'sync', options: {} })]]),
      secrets: new EnvSecretSource({ S: '{"secret":"whsec_abc"}' }),
      secretIdFor: () => 'S',
      store: new MemoryJobStore(),
      queue: new MemoryEventQueue(),
      quarantine: new MemoryQuarantineQueue(),
      clock: { now: () => Date.now(), sleep: async () => undefined },
      telemetry,
      config: { dedupeWindowMs: 1, staleAfterMs: 1, giveUpAfterMs: 1, claimLeaseMs: 1, busyWaitMs: 1 },
      maxBodyBytes: 1024,
    });
    expect(answer.statusCode).toBe(503);
    expect(JSON.stringify(telemetry.lines)).toContain('JSON object');
    expect(JSON.stringify(telemetry.lines)).not.toContain('whsec_abc');
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
      source = new SecretsManagerSource(client, 300_000, silentTelemetry, { now: () => now });
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
