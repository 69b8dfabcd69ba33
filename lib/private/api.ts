/**
 * The webhook API: one HTTP API with a throttled `$default` stage and JSON access logs, and two
 * metrics read from those logs that the API's own metrics cannot give: server errors other than
 * the deliberate 503s (busy, not configured), and requests the stage throttled (429).
 */
import { Duration, Names, type RemovalPolicy } from 'aws-cdk-lib/core';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ACCESS_LOG_METRICS, METRIC_DIMENSIONS, METRIC_NAMESPACE } from '../../lambda/contract/metrics';
import { stackGuid } from './names';

/** The access-log field holding the deployment's id. */
const DEPLOYMENT_FIELD = 'deployment';

export interface WebhookApi {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** Answers 500-599 but 503, in 5 minutes (from the access logs). */
  readonly serverErrors: cloudwatch.Metric;
  /** Requests the stage throttled (429), in 5 minutes (from the access logs). */
  readonly throttled: cloudwatch.Metric;
}

/**
 * Creates `ApiAccessLogs` (with its metric filters) and `Api` (with its `DefaultStage`) under
 * `scope`; `deployment` is the pipeline's `Deployment` dimension value.
 */
export function createWebhookApi(scope: Construct, throttle: apigwv2.ThrottleSettings, retention: logs.RetentionDays, removalPolicy: RemovalPolicy | undefined, deployment: string): WebhookApi {
  // A /aws/vendedlogs/ name: API Gateway delivers vended logs there without adding a statement per
  // log group to the account's CloudWatch Logs resource policy, whose 5,120 characters a busy
  // account fills ("Policy document length breaking Cloudwatch Logs Constraints").
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
  // The stack id's GUID in it: the group is retained when the stack is deleted, and the next
  // creation of the stack would otherwise find its name taken ("already exists").
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
    logGroupName: `/aws/vendedlogs/apigateway/${Names.uniqueResourceName(scope, { maxLength: 400, separator: '-' })}-${stackGuid()}`,
    retention,
    removalPolicy,
  });
  // A metric filter takes its dimension values from fields of the log event, so every line carries
  // the deployment as a literal field; the pattern names it too. No default value: CloudWatch Logs
  // refuses one on a filter with dimensions ("dimensions and default value are mutually exclusive"),
  // and the alarms treat a missing datapoint as not breaching.
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html
  const field = `$.${DEPLOYMENT_FIELD}`;
  const metric = (id: string, metricName: string, ...conditions: logs.JsonPattern[]) => {
    accessLogs.addMetricFilter(id, {
      filterPattern: logs.FilterPattern.all(...conditions, logs.FilterPattern.stringValue(field, '=', deployment)),
      metricNamespace: METRIC_NAMESPACE,
      metricName,
      metricValue: '1',
      dimensions: { [METRIC_DIMENSIONS.deployment]: field },
    });
    return new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName, dimensionsMap: { [METRIC_DIMENSIONS.deployment]: deployment }, statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
  };
  const serverErrors = metric('ServerErrorsFilter', ACCESS_LOG_METRICS.API_SERVER_ERRORS, logs.FilterPattern.numberValue('$.status', '>=', 500), logs.FilterPattern.numberValue('$.status', '!=', 503));
  const throttled = metric('ThrottledFilter', ACCESS_LOG_METRICS.API_THROTTLED, logs.FilterPattern.numberValue('$.status', '=', 429));
  const api = new apigwv2.HttpApi(scope, 'Api', {
    description: 'Inbound video-vendor webhooks (cdk-video-webhooks)',
    createDefaultStage: false,
  });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle,
    accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: accessLogFormat(deployment) },
  });
  return { api, stage, serverErrors, throttled };
}

/**
 * JSON access logs; the status is a number, so metric filters can compare it. API Gateway puts
 * `$context` values into the line as they are, unescaped, and a JSON filter pattern skips a line
 * that is not JSON: so only variables that cannot hold a `"` or a `\` are logged (ids, the source
 * IP, the CLF time, the route key of our own routes, numbers). The user agent, the path and the
 * error messages are free text a caller or a backend chooses, and are left out: the verifier's own
 * log has the details of a failure. `deployment` is a literal (letters, digits, hyphens): the
 * metric filters' `Deployment` dimension.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
const accessLogFormat = (deployment: string) => apigw.AccessLogFormat.custom(
  JSON.stringify({
    [DEPLOYMENT_FIELD]: deployment,
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '__STATUS__',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatencyMs: '$context.integrationLatency',
  }).replace('"__STATUS__"', '$context.status'),
);
