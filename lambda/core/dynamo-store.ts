/**
 * JobStore on DynamoDB: one item per job, `pk = vendor#jobId`, TTL attribute `expiresAt` (epoch
 * seconds), and the sparse GSI `pending` (`pollVendor`, `nextPollAt`) holding only jobs that are
 * not final. Every write is a conditional PutItem on the version read.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../config';
import type { DuePage, JobRecord, JobStore } from './ports';

export { TABLE_SCHEMA };

export class DynamoJobStore implements JobStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(vendor: string, jobId: string): Promise<JobRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: keyOf(vendor, jobId) } }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async put(record: JobRecord, expectedVersion: number | null): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ...(expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } } }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async listDue(vendor: string, dueAtMs: number, limit: number, cursor?: string): Promise<DuePage> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_SCHEMA.pendingIndex,
        KeyConditionExpression: 'pollVendor = :v AND nextPollAt <= :due',
        ExpressionAttributeValues: { ':v': { S: vendor }, ':due': { N: String(dueAtMs) } },
        ScanIndexForward: true,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) } : {}),
      }),
    );
    return {
      items: (out.Items ?? []).map(fromItem),
      cursor: out.LastEvaluatedKey ? Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') : undefined,
    };
  }
}

export function keyOf(vendor: string, jobId: string): string {
  return `${vendor}#${jobId}`;
}

function toItem(r: JobRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: keyOf(r.vendor, r.jobId) },
    vendor: { S: r.vendor },
    jobId: { S: r.jobId },
    version: { N: String(r.version) },
    status: { S: r.status },
    position: { N: String(r.position) },
    lastEventDelivered: { BOOL: r.lastEventDelivered },
    terminalDelivered: { BOOL: r.terminalDelivered },
    lastActivityMs: { N: String(r.lastActivityMs) },
    createdAtMs: { N: String(r.createdAtMs) },
    pollAttempts: { N: String(r.pollAttempts) },
    expiresAtMs: { N: String(r.expiresAtMs) },
    expiresAt: { N: String(Math.ceil(r.expiresAtMs / 1000)) },
  };
  if (r.lastEventId !== null) item.lastEventId = { S: r.lastEventId };
  if (r.terminalEventId !== null) item.terminalEventId = { S: r.terminalEventId };
  if (r.leaseUntilMs !== null) item.leaseUntilMs = { N: String(r.leaseUntilMs) };
  if (r.nextPollAtMs !== null) {
    // Present only while the job is not final: this is what makes the `pending` index sparse.
    item.pollVendor = { S: r.vendor };
    item.nextPollAt = { N: String(r.nextPollAtMs) };
  }
  return item;
}

function fromItem(item: Record<string, AttributeValue>): JobRecord {
  const s = (k: string): string | null => item[k]?.S ?? null;
  const n = (k: string): number | null => (item[k]?.N === undefined ? null : Number(item[k].N));
  return {
    vendor: s('vendor') ?? '',
    jobId: s('jobId') ?? '',
    version: n('version') ?? 0,
    status: (s('status') ?? 'registered') as JobRecord['status'],
    position: n('position') ?? 0,
    lastEventId: s('lastEventId'),
    lastEventDelivered: item.lastEventDelivered?.BOOL ?? false,
    leaseUntilMs: n('leaseUntilMs'),
    terminalEventId: s('terminalEventId'),
    terminalDelivered: item.terminalDelivered?.BOOL ?? false,
    lastActivityMs: n('lastActivityMs') ?? 0,
    createdAtMs: n('createdAtMs') ?? 0,
    nextPollAtMs: n('nextPollAt'),
    pollAttempts: n('pollAttempts') ?? 0,
    expiresAtMs: n('expiresAtMs') ?? (n('expiresAt') ?? 0) * 1000,
  };
}
