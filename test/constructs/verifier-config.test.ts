/**
 * The verifier's vendor configuration and every pipeline function's environment size (issue 18,
 * finding 2): the configuration travels in a file beside the verifier's code, without the options
 * only the poller reads, and a function whose environment Lambda would refuse (over 4 KB) fails
 * the synth, naming its vendor (or the poller) and its size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { LAMBDA_ENVIRONMENT_MAX_BYTES } from '../../lambda/contract/aws-limits';
import { ENV } from '../../lambda/contract/deployment';
import { VENDORS } from '../../lambda/vendors';
import { createAdapter } from '../../lambda/vendors/registry';
import { signCustomRequest } from '../../lambda/vendors/custom/adapter';
import type { CustomOptions } from '../../lambda/vendors/custom/options';
import { samplePayload, signRequest } from '../../lambda/vendors/samples';
import { Vendor, VideoWebhookIngestion, WebhookAuth, type CustomVendorAdapterOptions } from '../../lib';
import { ACCOUNT, REGION } from '../support/apps';
import { TemplateValues, type SynthTemplate } from '../support/template-values';

/** A status word for each of 109 vendor states: with the other options, a 4,250-byte environment when it was all in VW_VENDOR. */
const LARGE_STATUS_MAP = Object.fromEntries(Array.from({ length: 109 }, (_, i) => [`vendor_status_${String(i).padStart(3, '0')}`, i % 2 ? 'processing' : 'queued']));

const acmeOptions = (statusMap: Record<string, string> = LARGE_STATUS_MAP): CustomVendorAdapterOptions => ({
  auth: WebhookAuth.hmac({ signatureHeader: 'x-acme-signature' }),
  paths: { jobId: 'data.id', status: 'data.status' },
  statusMap,
  statusUrlTemplate: 'https://api.acme.example/v1/jobs/{jobId}',
  apiKeyHeader: 'x-api-key',
  apiKeyPrefix: '',
  statusPaths: { jobId: 'job.id', status: 'job.state' },
});

function acmeStack(options: CustomVendorAdapterOptions = acmeOptions()) {
  const stack = new Stack(new App(), 'EnvSize', { env: { account: ACCOUNT, region: REGION } });
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', {
    vendors: [
      Vendor.custom({ id: 'acme', webhookSecret: new secretsmanager.Secret(stack, 'AcmeWebhook'), apiKey: new secretsmanager.Secret(stack, 'AcmeApi'), adapterOptions: options }),
      Vendor.viralsync({ webhookSecret: new secretsmanager.Secret(stack, 'ViralSyncWebhook'), statusApiBaseUrl: 'https://api.viralsync.example', statusApiKeyHeader: 'x-api-key', statusApiKeyPrefix: '' }),
    ],
  });
  return { stack, ingestion };
}

/** A function's environment as CloudFormation resolves it, and the JSON file beside its code that a variable names. */
function deployed(stack: Stack, fn: lambda.IFunction) {
  const template = Template.fromStack(stack).toJSON() as SynthTemplate;
  const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: stack.stackName });
  const props = template.Resources[stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)].Properties as { Environment: { Variables: object } };
  const environment = values.resolve(props.Environment.Variables) as Record<string, string>;
  const assetDir = join(Stage.of(stack)!.outdir, (fn.node.findChild('Code') as unknown as { assetPath: string }).assetPath);
  return {
    environment,
    bytes: Object.entries(environment).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0),
    file: (variable: string) => JSON.parse(readFileSync(join(assetDir, environment[variable]), 'utf8')) as unknown,
  };
}

describe("the verifier's vendor configuration", () => {
  it('keeps a custom vendor with a 109-word statusMap (4,250 bytes of environment before) under 4 KB: its configuration is a file beside the code', () => {
    const { stack, ingestion } = acmeStack();
    const verifier = deployed(stack, ingestion.verifierFunction('acme'));
    console.log(`verifier acme with a 109-word statusMap: ${verifier.bytes} bytes of environment`);
    expect(verifier.bytes).toBeLessThan(LAMBDA_ENVIRONMENT_MAX_BYTES);
    expect(verifier.environment[ENV.VENDOR]).toBeUndefined();
    expect(verifier.file(ENV.VENDOR_FILE)).toMatchObject({ id: 'acme', kind: 'custom', options: { statusMap: LARGE_STATUS_MAP } });
  });

  it.each([
    ['acme', ['statusUrlTemplate', 'apiKeyHeader', 'apiKeyPrefix', 'statusPaths']],
    ['viralsync', ['statusApiKeyHeader', 'statusApiKeyPrefix']],
  ])('leaves the options only the poller reads out of the %s verifier\'s configuration, and keeps them in the poller\'s', (vendorId, pollerOnly) => {
    const { stack, ingestion } = acmeStack();
    const { options } = deployed(stack, ingestion.verifierFunction(vendorId)).file(ENV.VENDOR_FILE) as { options: Record<string, unknown> };
    expect(pollerOnly.filter((name) => name in options)).toEqual([]);
    const poller = deployed(stack, ingestion.pollerFunction).file(ENV.POLLER_VENDORS_FILE) as Array<{ vendor: { id: string; options: Record<string, unknown> } }>;
    const inPoller = poller.find((v) => v.vendor.id === vendorId)!.vendor.options;
    expect(pollerOnly.filter((name) => !(name in inPoller))).toEqual([]);
  });

  it('lists as poller-only only options of the manifest\'s own spec', () => {
    for (const { manifest } of VENDORS) {
      const known = Object.keys(manifest.options.properties);
      expect((manifest.pollerOnlyOptions ?? []).filter((name) => !known.includes(name))).toEqual([]);
    }
  });

  it('builds adapters from the verifier\'s configuration that answer webhooks as the full configuration does, and read no poller-only option doing so', () => {
    const { stack, ingestion } = acmeStack(acmeOptions({ queued: 'queued', done: 'succeeded' }));
    const now = Date.now();
    const cases = [
      { vendorId: 'acme', body: JSON.stringify({ data: { id: 'job-1', status: 'done' } }), sign: (body: string, options: Record<string, unknown>) => signCustomRequest(options as unknown as CustomOptions, body, 'secret', now) },
      { vendorId: 'viralsync', body: JSON.stringify(samplePayload('viralsync', 'completed', 'job-2', now)), sign: (body: string) => signRequest('viralsync', body, 'secret', now) },
    ];
    const poller = deployed(stack, ingestion.pollerFunction).file(ENV.POLLER_VENDORS_FILE) as Array<{ vendor: { id: string; kind: string; options: Record<string, unknown> } }>;
    for (const { vendorId, body, sign } of cases) {
      const verifierConfig = deployed(stack, ingestion.verifierFunction(vendorId)).file(ENV.VENDOR_FILE) as { id: string; kind: string; options: Record<string, unknown> };
      const full = poller.find((v) => v.vendor.id === vendorId)!.vendor;
      const reads: string[] = [];
      const pollerOnly = VENDORS.find((m) => m.manifest.kind === full.kind)!.manifest.pollerOnlyOptions ?? [];
      const watched = new Proxy({ ...full.options }, { get: (target, name, receiver) => (pollerOnly.includes(String(name)) && reads.push(String(name)), Reflect.get(target, name, receiver)) });
      const withEverything = createAdapter({ ...full, options: watched });
      reads.length = 0; // constructing the status API reads them; answering a webhook must not
      const request = { headers: Object.fromEntries(Object.entries(sign(body, full.options)).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body) };
      const answer = (adapter: ReturnType<typeof createAdapter>) => {
        const auth = adapter.authenticate(request, ['secret'], now);
        return { auth, normalized: auth.ok ? adapter.normalize(request, auth) : undefined };
      };
      const expected = answer(withEverything);
      expect(reads).toEqual([]);
      expect(expected.auth.ok).toBe(true);
      expect(answer(createAdapter(verifierConfig))).toEqual(expected);
    }
  });
});

describe("every pipeline function's environment size", () => {
  it.each([
    ['the verifier of vendor acme', (i: VideoWebhookIngestion) => i.verifierFunction('acme'), /the verifier of vendor acme has an environment of about 5[0-9]{3} bytes/],
    ['the poller', (i: VideoWebhookIngestion) => i.pollerFunction, /the poller has an environment of about 5[0-9]{3} bytes/],
  ])('fails the synth when %s would have more than 4 KB of environment, saying how much and what to do', (_name, pick, message) => {
    const { stack, ingestion } = acmeStack();
    (pick(ingestion) as lambda.Function).addEnvironment('HUGE', 'x'.repeat(4500));
    expect(() => Template.fromStack(stack)).toThrow(message);
    expect(() => Template.fromStack(stack)).toThrow(/Lambda refuses more than 4096 bytes \(keys and values together\)/);
  });
});
