/**
 * SecretsManagerSource when a refresh fails, with the real SDK client against a local endpoint
 * speaking Secrets Manager's JSON protocol (test/support/fake-secrets-manager.ts): throttling,
 * server and network errors serve the last value read for a bounded time, logged and counted each
 * time; any other error (the secret deleted, access revoked, its value reformatted) drops it.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { MAX_STALE_MS, SecretsManagerSource } from '../../lambda/adapters/aws/secrets-manager';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { createAdapter } from '../../lambda/vendors/registry';
import { startFakeSecretsManager, type FakeSecretsManager, type FakeSecretsManagerAnswer } from '../support/fake-secrets-manager';
import { drainEvents, freshBackend, ManualClock, TEST_DELIVERY_CONFIG } from '../support/emulators';
import { hmacHex, NOW_MS, NOW_S, request } from '../vendors/support';

const REFRESH_MS = 300_000;
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sync-webhook-AbCdEf';

describe('SecretsManagerSource when a refresh fails (the real SDK client, a local Secrets Manager endpoint)', () => {
  let fake: FakeSecretsManager;
  let clock: ManualClock;
  let telemetry: CountingTelemetry;
  let source: SecretsManagerSource;

  const newSource = () => {
    const client = new SecretsManagerClient({ endpoint: fake.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    return new SecretsManagerSource(client, REFRESH_MS, telemetry, clock);
  };
  const failures = () => telemetry.get('SecretRefreshFailures:sync');
  const linesOf = (level: string) => telemetry.lines.filter((l) => l.level === level);

  beforeAll(async () => {
    fake = await startFakeSecretsManager();
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.calls.length = 0;
    fake.answers.length = 0;
    fake.values.set(ARN, 'whsec_one');
    clock = new ManualClock(NOW_MS);
    telemetry = new CountingTelemetry(true);
    source = newSource();
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_one']);
    clock.advance(REFRESH_MS); // the refresh is due
  });

  const TRANSIENT: Array<[string, FakeSecretsManagerAnswer, RegExp]> = [
    ['throttled (ThrottlingException, HTTP 400)', { status: 400, type: 'ThrottlingException' }, /^ThrottlingException: injected/],
    ['answered with a server error (InternalServiceError, HTTP 500)', { status: 500, type: 'InternalServiceError' }, /^InternalServiceError: injected/],
    ['answered unavailable (ServiceUnavailable, HTTP 503)', { status: 503, type: 'ServiceUnavailable' }, /^ServiceUnavailable: injected/],
    ['cut off (the connection dropped unanswered)', 'reset', /socket hang up|ECONNRESET/],
  ];

  it.each(TRANSIENT)('serves the value last read when a refresh is %s, logging and counting each failed refresh, retried every 30 s', async (_what, answer, error) => {
    fake.answers.push(answer);
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_one']);
    expect(failures()).toBe(1);
    expect(linesOf('warn')).toEqual([
      {
        level: 'warn',
        message: 'secret refresh failed: serving the value last read until Secrets Manager answers',
        fields: { vendor: 'sync', secret: ARN, error: expect.stringMatching(error), readAt: new Date(NOW_MS).toISOString(), servedAtMostUntil: new Date(NOW_MS + REFRESH_MS + MAX_STALE_MS).toISOString() },
      },
    ]);

    clock.advance(29_000);
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_one']);
    expect(fake.calls).toHaveLength(2); // not asked again before 30 s

    clock.advance(1_000);
    fake.answers.push(answer);
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_one']);
    expect(failures()).toBe(2);
    expect(linesOf('warn')).toHaveLength(2);

    clock.advance(30_000);
    fake.values.set(ARN, 'whsec_two'); // Secrets Manager answers again, with a rotated value
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_two']);
    expect(failures()).toBe(2);
  });

  it(`stops serving the value last read ${MAX_STALE_MS / 60_000} minutes after its refresh was due, while every refresh keeps failing`, async () => {
    const throttled: FakeSecretsManagerAnswer = { status: 400, type: 'ThrottlingException' };
    fake.answers.push(throttled);
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_one']);
    clock.advance(MAX_STALE_MS - 1);
    fake.answers.push(throttled);
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_one']);

    clock.advance(1);
    fake.answers.push(throttled);
    await expect(source.get(ARN, 'sync')).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(failures()).toBe(3);
    expect(linesOf('error')).toEqual([
      {
        level: 'error',
        message: 'secret refresh failed: the cached value is dropped',
        fields: { vendor: 'sync', secret: ARN, error: 'ThrottlingException: injected', reason: 'Secrets Manager has not answered for 15 minutes after the refresh was due' },
      },
    ]);
    // Nothing cached: the next request asks again, and works once Secrets Manager answers.
    expect(await source.get(ARN, 'sync')).toEqual(['whsec_one']);
    expect(fake.calls).toHaveLength(5);
  });

  it('serves the value last read when Secrets Manager cannot be reached at all (connection refused)', async () => {
    const gone = await startFakeSecretsManager({ [ARN]: 'whsec_one' });
    const client = new SecretsManagerClient({ endpoint: gone.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const unreachable = new SecretsManagerSource(client, REFRESH_MS, telemetry, clock);
    expect(await unreachable.get(ARN, 'sync')).toEqual(['whsec_one']);
    await gone.close();
    clock.advance(REFRESH_MS);
    expect(await unreachable.get(ARN, 'sync')).toEqual(['whsec_one']);
    expect(failures()).toBe(1);
    // Refused, or the pooled keep-alive socket found closed: either is a network error.
    expect(linesOf('warn')[0].fields.error).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);
  });

  /** An AWS error answered, or a new value that is not in the secret format. */
  type Refusal = { readonly status: number; readonly type: string } | { readonly value: string };
  const REFUSED: Array<[string, Refusal, RegExp]> = [
    ['ResourceNotFoundException (the secret was deleted)', { status: 400, type: 'ResourceNotFoundException' }, /^ResourceNotFoundException/],
    ['AccessDeniedException (the function lost its permission)', { status: 400, type: 'AccessDeniedException' }, /^AccessDeniedException/],
    ['DecryptionFailure (its KMS key was disabled)', { status: 400, type: 'DecryptionFailure' }, /^DecryptionFailure/],
    ['InvalidRequestException (the secret is scheduled for deletion)', { status: 400, type: 'InvalidRequestException' }, /^InvalidRequestException/],
    ['a value not in the secret format (a JSON object)', { value: '{"secret":"whsec_one"}' }, /^SecretFormatError: the value is a JSON object/],
  ];

  it.each(REFUSED)('drops the cached value when a refresh meets %s: the caller gets the error, logged and counted', async (_what, answer, error) => {
    if ('value' in answer) fake.values.set(ARN, answer.value);
    else fake.answers.push(answer);
    await expect(source.get(ARN, 'sync')).rejects.toThrow();
    expect(failures()).toBe(1);
    expect(linesOf('error')).toEqual([
      {
        level: 'error',
        message: 'secret refresh failed: the cached value is dropped',
        fields: { vendor: 'sync', secret: ARN, error: expect.stringMatching(error), reason: 'not a throttling, network or server error: the secret may have been deleted, revoked or changed' },
      },
    ]);
    expect(JSON.stringify(telemetry.lines)).not.toContain('whsec_one');
    // Not cached: the next call asks Secrets Manager again (and fails again, until the secret is fixed).
    fake.answers.push({ status: 400, type: 'ResourceNotFoundException' });
    await expect(source.get(ARN, 'sync')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(fake.calls).toHaveLength(3);
  });

  describe('behind a verifier (the webhook core on the emulators)', () => {
    const body = JSON.stringify({ id: 'gen-warm', status: 'COMPLETED', outputUrl: 'https://cdn.sync.so/gen-warm.mp4' });
    const signed = () => request({ 'sync-signature': `t=${NOW_S},v1=${hmacHex('whsec_one', `${NOW_S}.`, body)}` }, body);
    const depsOf = async (secrets: SecretsManagerSource) => {
      const backend = await freshBackend();
      const deps: WebhookDeps = {
        ...backend,
        adapters: new Map([['sync', createAdapter({ id: 'sync', kind: 'sync', options: {} })]]),
        secrets,
        secretIdFor: () => ARN,
        clock,
        telemetry,
        config: TEST_DELIVERY_CONFIG,
        maxBodyBytes: 262_144,
      };
      return { deps, backend };
    };

    it.each([
      ['deleted (ResourceNotFoundException): 500, like any Secrets Manager failure', { status: 400, type: 'ResourceNotFoundException' }, { statusCode: 500, result: { kind: 'failed', reason: 'secret_unavailable' } }],
      ['reformatted (a JSON object): 503 not configured', { value: '{"secret":"whsec_one"}' }, { statusCode: 503, result: { kind: 'rejected', reason: 'not_configured' } }],
    ] as Array<[string, Refusal, object]>)('answers a signed request as a cold verifier would once the secret is %s, and queues nothing', async (_what, answer, expected) => {
      const warm = await depsOf(source);
      if ('value' in answer) fake.values.set(ARN, answer.value);
      const cold = await depsOf(newSource());
      if (!('value' in answer)) fake.answers.push(answer, answer);

      const warmAnswer = await handleWebhook('sync', signed(), warm.deps);
      const coldAnswer = await handleWebhook('sync', signed(), cold.deps);

      expect(warmAnswer).toMatchObject(expected);
      expect(warmAnswer).toEqual(coldAnswer);
      expect(await drainEvents(warm.backend.sqs, warm.backend.queueUrl)).toEqual([]);
    });
  });
});
