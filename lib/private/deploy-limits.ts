/**
 * What an AWS account or a CloudFormation stack can hold, checked at synth time so that a deploy
 * does not fail on it (or a pipeline does not silently lose what it relies on): the stack's
 * resource count, the reserved concurrency the verifiers ask of the account, and how long the
 * quarantine keeps requests that can no longer be replayed.
 */
import { Annotations, CfnResource, Duration, Stack, Token } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';

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

/** The most an account with the default quota can reserve: 900. */
const DEFAULT_RESERVABLE = LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY - LAMBDA_UNRESERVED_MINIMUM;

/**
 * Warns when the functions that reserve `reservedConcurrency` each reserve together more than an
 * account with the default quota can (Lambda then refuses the deploy with "decreases account's
 * UnreservedConcurrentExecution below its minimum value").
 */
export function warnReservedConcurrency(scope: Construct, reservedConcurrency: number | undefined, functions: number): void {
  if (reservedConcurrency === undefined || Token.isUnresolved(reservedConcurrency)) return;
  const total = reservedConcurrency * functions;
  if (total <= DEFAULT_RESERVABLE) return;
  Annotations.of(scope).addWarningV2('cdk-video-webhooks:reservedConcurrencyOverAccount',
    `reservedConcurrency ${reservedConcurrency} on each of the ${functions} verifier functions reserves ${total} concurrent executions: ` +
      `an account can reserve its concurrency quota minus ${LAMBDA_UNRESERVED_MINIMUM} (${DEFAULT_RESERVABLE} of the default 1,000 per region, fewer for what its other functions reserve), so the deploy would fail; ` +
      `lower reservedConcurrency to ${Math.floor(DEFAULT_RESERVABLE / functions)} or less, or raise the account's "Concurrent executions" quota in Service Quotas first`);
}

/**
 * Fails the synth before CloudFormation refuses a stack of more than 500 resources, saying how
 * many the ingestion makes (per vendor), how many vendors the stack holds and what to do.
 * aws-cdk-lib refuses such a stack too, after this, without saying which construct to split.
 */
export function resourceCountProblems(ingestion: Construct, vendorIds: readonly string[]): string[] {
  const stack = Stack.of(ingestion);
  const inStack = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
  if (inStack.length <= CLOUDFORMATION_MAX_RESOURCES) return [];
  const prefix = `${ingestion.node.path}/`;
  const ours = inStack.filter((c) => c.node.path.startsWith(prefix));
  // A vendor's resources are those with its id as a path segment (Verifiers/<id>/..., Alarms/Rejections/<id>).
  const ofVendor = (id: string) => ours.filter((c) => c.node.path.slice(prefix.length).split('/').includes(id)).length;
  const perVendor = Math.max(...vendorIds.map(ofVendor));
  const vendorsTotal = vendorIds.reduce((n, id) => n + ofVendor(id), 0);
  const rest = inStack.length - ours.length;
  const fits = Math.max(0, Math.floor((CLOUDFORMATION_MAX_RESOURCES - rest - (ours.length - vendorsTotal)) / perVendor));
  return [
    `stack ${stack.stackName} has ${inStack.length} resources: CloudFormation takes at most ${CLOUDFORMATION_MAX_RESOURCES} in a stack; ` +
      `VideoWebhookIngestion ${ingestion.node.id} makes ${ours.length} of them (${perVendor} for each of its ${vendorIds.length} vendors), the rest of the stack ${rest}; this stack holds ${fits} of its vendors: ` +
      'split the vendors over two VideoWebhookIngestion constructs in two stacks (each has its own API, so a vendor moved gets a new webhook URL), or move other resources out of this stack',
  ];
}

/**
 * A quarantined request older than the dedupe window cannot be replayed: the replay leaves it in
 * the quarantine (reason olderThanDedupeWindow), since its job's records may have expired and
 * replaying it could publish a second final event. With the defaults (14 days kept, a 7-day
 * window) that is by design, documented and not annotated: an info cannot be acknowledged, and
 * would be printed on every synth. A window under a day is too short to fix an adapter, deploy and
 * replay, so nothing quarantined could be replayed in practice: that warns.
 */
export function warnShortReplayWindow(scope: Construct, quarantineRetention: Duration | undefined, dedupeWindow: Duration): void {
  if (dedupeWindow.isUnresolved() || quarantineRetention?.isUnresolved()) return;
  if (quarantineRetention && quarantineRetention.toSeconds() <= dedupeWindow.toSeconds()) return;
  if (dedupeWindow.toSeconds() >= Duration.days(1).toSeconds()) return;
  const window = dedupeWindow.toHumanString();
  const keeps = quarantineRetention ? `the quarantine keeps it ${quarantineRetention.toHumanString()}` : 'the existing quarantine queue keeps it for its own retention';
  Annotations.of(scope).addWarningV2('cdk-video-webhooks:quarantineOutlivesDedupeWindow',
    `dedupeWindow ${window} is under a day: a quarantined request can be replayed only within ${window} of its arrival, and ${keeps}, ` +
      'so in practice none can be replayed after an adapter fix: the replay leaves them in the quarantine (reason olderThanDedupeWindow) until they expire; ' +
      'raise dedupeWindow to a day or more, or keep the quarantine for inspection only');
}
