/**
 * The archive replay function's construct (lib/private/archive-replay.ts), standalone: a bucket
 * made in the test (the archive's own bucket is built by the archive half of issue 22), the jobs
 * table and the events queue, with customer KMS keys. Every AWS call its bundle can make is allowed
 * by its policies, checked with a real IAM evaluator (@cloud-copilot/iam-simulate), and nothing
 * else: no other prefix, no write to the archive, no other table action, no secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { build } from 'esbuild';
import { Vendor, WebhookEventQueue, WebhookJobTable } from '../../lib';
import { addArchiveReplay } from '../../lib/private/archive-replay';
import { TemplateValues, type SynthTemplate } from '../support/template-values';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const root = join(__dirname, '..', '..');

function replayStack() {
  const stack = new Stack(new App(), 'ReplayStack', { env: { account: ACCOUNT, region: REGION } });
  const archiveKey = new kms.Key(stack, 'ArchiveKey', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Archive', { encryption: s3.BucketEncryption.KMS, encryptionKey: archiveKey, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const tableKey = new kms.Key(stack, 'TableKey', { enableKeyRotation: true });
  const jobs = new WebhookJobTable(stack, 'Jobs', { encryptionKey: tableKey, removalPolicy: RemovalPolicy.DESTROY });
  const queueKey = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
  const events = new WebhookEventQueue(stack, 'Events', { encryptionKey: queueKey });
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'SyncSecret', 'sync-webhook');
  const fn = addArchiveReplay(stack, {
    vendors: [Vendor.sync({ webhookSecret: secret })],
    bucket,
    prefix: 'archive/',
    events,
    jobs,
    environment: { VW_TABLE_NAME: jobs.tableName, VW_QUEUE_URL: events.queue.queueUrl },
    runtime: lambda.Runtime.NODEJS_22_X,
    logRetention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: undefined,
  });
  return { stack, fn, template: Template.fromStack(stack).toJSON() as SynthTemplate };
}

/** The SDK commands in the sources the handler's bundle is made of (as test/constructs/iam.test.ts finds them). */
async function commandsIn(handler: string): Promise<string[]> {
  const result = await build({ entryPoints: [join(root, 'lambda', 'handlers', `${handler}.ts`)], bundle: true, write: false, metafile: true, platform: 'node', external: ['@aws-sdk/*', '@smithy/*'], logLevel: 'error', absWorkingDir: root });
  const commands = new Set<string>();
  for (const file of Object.keys(result.metafile.inputs).filter((f) => f.startsWith('lambda/'))) {
    const source = readFileSync(join(root, file), 'utf8');
    const service = /from '@aws-sdk\/client-([a-z0-9-]+)'/.exec(source)?.[1];
    for (const [, name] of source.matchAll(/new (\w+)Command\(/g)) commands.add(`${service === 'secrets-manager' ? 'secretsmanager' : service}:${name}`);
  }
  return [...commands].sort();
}

describe('the archive replay function', () => {
  const { template } = replayStack();
  const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: 'ReplayStack' });
  const [fnId, fnResource] = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('ArchiveReplay'))!;
  const roleId = (fnResource.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const roleArn = values.getAtt(roleId, 'Arn');
  const policies = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(`"${roleId}"`))
    .map(([name, r]) => ({ name, policy: values.resolve(r.Properties?.PolicyDocument) as { Statement: Array<Record<string, unknown>> } }));
  const env = values.resolve((fnResource.Properties!.Environment as { Variables: object }).Variables) as Record<string, string>;
  const bucketName = env.VW_ARCHIVE_BUCKET;
  const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${env.VW_TABLE_NAME}`;
  const queue = (() => {
    const m = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(env.VW_QUEUE_URL)!;
    return `arn:aws:sqs:${m[1]}:${m[2]}:${m[3]}`;
  })();
  const keyArn = (logicalPrefix: string) => values.getAtt(Object.keys(template.Resources).find((id) => id.startsWith(logicalPrefix) && template.Resources[id].Type === 'AWS::KMS::Key')!, 'Arn');
  const secure = { 'aws:SecureTransport': 'true' };

  async function allowed(action: string, resource: string, context: Record<string, string | string[]> = secure): Promise<string> {
    const keyPolicy = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::KMS::Key' && values.getAtt(id, 'Arn') === resource)?.[1].Properties?.KeyPolicy;
    const result = await runSimulation({
      request: { principal: roleArn, action, resource: { resource, accountId: ACCOUNT }, contextVariables: { 'aws:PrincipalArn': roleArn, ...context } },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: keyPolicy ? values.resolve(keyPolicy) : undefined,
    }, {});
    return result.resultType === 'error' ? `error: ${JSON.stringify(result.errors)}` : result.overallResult;
  }

  it('places every SDK call in its bundle as called or not called by it (a new one fails here until it is placed)', async () => {
    // Called: the delivery core's writes, the dry run's read, the archive's listing and reads, the send.
    const called = ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem', 's3:ListObjectsV2', 's3:GetObject', 'sqs:SendMessage'];
    // Bundled with the shared adapter files, never called here: the poller's index query and read-back, the quarantine reader's.
    const bundledNotCalled = ['dynamodb:Query', 'dynamodb:BatchGetItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'];
    expect(await commandsIn('archive-replay')).toEqual([...called, ...bundledNotCalled].sort());
  });

  it('is allowed every call it makes: the partitions listed and read (with the bucket key), the table\'s items, the events queue (with their keys)', async () => {
    const partition = 'archive/vendor=sync/day=2026-12-01/';
    const calls: Array<[string, string, Record<string, string | string[]>?]> = [
      ['s3:ListBucket', `arn:aws:s3:::${bucketName}`, { ...secure, 's3:prefix': partition }],
      ['s3:GetObject', `arn:aws:s3:::${bucketName}/${partition}stream-1-2026-12-01-09-00-00-x.gz`],
      ['kms:Decrypt', keyArn('ArchiveKey'), { ...secure, 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT }],
      ['dynamodb:UpdateItem', table], ['dynamodb:PutItem', table], ['dynamodb:GetItem', table],
      ['kms:Decrypt', keyArn('TableKey'), { ...secure, 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT }],
      ['sqs:SendMessage', queue],
      ['kms:GenerateDataKey', keyArn('QueueKey'), { ...secure, 'kms:ViaService': `sqs.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT }],
    ];
    const denied: string[] = [];
    for (const [action, resource, context] of calls) {
      const result = await allowed(action, resource, context);
      if (result !== 'Allowed') denied.push(`${action} on ${resource}: ${result}`);
    }
    expect(denied).toEqual([]);
  });

  it('is allowed nothing else: no other prefix, no write or delete in the archive, no index or scan, no secret, no quarantine', async () => {
    const refused: Array<[string, string, Record<string, string | string[]>?]> = [
      ['s3:ListBucket', `arn:aws:s3:::${bucketName}`, { ...secure, 's3:prefix': 'other/' }],
      ['s3:ListBucket', `arn:aws:s3:::${bucketName}`, { ...secure, 's3:prefix': '' }],
      ['s3:GetObject', `arn:aws:s3:::${bucketName}/errors/x.gz`],
      ['s3:PutObject', `arn:aws:s3:::${bucketName}/archive/vendor=sync/day=2026-12-01/x.gz`],
      ['s3:DeleteObject', `arn:aws:s3:::${bucketName}/archive/vendor=sync/day=2026-12-01/x.gz`],
      ['dynamodb:Query', `${table}/index/pending`], ['dynamodb:Scan', table], ['dynamodb:DeleteItem', table],
      ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:sync-webhook-Ab1Cd2`],
      ['sqs:ReceiveMessage', queue],
    ];
    const allowedAnyway: string[] = [];
    for (const [action, resource, context] of refused) if ((await allowed(action, resource, context)) === 'Allowed') allowedAnyway.push(`${action} on ${resource}`);
    expect(allowedAnyway).toEqual([]);
    const granted = new Set(policies.flatMap((p) => p.policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat() as string[])));
    expect([...granted].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 's3:ListBucket', 'sqs:SendMessage'].sort());
  });

  it('carries the bucket, the prefix and every vendor\'s configuration, and no secret id', () => {
    expect(fnId).toMatch(/^ArchiveReplayFunction/);
    expect(env).toMatchObject({ VW_ARCHIVE_PREFIX: 'archive/', VW_REPLAY_VENDORS_FILE: 'replay-vendors.json' });
    expect(Object.keys(env).filter((k) => /SECRET/.test(k))).toEqual([]);
    expect(fnResource.Properties).toMatchObject({ Timeout: 300, MemorySize: 512, Architectures: ['arm64'], Handler: 'index.handler' });
  });
});
