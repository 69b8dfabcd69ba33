/** One verifier function and one `POST /webhooks/<vendor>` route per vendor. */
import { CfnOutput, Duration, type RemovalPolicy } from 'aws-cdk-lib/core';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambda/contract/deployment';
import type { WebhookEventQueue } from '../event-queue';
import type { WebhookJobTable } from '../job-table';
import type { WebhookQuarantineQueue } from '../quarantine-queue';
import type { Vendor } from '../vendor';
import { codeWithConfigs } from './config-asset';
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
  readonly runtime: lambda.Runtime;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy | undefined;
  readonly endpointUrl: (vendorId: string) => string;
}

const VERIFIER_TIMEOUT = Duration.seconds(10);

/** The file beside the verifiers' shared code that holds a vendor's configuration. */
const vendorFile = (vendorId: string) => `vendor-${vendorId}.json`;

/**
 * Creates `Verifiers/<vendor>/{LogGroup,ServiceRole,Function,Route,WebhookUrl}` under `scope` for
 * each vendor that sends webhooks (a poll-only vendor gets none: it is only polled).
 */
export function addVerifiers(scope: Construct, props: VerifiersProps): Record<string, lambda.IFunction> {
  const verifiersScope = new Construct(scope, 'Verifiers');
  const functions: Record<string, lambda.IFunction> = {};
  const routed = props.vendors.filter((v): v is Vendor & { readonly webhookSecret: secretsmanager.ISecret } => v.webhookSecret !== undefined);
  // One asset for every verifier, a configuration file per vendor in it: a vendor's options (a
  // custom vendor's statusMap and paths) would outgrow Lambda's 4 KB environment.
  const config = codeWithConfigs('verifier', Object.fromEntries(routed.map((v) => [vendorFile(v.id), v._runtimeConfig()])), 'VW_VENDOR_VALUE_');
  for (const vendor of routed) {
    const vendorScope = new Construct(verifiersScope, vendor.id);
    const fn = createPipelineFunction(vendorScope, 'verifier', {
      code: config.code(),
      description: `Verifies ${vendor.id} webhooks and queues them as normalized events (cdk-video-webhooks)`,
      memorySize: props.memorySize,
      timeout: VERIFIER_TIMEOUT,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...props.environment,
        [ENV.VENDOR_FILE]: vendorFile(vendor.id),
        ...config.environments[vendorFile(vendor.id)],
        [ENV.WEBHOOK_SECRET_ID]: secretIdOf(vendor.webhookSecret),
        [ENV.QUARANTINE_QUEUE_URL]: props.quarantine.queue.queueUrl,
        [ENV.MAX_BODY_BYTES]: String(props.maxBodyBytes),
      },
    }, {
      owner: `the verifier of vendor ${vendor.id}`,
      environmentAdvice: 'its vendor\'s configuration is already a file beside its code: shorten the variables added with addEnvironment, or read large values from a parameter or a secret',
      runtime: props.runtime,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
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
