import type { Duration } from 'aws-cdk-lib/core';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Options of the archive of authenticated requests (`VideoWebhookIngestionProps.archive`): every
 * webhook and status answer that made, or could have made, an event, with its verdict, kept in
 * S3 through Amazon Data Firehose as GZIP JSON Lines under
 * `<prefix>vendor=<id>/day=<YYYY-MM-DD>/`, queryable with Athena (a Glue table with partition
 * projection). See the README, "Archive".
 */
export interface RequestArchiveOptions {
  /**
   * How long archived requests are kept: a lifecycle rule on the prefix expires them (objects are
   * delivered up to about 22 minutes after their requests). On an existing bucket of another app
   * the rule cannot be added (warned): its owner keeps the retention.
   *
   * @default Duration.days(90)
   */
  readonly retention?: Duration;

  /**
   * An existing bucket to archive into, under `prefix`. A bucket of this app gets the lifecycle
   * rule and a TLS-only statement; an imported one cannot (warned): its policy should deny
   * requests without TLS and it should block public access.
   *
   * @default - a new bucket: SSE, TLS only, public access blocked, bucket-owner-enforced, retained on stack deletion
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix the partitions start after: empty, or lower-case letters, digits, `-`, `_`,
   * `.` and `/`, ending in `/`.
   *
   * @default 'archive/'
   */
  readonly prefix?: string;

  /**
   * A customer managed KMS key for the archive's objects (SSE-KMS, with an S3 Bucket Key) and for
   * the delivery stream's buffer; the stream's role is granted its use. A key of an existing
   * bucket is used without this option.
   *
   * @default - S3-managed keys (SSE-S3) for the objects, an AWS owned key for the stream's buffer
   */
  readonly encryptionKey?: kms.IKey;
}
