/**
 * The archive's resources (issue 22): the Firehose delivery stream and its partitioning, the
 * bucket (encryption, TLS only, public access blocked, lifecycle), the stream's role, the Glue
 * table, the alarms, the functions' environment and grants; `archive: false` creates none of it.
 * Real synth (`Template.fromStack`); the partition query is run through jq 1.6, the version
 * Firehose runs, when this machine has it.
 */
import { execFileSync } from 'node:child_process';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { archivePartition } from '../../lambda/contract/archive';
import { archiveLine, archiveRecord } from '../../lambda/core/archive';
import { Vendor, VideoWebhookIngestion, type VideoWebhookIngestionProps } from '../../lib';
import { ARCHIVE_PARTITION_QUERY } from '../../lib/private/archive';

function synth(props: Partial<VideoWebhookIngestionProps> = {}, vendors = 1) {
  const stack = new Stack(new App(), 'ArchiveStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const ids = ['sync', 'lipdub', 'viralsync', 'synthesia'];
  const all = [
    (s: Stack) => Vendor.sync({ webhookSecret: new secretsmanager.Secret(s, 'SyncSecret') }),
    (s: Stack) => Vendor.lipdub({ webhookSecret: new secretsmanager.Secret(s, 'LipdubSecret') }),
    (s: Stack) => Vendor.viralsync({ webhookSecret: new secretsmanager.Secret(s, 'ViralsyncSecret') }),
    (s: Stack) => Vendor.synthesia({ webhookSecret: new secretsmanager.Secret(s, 'SynthesiaSecret') }),
  ];
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', { vendors: all.slice(0, vendors).map((v) => v(stack)), ...props });
  return { stack, ingestion, template: Template.fromStack(stack), vendorIds: ids.slice(0, vendors) };
}

const ARCHIVE_TYPES = ['AWS::KinesisFirehose::DeliveryStream', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::Glue::Database', 'AWS::Glue::Table'];

describe('the archive (VideoWebhookIngestion archive)', () => {
  const { template, ingestion, stack, vendorIds } = synth({}, 2);

  it('is a Direct PUT delivery stream, GZIP, partitioned by vendor and the UTC day of receivedAt into the contract\'s layout', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'GZIP',
        Prefix: 'archive/vendor=!{partitionKeyFromQuery:vendor}/day=!{partitionKeyFromQuery:day}/',
        ErrorOutputPrefix: Match.stringLikeRegexp('^archive/errors/!\\{firehose:error-output-type\\}/'),
        BufferingHints: { IntervalInSeconds: 900, SizeInMBs: 128 },
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [{ Type: 'MetadataExtraction', Parameters: Match.arrayWith([{ ParameterName: 'MetadataExtractionQuery', ParameterValue: ARCHIVE_PARTITION_QUERY }, { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' }]) }],
        },
      }),
    });
  });

  const jq = (() => {
    try {
      return execFileSync('jq', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  })();
  (jq === 'jq-1.6' ? it : it.skip)('partitions a record as archivePartition does, by jq 1.6 (the version Firehose runs) on the record\'s line', () => {
    const record = archiveRecord({ vendor: 'lipdub', receivedAtMs: Date.parse('2026-12-31T23:59:59.999Z'), receivedVia: 'webhook', headers: {}, body: Buffer.from('{"a":1}') }, { verdict: 'enqueued', eventId: 'e', jobId: 'j' });
    const keys = JSON.parse(execFileSync('jq', ['-c', ARCHIVE_PARTITION_QUERY], { input: archiveLine(record), encoding: 'utf8' })) as { vendor: string; day: string };
    expect(`vendor=${keys.vendor}/day=${keys.day}/`).toBe(archivePartition(record.vendor, record.receivedAt));
    expect(keys).toEqual({ vendor: 'lipdub', day: '2026-12-31' });
  });

  it('keeps it in a new bucket: SSE-S3, public access blocked, TLS only, expired after 90 days, retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ Status: 'Enabled', Prefix: 'archive/', ExpirationInDays: 90, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })] },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets the stream\'s role write under the prefix and nothing else on the bucket\'s objects', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^WebhooksArchiveRole') }] } });
    const statements = Object.values(policies).flatMap((p) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(['logs:PutLogEvents', 's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads', 's3:PutObject']);
    const put = statements.find((s) => [s.Action].flat().includes('s3:PutObject'));
    expect(JSON.stringify(put?.Resource)).toContain('/archive/*');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } } })] },
    });
  });

  it('gives the functions the stream\'s name and PutRecord (verifiers) or PutRecord and PutRecordBatch (the poller) on that stream only', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { VW_ARCHIVE_STREAM: Match.anyValue() } } } });
    expect(Object.keys(fns).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^WebhooksVerifierssync/), expect.stringMatching(/^WebhooksVerifierslipdub/), expect.stringMatching(/^WebhooksPoller/)]));
    const streamArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebhooksArchiveStream'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('^WebhooksVerifierssyncServiceRole') }], PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'firehose:PutRecord', Resource: streamArn }]) } });
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('^WebhooksPollerServiceRole') }], PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: streamArn }]) } });
  });

  it('makes a Glue table with partition projection over the deployed vendors and the retention\'s days, so Athena needs no crawler', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'requests',
        PartitionKeys: [{ Name: 'vendor', Type: 'string' }, { Name: 'day', Type: 'string' }],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.vendor.type': 'enum',
          'projection.vendor.values': vendorIds.join(','),
          'projection.day.type': 'date',
          'projection.day.range': 'NOW-90DAYS,NOW',
          'projection.day.format': 'yyyy-MM-dd',
        }),
        StorageDescriptor: Match.objectLike({ SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }) }),
      }),
    });
    expect(ingestion.archiveTableName).toMatch(/^[a-z0-9_]+\.requests$/);
  });

  it('alarms on ArchiveFailed (the deployment-wide series) and on the stream\'s DeliveryToS3.DataFreshness', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ArchiveFailed', Namespace: 'VideoWebhooks', Dimensions: [{ Name: 'Deployment', Value: ingestion.deploymentId }], Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DeliveryToS3.DataFreshness', Namespace: 'AWS/Firehose', Statistic: 'Maximum', Threshold: 2700 });
  });

  it('outputs the bucket, the stream and the table', () => {
    const outputs = Object.keys(template.toJSON().Outputs as object);
    for (const name of ['ArchiveBucketName', 'ArchiveDeliveryStreamName', 'ArchiveTable']) expect(outputs.some((o) => o.startsWith(`WebhooksOutputs${name}`))).toBe(true);
    expect(stack.resolve(ingestion.archivePrefix)).toBe('archive/');
  });

  it('adds the same resources to a stack of one vendor as to one of four (they are per stack, not per vendor)', () => {
    const count = (t: Template) => Object.keys(t.toJSON().Resources as object).filter((id) => id.startsWith('WebhooksArchive') || /^WebhooksAlarms(ArchiveDeliveryStale|RequestsNotArchived)/.test(id)).length;
    const one = synth({}, 1).template;
    const four = synth({}, 4).template;
    expect(count(one)).toBe(count(four));
    expect(count(one)).toBe(16); // the archive's 11 and its replay function's 5 (WebhooksArchiveReplay...)
  });
});

describe('archive: false', () => {
  it('creates none of the archive: no stream, bucket, table, alarms, outputs, variable or grant', () => {
    const { template, ingestion } = synth({ archive: false }, 2);
    for (const type of ARCHIVE_TYPES) template.resourceCountIs(type, 0);
    const json = JSON.stringify(template.toJSON());
    for (const word of ['VW_ARCHIVE_STREAM', 'VW_ARCHIVE_BUCKET', 'firehose:', 'ArchiveFailed', 'DataFreshness', 'ArchiveBucketName', 'ArchiveReplay']) expect(json).not.toContain(word);
    expect(ingestion.archiveBucket).toBeUndefined();
    expect(ingestion.archiveReplayFunction).toBeUndefined();
    expect(() => ingestion.grantReplayArchive(new iam.User(new Stack(new App(), 'Other'), 'Operator'))).toThrow(/grantReplayArchive needs the archive, and this pipeline has archive: false/);
  });

  it('with the archive: the replay function reads the archive\'s own bucket and prefix, archives nothing itself, and grantReplayArchive grants only its invoke', () => {
    const stack = new Stack(new App(), 'ReplayGrantStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'SyncSecret') })] });
    ingestion.grantReplayArchive(new iam.User(stack, 'Operator'));
    const template = Template.fromStack(stack);
    const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
    const replay = Object.entries(json.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('WebhooksArchiveReplay'))!;
    const env = (replay[1].Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.VW_ARCHIVE_STREAM).toBeUndefined();
    expect(env.VW_ARCHIVE_PREFIX).toBe('archive/');
    expect(JSON.stringify(env.VW_ARCHIVE_BUCKET)).toContain('WebhooksArchiveBucket');
    const userPolicy = Object.values(json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Users ?? '').includes('Operator'))!;
    const statements = (userPolicy.Properties!.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement;
    expect(statements.map((st) => st.Action)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements[0].Resource)).toContain(replay[0]);
    template.hasOutput('*', { Value: { Ref: replay[0] } });
  });
});

describe('archive options', () => {
  it('takes a retention in days for the lifecycle rule and the table\'s day range', () => {
    const { template } = synth({ archive: { retention: Duration.days(30), prefix: 'webhooks/raw/' } });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'webhooks/raw/', ExpirationInDays: 30 })] } });
    template.hasResourceProperties('AWS::Glue::Table', { TableInput: Match.objectLike({ Parameters: Match.objectLike({ 'projection.day.range': 'NOW-30DAYS,NOW' }) }) });
  });

  it.each([
    ['a retention that is not whole days', { retention: Duration.hours(36) }, /archive\.retention is 1 day 12 hours: S3 expires objects in whole days/],
    ['a retention under a day', { retention: Duration.hours(2) }, /archive\.retention/],
    ['a prefix without its trailing slash', { prefix: 'archive' }, /archive\.prefix "archive" is invalid/],
    ['a prefix with capitals', { prefix: 'Archive/' }, /archive\.prefix "Archive\/" is invalid/],
  ])('refuses %s, saying what to use', (_what, archive, message) => {
    expect(() => synth({ archive })).toThrow(message);
  });

  it('uses a bucket of this app it is given: adds the lifecycle rule and the TLS-only statement, creates no bucket', () => {
    const stack = new Stack(new App(), 'Given', { env: { account: '123456789012', region: 'eu-west-1' } });
    const bucket = new s3.Bucket(stack, 'Mine');
    new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'S') })], archive: { bucket } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'archive/', ExpirationInDays: 90 })] } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'VideoWebhooksArchiveTlsOnly', Effect: 'Deny' })]) } });
  });

  it('warns for an imported bucket, whose lifecycle and policy are its owner\'s', () => {
    const stack = new Stack(new App(), 'Imported', { env: { account: '123456789012', region: 'eu-west-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Theirs', 'their-archive-bucket');
    new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'S') })], archive: { bucket } });
    Annotations.fromStack(stack).hasWarning('/Imported/Webhooks/Archive', Match.stringLikeRegexp('archive.bucket their-archive-bucket is imported.*lifecycle rule.*aws:SecureTransport'));
  });

  it('encrypts objects and the stream\'s buffer with a customer managed key it is given, and lets the stream\'s role use it through S3', () => {
    const stack = new Stack(new App(), 'Keyed', { env: { account: '123456789012', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'ArchiveKey', { enableKeyRotation: true });
    new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'S') })], archive: { encryptionKey: key } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', { BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] } });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: Match.anyValue() },
      ExtendedS3DestinationConfiguration: Match.objectLike({ EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: Match.anyValue() } } }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WebhooksArchiveRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } } })]) },
    });
  });
});
