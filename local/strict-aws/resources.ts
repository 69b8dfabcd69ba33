/**
 * Creates the table and queues the constructs deploy, on a local emulator (dynalite, fauxqs):
 * the same key schema, index and FIFO settings, so local runs exercise the same conditions.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULTS, TABLE_SCHEMA } from '../../lambda/contract/deployment';

export async function createJobTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.pendingPartitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.pendingSortKey, AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE_SCHEMA.pendingIndex,
          KeySchema: [
            { AttributeName: TABLE_SCHEMA.pendingPartitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_SCHEMA.pendingSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
}

export interface LocalQueues {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly quarantineQueueUrl: string;
}

export interface LocalQueueOptions {
  /** @default DEFAULTS.maxReceiveCount (5) */
  readonly maxReceiveCount?: number;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
}

/** The events queue with its FIFO DLQ, and the quarantine queue; names get `prefix`. */
export async function createQueues(client: SQSClient, prefix: string, options: LocalQueueOptions = {}): Promise<LocalQueues> {
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  // High-throughput mode, as the constructs create the events queue and the quarantine.
  const highThroughput = { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' };
  const deadLetterQueueUrl = await createQueue(client, `${prefix}-dlq.fifo`, { ...fifo, MessageRetentionPeriod: '1209600' });
  const dlqArn = await queueArn(client, deadLetterQueueUrl);
  const queueUrl = await createQueue(client, `${prefix}-events.fifo`, {
    ...fifo,
    ...highThroughput,
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? DEFAULTS.maxReceiveCount }),
  });
  const quarantineQueueUrl = await createQueue(client, `${prefix}-quarantine.fifo`, { ...fifo, ...highThroughput, MessageRetentionPeriod: '1209600' });
  return { queueUrl, deadLetterQueueUrl, quarantineQueueUrl };
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  const out = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!out.QueueUrl) throw new Error(`the emulator returned no url for queue ${name}`);
  return out.QueueUrl;
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`the emulator returned no arn for ${queueUrl}`);
  return arn;
}
