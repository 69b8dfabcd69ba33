import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Vendor } from '../../lib';
import { createAdapter } from '../../lambda/vendors/registry';

const s = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
const secret = (name: string) => secretsmanager.Secret.fromSecretCompleteArn(s, name, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${name}-AbCdEf`);
const webhookSecret = secret('webhook');
const apiKey = secret('api');

describe('Vendor', () => {
  it('gives the built-in vendors their ids, kinds and documented defaults', () => {
    const sync = Vendor.sync({ webhookSecret, apiKey });
    expect(sync.runtimeConfig()).toEqual({ id: 'sync', kind: 'sync', options: { timestampToleranceSeconds: 300 } });
    expect(sync.pollerConfig()).toEqual({
      vendor: sync.runtimeConfig(),
      apiKeySecretArn: apiKey.secretArn,
      statusApiBaseUrl: undefined,
      requestsPerMinute: 300,
      pollingEnabled: true,
      requestTimeoutMs: 5000,
    });
    const synthesia = Vendor.synthesia({ webhookSecret });
    expect(synthesia.runtimeConfig().options).toEqual({ timestampToleranceSeconds: 600 });
    expect(synthesia.pollRequestsPerMinute).toBe(50);
    expect(Vendor.lipdub({ webhookSecret }).pollerConfig()).toMatchObject({ requestsPerMinute: 60, pollingEnabled: true, apiKeySecretArn: undefined });
    expect(Vendor.lipdub({ webhookSecret }).runtimeConfig()).toEqual({ id: 'lipdub', kind: 'lipdub', options: {} });
  });

  it('polls ViralSync only when its status API base URL is set, and refuses polling without one', () => {
    expect(Vendor.viralsync({ webhookSecret }).pollingEnabled).toBe(false);
    const v = Vendor.viralsync({ webhookSecret, statusApiBaseUrl: 'https://api.viralsync.example' });
    expect(v.pollerConfig()).toMatchObject({ pollingEnabled: true, statusApiBaseUrl: 'https://api.viralsync.example', requestsPerMinute: 60 });
    expect(() => Vendor.viralsync({ webhookSecret, polling: true })).toThrow(
      'vendor viralsync: polling is on but its status API has no public base URL: set statusApiBaseUrl, or polling: false',
    );
  });

  it('passes overrides and adapter options through, typed options winning', () => {
    const v = Vendor.sync({
      id: 'sync-eu',
      webhookSecret,
      timestampTolerance: Duration.minutes(2),
      pollRequestsPerMinute: 120,
      statusRequestTimeout: Duration.seconds(3),
      polling: false,
      adapterOptions: { timestampToleranceSeconds: 1, compactJsonFallback: true },
    });
    expect(v.runtimeConfig()).toEqual({
      id: 'sync-eu',
      kind: 'sync',
      options: { timestampToleranceSeconds: 120, compactJsonFallback: true },
    });
    expect(v.pollerConfig()).toMatchObject({ requestsPerMinute: 120, requestTimeoutMs: 3000, pollingEnabled: false });
  });

  const acmeOptions = {
    auth: { type: 'hmac', signatureHeader: 'x-acme-signature', timestampHeader: 'x-acme-timestamp', template: '{timestamp}.{body}' },
    paths: { jobId: 'data.id', status: 'data.state' },
    statusMap: { done: 'succeeded', broken: 'failed', working: 'processing' },
  };

  it('runs a custom vendor on the generic adapter, timestampTolerance going to auth.toleranceSeconds', () => {
    const acme = Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: acmeOptions, timestampTolerance: Duration.minutes(1) });
    expect(acme.runtimeConfig()).toEqual({
      id: 'acme',
      kind: 'generic',
      options: { ...acmeOptions, auth: { ...acmeOptions.auth, toleranceSeconds: 60 } },
    });
    expect(acme.pollingEnabled).toBe(false);
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: acmeOptions, polling: true })).toThrow(
      /^vendor acme: polling is on but adapterOptions has no statusUrlTemplate/,
    );
    const polled = Vendor.custom({ id: 'acme', webhookSecret, apiKey, adapterOptions: { ...acmeOptions, statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}' } });
    expect(polled.pollerConfig()).toMatchObject({ pollingEnabled: true, requestsPerMinute: 60, apiKeySecretArn: apiKey.secretArn });
  });

  it('checks the generic adapter options at synth time', () => {
    const custom = (adapterOptions: Record<string, unknown>) => () => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions });
    expect(() => Vendor.custom({ webhookSecret, adapterOptions: acmeOptions } as never)).toThrow(/a custom vendor needs an id/);
    expect(custom({ ...acmeOptions, auth: { type: 'jwt' } })).toThrow("vendor acme: adapterOptions.auth.type must be 'hmac' or 'bearer'");
    expect(custom({ ...acmeOptions, auth: { type: 'hmac' } })).toThrow(/adapterOptions.auth.signatureHeader is required/);
    expect(custom({ ...acmeOptions, paths: { jobId: 'id' } })).toThrow(/adapterOptions.paths.jobId and paths.status are required/);
    expect(custom({ ...acmeOptions, statusMap: { done: 'finished' } })).toThrow(/adapterOptions.statusMap.done is finished: use one of queued, processing/);
    expect(custom({ ...acmeOptions, statusUrlTemplate: 'https://api.acme.example/v1/jobs' })).toThrow('vendor acme: adapterOptions.statusUrlTemplate must contain {jobId}');
    expect(custom({ ...acmeOptions, statusUrlTemplate: 'ftp://api.acme.example/{jobId}' })).toThrow(/statusUrlTemplate ftp:.* is not an absolute http\(s\) URL/);
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { ...acmeOptions, auth: { type: 'bearer' } }, timestampTolerance: Duration.seconds(30) })).toThrow(
      /timestampTolerance applies to hmac auth only/,
    );
  });

  it('refuses at synth time an adapter option name the adapter does not take (a typo would otherwise be ignored)', () => {
    expect(() => Vendor.synthesia({ webhookSecret, adapterOptions: { toleranceSeconds: 60 } })).toThrow(
      'vendor synthesia: adapterOptions: option "toleranceSeconds" is not one the synthesia adapter takes: use timestampToleranceSeconds',
    );
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { ...acmeOptions, statusMapping: {} } })).toThrow(
      /^vendor acme: adapterOptions: option "statusMapping" is not one the generic adapter takes/,
    );
  });

  it('rejects at synth time what the generic adapter would reject at cold start (one shared check)', () => {
    const custom = (adapterOptions: Record<string, unknown>) => () => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions });
    expect(custom({ ...acmeOptions, auth: { ...acmeOptions.auth, template: '{timestamp}' } })).toThrow(
      'vendor acme: adapterOptions.auth.template "{timestamp}" must contain {body}: a signature that does not cover the body would authenticate any body',
    );
    expect(custom({ ...acmeOptions, auth: { ...acmeOptions.auth, encoding: 'base32' } })).toThrow(`adapterOptions.auth.encoding is "base32": use 'hex' or 'base64'`);
    expect(custom({ ...acmeOptions, auth: { ...acmeOptions.auth, template: 7 } })).toThrow('adapterOptions.auth.template is 7: use a string');
    expect(custom({ ...acmeOptions, paths: { jobId: 42, status: 'data.state' } })).toThrow(/adapterOptions.paths.jobId is 42: use a dotted path/);
    expect(custom({ ...acmeOptions, auth: { ...acmeOptions.auth, algorithm: 'sha1' } })).toThrow(`adapterOptions.auth.algorithm is "sha1": only 'sha256' is supported`);
    expect(custom({ ...acmeOptions, auth: { type: 'bearer', header: '' } })).toThrow('adapterOptions.auth.header is "": use a header name such as "authorization"');
  });

  it.each(['Sync', '1abc', 'a_b', 'x'.repeat(33), 'has space', ''])('rejects the id %p and says what ids look like', (id) => {
    expect(() => Vendor.sync({ id, webhookSecret })).toThrow(`vendor id "${id}" is invalid: use lower case letters, digits and "-"`);
  });

  it('rejects out-of-range rates, timeouts, tolerances and a base URL that is not http(s)', () => {
    expect(() => Vendor.sync({ webhookSecret, pollRequestsPerMinute: 0 })).toThrow(/vendor sync: pollRequestsPerMinute 0 is out of range/);
    expect(() => Vendor.sync({ webhookSecret, statusRequestTimeout: Duration.minutes(2) })).toThrow(/statusRequestTimeout 2 minutes is out of range/);
    expect(() => Vendor.synthesia({ webhookSecret, timestampTolerance: Duration.days(2) })).toThrow(/timestampTolerance 172800 seconds is out of range/);
    expect(() => Vendor.sync({ webhookSecret, statusApiBaseUrl: 'api.sync.so' })).toThrow(/statusApiBaseUrl "api.sync.so" is not an http\(s\) URL/);
  });

  it('produces configurations the runtime adapters accept (the deployment contract holds)', () => {
    const vendors = [
      Vendor.sync({ webhookSecret, timestampTolerance: Duration.minutes(2) }),
      Vendor.lipdub({ webhookSecret }),
      Vendor.viralsync({ webhookSecret, statusApiBaseUrl: 'https://api.viralsync.example' }),
      Vendor.synthesia({ webhookSecret }),
      Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { ...acmeOptions, statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}' } }),
    ];
    for (const vendor of vendors) {
      const adapter = createAdapter(vendor.runtimeConfig());
      expect(adapter.id).toBe(vendor.id);
      // Every vendor polled by default has a status API the poller can use.
      expect(vendor.pollingEnabled).toBe(true);
      expect(adapter.statusApi).toBeDefined();
    }
  });
});
