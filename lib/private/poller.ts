/** The scheduled poller function (also the quarantine replay), with its schedule and grants. */
import { Annotations, Duration, type RemovalPolicy } from 'aws-cdk-lib/core';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../lambda/contract/deployment';
import type { WebhookEventQueue } from '../event-queue';
import type { WebhookJobTable } from '../job-table';
import type { WebhookQuarantineQueue } from '../quarantine-queue';
import type { Vendor } from '../vendor';
import { codeWithConfig } from './config-asset';
import { createPipelineFunction } from './functions';
import { grantSecretValue } from './grants';

const POLLER_VENDORS_FILE = 'poller-vendors.json';

export interface PollerProps {
  readonly vendors: readonly Vendor[];
  readonly events: WebhookEventQueue;
  readonly quarantine: WebhookQuarantineQueue;
  readonly jobs: WebhookJobTable;
  readonly environment: Readonly<Record<string, string>>;
  readonly schedule: events.Schedule;
  readonly timeout: Duration;
  readonly concurrency: number;
  readonly runtime: lambda.Runtime;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy | undefined;
}

/** Creates `Poller/{LogGroup,ServiceRole,Function,Schedule}` under `scope`. Every vendor is in it: one that is not polled still gets its jobs expired. */
export function addPoller(scope: Construct, props: PollerProps): lambda.Function {
  const pollerScope = new Construct(scope, 'Poller');
  // The vendors' configuration travels with the code: in the environment it outgrows Lambda's 4 KB at a few vendors.
  const config = codeWithConfig('poller', POLLER_VENDORS_FILE, props.vendors.map((v) => v._pollerConfig()), 'VW_POLLER_VALUE_');
  const poller = createPipelineFunction(pollerScope, 'poller', {
    code: config.code,
    description: 'Asks vendors about jobs that went quiet and queues what it learns (cdk-video-webhooks)',
    memorySize: 256,
    timeout: props.timeout,
    retryAttempts: 0, // a failed run is superseded by the next scheduled one
    environment: {
      ...props.environment,
      [ENV.POLLER_VENDORS_FILE]: POLLER_VENDORS_FILE,
      ...config.environment,
      [ENV.POLL_CONCURRENCY]: String(props.concurrency),
      // For the quarantine replay ({"action":"replay-quarantine"}, invoked by hand).
      [ENV.QUARANTINE_QUEUE_URL]: props.quarantine.queue.queueUrl,
    },
  }, {
    owner: 'the poller',
    environmentAdvice:
      'it holds every API-key secret ARN known only at deploy time (a secret created in the stack): import those secrets by name or complete ARN ' +
      '(secretsmanager.Secret.fromSecretNameV2, fromSecretAttributes), which travel in its configuration file, or split the vendors over two VideoWebhookIngestion constructs in two stacks; shorten any variables added with addEnvironment',
    runtime: props.runtime,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
  });
  for (const vendor of props.vendors) {
    if (vendor.apiKey && vendor.pollingEnabled) grantSecretValue(vendor.apiKey, poller);
    for (const warning of vendor._statusUrlWarnings()) Annotations.of(pollerScope).addWarningV2('cdk-video-webhooks:statusApiUrl', warning);
  }
  props.jobs.grantReadWriteJobs(poller);
  props.events.grantSendEvents(poller);
  // A replay reads and deletes quarantined requests, and sends back the ones still not understood.
  props.quarantine.grantReplay(poller);
  props.quarantine.grantQuarantine(poller);
  new events.Rule(pollerScope, 'Schedule', {
    description: 'Runs the cdk-video-webhooks poller',
    schedule: props.schedule,
    targets: [new targets.LambdaFunction(poller, { retryAttempts: 0 })],
  });
  return poller;
}
