/**
 * Validation in one place with one style: the range and duration checks of every construct and
 * vendor are the helpers of lib/private/validate.ts, and an error names where it comes from: the
 * construct's path (`Stack/Webhooks/Alarms: ...`, as aws-cdk-lib's own validation errors carry
 * it), or, for a vendor factory, which runs before it has a scope, the vendor (`vendor acme: ...`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Vendor, VideoWebhookIngestion, WebhookAuth, WebhookEventQueue, WebhookJobTable, WebhookQuarantineQueue, type VideoWebhookIngestionProps } from '../../lib';

const root = join(__dirname, '..', '..');

function stack(): Stack {
  return new Stack(new App(), 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
}

function ingestion(props: Partial<VideoWebhookIngestionProps> = {}, s = stack()): VideoWebhookIngestion {
  const webhookSecret = secretsmanager.Secret.fromSecretNameV2(s, 'Secret', 'sync/webhook');
  return new VideoWebhookIngestion(s, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret })], ...props });
}

describe('a validation error', () => {
  it.each<[string, () => unknown, string]>([
    ['a setting of VideoWebhookIngestion', () => ingestion({ maxBodyBytes: 10 }), 'Shop/Webhooks: maxBodyBytes 10 is out of range: use a whole number from 1024 to 716800 (default 262144)'],
    ['a duration of VideoWebhookIngestion', () => ingestion({ pollerTimeout: Duration.minutes(20) }), 'Shop/Webhooks: pollerTimeout 20 minutes is out of range: use 30 seconds to 15 minutes'],
    ['a rule between two settings', () => ingestion({ staleAfter: Duration.hours(2), giveUpAfter: Duration.hours(1) }), 'Shop/Webhooks: giveUpAfter 1 hour is not longer than staleAfter 2 hours'],
    ['an empty vendor list', () => ingestion({ vendors: [] }), 'Shop/Webhooks: vendors is empty: pass at least one vendor'],
    ['a vendor bound twice', () => {
      const s = stack();
      const webhookSecret = secretsmanager.Secret.fromSecretNameV2(s, 'S', 'x');
      return new VideoWebhookIngestion(s, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret }), Vendor.sync({ webhookSecret })] });
    }, 'Shop/Webhooks: vendor id "sync" is given twice'],
    ['an alarm threshold', () => ingestion({ alarmThresholds: { rejectionsPer5Minutes: 0 } }), 'Shop/Webhooks/Alarms: alarmThresholds.rejectionsPer5Minutes 0 is out of range: use a whole number from 1 to 1000000'],
    ['a queue setting', () => new WebhookEventQueue(stack(), 'Events', { maxReceiveCount: 0 }), 'Shop/Events: maxReceiveCount 0 is out of range: use a whole number from 1 to 1000'],
    ['an existing queue with new-queue settings', () => {
      const s = stack();
      return new WebhookQuarantineQueue(s, 'Quarantine', { existingQueue: sqs.Queue.fromQueueArn(s, 'Q', 'arn:aws:sqs:eu-west-1:111111111111:q.fifo'), retentionPeriod: Duration.days(1) });
    }, 'Shop/Quarantine: existingQueue cannot be combined with retentionPeriod'],
    ['an existing table with new-table settings', () => {
      const s = stack();
      return new WebhookJobTable(s, 'Jobs', { existingTable: dynamodb.Table.fromTableName(s, 'T', 'jobs'), tableName: 'x' });
    }, 'Shop/Jobs: existingTable cannot be combined with tableName'],
    ['a consumer option', () => {
      const w = ingestion();
      const fn = new lambda.Function(w, 'Consumer', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
      return w.addConsumer(fn, { batchSize: 11 });
    }, 'Shop/Webhooks: batchSize 11 is out of range: use a whole number from 1 to 10'],
    ['an unknown vendor id', () => ingestion().endpointUrl('heygen'), 'Shop/Webhooks: unknown vendor "heygen"'],
  ])('of %s starts with the construct path', (_what, attempt, message) => {
    expect(attempt).toThrow(message);
    expect(() => attempt()).toThrow(new RegExp(`^${message.split(':')[0]}: `));
  });

  it.each<[string, () => unknown, string]>([
    ['a tolerance', () => Vendor.sync({ webhookSecret: secret(), timestampTolerance: Duration.days(2) }), 'vendor sync: timestampTolerance 172800 seconds is out of range: use 1 second to 24 hours'],
    ['a request rate', () => Vendor.lipdub({ id: 'lipdub-eu', webhookSecret: secret(), pollRequestsPerMinute: 0 }), 'vendor lipdub-eu: pollRequestsPerMinute 0 is out of range'],
    ['a request timeout', () => Vendor.synthesia({ webhookSecret: secret(), statusRequestTimeout: Duration.minutes(2) }), 'vendor synthesia: statusRequestTimeout 2 minutes is out of range'],
    ['an auth option', () => WebhookAuth.standardWebhooks({ tolerance: Duration.days(2) }), 'WebhookAuth.standardWebhooks: tolerance 172800 seconds is out of range: use 1 second to 24 hours'],
  ])('of a vendor factory (no scope yet) names the vendor: %s', (_what, attempt, message) => {
    expect(attempt).toThrow(message);
  });

  it('comes from the one set of helpers: no range check is written outside lib/private/validate.ts', () => {
    const inline = sourceFiles('lib').filter((file) => file !== 'lib/private/validate.ts' && /is out of range/.test(readFileSync(join(root, file), 'utf8')));
    expect(inline).toEqual([]);
  });
});

const secretStack = stack();
function secret(): secretsmanager.ISecret {
  return secretsmanager.Secret.fromSecretNameV2(secretStack, `S${secretStack.node.children.length}`, 'x');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}
