/**
 * The two apps the template-driven tests check: the example app (bin/app.ts) and a large one, the
 * four built-in vendors plus four custom vendors with README-sized options, secrets imported by
 * name or ARN and encrypted with customer KMS keys (one in the stack, one imported by ARN, as a key
 * of a security account or of another stack is), and an existing queue and table with their keys.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { exampleApp } from '../../bin/app';
import { SignatureEncoding, Vendor, VideoWebhookIngestion, WebhookAuth, type CustomVendorAdapterOptions } from '../../lib';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export interface BuiltApp {
  readonly name: string;
  readonly stack: Stack;
  readonly ingestion: VideoWebhookIngestion;
}

export function exampleStack(): BuiltApp {
  const { stack } = exampleApp(new App());
  return { name: 'example app', stack, ingestion: stack.ingestion };
}

/** The README's custom vendor options, with a different header per vendor. */
function readmeOptions(i: number): CustomVendorAdapterOptions {
  return {
    auth: WebhookAuth.hmac({
      signatureHeader: `x-vendor${i}-signature`,
      encoding: SignatureEncoding.HEX,
      signaturePrefix: 'sha256=',
      timestampHeader: `x-vendor${i}-timestamp`,
      template: '{timestamp}.{body}',
      tolerance: Duration.minutes(5),
    }),
    paths: {
      jobId: 'data.job.id',
      status: 'data.job.state',
      errorMessage: 'data.job.error.message',
      errorCode: 'data.job.error.code',
      outputUrl: 'data.job.result.url',
      progress: 'data.job.progress',
      time: 'created_at',
      eventType: 'type',
    },
    statusMap: { queued: 'queued', rendering: 'processing', done: 'succeeded', error: 'failed', canceled: 'cancelled' },
    statusUrlTemplate: `https://api.vendor${i}.example/v1/jobs/{jobId}`,
    apiKeyHeader: 'authorization',
    apiKeyPrefix: 'Bearer ',
  };
}

export function largeStack(): BuiltApp {
  const stack = new Stack(new App(), 'LargeVideoWebhooks', { env: { account: ACCOUNT, region: REGION } });
  const secretsKey = new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true });
  const queueKey = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
  const tableKey = new kms.Key(stack, 'TableKey', { enableKeyRotation: true });
  // Imported by name (no key known), and by partial ARN with their customer key.
  const byName = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, `Name-${name}`, name);
  const withKey = (name: string) =>
    secretsmanager.Secret.fromSecretAttributes(stack, `Arn-${name}`, {
      secretPartialArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`,
      encryptionKey: secretsKey,
    });
  // By complete ARN, with a key the stack only knows by its ARN.
  const importedKey = kms.Key.fromKeyArn(stack, 'ImportedSecretsKey', `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`);
  const withImportedKey = (name: string) =>
    secretsmanager.Secret.fromSecretAttributes(stack, `Complete-${name}`, {
      secretCompleteArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-Ab1Cd2`,
      encryptionKey: importedKey,
    });
  const existingDlq = new sqs.Queue(stack, 'ExistingDlq', { fifo: true, encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: queueKey, enforceSSL: true });
  const existingQueue = new sqs.Queue(stack, 'ExistingEvents', {
    fifo: true,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: queueKey,
    enforceSSL: true,
    deadLetterQueue: { queue: existingDlq, maxReceiveCount: 5 },
  });
  const existingTable = new dynamodb.Table(stack, 'ExistingJobs', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiresAt',
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: tableKey,
  });
  existingTable.addGlobalSecondaryIndex({
    indexName: 'pending',
    partitionKey: { name: 'pollVendor', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'nextPollAt', type: dynamodb.AttributeType.NUMBER },
    projectionType: dynamodb.ProjectionType.KEYS_ONLY,
  });
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', {
    vendors: [
      Vendor.sync({ webhookSecret: withImportedKey('video/sync/webhook'), apiKey: withImportedKey('video/sync/api-key') }),
      Vendor.lipdub({ webhookSecret: byName('video/lipdub/webhook-key'), apiKey: withKey('video/lipdub/api-key') }),
      Vendor.viralsync({ webhookSecret: byName('video/viralsync/webhook'), apiKey: withKey('video/viralsync/api-key'), statusApiBaseUrl: 'https://api.viralsync.example' }),
      Vendor.synthesia({ webhookSecret: withKey('video/synthesia/webhook'), apiKey: withKey('video/synthesia/api-key') }),
      // The catalogue: every other built-in vendor, each way of reporting (signed, public-key, unsigned, poll only).
      Vendor.replicate({ webhookSecret: withKey('video/replicate/webhook'), apiKey: byName('video/replicate/api-token') }),
      Vendor.mux({ webhookSecret: byName('video/mux/webhook'), apiKey: withKey('video/mux/access-token') }),
      Vendor.elevenlabs({ webhookSecret: withKey('video/elevenlabs/webhook'), apiKey: withKey('video/elevenlabs/api-key') }),
      Vendor.fal({ webhookSecret: byName('video/fal/user-ids'), apiKey: withKey('video/fal/api-key'), modelId: 'fal-ai/kling-video' }),
      Vendor.luma({ webhookSecret: withKey('video/luma/callback-token'), apiKey: withKey('video/luma/api-key') }),
      Vendor.runway({ apiKey: withImportedKey('video/runway/api-key') }),
      Vendor.heygen({ webhookSecret: byName('video/heygen/callback-token'), apiKey: byName('video/heygen/api-key') }),
      Vendor.tavus({ webhookSecret: withKey('video/tavus/callback-token'), apiKey: withKey('video/tavus/api-key') }),
      ...[1, 2, 3, 4].map((i) =>
        Vendor.custom({
          id: `vendor${i}`,
          // Names that end like a Secrets Manager suffix (a hyphen and six characters).
          webhookSecret: i % 2 ? byName(`video/vendor${i}/webhook-abcdef`) : withKey(`video/vendor${i}/webhook`),
          apiKey: withKey(`video/vendor${i}/api-key`),
          adapterOptions: readmeOptions(i),
        }),
      ),
    ],
    queue: { existingQueue, existingDeadLetterQueue: existingDlq },
    table: { existingTable },
    alarmTopic: new sns.Topic(stack, 'Alarms', { masterKey: secretsKey }),
  });
  const consumer = new lambda.Function(stack, 'Consumer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  });
  ingestion.addConsumer(consumer);
  const producer = new lambda.Function(stack, 'Producer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  ingestion.grantRegisterJobs(producer);
  ingestion.addJobRegistrationEnvironment(producer);
  ingestion.grantReplayQuarantine(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
  return { name: 'large app', stack, ingestion };
}
