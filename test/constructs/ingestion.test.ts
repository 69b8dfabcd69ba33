import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ENV } from '../../lambda/contract/deployment';
import { Vendor, VideoWebhookIngestion, type VideoWebhookIngestionProps } from '../../lib';
import { REGISTRATION_ATTRIBUTES } from '../../lambda/contract/deployment';

type Resource = { Type: string; Properties: Record<string, unknown> };

const VENDOR_IDS = ['sync', 'lipdub', 'viralsync', 'synthesia'];

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

/** A stack with all four vendors, each with a webhook secret and an API key created in the stack. */
function build(extra: Partial<VideoWebhookIngestionProps> = {}, stack = newStack()) {
  const secrets: Record<string, { webhook: secretsmanager.Secret; api: secretsmanager.Secret }> = {};
  for (const id of VENDOR_IDS) {
    secrets[id] = { webhook: new secretsmanager.Secret(stack, `${id}Webhook`), api: new secretsmanager.Secret(stack, `${id}Api`) };
  }
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', {
    vendors: [
      Vendor.sync({ webhookSecret: secrets.sync.webhook, apiKey: secrets.sync.api }),
      Vendor.lipdub({ webhookSecret: secrets.lipdub.webhook, apiKey: secrets.lipdub.api }),
      Vendor.viralsync({ webhookSecret: secrets.viralsync.webhook, apiKey: secrets.viralsync.api }),
      Vendor.synthesia({ webhookSecret: secrets.synthesia.webhook, apiKey: secrets.synthesia.api }),
    ],
    ...extra,
  });
  return { stack, ingestion, secrets };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

/** Every IAM statement attached to the role of `fn`. */
function statementsOf(template: Template, stack: Stack, fn: lambda.IFunction): Array<Record<string, unknown>> {
  const roleId = logicalId(stack, fn.role as never);
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
  );
  return policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);
}

describe('VideoWebhookIngestion with the four vendors', () => {
  const { stack, ingestion, secrets } = build();
  const t = Template.fromStack(stack);
  const secretRef = (s: secretsmanager.Secret) => ({ Ref: logicalId(stack, s) });

  it('creates one HTTP API with one POST /webhooks/<vendor> route per vendor, each to its own verifier (payload 2.0)', () => {
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    t.resourceCountIs('AWS::ApiGatewayV2::Route', 4);
    for (const id of VENDOR_IDS) {
      t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `POST /webhooks/${id}`, AuthorizationType: 'NONE' });
      const fnId = logicalId(stack, ingestion.verifierFunction(id));
      t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] },
      });
    }
  });

  it('throttles the $default stage at 1,000 requests/s (burst 2,000) and writes JSON access logs, the status a number, to a /aws/vendedlogs/ log group', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 2000, ThrottlingRateLimit: 1000 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiAccessLogs'), 'Arn'] }, Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId".*"status":\\$context.status,') },
    });
    // A vended-logs name: API Gateway then adds no statement per log group to the account's shared CloudWatch Logs resource policy.
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^/aws/vendedlogs/apigateway/'), Match.anyValue()]] }, RetentionInDays: 30 });
    // Per deployment: the line carries it, the pattern and the dimension read it (no DefaultValue: CloudWatch refuses one with dimensions).
    const d = ingestion.deploymentId;
    const dimensions = [{ Key: 'Deployment', Value: '$.deployment' }];
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: `{ ($.status >= 500) && ($.status != 503) && ($.deployment = "${d}") }`, MetricTransformations: [{ MetricNamespace: 'VideoWebhooks', MetricName: 'ApiServerErrors', MetricValue: '1', Dimensions: dimensions }] });
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: `{ ($.status = 429) && ($.deployment = "${d}") }`, MetricTransformations: [{ MetricNamespace: 'VideoWebhooks', MetricName: 'ApiThrottled', MetricValue: '1', Dimensions: dimensions }] });
    expect(JSON.stringify(t.findResources('AWS::Logs::MetricFilter'))).not.toContain('DefaultValue');
  });

  it('warns when the route rate is above half of what a vendor\'s quarantine takes (16 groups × 300 sends/s), not at the default 1,000/s', () => {
    const quarantineWarning = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-video-webhooks:quarantineThroughput'));
    expect(quarantineWarning(build().stack)).toHaveLength(0);
    expect(quarantineWarning(build({ throttle: { rateLimit: 2400, burstLimit: 3000 } }).stack)).toHaveLength(0);
    const [warning] = quarantineWarning(build({ throttle: { rateLimit: 3000, burstLimit: 3000 } }).stack);
    expect(warning.entry.data).toMatch(/throttle\.rateLimit 3000 .* 2,400 requests a second/);
  });

  it('creates an operations dashboard unless dashboard: false (what it graphs: test/constructs/alarm-metrics.test.ts)', () => {
    const on = build();
    Template.fromStack(on.stack).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(on.ingestion.dashboard).toBeDefined();
    const off = build({ dashboard: false });
    Template.fromStack(off.stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(off.ingestion.dashboard).toBeUndefined();
  });

  it('runs every function on arm64 Node.js 24 (the default runtime) from the prebuilt bundles, with its own log group', () => {
    t.resourceCountIs('AWS::Lambda::Function', 6); // 4 verifiers, the poller, the archive replay
    t.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    t.resourceCountIs('AWS::Logs::LogGroup', 8); // 6 functions + access logs + the archive stream's delivery errors
  });

  it('configures each verifier through the deployment contract', () => {
    const fnId = logicalId(stack, ingestion.verifierFunction('synthesia'));
    const fn = (t.findResources('AWS::Lambda::Function') as Record<string, Resource>)[fnId];
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const code = ingestion.verifierFunction('synthesia').node.findChild('Code') as unknown as { assetPath: string };
    const vendorFile = join(Stage.of(stack)!.outdir, code.assetPath, env[ENV.VENDOR_FILE] as string);
    expect(JSON.parse(readFileSync(vendorFile, 'utf8'))).toEqual({ id: 'synthesia', kind: 'synthesia', options: { timestampToleranceSeconds: 600 } });
    expect(env[ENV.VENDOR]).toBeUndefined();
    expect(env).toMatchObject({
      [ENV.WEBHOOK_SECRET_ID]: secretRef(secrets.synthesia.webhook),
      [ENV.TABLE_NAME]: { Ref: logicalId(stack, ingestion.table) },
      [ENV.QUEUE_URL]: { Ref: logicalId(stack, ingestion.queue) },
      [ENV.QUARANTINE_QUEUE_URL]: { Ref: logicalId(stack, ingestion.quarantineQueue) },
      [ENV.MAX_BODY_BYTES]: '262144',
      [ENV.DEDUPE_WINDOW_SECONDS]: '604800',
      [ENV.STALE_AFTER_SECONDS]: '600',
      [ENV.GIVE_UP_AFTER_SECONDS]: '172800',
    });
    expect(fn.Properties).toMatchObject({ Timeout: 10, MemorySize: 256 });
  });

  it("lets a verifier read only its own webhook secret, read and write only its own vendor's items, and send to the two queues", () => {
    const statements = statementsOf(t, stack, ingestion.verifierFunction('sync'));
    const secretStatements = statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager'));
    expect(secretStatements).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretRef(secrets.sync.webhook) },
    ]);
    const all = JSON.stringify(statements);
    for (const other of VENDOR_IDS.filter((id) => id !== 'sync')) {
      expect(all).not.toContain(logicalId(stack, secrets[other].webhook));
    }
    expect(all).not.toContain(logicalId(stack, secrets.sync.api));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': [logicalId(stack, ingestion.table), 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sync#*'] } },
    });
    const sends = statements.filter((s) => JSON.stringify(s.Action).includes('sqs:SendMessage'));
    expect(sends.map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': [logicalId(stack, ingestion.queue), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(stack, ingestion.quarantineQueue), 'Arn'] },
    ]);
    expect(all).not.toContain('"*"');
    expect(all).not.toContain('sqs:ReceiveMessage');
    expect(all).not.toContain('dynamodb:Query');
  });

  it('runs the poller every 5 minutes with every vendor, reading only the API keys of polled vendors', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack, ingestion.pollerFunction), 'Arn'] } })],
    });
    const fn = (t.findResources('AWS::Lambda::Function') as Record<string, Resource>)[logicalId(stack, ingestion.pollerFunction)];
    expect(fn.Properties).toMatchObject({ Timeout: 240 });
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // The vendors' configuration is a file beside the code; deploy-time values stay in the environment, referred to by name.
    expect(env[ENV.POLLER_VENDORS_FILE]).toBe('poller-vendors.json');
    const pollerVendors = JSON.parse(readFileSync(join(Stage.of(stack)!.outdir, (ingestion.pollerFunction.node.findChild('Code') as unknown as { assetPath: string }).assetPath, 'poller-vendors.json'), 'utf8'));
    expect(pollerVendors.map((v: { vendor: { id: string } }) => v.vendor.id)).toEqual(VENDOR_IDS);
    const apiKeyRef = pollerVendors[0].apiKeySecretArn as { $env: string };
    expect(env[apiKeyRef.$env]).toEqual(secretRef(secrets.sync.api));

    const statements = statementsOf(t, stack, ingestion.pollerFunction);
    const secretResources = statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager')).map((s) => s.Resource);
    // ViralSync is not polled here (no status API base URL), so its key is not readable.
    expect(secretResources).toEqual([secretRef(secrets.sync.api), secretRef(secrets.lipdub.api), secretRef(secrets.synthesia.api)]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, ingestion.table), 'Arn'] }, '/index/pending']] },
    });
    // The quarantine replay runs in the poller: it reads and deletes quarantined requests and sends back the ones still not understood.
    const quarantine = { 'Fn::GetAtt': [logicalId(stack, ingestion.quarantineQueue), 'Arn'] };
    const onQuarantine = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(quarantine)).flatMap((s) => [s.Action].flat()).sort();
    expect(onQuarantine).toEqual(
      ['sqs:DeleteMessage', 'sqs:ReceiveMessage', 'sqs:SendMessage'],
    );
    expect(env[ENV.QUARANTINE_QUEUE_URL]).toEqual({ Ref: logicalId(stack, ingestion.quarantineQueue) });
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  it('lets a principal replay the quarantine by invoking the poller, and outputs the command', () => {
    const { stack: s2, ingestion: i2 } = build();
    const operator = new iam.Role(s2, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    i2.grantReplayQuarantine(operator);
    const t2 = Template.fromStack(s2);
    t2.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(s2, operator) }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [logicalId(s2, i2.pollerFunction), 'Arn'] }]),
          }),
        ],
      },
    });
    const outputs = t2.findOutputs('*') as Record<string, { Value: unknown }>;
    const command = Object.entries(outputs).find(([id]) => id.includes('QuarantineReplayCommand'))?.[1].Value;
    expect(JSON.stringify(command)).toContain(`aws lambda invoke --cli-read-timeout 0 --function-name `);
    expect(JSON.stringify(command)).toContain(`--payload '{\\"action\\":\\"replay-quarantine\\"}'`);
  });

  it('does not use the AWSLambdaBasicExecutionRole managed policy: each role writes only its own log group', () => {
    for (const role of Object.values(t.findResources('AWS::IAM::Role') as Record<string, Resource>)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    const statements = statementsOf(t, stack, ingestion.verifierFunction('lipdub'));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logicalId(stack, ingestion.node.findChild('Verifiers').node.findChild('lipdub').node.findChild('LogGroup')), 'Arn'] },
    });
  });

  it('creates the alarms: DLQ, oldest message, quarantine, API 5xx but 503, throttling, poller errors; the archive\'s failures and staleness; per vendor rejections and poll backend errors; poll auth errors per polled vendor', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 6 + 2 + 4 + 4 + 3);
    expect(ingestion.alarms).toHaveLength(19);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, ingestion.deadLetterQueue!), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
    // The deliberate 503s (busy, not configured) are not server errors: counted from the access logs without them.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'VideoWebhooks', MetricName: 'ApiServerErrors', Dimensions: [{ Name: 'Deployment', Value: ingestion.deploymentId }], Statistic: 'Sum', Threshold: 1 });
    expect(t.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/ApiGateway' } })).toEqual({});
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'VideoWebhooks', MetricName: 'ApiThrottled', Dimensions: [{ Name: 'Deployment', Value: ingestion.deploymentId }], Statistic: 'Sum', Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'VideoWebhooks',
      MetricName: 'PollErrors',
      Dimensions: [{ Name: 'Deployment', Value: ingestion.deploymentId }, { Name: 'Reason', Value: 'backend' }, { Name: 'Vendor', Value: 'viralsync' }],
      Statistic: 'Sum',
      Threshold: 1,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'VideoWebhooks',
      MetricName: 'Rejected',
      Dimensions: [{ Name: 'Deployment', Value: ingestion.deploymentId }, { Name: 'Vendor', Value: 'lipdub' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 10,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'VideoWebhooks', MetricName: 'PollAuthErrors', Dimensions: [{ Name: 'Deployment', Value: ingestion.deploymentId }, { Name: 'Vendor', Value: 'sync' }] });
  });

  it('outputs each webhook URL, the queue URLs, the table name, the quarantine replay command, a console link to the DLQ and the archive\'s bucket, stream and table', () => {
    const outputs = t.findOutputs('*') as Record<string, { Value: unknown }>;
    const values = Object.values(outputs).map((o) => JSON.stringify(o.Value));
    for (const id of VENDOR_IDS) expect(values.some((v) => v.includes(`webhooks/${id}`))).toBe(true);
    expect(Object.keys(outputs)).toHaveLength(4 + 6 + 4); // + the archive's bucket, stream, table and replay function
    // The console host comes from a mapping by partition (see deploy-defects.test.ts).
    const consoleLink = values.find((v) => v.includes('/sqs/v3/home'));
    expect(consoleLink).toContain('/sqs/v3/home?region=eu-west-1#/queues/https%3A%2F%2Fsqs.eu-west-1.');
    expect(consoleLink).toContain('%2F111111111111%2F');
    expect(stack.resolve(ingestion.endpointUrl('sync'))).toEqual({
      'Fn::Join': ['', ['https://', { Ref: logicalId(stack, ingestion.api) }, '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/webhooks/sync']],
    });
  });
});

describe('VideoWebhookIngestion wiring', () => {
  it('addConsumer wires an SQS event source with ReportBatchItemFailures and grants the consumer the queue', () => {
    const { stack, ingestion } = build();
    const fn = new lambda.Function(stack, 'Consumer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] })'),
    });
    ingestion.addConsumer(fn, { batchSize: 5 });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, ingestion.queue), 'Arn'] },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(() => ingestion.addConsumer(fn, { batchSize: 11 })).toThrow(/^TestStack\/Webhooks: batchSize 11 is out of range: use a whole number from 1 to 10/);
  });

  it('refuses a consumer whose timeout exceeds the queue visibility timeout', () => {
    const { stack, ingestion } = build({ queue: { visibilityTimeout: Duration.seconds(60) } });
    const fn = new lambda.Function(stack, 'Slow', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      timeout: Duration.minutes(2),
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    });
    expect(() => ingestion.addConsumer(fn)).toThrow(/has a timeout of 2 minutes, longer than the events queue's visibility timeout 1 minute/);
  });

  it('grantRegisterJobs only grants item writes on the table; addJobRegistrationEnvironment sets the table name and the registration settings', () => {
    const producer = (withEnvironment: boolean) => {
      const { stack, ingestion } = build();
      const fn = new lambda.Function(stack, 'Producer', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      });
      ingestion.grantRegisterJobs(fn);
      if (withEnvironment) ingestion.addJobRegistrationEnvironment(fn);
      return { stack, ingestion, fn };
    };
    const grantOnly = producer(false);
    expect(Template.fromStack(grantOnly.stack).findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { VIDEO_WEBHOOKS_TABLE_NAME: Match.anyValue() } } } })).toEqual({});
    const { stack, ingestion, fn } = producer(true);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          VIDEO_WEBHOOKS_TABLE_NAME: { Ref: logicalId(stack, ingestion.table) },
          VW_STALE_AFTER_SECONDS: '600',
          VW_GIVE_UP_AFTER_SECONDS: '172800',
          VW_DEDUPE_WINDOW_SECONDS: '604800',
        },
      },
    });
    const table = { 'Fn::GetAtt': [logicalId(stack, ingestion.table), 'Arn'] };
    expect(statementsOf(t, stack, fn)).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: table },
      // Only the attributes a registration writes: no terminal event, no event id (see test/constructs/iam.test.ts).
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...REGISTRATION_ATTRIBUTES] } } },
    ]);
  });

  it('sends alarm and OK notifications to the topic when one is given', () => {
    const stack = newStack();
    const alarmTopic = new sns.Topic(stack, 'Topic');
    build({ alarmTopic }, stack);
    Template.fromStack(stack).allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: logicalId(stack, alarmTopic) }],
      OKActions: [{ Ref: logicalId(stack, alarmTopic) }],
    });
  });

  it('composes existing queues and an existing table, creating none of them', () => {
    const stack = newStack();
    const existingQueue = sqs.Queue.fromQueueArn(stack, 'Q', 'arn:aws:sqs:eu-west-1:111111111111:events.fifo');
    const existingDeadLetterQueue = sqs.Queue.fromQueueArn(stack, 'D', 'arn:aws:sqs:eu-west-1:111111111111:events-dlq.fifo');
    const quarantine = sqs.Queue.fromQueueArn(stack, 'QQ', 'arn:aws:sqs:eu-west-1:111111111111:quarantine.fifo');
    const existingTable = dynamodb.Table.fromTableName(stack, 'T', 'jobs');
    const { ingestion } = build({ queue: { existingQueue, existingDeadLetterQueue }, quarantine: { existingQueue: quarantine }, table: { existingTable } }, stack);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SQS::Queue', 0);
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(ingestion.queue).toBe(existingQueue);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [ENV.TABLE_NAME]: 'jobs' }) } });
  });

  it('sets custom settings into the environment, the stage and the schedule', () => {
    const { stack } = build({
      maxBodyBytes: 512 * 1024,
      dedupeWindow: Duration.days(3),
      staleAfter: Duration.minutes(20),
      giveUpAfter: Duration.hours(24),
      pollConcurrency: 4,
      throttle: { rateLimit: 10, burstLimit: 20 },
      verifierMemorySize: 512,
      reservedConcurrency: 5,
      queue: { maxReceiveCount: 7 },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      ReservedConcurrentExecutions: 5,
      Environment: { Variables: Match.objectLike({ VW_MAX_BODY_BYTES: '524288', VW_DEDUPE_WINDOW_SECONDS: '259200', VW_STALE_AFTER_SECONDS: '1200', VW_GIVE_UP_AFTER_SECONDS: '86400' }) },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ VW_POLL_CONCURRENCY: '4' }) } });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 } });
    t.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 7 }) });
  });
});

describe('VideoWebhookIngestion validation', () => {
  const secret = () => secretsmanager.Secret.fromSecretNameV2(newStack(), 'S', 'x');

  it('needs at least one vendor', () => {
    expect(() => new VideoWebhookIngestion(newStack(), 'W', { vendors: [] })).toThrow(/^TestStack\/W: vendors is empty: pass at least one vendor/);
  });

  it('refuses a duplicate vendor id and says how to fix it', () => {
    const webhookSecret = secret();
    expect(() => new VideoWebhookIngestion(newStack(), 'W', { vendors: [Vendor.sync({ webhookSecret }), Vendor.sync({ webhookSecret })] })).toThrow(
      'vendor id "sync" is given twice: each vendor needs its own id (set id: "sync-2" on the second one)',
    );
  });

  it('refuses an unknown vendor in endpointUrl and verifierFunction', () => {
    const { ingestion } = build();
    expect(() => ingestion.endpointUrl('heygen')).toThrow('unknown vendor "heygen": this construct has sync, lipdub, viralsync, synthesia; pass one of them');
    expect(() => ingestion.verifierFunction('heygen')).toThrow(/^TestStack\/Webhooks: unknown vendor "heygen"/);
  });

  it.each([0, 1001])('refuses maxReceiveCount %p', (maxReceiveCount) => {
    expect(() => build({ queue: { maxReceiveCount } })).toThrow(`maxReceiveCount ${maxReceiveCount} is out of range: use a whole number from 1 to 1000`);
  });

  it('refuses an existing queue together with new-queue settings', () => {
    const stack = newStack();
    const existingQueue = sqs.Queue.fromQueueArn(stack, 'Q', 'arn:aws:sqs:eu-west-1:111111111111:events.fifo');
    expect(() => build({ queue: { existingQueue, visibilityTimeout: Duration.minutes(1) } }, stack)).toThrow(
      /^TestStack\/Webhooks\/Events: existingQueue cannot be combined with visibilityTimeout: /,
    );
    expect(() => build({ queue: { existingQueue, maxReceiveCount: 5 } }, newStack())).toThrow(/existingQueue cannot be combined with maxReceiveCount/);
  });

  it('refuses settings out of range, naming the value and the range', () => {
    expect(() => build({ maxBodyBytes: 10 * 1024 * 1024 })).toThrow(/^TestStack\/Webhooks: maxBodyBytes 10485760 is out of range: use a whole number from 1024 to 716800/);
    expect(() => build({ staleAfter: Duration.hours(2), giveUpAfter: Duration.hours(1) })).toThrow(/^TestStack\/Webhooks: giveUpAfter 1 hour is not longer than staleAfter 2 hours/);
    expect(() => build({ pollerTimeout: Duration.minutes(20) })).toThrow(/^TestStack\/Webhooks: pollerTimeout 20 minutes is out of range/);
    expect(() => build({ pollerTimeout: Duration.minutes(5) })).toThrow(
      "pollerTimeout 5 minutes is not shorter than the poll schedule rate(5 minutes): two runs would overlap and together exceed the vendors' rate limits; lower pollerTimeout or poll less often",
    );
    expect(() => build({ pollSchedule: events.Schedule.rate(Duration.minutes(2)) })).toThrow(/^TestStack\/Webhooks: pollerTimeout 4 minutes is not shorter than the poll schedule rate\(2 minutes\)/);
    expect(() => build({ pollSchedule: events.Schedule.rate(Duration.minutes(2)), pollerTimeout: Duration.seconds(90) })).not.toThrow();
    expect(() => build({ pollSchedule: events.Schedule.cron({ minute: '*/2' }) })).not.toThrow(); // cron: not checked
  });
});
