import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SignatureEncoding, Vendor, WebhookAuth, type CustomVendorAdapterOptions } from '../../lib';
import { createAdapter } from '../../lambda/vendors/registry';

const s = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
const secret = (name: string) => secretsmanager.Secret.fromSecretCompleteArn(s, name, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${name}-AbCdEf`);
const webhookSecret = secret('webhook');
const apiKey = secret('api');

describe('Vendor', () => {
  it('gives the built-in vendors their ids, kinds and documented defaults', () => {
    const sync = Vendor.sync({ webhookSecret, apiKey });
    expect(sync._runtimeConfig()).toEqual({ id: 'sync', kind: 'sync', options: { timestampToleranceSeconds: 300 } });
    expect(sync._pollerConfig()).toEqual({
      vendor: sync._runtimeConfig(),
      apiKeySecretArn: apiKey.secretArn,
      statusApiBaseUrl: undefined,
      requestsPerMinute: 300,
      pollingEnabled: true,
      requestTimeoutMs: 5000,
    });
    const synthesia = Vendor.synthesia({ webhookSecret });
    expect(synthesia._runtimeConfig().options).toEqual({ timestampToleranceSeconds: 600 });
    expect(synthesia.pollRequestsPerMinute).toBe(50);
    expect(Vendor.lipdub({ webhookSecret })._pollerConfig()).toMatchObject({ requestsPerMinute: 60, pollingEnabled: true, apiKeySecretArn: undefined });
    expect(Vendor.lipdub({ webhookSecret })._runtimeConfig()).toEqual({ id: 'lipdub', kind: 'lipdub', options: {} });
  });

  it('polls ViralSync only when its status API base URL is set, and refuses polling without one', () => {
    expect(Vendor.viralsync({ webhookSecret }).pollingEnabled).toBe(false);
    const v = Vendor.viralsync({ webhookSecret, statusApiBaseUrl: 'https://api.viralsync.example' });
    expect(v._pollerConfig()).toMatchObject({ pollingEnabled: true, statusApiBaseUrl: 'https://api.viralsync.example', requestsPerMinute: 60 });
    expect(() => Vendor.viralsync({ webhookSecret, polling: true })).toThrow(
      'vendor viralsync: polling is on but its status API has no public base URL: set statusApiBaseUrl, or polling: false',
    );
  });

  it('passes typed options through as the adapter options', () => {
    const v = Vendor.sync({
      id: 'sync-eu',
      webhookSecret,
      timestampTolerance: Duration.minutes(2),
      pollRequestsPerMinute: 120,
      statusRequestTimeout: Duration.seconds(3),
      polling: false,
      compactJsonFallback: true,
    });
    expect(v._runtimeConfig()).toEqual({ id: 'sync-eu', kind: 'sync', options: { timestampToleranceSeconds: 120, compactJsonFallback: true } });
    expect(v._pollerConfig()).toMatchObject({ requestsPerMinute: 120, requestTimeoutMs: 3000, pollingEnabled: false });
    expect(Vendor.lipdub({ webhookSecret, jobIdFields: ['render_id'], emitUnknownEvents: true })._runtimeConfig().options).toEqual({ jobIdFields: ['render_id'], emitUnknownEvents: true });
    const viralsync = Vendor.viralsync({ webhookSecret, signatureHeader: 'x-sig', statusApiKeyPrefix: '' });
    expect(viralsync._pollerConfig().vendor.options).toEqual({ signatureHeader: 'x-sig', statusApiKeyPrefix: '' });
    expect(viralsync._runtimeConfig().options).toEqual({ signatureHeader: 'x-sig' }); // the status-API key's prefix is the poller's only
  });

  const acmeOptions: CustomVendorAdapterOptions = {
    auth: WebhookAuth.hmac({ signatureHeader: 'x-acme-signature', timestampHeader: 'x-acme-timestamp', template: '{timestamp}.{body}', tolerance: Duration.minutes(1) }),
    paths: { jobId: 'data.id', status: 'data.state' },
    statusMap: { done: 'succeeded', broken: 'failed', working: 'processing' },
  };
  const acmeJson = {
    auth: { type: 'hmac', signatureHeader: 'x-acme-signature', timestampHeader: 'x-acme-timestamp', template: '{timestamp}.{body}', toleranceSeconds: 60 },
    paths: { jobId: 'data.id', status: 'data.state' },
    statusMap: { done: 'succeeded', broken: 'failed', working: 'processing' },
  };

  it('runs a custom vendor on the custom adapter, its auth as the JSON options of the adapter', () => {
    const acme = Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: acmeOptions });
    expect(acme._runtimeConfig()).toEqual({ id: 'acme', kind: 'custom', options: acmeJson });
    expect(acme.pollingEnabled).toBe(false);
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: acmeOptions, polling: true })).toThrow(
      /^vendor acme: polling is on but adapterOptions has no statusUrlTemplate/,
    );
    const polled = Vendor.custom({ id: 'acme', webhookSecret, apiKey, adapterOptions: { ...acmeOptions, statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}' } });
    expect(polled._pollerConfig()).toMatchObject({ pollingEnabled: true, requestsPerMinute: 60, apiKeySecretArn: apiKey.secretArn });
    expect(Vendor.custom({ id: 'hub', webhookSecret, adapterOptions: { ...acmeOptions, auth: WebhookAuth.hmac({ signatureHeader: 'x-hub-signature-256', encoding: SignatureEncoding.BASE64, signaturePrefix: 'sha256=' }) } })._runtimeConfig().options.auth).toEqual(
      { type: 'hmac', signatureHeader: 'x-hub-signature-256', encoding: 'base64', signaturePrefix: 'sha256=' },
    );
    expect(Vendor.custom({ id: 'keyed', webhookSecret, adapterOptions: { ...acmeOptions, auth: WebhookAuth.bearer({ header: 'x-key' }) } })._runtimeConfig().options.auth).toEqual({ type: 'bearer', header: 'x-key' });
  });

  it('checks the custom adapter options at synth time, with the path of the option and what to use', () => {
    const custom = (adapterOptions: Record<string, unknown>) => () => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: adapterOptions as never });
    expect(() => Vendor.custom({ webhookSecret, adapterOptions: acmeOptions } as never)).toThrow(/a custom vendor needs an id/);
    expect(custom({ ...acmeOptions, auth: { type: 'jwt' } })).toThrow(
      'vendor acme: adapterOptions.auth must be WebhookAuth.hmac({...}), WebhookAuth.keyedHeader({...}), WebhookAuth.ed25519Jwks({...}), WebhookAuth.standardWebhooks(), WebhookAuth.bearer({...}), WebhookAuth.unsignedHint() or WebhookAuth.pollOnly()',
    );
    expect(custom({ ...acmeOptions, auth: WebhookAuth.hmac({ signatureHeader: '' }) })).toThrow('vendor acme: adapterOptions.auth.signatureHeader is required for hmac auth');
    expect(custom({ ...acmeOptions, paths: { jobId: 'id' } })).toThrow('vendor acme: adapterOptions.paths.status is required');
    expect(custom({ ...acmeOptions, statusMap: { done: 'finished' } })).toThrow(
      "vendor acme: adapterOptions.statusMap.done is \"finished\": use 'queued' or 'processing' or 'succeeded' or 'failed' or 'cancelled' or 'expired'",
    );
    expect(custom({ ...acmeOptions, statusUrlTemplate: 'https://api.acme.example/v1/jobs' })).toThrow('vendor acme: adapterOptions.statusUrlTemplate "https://api.acme.example/v1/jobs" must contain {jobId}');
    expect(custom({ ...acmeOptions, statusUrlTemplate: 'ftp://api.acme.example/{jobId}' })).toThrow(/statusUrlTemplate ftp:.* is not an absolute http\(s\) URL/);
    expect(() => WebhookAuth.hmac({ signatureHeader: 'x', tolerance: Duration.days(2) })).toThrow('WebhookAuth.hmac: tolerance 172800 seconds is out of range: use 1 second to 24 hours');
  });

  it('refuses a misspelt option at any depth, listing the valid names', () => {
    const custom = (adapterOptions: Record<string, unknown>) => () => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: adapterOptions as never });
    expect(custom({ ...acmeOptions, statusMapping: {} })).toThrow(
      'vendor acme: adapterOptions.statusMapping is not an option: use auth, paths, statusMap, statusUrlTemplate, apiKeyHeader, apiKeyPrefix, statusPaths',
    );
    expect(custom({ ...acmeOptions, paths: { jobId: 'id', status: 'state', outputURL: 'url' } })).toThrow(
      'vendor acme: adapterOptions.paths.outputURL is not an option: use jobId, status, errorMessage, errorCode, outputUrl, progress, stage, time, eventType',
    );
    expect(custom({ ...acmeOptions, statusPaths: { jobId: 'id', stauts: 'state' } })).toThrow(/^vendor acme: adapterOptions.statusPaths.stauts is not an option: use jobId, status/);
  });

  it('rejects at synth time what the custom adapter would reject at cold start (one shared check)', () => {
    const custom = (auth: WebhookAuth) => () => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { ...acmeOptions, auth } });
    expect(custom(WebhookAuth.hmac({ signatureHeader: 'x-sig', timestampHeader: 'x-ts', template: '{timestamp}' }))).toThrow(
      'vendor acme: adapterOptions.auth.template "{timestamp}" must contain {body}: a signature that does not cover the body would authenticate any body',
    );
    expect(custom(WebhookAuth.hmac({ signatureHeader: 'x-sig', template: '{timestamp}.{body}' }))).toThrow('vendor acme: adapterOptions.auth.template uses {timestamp}: set adapterOptions.auth.timestampHeader');
    expect(custom(WebhookAuth.hmac({ signatureHeader: 'x-sig', encoding: 'base32' as SignatureEncoding }))).toThrow(`adapterOptions.auth.encoding is "base32": use 'hex' or 'base64'`);
    expect(custom(WebhookAuth.bearer({ header: '' }))).toThrow('adapterOptions.auth.header is "": use a non-empty string');
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { ...acmeOptions, paths: { jobId: 42 as never, status: 'data.state' } } })).toThrow(
      /adapterOptions.paths.jobId is 42: use a dotted path/,
    );
    expect(() => Vendor.lipdub({ webhookSecret, jobIdFields: [] })).toThrow('vendor lipdub: jobIdFields is []: use a non-empty list of field names, e.g. ["generate_id","render_id","job_id","id"]');
  });

  it('refuses at synth a timestamp header or a tolerance that the template would ignore (no {timestamp} in it)', () => {
    const custom = (auth: WebhookAuth) => () => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { ...acmeOptions, auth } });
    expect(custom(WebhookAuth.hmac({ signatureHeader: 'x-sig', timestampHeader: 'x-ts' }))).toThrow(
      'vendor acme: adapterOptions.auth.timestampHeader is set but adapterOptions.auth.template "{body}" (the default) does not use {timestamp}, so adapterOptions.auth.timestampHeader would be ignored: put {timestamp} in adapterOptions.auth.template (e.g. "{timestamp}.{body}"), or remove adapterOptions.auth.timestampHeader',
    );
    expect(custom(WebhookAuth.hmac({ signatureHeader: 'x-sig', template: 'v0:{body}', tolerance: Duration.minutes(1) }))).toThrow(
      /^vendor acme: adapterOptions.auth.toleranceSeconds is set but adapterOptions.auth.template "v0:\{body\}" does not use \{timestamp\}/,
    );
    expect(custom(WebhookAuth.hmac({ signatureHeader: 'x-sig', timestampHeader: 'x-ts', template: 'v0:{timestamp}:{body}', tolerance: Duration.minutes(1) }))).not.toThrow();
  });

  it.each([
    ['fragment', 'https://api.acme.example/v1/jobs#{jobId}'],
    ['host', 'https://{jobId}.acme.example/v1/jobs'],
    ['userinfo', 'https://{jobId}@api.acme.example/v1/jobs'],
  ])('refuses at synth a status URL template with {jobId} in the %s', (where, statusUrlTemplate) => {
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, apiKey, adapterOptions: { ...acmeOptions, statusUrlTemplate } })).toThrow(
      `vendor acme: adapterOptions.statusUrlTemplate "${statusUrlTemplate}" has {jobId} in the ${where}: put each {jobId} in the path or the query`,
    );
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
      expect(createAdapter(vendor._runtimeConfig()).id).toBe(vendor.id);
      const adapter = createAdapter(vendor._pollerConfig().vendor);
      expect(adapter.id).toBe(vendor.id);
      // Every vendor polled by default has a status API the poller can use.
      expect(vendor.pollingEnabled).toBe(true);
      expect(adapter.statusApi).toBeDefined();
    }
  });
});
