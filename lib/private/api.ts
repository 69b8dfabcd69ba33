/** The webhook API: one HTTP API with a throttled `$default` stage and JSON access logs. */
import type { RemovalPolicy } from 'aws-cdk-lib/core';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Creates `ApiAccessLogs` and `Api` (with its `DefaultStage`) under `scope`. */
export function createWebhookApi(
  scope: Construct,
  throttle: apigwv2.ThrottleSettings,
  retention: logs.RetentionDays,
  removalPolicy: RemovalPolicy | undefined,
): { readonly api: apigwv2.HttpApi; readonly stage: apigwv2.HttpStage } {
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', { retention, removalPolicy });
  const api = new apigwv2.HttpApi(scope, 'Api', {
    description: 'Inbound video-vendor webhooks (cdk-video-webhooks)',
    createDefaultStage: false,
  });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle,
    accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
  });
  return { api, stage };
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
