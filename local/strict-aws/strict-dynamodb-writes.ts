/**
 * Single-item writes (PutItem, UpdateItem, DeleteItem) on the strict local AWS, with
 * `ReturnValuesOnConditionCheckFailure`, which dynalite ignores
 * (https://github.com/architect/dynalite/issues/182). AWS takes `NONE` or `ALL_OLD`; with `ALL_OLD`,
 * a write whose condition fails answers ConditionalCheckFailedException carrying `Item`, the item
 * that failed the check, and no item when none is stored
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#DDB-UpdateItem-request-ReturnValuesOnConditionCheckFailure,
 * https://docs.aws.amazon.com/botocore/latest/reference/services/dynamodb/client/exceptions/ConditionalCheckFailedException.html).
 *
 * The layer sends the write without the parameter and, when the condition failed, reads the item
 * back. For that item to be the one the condition saw, the layer serializes the single-item writes
 * of each key: no write through it can land between the failed one and the read. (BatchWriteItem
 * is not serialized with them; nothing here writes an item by batch and conditionally at once.)
 */
import type { Admission, AwsRejection, UpstreamCall } from './strict-service';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const RETURN_VALUES = ['ALL_OLD', 'NONE'];

type Item = Readonly<Record<string, unknown>>;

export class ItemWrites {
  /** The last write queued per table and key. */
  private readonly tails = new Map<string, Promise<unknown>>();

  /**
   * Runs a single-item write through the emulator in its key's turn (undefined for any other call,
   * or one dynalite answers itself: no such table, no key), answering what AWS would.
   */
  async admit(action: string, input: Record<string, unknown>, upstream: UpstreamCall, primaryKey: readonly string[] | undefined): Promise<AwsRejection | Admission | undefined> {
    if (!WRITES.has(action)) return undefined;
    const wanted = input.ReturnValuesOnConditionCheckFailure;
    if (wanted !== undefined && !RETURN_VALUES.includes(wanted as string)) {
      return {
        code: 'ValidationException',
        message: `1 validation error detected: Value '${String(wanted)}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
      };
    }
    const key = primaryKey && keyOf((action === 'PutItem' ? input.Item : input.Key) as Item | undefined, primaryKey);
    if (!key) return undefined;
    const write = { ...input };
    delete write.ReturnValuesOnConditionCheckFailure;
    return this.inTurn(`${String(input.TableName)}\u0000${JSON.stringify(key)}`, async () => {
      const { status, output } = await upstream(action, write);
      if (output === undefined) return { answer: { __type: 'StrictLocalAwsProxyError', message: `strict local AWS: dynalite gave no JSON answer to ${action}` }, answerStatus: 502 };
      if (wanted === 'ALL_OLD' && status === 400 && isConditionFailed(output)) {
        const read = await upstream('GetItem', { TableName: input.TableName, Key: key, ConsistentRead: true });
        const item = (read.output as { Item?: Item } | undefined)?.Item;
        return { answer: item ? { ...(output as object), Item: item } : output, answerStatus: 400 };
      }
      return { answer: output, answerStatus: status };
    });
  }

  private inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(work, work);
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }
}

/** The primary key attributes of an item or key, in schema order; undefined when one is missing. */
function keyOf(values: Item | undefined, names: readonly string[]): Record<string, unknown> | undefined {
  if (!values || typeof values !== 'object') return undefined;
  const key: Record<string, unknown> = {};
  for (const name of names) {
    if (values[name] === undefined) return undefined;
    key[name] = values[name];
  }
  return key;
}

function isConditionFailed(output: unknown): boolean {
  const type = (output as { __type?: unknown })?.__type;
  return typeof type === 'string' && type.endsWith('#ConditionalCheckFailedException');
}
