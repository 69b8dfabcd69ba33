/**
 * JobStore on DynamoDB: one item per job, `pk = vendor#jobId`, TTL attribute `expiresAt` (epoch
 * seconds), and the sparse GSI `pending` (`pollVendor` = `vendor#shard`, `nextPollAt`) holding
 * only jobs that are not final. A claim is one conditional UpdateItem (dynamo-claim.ts); every
 * other write is a PutItem conditional on the version read.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../../contract/deployment';
import { RECENT_EVENT_IDS } from '../../core/claim';
import { jobKey } from '../../core/job-key';
import type { ClaimRequest, ClaimResult, DuePage, HintRequest, HintResult, JobRecord, JobStore } from '../../core/ports';
import { claimUpdate } from './dynamo-claim';
import { decodePendingTerminal, encodePendingTerminal } from './dynamo-pending';
import { hintUpdate } from './dynamo-hint';

export class DynamoJobStore implements JobStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(vendor: string, jobId: string): Promise<JobRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: jobKey(vendor, jobId) } }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const pending = request.terminal && request.pendingTerminal !== null ? encodePendingTerminal(request.vendor, request.jobId, request.eventId, request.pendingTerminal) : null;
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: jobKey(request.vendor, request.jobId) } },
          ...claimUpdate(request, { pollVendor: pendingKeyFor(request.vendor, request.jobId), pending }),
        }),
      );
      return { claimed: true, previous: out.Attributes ? fromItem(out.Attributes) : undefined };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const item = (err as ConditionalCheckFailedException).Item;
      return { claimed: false, current: item ? fromItem(item) : undefined };
    }
  }

  async hint(request: HintRequest): Promise<HintResult> {
    try {
      await this.client.send(new UpdateItemCommand({ TableName: this.tableName, Key: { pk: { S: jobKey(request.vendor, request.jobId) } }, ...hintUpdate(request) }));
      return { recorded: true };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const item = (err as ConditionalCheckFailedException).Item;
      return { recorded: false, current: item ? fromItem(item) : undefined };
    }
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
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /**
   * The index projects keys only (so the many writes that change a job's other attributes cost no
   * index write); the records themselves come from one consistent BatchGetItem per page. A vendor's
   * jobs are spread over its shards (and the unsharded key records of 0.1.0 still have): each page
   * queries the shards still open, merges their answers oldest first and keeps, in the cursor,
   * where each shard stands.
   */
  async listDue(vendor: string, dueAtMs: number, limit: number, cursor?: string): Promise<DuePage> {
    const open: ShardCursor[] = cursor ? decodeCursor(cursor) : pendingKeysOf(vendor).map((key) => ({ key, after: null }));
    const perShard = Math.min(limit, 100, Math.max(10, Math.ceil((2 * limit) / Math.max(open.length, 1))));
    const answers = await Promise.all(
      open.map((shard) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE_SCHEMA.pendingIndex,
            KeyConditionExpression: 'pollVendor = :v AND nextPollAt <= :due',
            ExpressionAttributeValues: { ':v': { S: shard.key }, ':due': { N: String(dueAtMs) } },
            ScanIndexForward: true,
            Limit: perShard,
            ...(shard.after ? { ExclusiveStartKey: shard.after } : {}),
          }),
        ),
      ),
    );
    // Oldest first, ties in each shard's own order: what is taken of a shard is always a prefix of
    // its answer, so the next page resumes each shard right after it (a tie broken any other way
    // could resume a shard past an entry it never returned).
    const merged = answers
      .flatMap((out, shard) => (out.Items ?? []).map((item, at) => ({ shard, at, item, due: Number(item.nextPollAt?.N ?? 0), pk: item.pk?.S ?? '' })))
      .sort((a, b) => a.due - b.due || a.shard - b.shard || a.at - b.at);
    const taken = merged.slice(0, Math.min(limit, 100));
    const next: ShardCursor[] = [];
    open.forEach((shard, i) => {
      const mine = taken.filter((t) => t.shard === i);
      const returned = answers[i].Items?.length ?? 0;
      const exhausted = mine.length === returned && answers[i].LastEvaluatedKey === undefined;
      if (exhausted) return;
      const last = mine[mine.length - 1]?.item;
      next.push({ key: shard.key, after: last ? indexKeyOf(last) : shard.after });
    });
    // Each job once, at its oldest entry. A global secondary index is eventually consistent
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Reads): a job a
    // 0.1.0 entry (unsharded key) has just moved to its shard can show under both keys, and
    // BatchGetItem refuses the whole call when a key repeats (ValidationException "Provided list of
    // item keys contains duplicates", undocumented: https://github.com/boto/boto3/issues/4131). The
    // cursor above still counts both entries as read, so neither is returned again.
    const keys = [...new Set(taken.map((t) => t.pk).filter((pk) => pk !== ''))];
    const records = await this.batchGet(keys);
    return {
      // Oldest first; a record that became final or moved on since the query is left out.
      items: keys.map((pk) => records.get(pk)).filter((r): r is JobRecord => r !== undefined && r.nextPollAtMs !== null && r.nextPollAtMs <= dueAtMs),
      cursor: next.length > 0 ? Buffer.from(JSON.stringify(next)).toString('base64url') : undefined,
    };
  }

  private async batchGet(keys: readonly string[]): Promise<Map<string, JobRecord>> {
    const found = new Map<string, JobRecord>();
    let request: Record<string, AttributeValue>[] = keys.map((pk) => ({ pk: { S: pk } }));
    for (let attempt = 0; request.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 1000)));
      if (attempt > 8) throw new Error(`BatchGetItem left ${request.length} keys unprocessed after ${attempt} attempts`);
      const out = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: request, ConsistentRead: true } } }));
      for (const item of out.Responses?.[this.tableName] ?? []) found.set(item.pk?.S ?? '', fromItem(item));
      request = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
    }
    return found;
  }
}

/**
 * The size DynamoDB bills a record's item by: attribute names plus values (UTF-8 strings, raw
 * binary, numbers at about one byte per two digits plus one). For the cost model.
 */
export function itemSizeOf(record: JobRecord): number {
  let size = 0;
  for (const [name, value] of Object.entries(toItem(record))) {
    size += Buffer.byteLength(name);
    if (value.S !== undefined) size += Buffer.byteLength(value.S);
    else if (value.N !== undefined) size += Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
    else if (value.B !== undefined) size += value.B.length;
    else if (value.BOOL !== undefined) size += 1;
  }
  return size;
}

function isConditionFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';
}

/** Where one shard of a vendor's `pending` entries stands: its partition key, and the last entry read. */
interface ShardCursor {
  readonly key: string;
  readonly after: Record<string, AttributeValue> | null;
}

function decodeCursor(cursor: string): ShardCursor[] {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as ShardCursor[];
}

/** An index entry's key as ExclusiveStartKey takes it: the table key and the index key. */
function indexKeyOf(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return { pk: item.pk, pollVendor: item.pollVendor, nextPollAt: item.nextPollAt };
}

/** The `pending` partition keys of a vendor: its shards, then the unsharded key (written by 0.1.0). */
export function pendingKeysOf(vendor: string): string[] {
  return [...Array.from({ length: TABLE_SCHEMA.pendingShards }, (_, i) => `${vendor}#${i}`), vendor];
}

/** The `pending` partition key of a job: its vendor's shard by an FNV-1a hash of the job id. */
export function pendingKeyFor(vendor: string, jobId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < jobId.length; i++) hash = Math.imul(hash ^ jobId.charCodeAt(i), 0x01000193);
  return `${vendor}#${(hash >>> 0) % TABLE_SCHEMA.pendingShards}`;
}

/** The kept terminal event of an item; unreadable, it is treated as not kept (the same status arriving again still recovers the job). */
function pendingOf(value: AttributeValue | undefined, vendor: string, jobId: string, eventId: string | null): string | null {
  return value?.B === undefined ? null : decodePendingTerminal(vendor, jobId, eventId ?? '', value.B);
}

/** The item of a record (exported for the registration-attributes check). */
export function toItem(r: JobRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: jobKey(r.vendor, r.jobId) },
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
  // The delivered last event too: a claim (dynamo-claim.ts) replaces lastEventId without rewriting
  // this attribute, and must not make the job forget that id if its attempt dies before the mark.
  const delivered = r.lastEventId !== null && r.lastEventDelivered ? [...r.recentEventIds.filter((id) => id !== r.lastEventId), r.lastEventId] : r.recentEventIds;
  if (delivered.length > 0) item.recentEventIds = { S: delivered.join(' ') };
  if (r.terminalEventId !== null) item.terminalEventId = { S: r.terminalEventId };
  // Deflated with what the record holds as its dictionary (dynamo-pending.ts): a realistic terminal
  // event (0.7-1.6 KB of JSON) then fits beside the record in the 1 KB of one write request unit.
  if (r.pendingTerminal !== null) item.pendingTerminal = { B: encodePendingTerminal(r.vendor, r.jobId, r.terminalEventId ?? '', r.pendingTerminal) };
  if (r.leaseUntilMs !== null) item.leaseUntilMs = { N: String(r.leaseUntilMs) };
  if (r.hintedAtMs !== undefined) item.hintedAtMs = { N: String(r.hintedAtMs) };
  if (r.nextPollAtMs !== null) {
    // Present only while the job is not final: this is what makes the `pending` index sparse.
    item.pollVendor = { S: pendingKeyFor(r.vendor, r.jobId) };
    item.nextPollAt = { N: String(r.nextPollAtMs) };
  }
  return item;
}

function fromItem(item: Record<string, AttributeValue>): JobRecord {
  const s = (k: string): string | null => item[k]?.S ?? null;
  const n = (k: string): number | null => (item[k]?.N === undefined ? null : Number(item[k].N));
  // The key is the truth: a record reads as the job its key names, whatever else an item says.
  const pk = s('pk') ?? '';
  const hash = pk.indexOf('#');
  const vendor = hash < 0 ? (s('vendor') ?? '') : pk.slice(0, hash);
  const jobId = hash < 0 ? (s('jobId') ?? '') : pk.slice(hash + 1);
  return {
    vendor,
    jobId,
    version: n('version') ?? 0,
    status: (s('status') ?? 'registered') as JobRecord['status'],
    position: n('position') ?? 0,
    lastEventId: s('lastEventId'),
    lastEventDelivered: item.lastEventDelivered?.BOOL ?? false,
    // Besides the last event (which the item's attribute holds too once delivered), newest kept.
    recentEventIds: (s('recentEventIds')?.split(' ') ?? []).filter((id) => id.length > 0 && id !== s('lastEventId')).slice(-RECENT_EVENT_IDS),
    leaseUntilMs: n('leaseUntilMs'),
    terminalEventId: s('terminalEventId'),
    terminalDelivered: item.terminalDelivered?.BOOL ?? false,
    pendingTerminal: pendingOf(item.pendingTerminal, vendor, jobId, s('terminalEventId')),
    lastActivityMs: n('lastActivityMs') ?? 0,
    createdAtMs: n('createdAtMs') ?? 0,
    nextPollAtMs: n('nextPollAt'),
    pollAttempts: n('pollAttempts') ?? 0,
    expiresAtMs: n('expiresAtMs') ?? (n('expiresAt') ?? 0) * 1000,
    ...(n('hintedAtMs') !== null ? { hintedAtMs: n('hintedAtMs') as number } : {}),
  };
}
