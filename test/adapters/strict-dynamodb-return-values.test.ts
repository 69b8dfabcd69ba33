/**
 * ReturnValuesOnConditionCheckFailure on the strict local AWS: dynalite ignores the parameter
 * (https://github.com/architect/dynalite/issues/182), so the layer emulates it. What AWS documents:
 * the parameter takes NONE or ALL_OLD, and with ALL_OLD a PutItem, UpdateItem or DeleteItem whose
 * condition fails answers ConditionalCheckFailedException with `Item`, the item that failed the
 * check (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html,
 * https://docs.aws.amazon.com/botocore/latest/reference/services/dynamodb/client/exceptions/ConditionalCheckFailedException.html),
 * with no read units consumed. Checked through the real SDK client, which reads `Item` off the error.
 */
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freshBackend, testEmulators } from '../support/emulators';

type Item = Record<string, AttributeValue>;

async function failure(call: Promise<unknown>): Promise<{ name: string; message: string; item: Item | undefined; hasItem: boolean }> {
  try {
    await call;
  } catch (err) {
    const e = err as Error & { Item?: Item };
    return { name: e.name, message: e.message, item: e.Item, hasItem: e.Item !== undefined };
  }
  throw new Error('the call succeeded; its condition should have failed');
}

describe('strict local AWS: ReturnValuesOnConditionCheckFailure', () => {
  let dynamo: DynamoDBClient;
  let table: string;
  const stored: Item = {
    pk: { S: 'job-1' },
    version: { N: '7' },
    note: { S: 'émoji 😀' },
    blob: { B: new Uint8Array([0, 1, 2, 255]) },
    done: { BOOL: false },
    tags: { L: [{ S: 'a' }, { N: '1' }] },
    meta: { M: { k: { S: 'v' } } },
  };

  beforeAll(async () => {
    table = (await freshBackend()).tableName;
    dynamo = testEmulators().dynamoClient();
  });
  beforeEach(async () => {
    await dynamo.send(new PutItemCommand({ TableName: table, Item: stored }));
  });

  const versionIs = { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': { N: '1' } } };
  const update = (extra: object = {}) =>
    dynamo.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'job-1' } }, UpdateExpression: 'SET #v = :v', ...versionIs, ...extra }));

  it('answers a failed UpdateItem with the item that failed the check, every attribute type intact', async () => {
    const answer = await failure(update({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    expect(answer).toMatchObject({ name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
    expect(answer.item).toEqual(stored);
  });

  it('does the same for PutItem and DeleteItem', async () => {
    const put = await failure(dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'job-1' } }, ...versionIs, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
    const del = await failure(dynamo.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'job-1' } }, ...versionIs, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
    expect([put.item, del.item]).toEqual([stored, stored]);
  });

  it('gives no item with NONE, without the parameter, or when no item is stored', async () => {
    expect((await failure(update({ ReturnValuesOnConditionCheckFailure: 'NONE' }))).hasItem).toBe(false);
    expect((await failure(update())).hasItem).toBe(false);
    const absent = await failure(
      dynamo.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'nobody' } }, UpdateExpression: 'SET #v = :v', ...versionIs, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    );
    expect(absent).toMatchObject({ name: 'ConditionalCheckFailedException', hasItem: false });
  });

  it('rejects a value other than NONE and ALL_OLD (ValidationException), as AWS does', async () => {
    const answer = await failure(update({ ReturnValuesOnConditionCheckFailure: 'ALL_NEW' }));
    expect(answer.name).toBe('ValidationException');
    expect(answer.message).toContain('[ALL_OLD, NONE]');
  });

  it('returns the item the condition saw, not one written after it, while other writers change the item', async () => {
    // One writer flips `done` to true only if it is false; others set it back at once. An item
    // read after the failure instead of the one that failed could show done = false.
    const flip = () =>
      dynamo.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'job-1' } },
          UpdateExpression: 'SET done = :t',
          ConditionExpression: 'done = :f',
          ExpressionAttributeValues: { ':t': { BOOL: true }, ':f': { BOOL: false } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    const reset = () => dynamo.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'job-1' } }, UpdateExpression: 'SET done = :f', ExpressionAttributeValues: { ':f': { BOOL: false } } }));
    const seen: Array<boolean | undefined> = [];
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        i % 3 === 2
          ? reset()
          : flip().catch((err: Error & { Item?: Item }) => {
              if (err.name !== 'ConditionalCheckFailedException') throw err;
              seen.push(err.Item?.done?.BOOL);
            }),
      ),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((done) => done === true)).toBe(true);
  });
});
