/**
 * The constructs for a vendor that cannot be trusted or does not call back: an unsigned vendor
 * (`WebhookAuth.unsignedHint()`) keeps its route, whose verifier only records hints; a poll-only
 * vendor (`WebhookAuth.pollOnly()`) gets no route and no verifier, only its poll interval. Either
 * one makes the poller run every minute (else it stays at 5 minutes), with a timeout under it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { PollerVendorConfig } from '../../lambda/contract/deployment';
import { Vendor, VideoWebhookIngestion, WebhookAuth, type CustomVendorAdapterOptions } from '../../lib';

type Resource = { Type: string; Properties: Record<string, unknown> };

const mapping: Omit<CustomVendorAdapterOptions, 'auth'> = {
  paths: { jobId: 'id', status: 'status' },
  statusMap: { RUNNING: 'processing', SUCCEEDED: 'succeeded', FAILED: 'failed' },
  statusUrlTemplate: 'https://api.acme.example/v1/tasks/{jobId}',
};

function synth(vendors: (stack: Stack) => Vendor[]) {
  const stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', { vendors: vendors(stack) });
  const t = Template.fromStack(stack);
  const poller = (t.findResources('AWS::Lambda::Function') as Record<string, Resource>)[stack.getLogicalId(ingestion.pollerFunction.node.defaultChild as never)];
  const assetPath = (ingestion.pollerFunction.node.findChild('Code') as unknown as { assetPath: string }).assetPath;
  const pollerVendors = JSON.parse(readFileSync(join(Stage.of(stack)!.outdir, assetPath, 'poller-vendors.json'), 'utf8')) as PollerVendorConfig[];
  const schedule = Object.values(t.findResources('AWS::Events::Rule') as Record<string, Resource>)[0].Properties.ScheduleExpression;
  return { stack, ingestion, t, poller, pollerVendors, schedule };
}

const secret = (stack: Stack, name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name, name);

describe('an unsigned vendor and a poll-only vendor', () => {
  it('give the poll-only vendor no route and no verifier, its poll interval to the poller, and run the poller every minute with a 50 s timeout', () => {
    const { t, ingestion, poller, pollerVendors, schedule } = synth((stack) => [
      Vendor.sync({ webhookSecret: secret(stack, 'sync/webhook') }),
      Vendor.custom({ id: 'acme-poll', apiKey: secret(stack, 'acme/key'), adapterOptions: { auth: WebhookAuth.pollOnly(), ...mapping } }),
    ]);
    t.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    expect(Object.keys(ingestion.verifierFunctions)).toEqual(['sync']);
    expect(() => ingestion.endpointUrl('acme-poll')).toThrow('vendor acme-poll sends no webhooks (it is polled): it has no webhook URL');
    expect(schedule).toBe('rate(1 minute)');
    expect(poller.Properties.Timeout).toBe(50);
    expect(pollerVendors.map((v) => [v.vendor.id, v.pollIntervalMs])).toEqual([['sync', undefined], ['acme-poll', 30_000]]);
  });

  it('keep the unsigned vendor route (its verifier records hints) and run the poller every minute', () => {
    const { t, schedule } = synth((stack) => [Vendor.custom({ id: 'acme-cb', webhookSecret: secret(stack, 'acme/token'), adapterOptions: { auth: WebhookAuth.unsignedHint(), ...mapping } })]);
    t.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    expect(schedule).toBe('rate(1 minute)');
  });

  it('leave a deployment of signed vendors on the 5-minute schedule', () => {
    expect(synth((stack) => [Vendor.sync({ webhookSecret: secret(stack, 'sync/webhook') })]).schedule).toBe('rate(5 minutes)');
  });

  it('take a pollInterval on any vendor, checked', () => {
    const { pollerVendors } = synth((stack) => [Vendor.sync({ webhookSecret: secret(stack, 'sync/webhook'), pollInterval: Duration.minutes(2) })]);
    expect(pollerVendors[0].pollIntervalMs).toBe(120_000);
    expect(() => synth((stack) => [Vendor.sync({ webhookSecret: secret(stack, 'sync/webhook'), pollInterval: Duration.seconds(1) })])).toThrow("vendor sync: pollInterval 1 second is out of range: use 10 seconds to 1 hour");
  });

  it('refuse what cannot work, saying what to do', () => {
    expect(() => Vendor.custom({ id: 'acme-poll', adapterOptions: { auth: WebhookAuth.pollOnly(), paths: mapping.paths, statusMap: mapping.statusMap } })).toThrow(
      'vendor acme-poll: a poll-only vendor reports through its status API alone: set adapterOptions.statusUrlTemplate',
    );
    expect(() => Vendor.custom({ id: 'acme-cb', adapterOptions: { auth: WebhookAuth.unsignedHint(), ...mapping } })).toThrow(
      'vendor acme-cb: webhookSecret is required: the token its callback URL carries (?token=<secret value>)',
    );
    const stack = new Stack();
    expect(() => Vendor.custom({ id: 'acme-poll', webhookSecret: secret(stack, 'x'), adapterOptions: { auth: WebhookAuth.pollOnly(), ...mapping } })).toThrow(
      'vendor acme-poll sends no webhooks (WebhookAuth.pollOnly()): remove webhookSecret',
    );
    expect(() => Vendor.custom({ id: 'acme-poll', polling: false, adapterOptions: { auth: WebhookAuth.pollOnly(), ...mapping } })).toThrow(
      'vendor acme-poll reports only through its status API: polling cannot be false',
    );
  });
});
