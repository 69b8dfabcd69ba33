/** The stack outputs a deployment needs: queue URLs, the table name, the DLQ console link, the replay command. */
import { CfnMapping, CfnOutput, Stack } from 'aws-cdk-lib/core';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IngestionArchive } from './archive';

export interface OutputsProps {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue | undefined;
  readonly quarantineQueue: sqs.IQueue;
  readonly tableName: string;
  readonly poller: lambda.IFunction;
  readonly archive?: IngestionArchive;
  readonly archiveReplay?: lambda.IFunction;
}

/** Creates `Outputs` (and the outputs in it) under `scope`. */
export function addOutputs(scope: Construct, props: OutputsProps): void {
  const outputs = new Construct(scope, 'Outputs');
  new CfnOutput(outputs, 'EventsQueueUrl', { description: 'Events queue (FIFO): consumers read it', value: props.queue.queueUrl });
  new CfnOutput(outputs, 'QuarantineQueueUrl', { description: 'Quarantine queue (FIFO)', value: props.quarantineQueue.queueUrl });
  new CfnOutput(outputs, 'QuarantineReplayCommand', {
    // --cli-read-timeout 0: a replay runs up to the poller's timeout; after the CLI's default 60 s it would retry and start another.
    description: 'Replays the quarantine through the vendor adapters (after an adapter fix): run with AWS CLI v2',
    value: `aws lambda invoke --cli-read-timeout 0 --function-name ${props.poller.functionName} --cli-binary-format raw-in-base64-out --payload '{"action":"replay-quarantine"}' replay.json && cat replay.json`,
  });
  new CfnOutput(outputs, 'JobsTableName', { description: 'Jobs table: registerJob({ tableName })', value: props.tableName });
  if (props.archive) {
    const archive = props.archive;
    new CfnOutput(outputs, 'ArchiveBucketName', { description: `Archive of authenticated requests: s3://<bucket>/${archive.prefix}vendor=<id>/day=<YYYY-MM-DD>/`, value: archive.bucket.bucketName });
    new CfnOutput(outputs, 'ArchiveDeliveryStreamName', { description: 'The archive\'s Firehose delivery stream', value: archive.streamName });
    if (props.archiveReplay) new CfnOutput(outputs, 'ArchiveReplayFunctionName', { description: 'Replays the archive exactly once: npx video-webhooks replay-archive --function <name> --vendor V --since T --until T', value: props.archiveReplay.functionName });
    new CfnOutput(outputs, 'ArchiveTable', { description: 'The archive\'s Glue table, for Athena: SELECT ... FROM <database>.<table>', value: `${archive.databaseName}.${archive.tableName}` });
  }
  if (props.deadLetterQueue) {
    const dlq = props.deadLetterQueue;
    new CfnOutput(outputs, 'DeadLetterQueueUrl', { description: 'Dead-letter queue (FIFO)', value: dlq.queueUrl });
    const stack = Stack.of(scope);
    // The SQS console addresses a queue by its URL-encoded URL: https://sqs.<region>.<suffix>/<account>/<name>.
    const encodedUrl = `https%3A%2F%2Fsqs.${stack.region}.${stack.urlSuffix}%2F${stack.account}%2F${dlq.queueName}`;
    // The console's host depends on the partition (commercial, China, GovCloud).
    const consoles = new CfnMapping(outputs, 'ConsoleHosts', {
      mapping: { aws: { host: 'console.aws.amazon.com' }, 'aws-cn': { host: 'console.amazonaws.cn' }, 'aws-us-gov': { host: 'console.amazonaws-us-gov.com' } },
    });
    new CfnOutput(outputs, 'DeadLetterQueueConsoleUrl', {
      description: 'Dead-letter queue in the SQS console ("Start DLQ redrive")',
      value: `https://${consoles.findInMap(stack.partition, 'host')}/sqs/v3/home?region=${stack.region}#/queues/${encodedUrl}`,
    });
  }
}
