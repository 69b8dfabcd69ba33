/**
 * The public contract of the construct tree: every construct path, logical id and resource type
 * of a stack with the four built-in vendors, a consumer and the grants. Renaming a construct id
 * replaces the user's resource (a new table, a new queue and its messages gone), so a change to
 * this snapshot is a breaking change and needs a major version. Asset hashes are stripped, as
 * cdk-monitoring-constructs does, so a code change does not move it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Vendor, VideoWebhookIngestion } from '../../lib';

function contractStack(): Stack {
  const stack = new Stack(new App(), 'ContractStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const secret = (id: string) => new secretsmanager.Secret(stack, id);
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', {
    vendors: [
      Vendor.sync({ webhookSecret: secret('SyncWebhook'), apiKey: secret('SyncApi') }),
      Vendor.lipdub({ webhookSecret: secret('LipDubWebhook'), apiKey: secret('LipDubApi') }),
      Vendor.viralsync({ webhookSecret: secret('ViralSyncWebhook'), apiKey: secret('ViralSyncApi'), statusApiBaseUrl: 'https://api.viralsync.example' }),
      Vendor.synthesia({ webhookSecret: secret('SynthesiaWebhook'), apiKey: secret('SynthesiaApi') }),
    ],
    alarmTopic: new sns.Topic(stack, 'Alarms'),
  });
  const consumer = new lambda.Function(stack, 'Consumer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  });
  ingestion.addConsumer(consumer);
  ingestion.grantRegisterJobs(new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  ingestion.grantReplayQuarantine(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
  return stack;
}

/** `path  logicalId  type` for every construct, asset hashes replaced by `<hash>`. */
function constructTree(stack: Stack): string[] {
  return stack.node.findAll().map((c) => {
    const path = c.node.path;
    if (!(c instanceof CfnElement)) return path;
    const type = c instanceof CfnResource ? c.cfnResourceType : c.constructor.name;
    return `${path}  ${stack.getLogicalId(c)}  ${type}`;
  }).map((line) => line.replace(/[0-9a-f]{64}/g, '<hash>'));
}

describe('the construct tree (public contract)', () => {
  const tree = constructTree(contractStack());

  it('keeps every construct path and logical id of the 0.1.0 tree (additions only, nothing renamed or removed)', () => {
    const baseline = readFileSync(join(__dirname, 'fixtures', 'construct-tree-0.1.0.txt'), 'utf8').split('\n').filter(Boolean);
    expect(baseline.filter((line) => !tree.includes(line))).toEqual([]);
  });

  it('matches the reviewed tree of a four-vendor stack', () => {
    expect(tree).toMatchSnapshot();
  });
});
