/**
 * The archive of authenticated requests (lambda/contract/archive.ts): an Amazon Data Firehose
 * delivery stream (Direct PUT) into S3, one object per partition and buffer, GZIP JSON Lines under
 * `<prefix>vendor=<id>/day=<YYYY-MM-DD>/`, and a Glue table over it with partition projection.
 *
 * The layout comes from Firehose's dynamic partitioning with inline JQ parsing (jq 1.6) of each
 * record's `.vendor` and `.receivedAt[0:10]`
 * (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html):
 * the day is the UTC day of the request's `receivedAt`, as the contract says, not the object's
 * delivery time (a `!{timestamp:...}` prefix is the arrival time of the oldest record of an object,
 * which puts requests of just after midnight in the day before). It bills $0.020 per GB processed,
 * $0.005 per 1,000 objects delivered and $0.07 per JQ processing hour (us-east-1,
 * https://aws.amazon.com/firehose/pricing/): see the README's cost table and `npm run bench`.
 * Dynamic partitioning buffers at least 64 MiB or 60 s, no zero buffering
 * (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html); 900 s and 128 MiB make few
 * objects (at most about one per active vendor and 15 minutes, 1.5 times that with Firehose's
 * multi-stage buffering).
 */
import { Annotations, ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ARCHIVE_PARTITION_KEYS } from '../../lambda/contract/archive';
import type { RequestArchiveOptions } from '../archive-options';
import { validateDuration, validationError } from './validate';

export interface RequestArchiveProps {
  readonly options: RequestArchiveOptions;
  /** The deployed vendor ids: the table's `vendor` enum. */
  readonly vendorIds: readonly string[];
  /** VideoWebhookIngestion's `deploymentId`: the Glue database's name is made of it. */
  readonly deploymentId: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy | undefined;
}

/** The JQ query whose keys make a record's partition (contract: `archivePartition`). */
export const ARCHIVE_PARTITION_QUERY = '{vendor: .vendor, day: .receivedAt[0:10]}';

/** Firehose's buffering with dynamic partitioning: the longest interval, the largest size. */
export const ARCHIVE_BUFFER = { intervalSeconds: 900, sizeMiB: 128 } as const;

const PREFIX_PATTERN = /^([a-z0-9._-]+\/)*$/;

/** Creates `Bucket` (unless given), `Role`, `LogGroup`, `LogStream`, `Stream`, `Database` and `Table` under `scope`. */
export class IngestionArchive extends Construct {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
  readonly streamName: string;
  readonly streamArn: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly retention: Duration;

  constructor(scope: Construct, id: string, props: RequestArchiveProps) {
    super(scope, id);
    const { options } = props;
    this.retention = options.retention ?? Duration.days(90);
    validateDuration(this, 'archive.retention', this.retention, Duration.days(1), Duration.days(3650));
    if (!this.retention.isUnresolved() && this.retention.toDays({ integral: false }) % 1 !== 0) {
      throw validationError(this, `archive.retention is ${this.retention.toHumanString()}: S3 expires objects in whole days; use Duration.days(n)`);
    }
    this.prefix = options.prefix ?? 'archive/';
    if (!PREFIX_PATTERN.test(this.prefix)) {
      throw validationError(this, `archive.prefix ${JSON.stringify(this.prefix)} is invalid: use '' or lower-case letters, digits, '-', '_' and '.', in segments ending in '/' (e.g. 'archive/')`);
    }
    const key = options.encryptionKey ?? options.bucket?.encryptionKey;
    this.bucket = options.bucket ?? this.newBucket(key, props.removalPolicy);
    if (options.bucket) this.adoptBucket(options.bucket);

    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    const logStream = new logs.LogStream(this, 'LogStream', { logGroup, removalPolicy: RemovalPolicy.DESTROY });
    const role = this.deliveryRole(logGroup, logStream, key);
    const stream = new firehose.CfnDeliveryStream(this, 'Stream', {
      deliveryStreamType: 'DirectPut',
      // The buffer at rest, before delivery: an AWS owned key, or the archive's own key.
      deliveryStreamEncryptionConfigurationInput: key ? { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.keyArn } : { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${this.prefix}${ARCHIVE_PARTITION_KEYS.map((k) => `${k}=!{partitionKeyFromQuery:${k}}`).join('/')}/`,
        // Required with dynamic partitioning: where records that cannot be partitioned or delivered go.
        errorOutputPrefix: `${this.prefix}errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: ARCHIVE_BUFFER.intervalSeconds, sizeInMBs: ARCHIVE_BUFFER.sizeMiB },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: ARCHIVE_PARTITION_QUERY },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        encryptionConfiguration: key ? { kmsEncryptionConfig: { awskmsKeyArn: key.keyArn } } : { noEncryptionConfig: 'NoEncryption' },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
      },
    });
    stream.node.addDependency(role);
    this.streamName = stream.ref;
    this.streamArn = stream.attrArn;

    const table = this.glueTable(props);
    this.databaseName = table.databaseName;
    this.tableName = table.tableName;
  }

  /** Lets `grantee` put records on the stream: PutRecord (a webhook's), and PutRecordBatch when `batches` (a poll run's). */
  grantPutRecords(grantee: iam.IGrantable, batches: boolean): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: batches ? ['firehose:PutRecord', 'firehose:PutRecordBatch'] : ['firehose:PutRecord'],
      resourceArns: [this.streamArn],
    });
  }

  private newBucket(key: kms.IKey | undefined, removalPolicy: RemovalPolicy | undefined): s3.Bucket {
    return new s3.Bucket(this, 'Bucket', {
      encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: key,
      bucketKeyEnabled: key ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [this.lifecycleRule()],
    });
  }

  /** A bucket the user passed: the lifecycle rule and the TLS-only statement where it is this app's, a warning where not. */
  private adoptBucket(bucket: s3.IBucket): void {
    if (bucket instanceof s3.Bucket) {
      bucket.addLifecycleRule(this.lifecycleRule());
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'VideoWebhooksArchiveTlsOnly',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:*'],
          resources: [bucket.bucketArn, bucket.arnForObjects('*')],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
      return;
    }
    Annotations.of(this).addWarningV2('cdk-video-webhooks:archiveImportedBucket',
      `archive.bucket ${bucket.bucketName} is imported, so no lifecycle rule or policy can be added here: expire ${this.prefix || 'its objects'} after ${this.retention.toHumanString()} ` +
        'with a lifecycle rule of its own, deny requests without TLS (aws:SecureTransport false) and block public access on it');
  }

  private lifecycleRule(): s3.LifecycleRule {
    return { id: 'VideoWebhooksArchiveRetention', prefix: this.prefix || undefined, expiration: this.retention, abortIncompleteMultipartUploadAfter: Duration.days(1) };
  }

  /**
   * The stream's role: writes under the prefix and nothing else (no read, no delete), the bucket
   * metadata calls Firehose makes, its log stream, and the key's data keys. The actions are those
   * of Firehose's S3 destination policy less the object reads
   * (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3), with the
   * service's confused-deputy guard (sts:ExternalId is the account).
   */
  private deliveryRole(logGroup: logs.LogGroup, logStream: logs.LogStream, key: kms.IKey | undefined): iam.Role {
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } } }) });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [this.bucket.arnForObjects(`${this.prefix}*`)] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], resources: [this.bucket.bucketArn] }));
    const logStreamArn = Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [logStreamArn] }));
    if (key) {
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } },
        }),
      );
      // The stream's own buffer (CUSTOMER_MANAGED_CMK) needs nothing of this role: Firehose makes its grant on the key with the
      // rights of whoever creates the stream (the deployment).
    }
    return role;
  }

  /**
   * A Glue table over the archive with partition projection: Athena computes the partitions from
   * the vendor ids deployed and the day range (the retention up to today), so it needs no crawler
   * and no `MSCK REPAIR TABLE`, and the vendor list follows the deployment on every deploy
   * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html).
   */
  private glueTable(props: RequestArchiveProps): { databaseName: string; tableName: string } {
    const databaseName = `${props.deploymentId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 255);
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: databaseName, description: 'cdk-video-webhooks: the archive of authenticated requests' },
    });
    const tableName = 'requests';
    const location = `s3://${this.bucket.bucketName}/${this.prefix}`;
    const days = this.retention.isUnresolved() ? 3650 : Math.ceil(this.retention.toDays({ integral: false }));
    const table = new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName,
      tableInput: {
        name: tableName,
        description: 'Every authenticated webhook and status answer, one row each (lambda/contract/archive.ts)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'vendor', type: 'string' },
          { name: 'day', type: 'string' },
        ],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.vendor.type': 'enum',
          'projection.vendor.values': props.vendorIds.join(','),
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': `NOW-${days}DAYS,NOW`,
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'storage.location.template': `${location}vendor=\${vendor}/day=\${day}/`,
        },
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'case.insensitive': 'true', 'ignore.malformed.json': 'true' } },
          columns: [
            { name: 'v', type: 'int' },
            { name: 'jobid', type: 'string' },
            { name: 'receivedat', type: 'string', comment: 'ISO 8601 UTC: from_iso8601_timestamp(receivedat)' },
            { name: 'receivedvia', type: 'string' },
            { name: 'verdict', type: 'string' },
            { name: 'reason', type: 'string' },
            { name: 'eventid', type: 'string' },
            { name: 'headers', type: 'map<string,string>' },
            { name: 'body', type: 'string' },
            { name: 'bodyencoding', type: 'string' },
            { name: 'followups', type: 'array<struct<status:int,body:string,bodyencoding:string>>' },
          ],
        },
      },
    });
    table.node.addDependency(database);
    return { databaseName, tableName };
  }
}
