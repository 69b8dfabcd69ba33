import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib/core';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS, ENV } from '../lambda/config';
import { IngestionAlarms, type IngestionAlarmThresholds } from './alarms';
import { handlerAssetDir, type HandlerName } from './assets';
import { WebhookEventQueue, type WebhookEventQueueProps } from './event-queue';
import { WebhookJobTable, type WebhookJobTableProps } from './job-table';
import { WebhookQuarantineQueue, type WebhookQuarantineQueueProps } from './quarantine-queue';
import { assertDurationInRange, assertIntegerInRange } from './validation';
import type { Vendor } from './vendor';

/** Properties of `VideoWebhookIngestion`. */
export interface VideoWebhookIngestionProps {
  /** The vendors to receive webhooks from: at least one, ids unique. */
  readonly vendors: readonly Vendor[];
  /** The events queue and its DLQ: new-queue options, or `existingQueue`. @default - new FIFO queues with the `WebhookEventQueue` defaults */
  readonly queue?: WebhookEventQueueProps;
  /** Shortcut for `queue.maxReceiveCount` (1 to 1000). @default 3 */
  readonly maxReceiveCount?: number;
  /** The quarantine queue: options, or `existingQueue`. @default - a new FIFO queue, 14-day retention */
  readonly quarantine?: WebhookQuarantineQueueProps;
  /** The jobs table: options, or `existingTable`. @default - a new on-demand table with TTL and PITR */
  readonly table?: WebhookJobTableProps;
  /** Largest webhook body accepted; larger ones are answered 413. @default 262144 (256 KiB) */
  readonly maxBodyBytes?: number;
  /** How long an event id is remembered, so a redelivery is not queued twice. @default Duration.days(7) */
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
  /** Route throttling of the webhook API (every route). @default { rateLimit: 100, burstLimit: 200 } */
  readonly throttle?: apigwv2.ThrottleSettings;
  /** Memory of each verifier function, in MiB. @default 256 */
  readonly verifierMemorySize?: number;
  /** Reserved concurrency of each verifier function. @default - none (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
  /** Retention of the functions' and the API's log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of every stateful resource created here (queues, table, log groups), unless
   * the `queue`, `quarantine` or `table` options set their own.
   * @default - each resource's default: the table and log groups are retained, queues are deleted
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Where the alarms notify (alarm and OK). @default - alarms without actions */
  readonly alarmTopic?: sns.ITopic;
  /** Alarm thresholds. @default - see `IngestionAlarmThresholds` */
  readonly alarmThresholds?: IngestionAlarmThresholds;
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

const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;
const VERIFIER_TIMEOUT = Duration.seconds(10);

/**
 * The inbound webhook pipeline for AI video vendors: one HTTP API route `POST /webhooks/<vendor>`
 * and one verifier function per vendor, a FIFO events queue with its DLQ, a quarantine queue, the
 * jobs table, a scheduled poller that reconciles jobs with the vendors' status APIs, and alarms.
 */
export class VideoWebhookIngestion extends Construct {
  /** The FIFO events queue your consumers read (one CloudEvents JSON message per event). */
  readonly queue: sqs.IQueue;
  /** The FIFO dead-letter queue of the events queue (undefined for an existing queue given without it). */
  readonly deadLetterQueue: sqs.IQueue | undefined;
  /** The FIFO queue of authenticated requests that could not be normalized. */
  readonly quarantineQueue: sqs.IQueue;
  /** The events queue construct (metrics, grants). */
  readonly eventQueue: WebhookEventQueue;
  /** The quarantine construct (metrics, grants). */
  readonly quarantine: WebhookQuarantineQueue;
  /** The jobs table (`table.tableName` for `registerJob`). */
  readonly table: dynamodb.ITable;
  /** The jobs table construct (grants). */
  readonly jobTable: WebhookJobTable;
  /** The HTTP API. */
  readonly api: apigwv2.HttpApi;
  /** The API's `$default` stage (throttling, access logs). */
  readonly stage: apigwv2.HttpStage;
  /** One verifier function per vendor, by vendor id. */
  readonly verifierFunctions: Readonly<Record<string, lambda.IFunction>>;
  /** The scheduled poller function. */
  readonly pollerFunction: lambda.IFunction;
  /** Every alarm created. */
  readonly alarms: readonly cloudwatch.IAlarm[];

  private readonly vendorIds: readonly string[];
  /** The settings `registerJob` must match, passed to functions given to `grantRegisterJobs`. */
  private readonly registrationEnv: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: VideoWebhookIngestionProps) {
    super(scope, id);
    const vendors = validateVendors(props.vendors);
    this.vendorIds = vendors.map((v) => v.id);
    const settings = resolveSettings(props);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const stateful = props.removalPolicy;

    if (props.maxReceiveCount !== undefined && props.queue?.maxReceiveCount !== undefined && props.maxReceiveCount !== props.queue.maxReceiveCount) {
      throw new Error(`maxReceiveCount ${props.maxReceiveCount} and queue.maxReceiveCount ${props.queue.maxReceiveCount} differ: set only one`);
    }
    const queueProps: WebhookEventQueueProps = props.queue?.existingQueue
      ? { ...props.queue, ...(props.maxReceiveCount !== undefined ? { maxReceiveCount: props.maxReceiveCount } : {}) }
      : { removalPolicy: stateful, ...props.queue, maxReceiveCount: props.maxReceiveCount ?? props.queue?.maxReceiveCount };
    this.eventQueue = new WebhookEventQueue(this, 'Events', queueProps);
    this.queue = this.eventQueue.queue;
    this.deadLetterQueue = this.eventQueue.deadLetterQueue;
    this.quarantine = new WebhookQuarantineQueue(this, 'Quarantine', props.quarantine?.existingQueue ? props.quarantine : { removalPolicy: stateful, ...props.quarantine });
    this.quarantineQueue = this.quarantine.queue;
    this.jobTable = new WebhookJobTable(this, 'Jobs', props.table?.existingTable ? props.table : { removalPolicy: stateful, ...props.table });
    this.table = this.jobTable.table;

    this.registrationEnv = {
      [ENV.JOBS_TABLE_NAME]: this.jobTable.tableName,
      [ENV.DEDUPE_WINDOW_SECONDS]: String(settings.dedupeWindow.toSeconds()),
      [ENV.STALE_AFTER_SECONDS]: String(settings.staleAfter.toSeconds()),
      [ENV.GIVE_UP_AFTER_SECONDS]: String(settings.giveUpAfter.toSeconds()),
    };
    const shared: Record<string, string> = {
      [ENV.TABLE_NAME]: this.jobTable.tableName,
      [ENV.QUEUE_URL]: this.queue.queueUrl,
      [ENV.DEDUPE_WINDOW_SECONDS]: String(settings.dedupeWindow.toSeconds()),
      [ENV.STALE_AFTER_SECONDS]: String(settings.staleAfter.toSeconds()),
      [ENV.GIVE_UP_AFTER_SECONDS]: String(settings.giveUpAfter.toSeconds()),
      [ENV.SECRET_REFRESH_SECONDS]: String(settings.secretRefresh.toSeconds()),
    };

    // The API: one literal route per vendor, throttled, with JSON access logs.
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy: stateful });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Inbound video-vendor webhooks (cdk-video-webhooks)',
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: settings.throttle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const verifiersScope = new Construct(this, 'Verifiers');
    const verifierFunctions: Record<string, lambda.IFunction> = {};
    for (const vendor of vendors) {
      const vendorScope = new Construct(verifiersScope, vendor.id);
      const fn = this.createFunction(vendorScope, 'verifier', {
        description: `Verifies ${vendor.id} webhooks and queues them as normalized events (cdk-video-webhooks)`,
        memorySize: settings.verifierMemorySize,
        timeout: VERIFIER_TIMEOUT,
        reservedConcurrentExecutions: props.reservedConcurrency,
        environment: {
          ...shared,
          [ENV.VENDOR]: Stack.of(this).toJsonString(vendor.runtimeConfig()),
          [ENV.WEBHOOK_SECRET_ARN]: vendor.webhookSecret.secretArn,
          [ENV.QUARANTINE_QUEUE_URL]: this.quarantineQueue.queueUrl,
          [ENV.MAX_BODY_BYTES]: String(settings.maxBodyBytes),
        },
      }, logRetention, stateful);
      vendor.webhookSecret.grantRead(fn);
      this.jobTable.grantRegisterJobs(fn);
      this.eventQueue.grantSendEvents(fn);
      this.quarantine.grantQuarantine(fn);
      new apigwv2.HttpRoute(vendorScope, 'Route', {
        httpApi: this.api,
        routeKey: apigwv2.HttpRouteKey.with(`/webhooks/${vendor.id}`, apigwv2.HttpMethod.POST),
        integration: new HttpLambdaIntegration('Integration', fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 }),
      });
      new CfnOutput(vendorScope, 'WebhookUrl', {
        description: `Webhook URL to configure at ${vendor.id}`,
        value: this.endpointUrlOf(vendor.id),
      });
      verifierFunctions[vendor.id] = fn;
    }
    this.verifierFunctions = verifierFunctions;

    // The poller: every vendor (a vendor that is not polled still gets its jobs expired).
    const pollerScope = new Construct(this, 'Poller');
    const poller = this.createFunction(pollerScope, 'poller', {
      description: 'Asks vendors about jobs that went quiet and queues what it learns (cdk-video-webhooks)',
      memorySize: 256,
      timeout: settings.pollerTimeout,
      retryAttempts: 0, // a failed run is superseded by the next scheduled one
      environment: {
        ...shared,
        [ENV.POLLER_VENDORS]: Stack.of(this).toJsonString(vendors.map((v) => v.pollerConfig())),
        [ENV.POLL_CONCURRENCY]: String(settings.pollConcurrency),
        // For the quarantine replay ({"action":"replay-quarantine"}, invoked by hand).
        [ENV.QUARANTINE_QUEUE_URL]: this.quarantineQueue.queueUrl,
      },
    }, logRetention, stateful);
    for (const vendor of vendors) {
      if (vendor.apiKey && vendor.pollingEnabled) vendor.apiKey.grantRead(poller);
    }
    this.jobTable.grantReadWriteJobs(poller);
    this.eventQueue.grantSendEvents(poller);
    // A replay reads and deletes quarantined requests, and sends back the ones still not understood.
    this.quarantine.grantReplay(poller);
    this.quarantine.grantQuarantine(poller);
    new events.Rule(pollerScope, 'Schedule', {
      description: 'Runs the cdk-video-webhooks poller',
      schedule: props.pollSchedule ?? events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(poller, { retryAttempts: 0 })],
    });
    this.pollerFunction = poller;

    this.alarms = new IngestionAlarms(this, 'Alarms', {
      thresholds: props.alarmThresholds,
      topic: props.alarmTopic,
      events: this.eventQueue,
      quarantine: this.quarantine,
      api: this.api,
      poller,
      vendors,
    }).alarms;

    this.createOutputs();
  }

  /** The webhook URL to configure at a vendor: `https://<api>/webhooks/<vendorId>`. */
  endpointUrl(vendorId: string): string {
    if (!this.vendorIds.includes(vendorId)) {
      throw new Error(`unknown vendor "${vendorId}": this construct has ${this.vendorIds.join(', ')}; pass one of them`);
    }
    return this.endpointUrlOf(vendorId);
  }

  /** The verifier function of a vendor. */
  verifierFunction(vendorId: string): lambda.IFunction {
    const fn = this.verifierFunctions[vendorId];
    if (!fn) throw new Error(`unknown vendor "${vendorId}": this construct has ${this.vendorIds.join(', ')}; pass one of them`);
    return fn;
  }

  /**
   * Runs `fn` on the events queue (an SQS event source with ReportBatchItemFailures: return
   * `{ batchItemFailures: [{ itemIdentifier: messageId }] }` for the events you could not handle;
   * FIFO order holds per job). Grants it the queue.
   */
  addConsumer(fn: lambda.IFunction, options: EventConsumerOptions = {}): SqsEventSource {
    assertIntegerInRange('batchSize', options.batchSize, 1, 10, 'a FIFO event source takes at most 10');
    assertIntegerInRange('maxConcurrency', options.maxConcurrency, 2, 1000);
    const visibility = this.eventQueue.visibilityTimeout;
    if (fn instanceof lambda.Function && fn.timeout && visibility && !fn.timeout.isUnresolved() && !visibility.isUnresolved()) {
      if (fn.timeout.toSeconds() > visibility.toSeconds()) {
        throw new Error(
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
    return this.eventQueue.grantConsumeEvents(grantee);
  }

  /**
   * Lets the grantee register jobs (`registerJob` from `cdk-video-webhooks/runtime`): GetItem,
   * PutItem and UpdateItem on the jobs table. A Lambda function also gets the table name in
   * `VIDEO_WEBHOOKS_TABLE_NAME` and the pipeline's `staleAfter`, `giveUpAfter` and `dedupeWindow`
   * (`VW_STALE_AFTER_SECONDS`, `VW_GIVE_UP_AFTER_SECONDS`, `VW_DEDUPE_WINDOW_SECONDS`), which
   * `registerJob` reads.
   */
  grantRegisterJobs(grantee: iam.IGrantable): iam.Grant {
    if (grantee instanceof lambda.Function) {
      for (const [name, value] of Object.entries(this.registrationEnv)) grantee.addEnvironment(name, value);
    }
    return this.jobTable.grantRegisterJobs(grantee);
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

  private endpointUrlOf(vendorId: string): string {
    return `${this.stage.url}webhooks/${vendorId}`;
  }

  private createFunction(
    scope: Construct,
    handler: HandlerName,
    options: Omit<lambda.FunctionProps, 'runtime' | 'architecture' | 'handler' | 'code' | 'role' | 'logGroup'>,
    retention: logs.RetentionDays,
    removalPolicy: RemovalPolicy | undefined,
  ): lambda.Function {
    const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention, removalPolicy });
    // An own role with log writes to its own log group only (instead of AWSLambdaBasicExecutionRole).
    const role = new iam.Role(scope, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const fn = new lambda.Function(scope, 'Function', {
      ...options,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAssetDir(handler)),
      role,
      logGroup,
    });
    return fn;
  }

  private createOutputs(): void {
    const outputs = new Construct(this, 'Outputs');
    new CfnOutput(outputs, 'EventsQueueUrl', { description: 'Events queue (FIFO): consumers read it', value: this.queue.queueUrl });
    new CfnOutput(outputs, 'QuarantineQueueUrl', { description: 'Quarantine queue (FIFO)', value: this.quarantineQueue.queueUrl });
    new CfnOutput(outputs, 'QuarantineReplayCommand', {
      description: 'Replays the quarantine through the vendor adapters (after an adapter fix): run with AWS CLI v2',
      value: `aws lambda invoke --function-name ${this.pollerFunction.functionName} --cli-binary-format raw-in-base64-out --payload '{"action":"replay-quarantine"}' replay.json && cat replay.json`,
    });
    new CfnOutput(outputs, 'JobsTableName', { description: 'Jobs table: registerJob({ tableName })', value: this.jobTable.tableName });
    if (this.deadLetterQueue) {
      const dlq = this.deadLetterQueue;
      new CfnOutput(outputs, 'DeadLetterQueueUrl', { description: 'Dead-letter queue (FIFO)', value: dlq.queueUrl });
      const stack = Stack.of(this);
      // The SQS console addresses a queue by its URL-encoded URL: https://sqs.<region>.<suffix>/<account>/<name>.
      const encodedUrl = `https%3A%2F%2Fsqs.${stack.region}.${stack.urlSuffix}%2F${stack.account}%2F${dlq.queueName}`;
      new CfnOutput(outputs, 'DeadLetterQueueConsoleUrl', {
        description: 'Dead-letter queue in the SQS console ("Start DLQ redrive")',
        value: `https://console.aws.amazon.com/sqs/v3/home?region=${stack.region}#/queues/${encodedUrl}`,
      });
    }
  }
}

const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

function validateVendors(vendors: readonly Vendor[] | undefined): readonly Vendor[] {
  if (!vendors || vendors.length === 0) {
    throw new Error('vendors is empty: pass at least one vendor, e.g. vendors: [Vendor.sync({ webhookSecret })]');
  }
  const seen = new Set<string>();
  for (const v of vendors) {
    if (seen.has(v.id)) {
      throw new Error(`vendor id "${v.id}" is given twice: each vendor needs its own id (set id: "${v.id}-2" on the second one)`);
    }
    seen.add(v.id);
  }
  return vendors;
}

function resolveSettings(props: VideoWebhookIngestionProps) {
  const s = {
    maxBodyBytes: props.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    dedupeWindow: props.dedupeWindow ?? Duration.seconds(DEFAULTS.dedupeWindowSeconds),
    staleAfter: props.staleAfter ?? Duration.seconds(DEFAULTS.staleAfterSeconds),
    giveUpAfter: props.giveUpAfter ?? Duration.seconds(DEFAULTS.giveUpAfterSeconds),
    secretRefresh: props.secretRefreshInterval ?? Duration.seconds(DEFAULTS.secretRefreshSeconds),
    pollConcurrency: props.pollConcurrency ?? DEFAULTS.pollConcurrency,
    pollerTimeout: props.pollerTimeout ?? Duration.minutes(4),
    verifierMemorySize: props.verifierMemorySize ?? 256,
    throttle: { ...DEFAULT_THROTTLE, ...props.throttle },
  };
  // Base64 inflates a body by 4/3 and Lambda takes 6 MB per synchronous request.
  // 700 KiB: the largest body whose quarantine message (base64, plus headers) still fits SQS's 1 MiB.
  assertIntegerInRange('maxBodyBytes', s.maxBodyBytes, 1024, 700 * 1024, 'default 262144');
  assertDurationInRange('dedupeWindow', s.dedupeWindow, Duration.minutes(10), Duration.days(365));
  assertDurationInRange('staleAfter', s.staleAfter, Duration.minutes(1), Duration.days(7));
  assertDurationInRange('giveUpAfter', s.giveUpAfter, Duration.minutes(10), Duration.days(365));
  assertDurationInRange('secretRefreshInterval', s.secretRefresh, Duration.seconds(0), Duration.hours(24));
  assertDurationInRange('pollerTimeout', s.pollerTimeout, Duration.seconds(30), Duration.minutes(15));
  assertIntegerInRange('pollConcurrency', s.pollConcurrency, 1, 256);
  assertIntegerInRange('verifierMemorySize', s.verifierMemorySize, 128, 10240);
  assertIntegerInRange('throttle.burstLimit', s.throttle.burstLimit, 0, 5000, 'the account-level burst quota is 5000');
  if (!Token.isUnresolved(s.throttle.rateLimit) && !(s.throttle.rateLimit >= 0)) {
    throw new Error(`throttle.rateLimit ${s.throttle.rateLimit} is out of range: use requests per second of 0 or more (default 100)`);
  }
  if (!s.staleAfter.isUnresolved() && !s.giveUpAfter.isUnresolved() && s.giveUpAfter.toSeconds() <= s.staleAfter.toSeconds()) {
    throw new Error(`giveUpAfter ${s.giveUpAfter.toHumanString()} is not longer than staleAfter ${s.staleAfter.toHumanString()}: a job must be polled before it expires; raise giveUpAfter`);
  }
  const interval = props.pollSchedule ? rateSeconds(props.pollSchedule.expressionString) : 300;
  if (interval !== undefined && !s.pollerTimeout.isUnresolved() && s.pollerTimeout.toSeconds() >= interval) {
    throw new Error(
      `pollerTimeout ${s.pollerTimeout.toHumanString()} is not shorter than the poll schedule ${props.pollSchedule?.expressionString ?? 'rate(5 minutes)'}: ` +
        'two runs would overlap and together exceed the vendors\' rate limits; lower pollerTimeout or poll less often',
    );
  }
  return s;
}

/** The interval of a `rate(...)` schedule in seconds; undefined for cron expressions. */
function rateSeconds(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return undefined;
  const unit = m[2].startsWith('minute') ? 60 : m[2].startsWith('hour') ? 3600 : 86_400;
  return Number(m[1]) * unit;
}
