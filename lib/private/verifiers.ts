/** One verifier function and one `POST /webhooks/<vendor>` route per vendor. */
import { CfnOutput, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib/core';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../lambda/contract/deployment';
import type { WebhookEventQueue } from '../event-queue';
import type { WebhookJobTable } from '../job-table';
import type { WebhookQuarantineQueue } from '../quarantine-queue';
import type { Vendor } from '../vendor';
import { createPipelineFunction } from './functions';
import { grantSecretValue, secretIdOf } from './grants';

export interface VerifiersProps {
  readonly vendors: readonly Vendor[];
  readonly api: apigwv2.HttpApi;
  readonly events: WebhookEventQueue;
  readonly quarantine: WebhookQuarantineQueue;
  readonly jobs: WebhookJobTable;
  /** The environment every function shares (table, queue, delivery settings). */
  readonly environment: Readonly<Record<string, string>>;
  readonly maxBodyBytes: number;
  readonly memorySize: number;
  readonly reservedConcurrency: number | undefined;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy | undefined;
  readonly endpointUrl: (vendorId: string) => string;
}

const VERIFIER_TIMEOUT = Duration.seconds(10);

/** Creates `Verifiers/<vendor>/{LogGroup,ServiceRole,Function,Route,WebhookUrl}` under `scope`. */
export function addVerifiers(scope: Construct, props: VerifiersProps): Record<string, lambda.IFunction> {
  const verifiersScope = new Construct(scope, 'Verifiers');
  const functions: Record<string, lambda.IFunction> = {};
  for (const vendor of props.vendors) {
    const vendorScope = new Construct(verifiersScope, vendor.id);
    const fn = createPipelineFunction(vendorScope, 'verifier', {
      description: `Verifies ${vendor.id} webhooks and queues them as normalized events (cdk-video-webhooks)`,
      memorySize: props.memorySize,
      timeout: VERIFIER_TIMEOUT,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...props.environment,
        [ENV.VENDOR]: Stack.of(scope).toJsonString(vendor._runtimeConfig()),
        [ENV.WEBHOOK_SECRET_ARN]: secretIdOf(vendor.webhookSecret),
        [ENV.QUARANTINE_QUEUE_URL]: props.quarantine.queue.queueUrl,
        [ENV.MAX_BODY_BYTES]: String(props.maxBodyBytes),
      },
    }, props.logRetention, props.removalPolicy);
    grantSecretValue(vendor.webhookSecret, fn);
    props.jobs.grantVendorJobs(fn, vendor.id);
    props.events.grantSendEvents(fn);
    props.quarantine.grantQuarantine(fn);
    new apigwv2.HttpRoute(vendorScope, 'Route', {
      httpApi: props.api,
      routeKey: apigwv2.HttpRouteKey.with(`/webhooks/${vendor.id}`, apigwv2.HttpMethod.POST),
      integration: new HttpLambdaIntegration('Integration', fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 }),
    });
    new CfnOutput(vendorScope, 'WebhookUrl', { description: `Webhook URL to configure at ${vendor.id}`, value: props.endpointUrl(vendor.id) });
    functions[vendor.id] = fn;
  }
  return functions;
}
