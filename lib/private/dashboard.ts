/**
 * The operations dashboard of VideoWebhookIngestion: what each vendor sends and what became of it,
 * the queues, the API and the functions, on one page.
 */
import { Duration } from 'aws-cdk-lib/core';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE, METRICS } from '../../lambda/contract/metrics';
import type { WebhookEventQueue } from '../event-queue';
import type { WebhookQuarantineQueue } from '../quarantine-queue';
import { vendorMetric } from './metrics';

export interface DashboardParts {
  /** The pipeline's `Deployment` dimension value: every counter graphed is this pipeline's. */
  readonly deployment: string;
  readonly vendorIds: readonly string[];
  readonly api: apigwv2.HttpApi;
  readonly events: WebhookEventQueue;
  readonly quarantine: WebhookQuarantineQueue;
  readonly verifiers: Readonly<Record<string, lambda.IFunction>>;
  readonly poller: lambda.IFunction;
}

const PERIOD = Duration.minutes(5);
const WIDTH = 12;


export function addDashboard(scope: Construct, parts: DashboardParts): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { defaultInterval: Duration.hours(6) });
  const M = METRICS;
  const D = METRIC_DIMENSIONS;
  const counter = (metricName: string, vendor: string, label: string) => vendorMetric(metricName, parts.deployment, vendor).with({ label });

  dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '# Video webhooks\nPer vendor: what arrived and what became of it (sums per 5 minutes); then the queues, the API and the functions.', width: 24, height: 2 }));
  for (const vendor of parts.vendorIds) {
    // A poll-only vendor has no route: nothing of it is received, rejected or quarantined.
    const routed = vendor in parts.verifiers;
    const enqueued = [counter(M.ENQUEUED, vendor, 'enqueued'), counter(M.DUPLICATES, vendor, 'duplicates')];
    const polls = [counter(M.POLL_HITS, vendor, 'poll hits'), counter(M.POLL_ERRORS, vendor, 'poll errors')];
    if (!routed) {
      dashboard.addWidgets(new cloudwatch.GraphWidget({ title: `${vendor}: polls (it sends no webhooks)`, width: 2 * WIDTH, left: [...enqueued, ...polls] }));
      continue;
    }
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${vendor}: webhooks and polls`,
        width: WIDTH,
        left: [counter(M.RECEIVED, vendor, 'received'), ...enqueued, counter(M.QUARANTINED, vendor, 'quarantined'), ...polls],
      }),
      new cloudwatch.GraphWidget({
        title: `${vendor}: rejected, by reason`,
        width: WIDTH,
        // One line per reason that occurred (the handlers emit Rejected with Deployment, Vendor and Reason).
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${METRIC_NAMESPACE},${D.deployment},${D.reason},${D.vendor}} MetricName="${M.REJECTED}" ${D.deployment}="${parts.deployment}" ${D.vendor}="${vendor}"', 'Sum', ${PERIOD.toSeconds()})`,
            label: '',
            period: PERIOD,
          }),
        ],
      }),
    );
  }

  const queueWidget = (title: string, metrics: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, width: WIDTH / 2, left: metrics });
  const queueRow = [
    queueWidget('events queue: messages waiting', [parts.events.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM, label: 'visible' }), parts.events.queue.metricApproximateNumberOfMessagesNotVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM, label: 'in flight' })]),
    queueWidget('events queue: age of the oldest (s)', [parts.events.metricOldestMessageAge({ period: PERIOD, label: 'oldest' })]),
    queueWidget('quarantine: messages', [parts.quarantine.metricDepth({ period: PERIOD, label: 'quarantined' })]),
  ];
  if (parts.events.deadLetterQueue) queueRow.push(queueWidget('dead-letter queue: messages', [parts.events.metricDeadLetterDepth({ period: PERIOD, label: 'dead letters' })]));
  dashboard.addWidgets(...queueRow);

  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'API: latency (ms)',
      width: WIDTH,
      left: [parts.api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }), parts.api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' })],
    }),
    new cloudwatch.GraphWidget({
      title: 'API: requests and errors',
      width: WIDTH,
      left: [parts.api.metricCount({ period: PERIOD, label: 'requests' }), parts.api.metricClientError({ period: PERIOD, label: '4xx' }), parts.api.metricServerError({ period: PERIOD, label: '5xx' })],
    }),
  );

  const functions: Array<[string, lambda.IFunction]> = [...Object.entries(parts.verifiers).map(([vendor, fn]): [string, lambda.IFunction] => [`verifier ${vendor}`, fn]), ['poller', parts.poller]];
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'functions: errors',
      width: WIDTH,
      left: functions.map(([label, fn]) => fn.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label })),
    }),
    new cloudwatch.GraphWidget({
      title: 'functions: duration p99 (ms)',
      width: WIDTH,
      left: functions.map(([label, fn]) => fn.metricDuration({ period: PERIOD, statistic: 'p99', label })),
    }),
  );
  return dashboard;
}
