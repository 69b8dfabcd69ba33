#!/usr/bin/env node
/**
 * The example app (`npx cdk synth` / `npx cdk deploy`): all four vendors, one sample consumer, and
 * cdk-nag's AwsSolutions pack with every acknowledgement justified below.
 *
 * Context (optional): `-c viralsyncStatusApiBaseUrl=https://...` turns on polling for ViralSync,
 * whose status API has no public base URL.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { Vendor, VideoWebhookIngestion } from '../lib';

export class VideoWebhooksExampleStack extends Stack {
  readonly ingestion: VideoWebhookIngestion;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Secrets are created empty-ish (a random value): paste each vendor's value after the first
    // deploy. A value is one string, or a JSON array of strings accepted together during a rotation.
    const secret = (secretId: string, description: string): secretsmanager.Secret => {
      const s = new secretsmanager.Secret(this, secretId, { description });
      Validations.of(s).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Vendor-issued credential: the vendor (Sync, LipDub, ViralSync, Synthesia) creates and rotates it, so a Secrets Manager ' +
          'rotation Lambda cannot; rotate by storing a JSON array of the old and new value, then the new one alone.',
      });
      return s;
    };
    const viralsyncBaseUrl = this.node.tryGetContext('viralsyncStatusApiBaseUrl') as string | undefined;

    const alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Video webhook alarms', enforceSSL: true });

    this.ingestion = new VideoWebhookIngestion(this, 'Webhooks', {
      vendors: [
        Vendor.sync({
          webhookSecret: secret('SyncWebhookSecret', 'Sync webhook secret (whsec_...)'),
          apiKey: secret('SyncApiKey', 'Sync API key, for the status API'),
        }),
        Vendor.lipdub({
          webhookSecret: secret('LipDubWebhookKey', 'LipDub webhook key (sent as Authorization: Bearer)'),
          apiKey: secret('LipDubApiKey', 'LipDub API key, for the status API'),
        }),
        Vendor.viralsync({
          webhookSecret: secret('ViralSyncWebhookSecret', 'ViralSync webhook signing secret'),
          apiKey: secret('ViralSyncApiKey', 'ViralSync API key, for the status API'),
          statusApiBaseUrl: viralsyncBaseUrl,
          polling: viralsyncBaseUrl !== undefined,
        }),
        Vendor.synthesia({
          webhookSecret: secret('SynthesiaWebhookSecret', 'Synthesia webhook subscription secret'),
          apiKey: secret('SynthesiaApiKey', 'Synthesia API key, for the status API'),
        }),
      ],
      alarmTopic,
    });
    // The routes live under Webhooks/Verifiers/<vendor>/Route: acknowledged for the whole construct.
    Validations.of(this.ingestion).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Webhook routes cannot use IAM, JWT or Lambda authorizers: vendors send plain HTTPS POSTs. Each verifier authenticates ' +
        'the raw body (HMAC signature with timestamp tolerance, or the static key) before anything is parsed or stored.',
    });
    Validations.of(this.ingestion.quarantineQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'The quarantine is itself a terminal holding queue, like a DLQ: nothing consumes it automatically, and a receive limit ' +
        'would move messages away when an operator inspects them in the console. It is alarmed (QuarantineNotEmpty).',
    });
    Validations.of(this.ingestion).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The handlers are bundled for and tested on Node.js 22 (esbuild target node22); Node.js 22 is a supported Lambda ' +
        'runtime. The library moves runtimes in a release, not per deployment.',
    });

    // The archive (Webhooks/Archive): its bucket and the delivery stream's role.
    Validations.of(this.ingestion).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The archive bucket is written by one principal only, the delivery stream\'s role, under its prefix; server access logs would ' +
        'need a second bucket and a log object per request. Turn on CloudTrail S3 data events for it where reads must be audited.',
    });
    const archiveBucket = this.ingestion.archiveBucket?.node.defaultChild as CfnElement;
    Validations.of(this.ingestion).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(archiveBucket)}.Arn>/archive/*]`,
      reason:
        'The delivery stream writes objects whose keys Firehose names at delivery time (partition, time, random suffix): PutObject ' +
        'and AbortMultipartUpload on <bucket>/archive/* only, nothing else on the bucket\'s objects.',
    });
    Validations.of(this.ingestion).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(archiveBucket)}.Arn>/archive/vendor=*]`,
      reason:
        'The archive replay function reads the objects of the partitions it is asked for (vendor, day), whose keys Firehose names at ' +
        'delivery time: GetObject on <bucket>/archive/vendor=* only (and ListBucket conditioned on that prefix); it writes nothing there.',
    });

    const consumer = sampleConsumer(this);
    this.ingestion.addConsumer(consumer, { batchSize: 10 });
  }
}

/**
 * A consumer that logs each event, built on `videoJobEventHandler` from `cdk-video-webhooks/runtime`
 * (lambda/runtime/examples/sample-consumer.ts, bundled by `npm run build`): a record that fails
 * leaves itself and the rest of its job's records in the batch on the queue, so each job's events
 * are handled in order.
 */
function sampleConsumer(scope: Construct): lambda.Function {
  const logGroup = new logs.LogGroup(scope, 'SampleConsumerLogs', { retention: logs.RetentionDays.ONE_WEEK });
  const role = new iam.Role(scope, 'SampleConsumerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  const fn = new lambda.Function(scope, 'SampleConsumer', {
    description: 'Sample consumer of normalized video job events',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    timeout: Duration.seconds(30),
    memorySize: 128,
    role,
    logGroup,
    code: lambda.Code.fromAsset(sampleConsumerBundle()),
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'Matches the runtime of the pipeline functions (Node.js 22, a supported Lambda runtime) so the example runs one runtime.',
  });
  return fn;
}

/** assets/sample-consumer, written by `npm run build`. */
function sampleConsumerBundle(): string {
  const dir = join(__dirname, '..', 'assets', 'sample-consumer');
  if (!existsSync(join(dir, 'index.js'))) throw new Error(`the sample consumer bundle is missing (no index.js in ${dir}): run "npm run build" first`);
  return dir;
}

/** The example app, with cdk-nag's AwsSolutions pack: what `npx cdk synth` runs (tests build it too). */
export function exampleApp(app = new App()): { readonly app: App; readonly stack: VideoWebhooksExampleStack } {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new VideoWebhooksExampleStack(app, 'VideoWebhooksExample', {
    description: 'cdk-video-webhooks example: verified, deduplicated, ordered webhooks from AI video vendors',
  });
  return { app, stack };
}

if (require.main === module) exampleApp();
