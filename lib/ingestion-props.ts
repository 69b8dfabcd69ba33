import type { Duration, RemovalPolicy } from 'aws-cdk-lib/core';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IngestionAlarmThresholds } from './alarms';
import type { RequestArchiveOptions } from './archive-options';
import type { WebhookEventQueueProps } from './event-queue';
import type { WebhookJobTableProps } from './job-table';
import type { WebhookQuarantineQueueProps } from './quarantine-queue';
import type { Vendor } from './vendor';

/** Properties of `VideoWebhookIngestion`. */
export interface VideoWebhookIngestionProps {
  /** The vendors to receive webhooks from: at least one, ids unique. */
  readonly vendors: Vendor[];
  /**
   * The events queue and its DLQ: new-queue options (`maxReceiveCount`, `visibilityTimeout`, ...),
   * or `existingQueue`.
   *
   * @default - new FIFO queues with the `WebhookEventQueue` defaults
   */
  readonly queue?: WebhookEventQueueProps;
  /** The quarantine queue: options, or `existingQueue`. @default - a new FIFO queue, 14-day retention */
  readonly quarantine?: WebhookQuarantineQueueProps;
  /** The jobs table: options, or `existingTable`. @default - a new on-demand table with TTL and PITR */
  readonly table?: WebhookJobTableProps;
  /** Largest webhook body accepted; larger ones are answered 413. @default 262144 (256 KiB) */
  readonly maxBodyBytes?: number;
  /**
   * How long an event id is remembered, so a redelivery is not queued twice. It also bounds the
   * quarantine replay: a quarantined request older than it stays in the quarantine (under a day,
   * shorter than the quarantine's retention, warns at synth).
   *
   * @default Duration.days(7)
   */
  readonly dedupeWindow?: Duration;
  /** How long a job that is not final stays quiet before the poller asks its vendor. @default Duration.minutes(10) */
  readonly staleAfter?: Duration;
  /** Age at which a job that is still not final gets one `expired` event. @default Duration.hours(48) */
  readonly giveUpAfter?: Duration;
  /** How often the poller runs. @default events.Schedule.rate(Duration.minutes(5)) */
  readonly pollSchedule?: events.Schedule;
  /** Status-API requests the poller has in flight at most, across vendors. @default 8 */
  readonly pollConcurrency?: number;
  /**
   * The poller's timeout; a run stops 10 s before it. It must be shorter than a `rate(...)`
   * schedule's interval (checked), so that runs never overlap and add up their request rates.
   * @default Duration.minutes(4)
   */
  readonly pollerTimeout?: Duration;
  /** How long a container keeps a secret value before reading it again (rotation delay). @default Duration.minutes(5) */
  readonly secretRefreshInterval?: Duration;
  /** Route throttling of the webhook API (every route); a throttled request raises the `Throttled` alarm. @default { rateLimit: 1000, burstLimit: 2000 } */
  readonly throttle?: apigwv2.ThrottleSettings;
  /** Memory of each verifier function, in MiB. @default 256 */
  readonly verifierMemorySize?: number;
  /**
   * The Lambda runtime of the verifiers and the poller: Node.js 22 or 24, the majors the bundles
   * are tested on (they are built for Node.js 22); any other runtime is refused at synth. Node.js 22
   * is deprecated by Lambda on 2027-04-30.
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Reserved concurrency of each verifier function. An account can reserve its concurrency quota
   * minus 100 (900 of the default 1,000 per region): more than that for all the verifiers together
   * warns at synth, as the deploy would fail.
   *
   * @default - none (the account's unreserved pool)
   */
  readonly reservedConcurrency?: number;
  /** Retention of the functions' and the API's log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of every stateful resource created here (queues, table, log groups), unless
   * the `queue`, `quarantine` or `table` options set their own.
   * @default - each resource's default: the table, the DLQ, the quarantine and the log groups are retained, the events queue (a drained buffer) is deleted
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * An existing SNS topic the alarms notify (alarm and OK). A topic of this app gets a statement in
   * its policy that lets CloudWatch publish for these alarms; an imported one cannot (warned).
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
  /** Alarm thresholds. @default - see `IngestionAlarmThresholds` */
  readonly alarmThresholds?: IngestionAlarmThresholds;
  /**
   * Create a CloudWatch dashboard: per vendor what was received, rejected (by reason), enqueued,
   * deduplicated, quarantined, found by polling and failed to poll; the queues' depth and age, the
   * DLQ and the quarantine; the API's latency, 4xx and 5xx; the functions' errors and duration.
   * (CloudWatch bills each dashboard beyond the free tier's three: about $3 a month.)
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Keep every authenticated request (webhooks and status answers that made, or could have made,
   * an event, quarantined ones too; never an unauthenticated one) with its verdict: through an
   * Amazon Data Firehose delivery stream into S3, GZIP JSON Lines under
   * `<prefix>vendor=<id>/day=<YYYY-MM-DD>/`, with a Glue table for Athena. `true` or options keep
   * it (see `RequestArchiveOptions`); `false` creates none of it and archives nothing.
   *
   * @default true (a new bucket, 90 days)
   */
  readonly archive?: boolean | RequestArchiveOptions;
}

/** Options of `addConsumer`. */
export interface EventConsumerOptions {
  /** Events per invocation (1 to 10 for a FIFO queue). @default 10 */
  readonly batchSize?: number;
  /** Concurrent invocations at most (2 to 1000). @default - as many as there are job groups with events */
  readonly maxConcurrency?: number;
  /** @default true */
  readonly enabled?: boolean;
}
