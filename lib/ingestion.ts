import { Annotations, Token } from 'aws-cdk-lib/core';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SQS_FIFO_GROUP_SENDS_PER_SECOND } from '../lambda/contract/aws-limits';
import { ENV, QUARANTINE_GROUPS_PER_VENDOR } from '../lambda/contract/deployment';
import { METRICS } from '../lambda/contract/metrics';
import { IngestionAlarms } from './alarms';
import { WebhookEventQueue } from './event-queue';
import type { EventConsumerOptions, VideoWebhookIngestionProps } from './ingestion-props';
import { WebhookJobTable } from './job-table';
import { createWebhookApi } from './private/api';
import { IngestionArchive } from './private/archive';
import { addArchiveReplay } from './private/archive-replay';
import { resourceCountProblems, warnReservedConcurrency, warnShortReplayWindow } from './private/deploy-limits';
import { deploymentIdOf, vendorMetric } from './private/metrics';
import { assertGranted, grantRedrive } from './private/grants';
import { validateInteger, validationError } from './private/validate';
import { addOutputs } from './private/outputs';
import { addPoller } from './private/poller';
import { resolveSettings, validateVendors } from './private/settings';
import { addVerifiers } from './private/verifiers';
import { WebhookQuarantineQueue } from './quarantine-queue';

export type { EventConsumerOptions, VideoWebhookIngestionProps } from './ingestion-props';
import { addDashboard } from './private/dashboard';

/**
 * The inbound webhook pipeline for AI video vendors: one HTTP API route `POST /webhooks/<vendor>`
 * and one verifier function per vendor, a FIFO events queue with its DLQ, a quarantine queue, the
 * jobs table, a scheduled poller that reconciles jobs with the vendors' status APIs, and alarms.
 */
export class VideoWebhookIngestion extends Construct {
  /** The FIFO events queue your consumers read (one CloudEvents JSON message per event). */
  readonly queue: sqs.IQueue;
  /** The FIFO dead-letter queue of the events queue (undefined for an existing queue given without it). */
  readonly deadLetterQueue?: sqs.IQueue;
  /** The FIFO queue of authenticated requests that could not be normalized. */
  readonly quarantineQueue: sqs.IQueue;
  /** The jobs table (`table.tableName` for `registerJob`). */
  readonly table: dynamodb.ITable;
  /** The HTTP API. */
  readonly api: apigwv2.HttpApi;
  /** The API's `$default` stage (throttling, access logs). */
  readonly stage: apigwv2.HttpStage;
  /** One verifier function per vendor, by vendor id. */
  readonly verifierFunctions: { [vendorId: string]: lambda.IFunction };
  /** The scheduled poller function. */
  readonly pollerFunction: lambda.IFunction;
  /** Every alarm created. */
  readonly alarms: cloudwatch.IAlarm[];
  /** The operations dashboard (undefined with `dashboard: false`). */
  readonly dashboard?: cloudwatch.Dashboard;
  /** The bucket of the archive (the one given, or the one created; undefined with `archive: false`). */
  readonly archiveBucket?: s3.IBucket;
  /** The key prefix the archive's partitions start after (`archive/` by default; undefined with `archive: false`). */
  readonly archivePrefix?: string;
  /** The name of the archive's Firehose delivery stream (undefined with `archive: false`). */
  readonly archiveDeliveryStreamName?: string;
  /** The archive's Glue table for Athena, as `database.table` (undefined with `archive: false`). */
  readonly archiveTableName?: string;
  /**
   * The function `video-webhooks replay-archive --function <name>` invokes: it replays archived
   * requests exactly once (undefined with `archive: false`). See `grantReplayArchive`.
   */
  readonly archiveReplayFunction?: lambda.IFunction;
  /**
   * The `Deployment` dimension value of every metric this pipeline emits, alarms on and graphs
   * (namespace `VideoWebhooks`): the stack name and construct path with a hash, unique in an
   * account and region and stable across deploys. Use it in your own alarms and dashboards.
   */
  readonly deploymentId: string;
  /**
   * What `registerJob` reads, for your code that registers jobs: the table name
   * (`VIDEO_WEBHOOKS_TABLE_NAME`) and the pipeline's `staleAfter`, `giveUpAfter` and `dedupeWindow`
   * (`VW_STALE_AFTER_SECONDS`, `VW_GIVE_UP_AFTER_SECONDS`, `VW_DEDUPE_WINDOW_SECONDS`).
   */
  readonly jobRegistrationEnvironment: { [name: string]: string };

  private readonly vendorIds: readonly string[];
  private readonly pollOnlyIds: readonly string[];
  private readonly events: WebhookEventQueue;
  private readonly jobs: WebhookJobTable;

  constructor(scope: Construct, id: string, props: VideoWebhookIngestionProps) {
    super(scope, id);
    const vendors = validateVendors(this, props.vendors);
    this.vendorIds = vendors.map((v) => v.id);
    this.pollOnlyIds = vendors.filter((v) => v.reports === 'poll').map((v) => v.id);
    const settings = resolveSettings(this, props);
    this.deploymentId = deploymentIdOf(this);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const stateful = props.removalPolicy;

    // The stores: events queue and DLQ, quarantine, jobs table.
    this.events = new WebhookEventQueue(this, 'Events', props.queue?.existingQueue ? props.queue : { removalPolicy: stateful, ...props.queue });
    const quarantine = new WebhookQuarantineQueue(this, 'Quarantine', props.quarantine?.existingQueue ? props.quarantine : { removalPolicy: stateful, ...props.quarantine });
    this.jobs = new WebhookJobTable(this, 'Jobs', props.table?.existingTable ? props.table : { removalPolicy: stateful, ...props.table });
    this.queue = this.events.queue;
    this.deadLetterQueue = this.events.deadLetterQueue;
    this.quarantineQueue = quarantine.queue;
    this.table = this.jobs.table;

    const delivery = {
      [ENV.DEDUPE_WINDOW_SECONDS]: String(settings.dedupeWindow.toSeconds()),
      [ENV.STALE_AFTER_SECONDS]: String(settings.staleAfter.toSeconds()),
      [ENV.GIVE_UP_AFTER_SECONDS]: String(settings.giveUpAfter.toSeconds()),
    };
    this.jobRegistrationEnvironment = { [ENV.JOBS_TABLE_NAME]: this.jobs.tableName, ...delivery };
    // The archive of authenticated requests (per stack: its resources do not grow with the vendors).
    const archive = props.archive === false ? undefined : new IngestionArchive(this, 'Archive', {
      options: typeof props.archive === 'object' ? props.archive : {},
      vendorIds: this.vendorIds,
      deploymentId: this.deploymentId,
      logRetention,
      removalPolicy: stateful,
    });
    this.archiveBucket = archive?.bucket;
    this.archivePrefix = archive?.prefix;
    this.archiveDeliveryStreamName = archive?.streamName;
    this.archiveTableName = archive ? `${archive.databaseName}.${archive.tableName}` : undefined;
    const environment = {
      [ENV.TABLE_NAME]: this.jobs.tableName,
      [ENV.QUEUE_URL]: this.queue.queueUrl,
      ...delivery,
      [ENV.SECRET_REFRESH_SECONDS]: String(settings.secretRefresh.toSeconds()),
      [ENV.DEPLOYMENT]: this.deploymentId,
      ...(archive ? { [ENV.ARCHIVE_STREAM]: archive.streamName } : {}),
    };

    // The API, and a verifier and route per vendor.
    const { api, stage, serverErrors, throttled } = createWebhookApi(this, settings.throttle, logRetention, stateful, this.deploymentId);
    this.api = api;
    this.stage = stage;
    warnOnQuarantineThroughput(quarantine, settings.throttle.rateLimit);
    this.verifierFunctions = addVerifiers(this, {
      vendors,
      api,
      events: this.events,
      quarantine,
      jobs: this.jobs,
      environment,
      maxBodyBytes: settings.maxBodyBytes,
      memorySize: settings.verifierMemorySize,
      reservedConcurrency: props.reservedConcurrency,
      runtime: settings.runtime,
      logRetention,
      removalPolicy: stateful,
      endpointUrl: (vendorId) => this.endpointUrlOf(vendorId),
    });

    warnReservedConcurrency(this, props.reservedConcurrency, Object.keys(this.verifierFunctions).length);
    warnShortReplayWindow(this, quarantine.retentionPeriod, settings.dedupeWindow);
    // At validation, so that everything the app adds to the stack is counted.
    this.node.addValidation({ validate: () => resourceCountProblems(this, this.vendorIds) });

    // The poller, the alarms, the outputs.
    this.pollerFunction = addPoller(this, {
      vendors,
      events: this.events,
      quarantine,
      jobs: this.jobs,
      environment,
      schedule: settings.pollSchedule,
      timeout: settings.pollerTimeout,
      concurrency: settings.pollConcurrency,
      runtime: settings.runtime,
      logRetention,
      removalPolicy: stateful,
    });
    if (archive) {
      for (const fn of Object.values(this.verifierFunctions)) archive.grantPutRecords(fn, false);
      archive.grantPutRecords(this.pollerFunction, true);
      // A replay archives nothing (its requests are archived already): no stream in its environment.
      const replayEnvironment = Object.fromEntries(Object.entries(environment).filter(([name]) => name !== ENV.ARCHIVE_STREAM));
      this.archiveReplayFunction = addArchiveReplay(this, {
        vendors,
        bucket: archive.bucket,
        prefix: archive.prefix,
        events: this.events,
        jobs: this.jobs,
        environment: replayEnvironment,
        runtime: settings.runtime,
        logRetention,
        removalPolicy: stateful,
      });
    }
    this.alarms = new IngestionAlarms(this, 'Alarms', {
      thresholds: props.alarmThresholds,
      topic: props.alarmTopic,
      events: this.events,
      quarantine,
      apiServerErrors: serverErrors,
      apiThrottled: throttled,
      poller: this.pollerFunction,
      vendors,
      deployment: this.deploymentId,
      archiveDeliveryStreamName: archive?.streamName,
    }).alarms;
    if (props.dashboard ?? true) {
      this.dashboard = addDashboard(this, { deployment: this.deploymentId, vendorIds: this.vendorIds, api, events: this.events, quarantine, verifiers: this.verifierFunctions, poller: this.pollerFunction });
    }
    addOutputs(this, { queue: this.queue, deadLetterQueue: this.deadLetterQueue, quarantineQueue: this.quarantineQueue, tableName: this.jobs.tableName, poller: this.pollerFunction, archive, archiveReplay: this.archiveReplayFunction });
  }

  /**
   * The webhook URL to configure at a vendor: `https://<api>/webhooks/<vendorId>` (an unsigned
   * vendor's callback URL adds `?token=<its webhook secret's value>`). A poll-only vendor has none.
   */
  endpointUrl(vendorId: string): string {
    return this.endpointUrlOf(this.routedVendor(vendorId));
  }

  /** The verifier function of a vendor (a poll-only vendor has none). */
  verifierFunction(vendorId: string): lambda.IFunction {
    return this.verifierFunctions[this.routedVendor(vendorId)];
  }

  /**
   * Webhooks received from a vendor, before they are authenticated (`Received` in the
   * `VideoWebhooks` namespace, dimensions `Deployment` and `Vendor`): summed per 5 minutes. A
   * poll-only vendor has none (refused).
   */
  metricReceived(vendorId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.vendorMetric(METRICS.RECEIVED, this.webhookVendor(vendorId), props);
  }

  /**
   * Webhooks of a vendor answered 401 or 413: a bad or missing signature, a stale timestamp, a body
   * too large (`Rejected`; the handlers also count it per `Reason`). The metric of the vendor's
   * rejection alarm: summed per 5 minutes.
   */
  metricRejected(vendorId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.vendorMetric(METRICS.REJECTED, this.webhookVendor(vendorId), props);
  }

  /** Events of a vendor put on the events queue, from webhooks and polls (`Enqueued`): summed per 5 minutes. */
  metricEnqueued(vendorId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.vendorMetric(METRICS.ENQUEUED, vendorId, props);
  }

  /** Authenticated requests of a vendor that could not be normalized and went to the quarantine (`Quarantined`): summed per 5 minutes. */
  metricQuarantined(vendorId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.vendorMetric(METRICS.QUARANTINED, this.webhookVendor(vendorId), props);
  }

  /**
   * Runs `fn` on the events queue (an SQS event source with ReportBatchItemFailures: return
   * `{ batchItemFailures: [{ itemIdentifier: messageId }] }` for the events you could not handle;
   * FIFO order holds per job). Grants it the queue.
   */
  addConsumer(fn: lambda.IFunction, options: EventConsumerOptions = {}): SqsEventSource {
    validateInteger(this, 'batchSize', options.batchSize, 1, 10, 'a FIFO event source takes at most 10');
    validateInteger(this, 'maxConcurrency', options.maxConcurrency, 2, 1000);
    const visibility = this.events.visibilityTimeout;
    if (fn instanceof lambda.Function && fn.timeout && visibility && !fn.timeout.isUnresolved() && !visibility.isUnresolved()) {
      if (fn.timeout.toSeconds() > visibility.toSeconds()) {
        throw validationError(this,
          `consumer ${fn.node.path} has a timeout of ${fn.timeout.toHumanString()}, longer than the events queue's visibility timeout ` +
            `${visibility.toHumanString()}: lower the function timeout, or raise queue.visibilityTimeout (6 times the timeout is advised)`,
        );
      }
      if (fn.timeout.toSeconds() * 6 > visibility.toSeconds()) {
        Annotations.of(fn).addWarningV2('cdk-video-webhooks:consumerVisibility',
          `the events queue's visibility timeout (${visibility.toHumanString()}) is under 6 times this consumer's timeout (${fn.timeout.toHumanString()}), as AWS advises for SQS event sources: raise queue.visibilityTimeout`);
      }
    }
    const source = new SqsEventSource(this.queue, {
      batchSize: options.batchSize ?? 10,
      maxConcurrency: options.maxConcurrency,
      enabled: options.enabled,
      reportBatchItemFailures: true,
    });
    fn.addEventSource(source);
    return source;
  }

  /** Lets the grantee receive and delete events from the events queue. */
  grantConsumeEvents(grantee: iam.IGrantable): iam.Grant {
    return assertGranted(this.events.grantConsumeEvents(grantee), 'grantConsumeEvents', grantee, this);
  }

  /**
   * Lets the grantee register jobs (`registerJob` from `cdk-video-webhooks/runtime`): GetItem, and
   * PutItem of the attributes a registration writes only (so no terminal event or event id can be
   * planted for the pipeline to send), on the jobs table. It only grants: `registerJob` also needs the table
   * name and the pipeline's settings, which `addJobRegistrationEnvironment(fn)` sets on a Lambda
   * function (`jobRegistrationEnvironment` has them for anything else).
   */
  grantRegisterJobs(grantee: iam.IGrantable): iam.Grant {
    return assertGranted(this.jobs.grantRegisterJobs(grantee), 'grantRegisterJobs', grantee, this);
  }

  /**
   * Lets the grantee move the dead-letter queue's messages back to the events queue, as the SQS
   * console's "Start DLQ redrive" and `video-webhooks replay` do (StartMessageMoveTask and what it
   * needs: ListMessageMoveTasks, CancelMessageMoveTask, ReceiveMessage, DeleteMessage and
   * GetQueueAttributes on the DLQ, SendMessage on the events queue, and their keys).
   */
  grantRedriveDeadLetters(grantee: iam.IGrantable): iam.Grant {
    if (!this.deadLetterQueue) throw validationError(this, 'grantRedriveDeadLetters: this events queue has no known dead-letter queue: pass queue.existingDeadLetterQueue with queue.existingQueue');
    return assertGranted(grantRedrive(this.deadLetterQueue, this.queue, grantee), 'grantRedriveDeadLetters', grantee, this);
  }

  /**
   * Sets the environment `registerJob` reads on a function of yours (see `jobRegistrationEnvironment`);
   * pair it with `grantRegisterJobs(fn)`.
   */
  addJobRegistrationEnvironment(fn: lambda.Function): void {
    for (const [name, value] of Object.entries(this.jobRegistrationEnvironment)) fn.addEnvironment(name, value);
  }

  /**
   * Lets the grantee replay the quarantine: invoke the poller function with
   * `{"action": "replay-quarantine"}` (optionally `"maxMessages": N`, default 1000). The replay
   * feeds each quarantined request through today's adapter and the delivery core; what still does
   * not normalize goes back to the quarantine. See the `QuarantineReplayCommand` output.
   */
  grantReplayQuarantine(grantee: iam.IGrantable): iam.Grant {
    return this.pollerFunction.grantInvoke(grantee);
  }

  /**
   * Lets the grantee replay the archive: invoke `archiveReplayFunction` (what
   * `video-webhooks replay-archive --function <name>` does). Fails with `archive: false`.
   */
  grantReplayArchive(grantee: iam.IGrantable): iam.Grant {
    if (!this.archiveReplayFunction) throw validationError(this, "grantReplayArchive needs the archive, and this pipeline has archive: false: remove archive: false, or do not call grantReplayArchive");
    return this.archiveReplayFunction.grantInvoke(grantee);
  }

  private endpointUrlOf(vendorId: string): string {
    return `${this.stage.url}webhooks/${vendorId}`;
  }

  /** This pipeline's counter of a vendor: the series the alarms and the dashboard read. */
  private vendorMetric(metricName: string, vendorId: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return vendorMetric(metricName, this.deploymentId, this.knownVendor(vendorId)).with(props);
  }

  /** A vendor whose webhooks are counted: a poll-only one has no route, so none of its webhook metrics is ever published. */
  private webhookVendor(vendorId: string): string {
    if (this.pollOnlyIds.includes(this.knownVendor(vendorId))) {
      throw validationError(this, `vendor ${vendorId} sends no webhooks (it is polled): it has no webhook metrics; metricEnqueued('${vendorId}') counts its events`);
    }
    return vendorId;
  }

  private routedVendor(vendorId: string): string {
    if (this.pollOnlyIds.includes(this.knownVendor(vendorId))) {
      throw validationError(this, `vendor ${vendorId} sends no webhooks (it is polled): it has no webhook URL and no verifier`);
    }
    return vendorId;
  }

  private knownVendor(vendorId: string): string {
    if (!this.vendorIds.includes(vendorId)) {
      throw validationError(this, `unknown vendor "${vendorId}": this construct has ${this.vendorIds.join(', ')}; pass one of them`);
    }
    return vendorId;
  }
}

/**
 * During a vendor's format change every request its route admits is quarantined, spread over
 * QUARANTINE_GROUPS_PER_VENDOR groups of SQS_FIFO_GROUP_SENDS_PER_SECOND each; a hash spreads them
 * unevenly, so a route rate above half of that can overrun a group, and a send SQS throttles
 * answers 5xx (lost for a vendor that never retries).
 */
function warnOnQuarantineThroughput(scope: Construct, rateLimit: number | undefined): void {
  const comfortable = (QUARANTINE_GROUPS_PER_VENDOR * SQS_FIFO_GROUP_SENDS_PER_SECOND) / 2;
  if (rateLimit === undefined || Token.isUnresolved(rateLimit) || rateLimit <= comfortable) return;
  Annotations.of(scope).addWarningV2('cdk-video-webhooks:quarantineThroughput',
    `throttle.rateLimit ${rateLimit} is above ${comfortable.toLocaleString('en-US')} requests a second: when a vendor changes its format, its quarantine (${QUARANTINE_GROUPS_PER_VENDOR} FIFO groups of ${SQS_FIFO_GROUP_SENDS_PER_SECOND} sends a second) may throttle sends, answered 5xx; lower the rate limit`);
}
