/**
 * The SQS limits the dev server's queue tap and its flags are checked against, each with its
 * source in AWS's documentation, so a setting AWS would refuse is refused locally too.
 */

/**
 * Messages one ReceiveMessage returns at most, and so the records of one Lambda invocation from an
 * SQS FIFO queue: 10. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 * (MaxNumberOfMessages) and https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html (batch size, FIFO: 10)
 */
export const SQS_MAX_RECEIVE_BATCH = 10;

/** Longest visibility timeout: 12 hours. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html (VisibilityTimeout) */
export const SQS_MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * `maxReceiveCount` of a redrive policy: 1 to 1,000.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html (Maximum receives)
 */
export const SQS_MAX_RECEIVE_COUNT = 1_000;

/** Longest message deduplication id: 128 characters. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html (MessageDeduplicationId) */
export const SQS_MAX_DEDUPLICATION_ID_LENGTH = 128;
