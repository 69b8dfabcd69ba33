/**
 * Defects a review of the synthesized template found, that only a real `cdk deploy` or real
 * traffic would otherwise show (issue "As strict as AWS", part 2).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Vendor, VideoWebhookIngestion } from '../../lib';
import { ACCOUNT, exampleStack, REGION } from '../support/apps';
import { TemplateValues, type SynthTemplate } from '../support/template-values';

function stack(): Stack {
  return new Stack(new App(), 'Defects', { env: { account: ACCOUNT, region: REGION } });
}

function ingestion(s: Stack, extra: Partial<ConstructorParameters<typeof VideoWebhookIngestion>[2]> = {}): VideoWebhookIngestion {
  return new VideoWebhookIngestion(s, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(s, 'SyncSecret') })], ...extra });
}

describe('deploy-time defects', () => {
  it('refuses grantRegisterJobs on a function imported without its role (it would grant nothing), saying how to import it', () => {
    const s = stack();
    const webhooks = ingestion(s);
    const imported = lambda.Function.fromFunctionName(s, 'CreateRender', 'create-render');
    expect(() => webhooks.grantRegisterJobs(imported)).toThrow(
      /grantRegisterJobs: .*CreateRender has no role this stack can add a policy to: import it with lambda\.Function\.fromFunctionAttributes\(\{ functionArn, role \}\), or grant its role/,
    );
    const withRole = lambda.Function.fromFunctionAttributes(s, 'CreateRender2', {
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:create-render`,
      role: iam.Role.fromRoleArn(s, 'RenderRole', `arn:aws:iam::${ACCOUNT}:role/render`),
    });
    expect(() => webhooks.grantRegisterJobs(withRole)).not.toThrow();
  });

  it('gives the quarantine replay command a read timeout of 0, so the AWS CLI does not retry a long replay after 60 s and start it again', () => {
    const outputs = Template.fromStack((() => { const s = stack(); ingestion(s); return s; })()).findOutputs('*') as Record<string, { Value: unknown }>;
    const command = JSON.stringify(Object.entries(outputs).find(([id]) => id.includes('QuarantineReplayCommand'))?.[1].Value);
    expect(command).toContain('aws lambda invoke --cli-read-timeout 0 --function-name');
  });

  it('lets CloudWatch publish the alarms to the example app\'s TLS-only topic (aws:SourceArn the alarms)', async () => {
    const { stack: s } = exampleStack();
    const template = Template.fromStack(s).toJSON() as SynthTemplate;
    const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: s.stackName });
    const [topicId] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::SNS::Topic')!;
    const topicArn = values.text({ Ref: topicId });
    const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy' && JSON.stringify(r.Properties?.Topics).includes(topicId))?.Properties?.PolicyDocument;
    const [alarmId] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')!;
    const result = await runSimulation(
      {
        request: {
          principal: 'cloudwatch.amazonaws.com',
          action: 'sns:Publish',
          resource: { resource: topicArn, accountId: ACCOUNT },
          contextVariables: { 'aws:SourceArn': values.getAtt(alarmId, 'Arn'), 'aws:SourceAccount': ACCOUNT, 'aws:SecureTransport': 'true' },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: values.resolve(policy),
      },
      {},
    );
    expect(result.resultType === 'error' ? result.errors : result.overallResult).toBe('Allowed');
  });

  it('links the DLQ in the console of the partition the stack is deployed to', () => {
    const s = new Stack(new App(), 'Agnostic');
    ingestion(s);
    const template = Template.fromStack(s).toJSON() as SynthTemplate;
    const output = Object.entries(template.Outputs as Record<string, { Value: unknown }>).find(([id]) => id.includes('DeadLetterQueueConsoleUrl'))![1].Value;
    const host = (partition: string, region: string) => new URL(new TemplateValues(template, { account: ACCOUNT, region, stackName: 'Agnostic', partition }).text(output)).host;
    expect(host('aws', 'eu-west-1')).toBe('console.aws.amazon.com');
    expect(host('aws-cn', 'cn-north-1')).toBe('console.amazonaws.cn');
    expect(host('aws-us-gov', 'us-gov-west-1')).toBe('console.amazonaws-us-gov.com');
  });

  it('retains the DLQ and the quarantine when the stack is deleted (dead letters and quarantined requests are data), like the table', () => {
    const s = stack();
    const webhooks = ingestion(s);
    const t = Template.fromStack(s);
    for (const queue of [webhooks.deadLetterQueue!, webhooks.quarantineQueue]) {
      const id = s.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
      expect(t.toJSON().Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('warns that an existing queue given as a token cannot be checked for FIFO, and checks an existing table it can see', () => {
    const s = stack();
    const token = new sqs.CfnQueue(s, 'Raw', { fifoQueue: true }).attrArn;
    ingestion(s, { queue: { existingQueue: sqs.Queue.fromQueueArn(s, 'Existing', token) } });
    Annotations.fromStack(s).hasWarning('*', Match.stringLikeRegexp('cannot check that the existing events queue is FIFO'));

    const wrong = stack();
    const table = new dynamodb.Table(wrong, 'Jobs', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    expect(() => ingestion(wrong, { table: { existingTable: table } })).toThrow(/existingTable has partition key id \(S\): the jobs table needs pk \(S\)/);
    const noIndex = stack();
    const t2 = new dynamodb.Table(noIndex, 'Jobs', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: 'expiresAt' });
    expect(() => ingestion(noIndex, { table: { existingTable: t2 } })).toThrow(/existingTable has no index pending/);
    const imported = stack();
    ingestion(imported, { table: { existingTable: dynamodb.Table.fromTableName(imported, 'Imported', 'jobs') } });
    Annotations.fromStack(imported).hasWarning('*', Match.stringLikeRegexp('cannot check the existing table'));
  });

  it('offers grantRedriveDeadLetters: what StartMessageMoveTask needs on the DLQ and the events queue', () => {
    const s = stack();
    const webhooks = ingestion(s);
    const operator = new iam.Role(s, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    webhooks.grantRedriveDeadLetters(operator);
    const statements = Object.values(Template.fromStack(s).findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { Roles: unknown; PolicyDocument: { Statement: Array<{ Action: unknown }> } } }).Properties)
      .filter((p) => JSON.stringify(p.Roles).includes('Operator'))
      .flatMap((p) => p.PolicyDocument.Statement.flatMap((st) => [st.Action].flat()));
    expect([...new Set(statements)].sort()).toEqual(
      ['sqs:CancelMessageMoveTask', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:SendMessage', 'sqs:StartMessageMoveTask'],
    );
  });
});
