/**
 * The archive replay function (lambda/handlers/archive-replay.ts), invoked by hand or by
 * `video-webhooks replay-archive --function NAME`: it reads the archive's objects of the vendor
 * and days asked for, and re-sends through the delivery core the events the pipeline enqueued.
 * Least privilege: it reads the archive's partitions only (no write, no delete), writes the jobs
 * table as the delivery path does (and reads it, for a dry run), sends to the events queue only.
 * It holds no secret: no signature is checked on a replay, and no vendor is asked anything.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from '../../lambda/contract/deployment';
import type { WebhookEventQueue } from '../event-queue';
import type { WebhookJobTable } from '../job-table';
import type { Vendor } from '../vendor';
import { codeWithConfig } from './config-asset';
import { createPipelineFunction } from './functions';

const REPLAY_VENDORS_FILE = 'replay-vendors.json';

/** A run's length: long runs go on from a cursor in the next invocation, so no run needs Lambda's 15 minutes. */
const REPLAY_TIMEOUT = Duration.minutes(5);

export interface ArchiveReplayProps {
  readonly vendors: readonly Vendor[];
  /** The archive's bucket (its key, if any, is granted for decryption). */
  readonly bucket: s3.IBucket;
  /** The key prefix the `vendor=<id>/day=<YYYY-MM-DD>/` partitions start after: empty, or ending in `/`. */
  readonly prefix: string;
  readonly events: WebhookEventQueue;
  readonly jobs: WebhookJobTable;
  /** The environment every function shares (table, queue, delivery settings, deployment id). */
  readonly environment: Readonly<Record<string, string>>;
  readonly runtime: lambda.Runtime;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy | undefined;
}

/** Creates `ArchiveReplay/{LogGroup,ServiceRole,Function}` under `scope` (ids are part of the contract). */
export function addArchiveReplay(scope: Construct, props: ArchiveReplayProps): lambda.Function {
  const replayScope = new Construct(scope, 'ArchiveReplay');
  // Every vendor's adapter options travel with the code, as the poller's do (Lambda's 4 KB environment).
  const config = codeWithConfig('archive-replay', REPLAY_VENDORS_FILE, props.vendors.map((v) => v._runtimeConfig()), 'VW_REPLAY_VALUE_');
  const fn = createPipelineFunction(replayScope, 'archive-replay', {
    code: config.code,
    description: 'Replays archived webhooks and status answers through the delivery core, exactly once (cdk-video-webhooks)',
    // Records are held in memory for ordering (at most 128 MiB of bodies, core/archive-replay.ts).
    memorySize: 512,
    timeout: REPLAY_TIMEOUT,
    retryAttempts: 0, // invoked synchronously; the caller continues from the cursor
    environment: {
      ...props.environment,
      [ENV.REPLAY_VENDORS_FILE]: REPLAY_VENDORS_FILE,
      ...config.environment,
      [ENV.ARCHIVE_BUCKET]: props.bucket.bucketName,
      [ENV.ARCHIVE_PREFIX]: props.prefix,
    },
  }, {
    owner: 'the archive replay function',
    environmentAdvice: 'its vendors\' configuration is already a file beside its code: shorten the variables added with addEnvironment',
    runtime: props.runtime,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
  });
  grantReadArchive(props.bucket, props.prefix, fn);
  props.jobs.grantReplayJobs(fn);
  props.events.grantSendEvents(fn);
  return fn;
}

/**
 * ListBucket on the bucket, for listings under the partitions only (`s3:prefix`), and GetObject on
 * the partitions' objects; Decrypt on the bucket's customer key, which S3 calls with the
 * caller's permissions to read an SSE-KMS object
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html;
 * `s3:prefix`: https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
 */
function grantReadArchive(bucket: s3.IBucket, prefix: string, grantee: iam.IGrantable): void {
  const partitions = `${prefix}vendor=*`;
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [partitions] } } }));
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(partitions)] }));
  bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
}
