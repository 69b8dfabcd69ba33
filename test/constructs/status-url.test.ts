/**
 * Status URLs at synth: where a vendor's status API is configured (a base URL, or a custom
 * vendor's template) is checked before anything is deployed. Link-local (the instance metadata
 * service) and loopback (on Lambda, the Runtime API at AWS_LAMBDA_RUNTIME_API, 127.0.0.1:9001) are
 * errors; a private range, or plain http, is a warning; a key over plain http is an error unless
 * `allowInsecureStatusApi` says so (the poller would refuse to send it on every run).
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Vendor, VideoWebhookIngestion, WebhookAuth, type CustomVendorAdapterOptions } from '../../lib';

const stack = () => new Stack(new App(), 'StatusUrls', { env: { account: '111111111111', region: 'eu-west-1' } });
const secret = (s: Stack, name: string) => secretsmanager.Secret.fromSecretCompleteArn(s, name, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${name}-AbCdEf`);
const acme = (statusUrlTemplate: string): CustomVendorAdapterOptions => ({
  auth: WebhookAuth.bearer(),
  paths: { jobId: 'id', status: 'state' },
  statusMap: { done: 'succeeded' },
  statusUrlTemplate,
});

/** The warnings of the status-URL check in a stack with one vendor. */
function warningsOf(vendor: (s: Stack) => Vendor): string[] {
  const s = stack();
  new VideoWebhookIngestion(s, 'Webhooks', { vendors: [vendor(s)] });
  return Annotations.fromStack(s)
    .findWarning('*', Match.stringLikeRegexp('cdk-video-webhooks:statusApiUrl'))
    .map((w) => String(w.entry.data));
}

const LINK_LOCAL = [
  ['the instance metadata address', 'http://169.254.169.254'],
  ['the metadata address spelt as one number', 'http://2852039166'],
  ['the metadata address in hex', 'http://0xa9.0xfe.0xa9.0xfe'],
  ['the metadata address mapped into IPv6', 'https://[::ffff:169.254.169.254]'],
  ['the IPv6 metadata address', 'https://[fd00:ec2::254]'],
  ['an IPv6 link-local address', 'https://[fe80::1]'],
  ['the container credentials endpoint', 'http://169.254.170.2'],
];
const LOOPBACK = [
  ['the Lambda Runtime API', 'http://127.0.0.1:9001'],
  ['another loopback address', 'https://127.3.2.1'],
  ['a short loopback spelling', 'http://127.1:9001'],
  ['localhost', 'https://localhost:8443'],
  ['a name under localhost', 'https://api.localhost'],
  ['IPv6 loopback', 'https://[::1]'],
  ['the unspecified address', 'http://0.0.0.0:9001'],
];

describe('status URLs at synth', () => {
  it.each([...LINK_LOCAL.map(([n, u]) => [n, u, 'link-local']), ...LOOPBACK.map(([n, u]) => [n, u, 'loopback'])])(
    'refuses a status base URL on %s (%s), allowInsecureStatusApi or not',
    (_name, url, range) => {
      const s = stack();
      for (const allowInsecureStatusApi of [undefined, true]) {
        expect(() => Vendor.viralsync({ webhookSecret: secret(s, `w${allowInsecureStatusApi}`), statusApiBaseUrl: url, allowInsecureStatusApi })).toThrow(
          new RegExp(`^vendor viralsync: statusApiBaseUrl "${url.replace(/[.[\]]/g, '\\$&')}" is not a vendor's status API: .* is ${range} \\(.*: use the vendor's public https URL`),
        );
      }
    },
  );

  it('refuses a custom status URL template on the metadata address or loopback, and names the option', () => {
    const s = stack();
    const webhookSecret = secret(s, 'w');
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: acme('http://169.254.169.254/latest/meta-data/{jobId}') })).toThrow(
      /^vendor acme: adapterOptions\.statusUrlTemplate "http:\/\/169\.254\.169\.254\/latest\/meta-data\/\{jobId\}" is not a vendor's status API: 169\.254\.169\.254 is link-local \(169\.254\.0\.0\/16\)/,
    );
    expect(() =>
      Vendor.standardWebhooks({ id: 'svix', webhookSecret, paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' }, statusUrlTemplate: 'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next?j={jobId}' }),
    ).toThrow(/^vendor svix: statusUrlTemplate "http:\/\/127\.0\.0\.1:9001\/.*" is not a vendor's status API: 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\)/);
    // A base URL overrides the template's origin: the one the poller asks is checked.
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, statusApiBaseUrl: 'http://169.254.169.254', adapterOptions: acme('https://api.acme.example/v1/{jobId}') })).toThrow(
      /statusApiBaseUrl "http:\/\/169\.254\.169\.254" is not a vendor's status API/,
    );
  });

  it('refuses plain http with a status-API key unless allowInsecureStatusApi is set', () => {
    const s = stack();
    const webhookSecret = secret(s, 'w');
    const apiKey = secret(s, 'k');
    expect(() => Vendor.viralsync({ webhookSecret, apiKey, statusApiBaseUrl: 'http://api.viralsync.example' })).toThrow(
      'vendor viralsync: statusApiBaseUrl "http://api.viralsync.example" is plain http and the vendor has an apiKey: the poller never sends a key over plain http; use https, or set allowInsecureStatusApi: true if the network between them is yours',
    );
    expect(() => Vendor.custom({ id: 'acme', webhookSecret, apiKey, adapterOptions: acme('http://api.acme.example/v1/{jobId}') })).toThrow(/adapterOptions\.statusUrlTemplate .* is plain http and the vendor has an apiKey/);
    const allowed = Vendor.viralsync({ webhookSecret, apiKey, statusApiBaseUrl: 'http://api.viralsync.example', allowInsecureStatusApi: true });
    expect(allowed._pollerConfig()).toMatchObject({ allowInsecureStatusApi: true, statusApiBaseUrl: 'http://api.viralsync.example' });
  });

  it.each([
    ['10.0.0.0/8', 'https://10.1.2.3'],
    ['172.16.0.0/12', 'https://172.31.0.9:8443'],
    ['192.168.0.0/16', 'https://192.168.1.20'],
    ['100.64.0.0/10', 'https://100.64.0.1'],
    ['fc00::/7', 'https://[fd12:3456::1]'],
  ])('warns that a status API in %s cannot be reached from the poller', (block, url) => {
    const warnings = warningsOf((s) => Vendor.viralsync({ webhookSecret: secret(s, 'w'), statusApiBaseUrl: url }));
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^vendor viralsync: statusApiBaseUrl "${url.replace(/[.[\]]/g, '\\$&')}": .* is a private address \\(${block.replace(/[.]/g, '\\.')}\\), which the poller .* cannot reach`))]);
  });

  it('warns about a plain http status API without a key (its answers can be altered on the way), not with allowInsecureStatusApi', () => {
    const warnings = warningsOf((s) => Vendor.custom({ id: 'acme', webhookSecret: secret(s, 'w'), adapterOptions: acme('http://api.acme.example/v1/{jobId}') }));
    expect(warnings).toEqual([expect.stringMatching(/^vendor acme: adapterOptions\.statusUrlTemplate "http:\/\/api\.acme\.example\/v1\/\{jobId\}" is plain http: anyone on the way can read and rewrite the status answers/)]);
    expect(warningsOf((s) => Vendor.custom({ id: 'acme', webhookSecret: secret(s, 'w'), allowInsecureStatusApi: true, adapterOptions: acme('http://api.acme.example/v1/{jobId}') }))).toEqual([]);
  });

  it('says nothing about public https status APIs, the built-in defaults, a token, or a URL that is not polled', () => {
    expect(warningsOf((s) => Vendor.sync({ webhookSecret: secret(s, 'w'), apiKey: secret(s, 'k') }))).toEqual([]);
    expect(warningsOf((s) => Vendor.viralsync({ webhookSecret: secret(s, 'w'), apiKey: secret(s, 'k'), statusApiBaseUrl: 'https://api.viralsync.example' }))).toEqual([]);
    // Resolved at deploy time: the poller checks it before each request.
    expect(warningsOf((s) => Vendor.viralsync({ webhookSecret: secret(s, 'w'), statusApiBaseUrl: ssm.StringParameter.valueForStringParameter(s, '/video/viralsync/url') }))).toEqual([]);
    expect(warningsOf((s) => Vendor.viralsync({ webhookSecret: secret(s, 'w'), statusApiBaseUrl: 'http://127.0.0.1:9001', polling: false }))).toEqual([]);
  });
});
