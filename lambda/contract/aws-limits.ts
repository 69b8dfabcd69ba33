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
