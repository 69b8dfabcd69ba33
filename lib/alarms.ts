import { Annotations, Duration, Resource, Stack } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE, METRICS } from '../lambda/contract/metrics';
import type { WebhookEventQueue } from './event-queue';
import type { WebhookQuarantineQueue } from './quarantine-queue';
import { vendorMetric } from './private/metrics';
import { validateDuration, validateInteger, validationError } from './private/validate';
import type { Vendor } from './vendor';

/**
 * The CloudWatch namespace of the pipeline's metrics: the handlers' embedded-metric-format counters
 * (dimensions `Deployment` and `Vendor`) and the API's access-log counters (dimension `Deployment`).
 */
export const VIDEO_WEBHOOKS_METRIC_NAMESPACE = METRIC_NAMESPACE;

/**
 * Metric names in `VIDEO_WEBHOOKS_METRIC_NAMESPACE`: the handlers' counters, each with the
 * dimensions `Deployment` (VideoWebhookIngestion's `deploymentId`) and `Vendor` (`REJECTED` and
 * `POLL_ERRORS` also per `Reason`), and the API's `API_SERVER_ERRORS` and `API_THROTTLED`, with
 * `Deployment` only. `VideoWebhookIngestion.metricReceived()` and its siblings return the main ones
 * as `cloudwatch.Metric`s.
 */
export const VideoWebhooksMetric = METRICS;

/** Alarm thresholds (all optional). */
export interface IngestionAlarmThresholds {
  /**
   * Age of the oldest unconsumed event that raises the alarm.
   *
   * @default Duration.minutes(15)
   */
  readonly oldestMessageAge?: Duration;

  /**
   * API 5xx answers in 5 minutes, the deliberate 503s (busy, not configured) left out, that raise
   * the alarm (vendors retry some, some retry none).
   *
   * @default 1
   */
  readonly serverErrorsPer5Minutes?: number;

  /**
   * Rejected webhooks of one vendor in 5 minutes that raise its alarm (a spike usually means a
   * secret mismatch after a rotation, or someone probing the endpoint).
   *
   * @default 10
   */
  readonly rejectionsPer5Minutes?: number;
}

export interface IngestionAlarmsProps {
  /** @default - see `IngestionAlarmThresholds` */
  readonly thresholds?: IngestionAlarmThresholds;
  /** An existing SNS topic the alarms notify (alarm and OK). @default - alarms without actions */
  readonly topic?: sns.ITopic;
  readonly events: WebhookEventQueue;
  readonly quarantine: WebhookQuarantineQueue;
  /** API answers 500-599 other than 503 (see `VideoWebhooksMetric.API_SERVER_ERRORS`). */
  readonly apiServerErrors: cloudwatch.IMetric;
  /** Requests the API stage throttled (see `VideoWebhooksMetric.API_THROTTLED`). */
  readonly apiThrottled: cloudwatch.IMetric;
  /** The existing poller function, whose errors raise an alarm. */
  readonly poller: lambda.IFunction;
  readonly vendors: Vendor[];
  /**
   * The `Deployment` dimension value of the pipeline's metrics (VideoWebhookIngestion's
   * `deploymentId`): the alarms read only this pipeline's series.
   */
  readonly deployment: string;
  /**
   * The archive's Firehose delivery stream, whose staleness raises an alarm, with the requests
   * the handlers could not archive (`ArchiveFailed`). @default - no archive, no archive alarms
   */
  readonly archiveDeliveryStreamName?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The pipeline's CloudWatch alarms; each notifies `topic` (alarm and OK) when one is given. */
export class IngestionAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly topic: sns.ITopic | undefined;

  constructor(scope: Construct, id: string, props: IngestionAlarmsProps) {
    super(scope, id);
    this.topic = props.topic;
    const t = props.thresholds ?? {};
    const oldestAge = t.oldestMessageAge ?? Duration.minutes(15);
    validateDuration(this, 'alarmThresholds.oldestMessageAge', oldestAge, Duration.minutes(1), Duration.days(14));
    const serverErrors = t.serverErrorsPer5Minutes ?? 1;
    validateInteger(this, 'alarmThresholds.serverErrorsPer5Minutes', serverErrors, 1, 1_000_000);
    const rejections = t.rejectionsPer5Minutes ?? 10;
    validateInteger(this, 'alarmThresholds.rejectionsPer5Minutes', rejections, 1, 1_000_000);

    if (props.events.deadLetterQueue) {
      this.add('DeadLetterQueueNotEmpty', props.events.metricDeadLetterDepth({ period: FIVE_MINUTES }), 1,
        'Events failed by consumers maxReceiveCount times are in the dead-letter queue: fix the consumer, then "Start DLQ redrive" in the SQS console.');
    } else {
      Annotations.of(this).addWarningV2('cdk-video-webhooks:noDeadLetterQueue',
        'no dead-letter queue is known for the existing events queue, so there is no dead-letter alarm: pass existingDeadLetterQueue');
    }
    this.add('OldestMessageAge', props.events.metricOldestMessageAge({ period: FIVE_MINUTES }), oldestAge.toSeconds(),
      `An event has waited ${oldestAge.toHumanString()} or more on the events queue: consumers are down, slow, or a job group is blocked.`);
    this.add('QuarantineNotEmpty', props.quarantine.metricDepth({ period: FIVE_MINUTES }), 1,
      'Authenticated webhooks could not be normalized (a vendor changed its format?) and wait in the quarantine queue: fix the adapter, deploy, then run the QuarantineReplayCommand stack output.');
    this.add('ServerErrors', props.apiServerErrors, serverErrors,
      'The webhook API answered 5xx (not counting the deliberate 503s): a verifier failed or its backend (DynamoDB, SQS, Secrets Manager) did. Vendors may retry; the poller reconciles missed jobs.');
    this.add('Throttled', props.apiThrottled, 1,
      'The webhook API throttled requests (429): a vendor that does not retry lost webhooks. Raise the throttle prop of VideoWebhookIngestion (route rate and burst).');
    this.add('PollerErrors', props.poller.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }), 1,
      'A poll run failed (a status-API key or the jobs index could not be read): see the poller log group.');

    if (props.archiveDeliveryStreamName !== undefined) {
      // The deployment-wide series (no Vendor) the handlers write beside the per-vendor one: one alarm per pipeline.
      const archiveFailed = new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName: METRICS.ARCHIVE_FAILED, dimensionsMap: { [METRIC_DIMENSIONS.deployment]: props.deployment }, statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES });
      this.add('RequestsNotArchived', archiveFailed, 1,
        'Authenticated requests could not be archived (Firehose throttled, slow or refused them; see ArchiveFailed by Vendor and Reason): they were delivered as usual, but are missing from the archive.');
      // "Add CloudWatch alarms for when the following metrics exceed the buffering limit (a maximum of 15 minutes): DeliveryToS3.DataFreshness"
      // (https://docs.aws.amazon.com/firehose/latest/dev/firehose-cloudwatch-metrics-best-practices.html); dynamic partitioning may take 1.5 times the buffer.
      const freshness = new cloudwatch.Metric({ namespace: 'AWS/Firehose', metricName: 'DeliveryToS3.DataFreshness', dimensionsMap: { DeliveryStreamName: props.archiveDeliveryStreamName }, statistic: cloudwatch.Stats.MAXIMUM, period: FIVE_MINUTES });
      this.add('ArchiveDeliveryStale', freshness, Duration.minutes(45).toSeconds(),
        'The archive\'s delivery stream holds records older than 45 minutes (its buffer is 15): Firehose cannot write to the bucket (see the stream\'s error log group and the bucket\'s errors/ prefix).');
    }
    const rejected = new Construct(this, 'Rejections');
    const pollAuth = new Construct(this, 'PollAuthErrors');
    const pollBackend = new Construct(this, 'PollBackendErrors');
    for (const vendor of props.vendors) {
      // A poll-only vendor has no route, so nothing of it is rejected.
      if (vendor.reports !== 'poll') {
        this.add(vendor.id, vendorMetric(METRICS.REJECTED, props.deployment, vendor.id), rejections,
          `Webhooks of vendor ${vendor.id} are being rejected (bad or missing signature, stale timestamp, too large): check its webhook secret.`, rejected);
      }
      // Failures of the pipeline's own backends inside a poll (DynamoDB throttling, AccessDenied, an event SQS refuses):
      // polling recovers the final webhooks a vendor never sent, so these must not go unnoticed.
      this.add(vendor.id, vendorMetric(METRICS.POLL_ERRORS, props.deployment, vendor.id, { [METRIC_DIMENSIONS.reason]: 'backend' }), 1,
        `The poller failed on its own backend (DynamoDB, SQS) while handling jobs of vendor ${vendor.id}: see the poller log group.`, pollBackend);
      if (vendor.pollingEnabled) {
        this.add(vendor.id, vendorMetric(METRICS.POLL_AUTH_ERRORS, props.deployment, vendor.id), 1,
          `The status API of vendor ${vendor.id} answered 401/403 to the poller: check its API key secret.`, pollAuth);
      }
    }
    if (props.topic) {
      assertCloudWatchCanUseKey(this, props.topic);
      this.allowPublishing(props.topic);
    }
  }

  /**
   * CloudWatch publishes to the topic only when the topic's policy allows it (and, for an
   * encrypted topic, the key's): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   * Allowed for these alarms only (aws:SourceArn), in this account.
   */
  private allowPublishing(topic: sns.ITopic): void {
    const cloudwatchService = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const { statementAdded } = topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'VideoWebhooksAlarmsPublish',
        principals: [cloudwatchService],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': this.alarms.map((a) => a.alarmArn) }, StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    topic.masterKey?.grant(cloudwatchService, 'kms:Decrypt', 'kms:GenerateDataKey*');
    if (!statementAdded) {
      Annotations.of(this).addWarningV2('cdk-video-webhooks:alarmTopicPolicy',
        "the alarm topic is imported, so its policy cannot be changed here: allow sns:Publish by cloudwatch.amazonaws.com (aws:SourceArn the alarms' ARNs) on it, and kms:Decrypt and kms:GenerateDataKey* on its key if it is encrypted, or no alarm notifies");
    } else if (topic.masterKey && !Resource.isOwnedResource(topic.masterKey)) {
      // The grant above adds to the key policy of a key of this app only; an imported key's is its owner's.
      Annotations.of(this).addWarningV2('cdk-video-webhooks:alarmTopicKeyPolicy',
        `the alarm topic's key ${topic.masterKey.keyArn} is imported, so its key policy cannot be changed here: allow the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* on it ` +
          "(aws:SourceArn the alarms' ARNs, webhooks.alarms), or CloudWatch cannot publish to the encrypted topic and no alarm notifies");
    }
  }

  private add(id: string, metric: cloudwatch.IMetric, threshold: number, description: string, scope: Construct = this): void {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (this.topic) {
      const action = new cwActions.SnsAction(this.topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms.push(alarm);
  }
}

const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';

/**
 * CloudWatch publishes to an encrypted topic only with a customer managed key whose policy lets
 * cloudwatch.amazonaws.com use it; the AWS managed key's policy cannot be changed and does not
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
function assertCloudWatchCanUseKey(scope: Construct, topic: sns.ITopic): void {
  const key = topic.masterKey;
  if (!key) return;
  const names = [(key as Partial<kms.IAlias>).aliasName, key.keyArn, key.keyId].filter((n): n is string => typeof n === 'string');
  if (names.some((n) => n === AWS_MANAGED_SNS_KEY || n.endsWith(`:${AWS_MANAGED_SNS_KEY}`))) {
    throw validationError(scope,
      `alarmTopic ${topic.node.path} is encrypted with the AWS managed key ${AWS_MANAGED_SNS_KEY}, whose key policy does not let CloudWatch use it, so no alarm would notify: ` +
        'encrypt it with a customer managed key whose policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (a kms.Key of this app gets that statement here), or leave the topic unencrypted',
    );
  }
}
