/**
 * AWS service limits the pipeline is built around, as named constants (one place for each).
 * Each with its source in AWS's documentation.
 */

/**
 * Largest SQS message, body and attributes together: 1 MiB (1,048,576 bytes). The queues are created
 * with this maximum. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * A Lambda function's environment variables, keys and values together: 4 KB.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

/**
 * A DynamoDB partition key value: at most 2,048 bytes (UTF-8 for strings).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
 */
export const DYNAMODB_MAX_PARTITION_KEY_BYTES = 2048;

/**
 * An SQS FIFO MessageGroupId (and MessageDeduplicationId): "The maximum length ... is 128
 * characters ... can contain alphanumeric characters (a-z, A-Z, 0-9) and punctuation
 * (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)", i.e. printable ASCII 0x21-0x7E.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export const SQS_MAX_FIFO_ID_CHARS = 128;
export const SQS_GROUP_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Send requests a second a FIFO queue takes: "FIFO queues support 300 transactions per second, per
 * API action for SendMessage, ReceiveMessage, and DeleteMessage" without high-throughput mode
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/troubleshooting-fifo-throttling-issues.html);
 * in high-throughput mode the quota is per partition, "each partition supports ... 300 TPS", and a
 * message group's messages all go to one partition
 * (https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned): so one group takes at most 300.
 */
export const SQS_FIFO_GROUP_SENDS_PER_SECOND = 300;

/**
 * ReceiveMessage: MaxNumberOfMessages "Valid values: 1 to 10" (so a Lambda batch from a FIFO queue
 * holds at most 10 records), WaitTimeSeconds 0 to 20
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html);
 * a visibility timeout is 0 to 43,200 seconds (12 hours)
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html).
 */
export const SQS_RECEIVE_MAX_MESSAGES = { min: 1, max: 10 } as const;
export const SQS_VISIBILITY_TIMEOUT_SECONDS = { min: 0, max: 43_200 } as const;

/**
 * `maxReceiveCount` of a redrive policy: 1 to 1,000.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html
 */
export const SQS_MAX_RECEIVE_COUNT = 1_000;

/**
 * Amazon Data Firehose: "The data record consists of a data blob that can be up to 1,000 KiB in
 * size" (https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecord.html), and "Each
 * PutRecordBatch request supports up to 500 records. Each record in the request can be as large as
 * 1,000 KB (before base64 encoding), up to a limit of 4 MB for the entire request. These limits
 * cannot be changed." (https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html).
 * The request's 4 MB is counted here on the records' bytes before base64, less a margin for the
 * JSON around them and their base64 growth (4/3): 3 MiB of records is 4 MiB on the wire.
 */
export const FIREHOSE_RECORD_MAX_BYTES = 1_024_000;
export const FIREHOSE_BATCH_MAX_RECORDS = 500;
export const FIREHOSE_BATCH_MAX_BYTES = 3 * 1024 * 1024;
