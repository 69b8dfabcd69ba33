/**
 * What an AWS account or a CloudFormation stack can hold, checked at synth time so that a deploy
 * does not fail on it (or a pipeline does not silently lose what it relies on): the stack's
 * resource count, the reserved concurrency the verifiers ask of the account, and how long the
 * quarantine keeps requests that can no longer be replayed.
 */

/** SQS takes a queue policy of at most 8,192 bytes: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html */
export const SQS_MAX_POLICY_BYTES = 8192;

/** CloudFormation takes at most 500 resources in a stack: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html */
export const CLOUDFORMATION_MAX_RESOURCES = 500;

/**
 * Lambda's default concurrency quota is 1,000 executions per account and region
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and an account can
 * reserve up to its unreserved concurrency minus 100, kept for the functions that reserve none
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html): 900 by default.
 */
export const LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY = 1000;
export const LAMBDA_UNRESERVED_MINIMUM = 100;
