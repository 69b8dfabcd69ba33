/**
 * The strict local AWS (local/strict-aws/strict-aws.ts) through the real SDK clients and the
 * emulators jest's globalSetup started behind it: for each AWS limit, a call AWS would reject fails
 * with the exception AWS's answer makes the SDK raise, and a call right at the limit passes; bodies
 * SQS accepts (emoji, every allowed character class) come back from fauxqs exactly as sent.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { drainQueue, freshBackend, testEmulators, type TestBackend } from '../support/emulators';

const MIB = 1_048_576;
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

async function awsError(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('the call succeeded; AWS would have rejected it');
}

describe('strict local AWS: SQS', () => {
  let backend: TestBackend;
  let sqs: SQSClient;
  let queueUrl: string;
  let standardUrl: string;

  beforeAll(async () => {
    backend = await freshBackend();
    sqs = backend.sqs;
    queueUrl = backend.queueUrl;
    standardUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `std-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
  });
  afterEach(async () => {
    await drainQueue(sqs, queueUrl);
  });

  const send = (overrides: Partial<ConstructorParameters<typeof SendMessageCommand>[0]> = {}) =>
    sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{}', MessageGroupId: `g-${randomUUID()}`, MessageDeduplicationId: randomUUID(), ...overrides }));

  /** Sends one message and receives (and deletes) what the queue then holds. */
  async function roundTrip(body: string, attributes?: Record<string, MessageAttributeValue>) {
    const sent = await send({ MessageBody: body, MessageAttributes: attributes });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    for (const m of got.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    return { sent, messages: got.Messages ?? [] };
  }

  describe('MessageGroupId and MessageDeduplicationId', () => {
    it.each([
      ['a space', 'sync#job 1'],
      ['a non-ASCII letter', 'sync#jobé'],
      ['an emoji', 'sync#job😀'],
      ['a newline', 'sync#job\n'],
    ])('rejects a MessageGroupId with %s (InvalidParameterValue)', async (_what, group) => {
      expect(await awsError(send({ MessageGroupId: group }))).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    });

    it('rejects a MessageGroupId of 129 characters and takes one of 128 made of letters, digits and every punctuation character', async () => {
      expect(await awsError(send({ MessageGroupId: 'g'.repeat(129) }))).toMatchObject({ name: 'InvalidParameterValue' });
      const atLimit = `${PUNCTUATION}aZ09`.padEnd(128, 'x');
      expect(atLimit).toHaveLength(128);
      await expect(send({ MessageGroupId: atLimit })).resolves.toMatchObject({ MessageId: expect.any(String) });
    });

    it('rejects a MessageDeduplicationId with a space or of 129 characters, takes one of 128', async () => {
      expect(await awsError(send({ MessageDeduplicationId: 'evt 1' }))).toMatchObject({ name: 'InvalidParameterValue' });
      expect(await awsError(send({ MessageDeduplicationId: 'd'.repeat(129) }))).toMatchObject({ name: 'InvalidParameterValue' });
      await expect(send({ MessageDeduplicationId: `${PUNCTUATION}`.padEnd(128, '9') })).resolves.toMatchObject({ MessageId: expect.any(String) });
    });

    it('rejects a FIFO message without MessageGroupId (MissingParameter) and a MessageDeduplicationId on a standard queue (InvalidParameterValue)', async () => {
      expect(await awsError(send({ MessageGroupId: undefined }))).toMatchObject({ name: 'MissingParameter' });
      expect(await awsError(sqs.send(new SendMessageCommand({ QueueUrl: standardUrl, MessageBody: 'x', MessageDeduplicationId: 'd' })))).toMatchObject({ name: 'InvalidParameterValue' });
    });
  });

  describe('message size (1 MiB, attributes included, in UTF-8 bytes)', () => {
    it('takes a body of exactly 1,048,576 bytes and rejects 1,048,577 (InvalidParameterValue)', async () => {
      await expect(send({ MessageBody: 'a'.repeat(MIB) })).resolves.toMatchObject({ MessageId: expect.any(String) });
      expect(await awsError(send({ MessageBody: 'a'.repeat(MIB + 1) }))).toMatchObject({ name: 'InvalidParameterValue' });
    });

    it('counts attribute names, types and values toward the limit', async () => {
      const attributes = { 'ce-type': { DataType: 'String', StringValue: 'video.job.succeeded' } };
      const attributeBytes = 'ce-type'.length + 'String'.length + 'video.job.succeeded'.length;
      await expect(send({ MessageBody: 'a'.repeat(MIB - attributeBytes), MessageAttributes: attributes })).resolves.toMatchObject({ MessageId: expect.any(String) });
      expect(await awsError(send({ MessageBody: 'a'.repeat(MIB - attributeBytes + 1), MessageAttributes: attributes }))).toMatchObject({ name: 'InvalidParameterValue' });
    });

    it('counts bytes, not characters: 262,144 emoji (1 MiB) pass and come back whole, one more is rejected', async () => {
      const body = '😀'.repeat(MIB / 4);
      const { messages } = await roundTrip(body);
      expect(messages.map((m) => m.Body === body)).toEqual([true]);
      expect(await awsError(send({ MessageBody: `${body}a` }))).toMatchObject({ name: 'InvalidParameterValue' });
    });
  });

  describe('message body characters', () => {
    it.each([
      ['U+0000', '\u0000'],
      ['U+0008', '\u0008'],
      ['U+FFFE', '\uFFFE'],
      ['U+FFFF', '\uFFFF'],
      ['a lone high surrogate', '\uD83D'],
      ['a lone low surrogate', '\uDE00'],
    ])('rejects a body with %s (InvalidMessageContents)', async (_what, character) => {
      expect(await awsError(send({ MessageBody: `{"a":"${character}"}` }))).toMatchObject({ name: 'InvalidMessageContents', status: 400 });
    });

    it('rejects an empty body (MissingParameter)', async () => {
      expect(await awsError(send({ MessageBody: '' }))).toMatchObject({ name: 'MissingParameter' });
    });

    it('gives back a body of every allowed character class exactly as sent, MD5 digests agreeing', async () => {
      const body = ['\t\n\r', ' ', '~', '\u007F', '\u00E9', '\u20AC', '\uD7FF', '\uE000', '\uF8FF', '\uFFFD', '\u{10000}', '😀', '🇫🇷', '𝄞', '\u{10FFFF}'].join('|');
      const { sent, messages } = await roundTrip(body);
      expect(messages.map((m) => m.Body)).toEqual([body]);
      expect(messages[0].MD5OfBody).toBe(sent.MD5OfMessageBody);
    });

    it('gives back an emoji body with its group and deduplication ids, and drops a resend with the same deduplication id', async () => {
      const body = JSON.stringify({ note: 'rendered 🎬 in 🇫🇷' });
      const dedup = randomUUID();
      await send({ MessageBody: body, MessageDeduplicationId: dedup, MessageGroupId: 'vendor#job-1' });
      await send({ MessageBody: body, MessageDeduplicationId: dedup, MessageGroupId: 'vendor#job-1' });
      expect(await drainQueue(sqs, queueUrl)).toEqual([{ body, groupId: 'vendor#job-1', dedupId: dedup }]);
    });

    it('gives back a body that starts like the layer’s own references, untouched', async () => {
      const body = '\uE000strict-local-aws:kept-body:not-a-reference';
      const { messages } = await roundTrip(body);
      expect(messages.map((m) => m.Body)).toEqual([body]);
    });
  });

  describe('message attributes', () => {
    const attrs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));

    it('takes 10 attributes and rejects 11 (InvalidParameterValue)', async () => {
      await expect(send({ MessageAttributes: attrs(10) })).resolves.toMatchObject({ MessageId: expect.any(String) });
      expect(await awsError(send({ MessageAttributes: attrs(11) }))).toMatchObject({ name: 'InvalidParameterValue' });
    });

    it.each([
      ['a reserved AWS. prefix', 'AWS.trace'],
      ['a reserved Amazon. prefix in another casing', 'amazon.x'],
      ['a space', 'ce type'],
      ['a leading period', '.x'],
      ['two periods in a row', 'a..b'],
      ['257 characters', 'n'.repeat(257)],
    ])('rejects an attribute name with %s (InvalidParameterValue)', async (_what, name) => {
      expect(await awsError(send({ MessageAttributes: { [name]: { DataType: 'String', StringValue: 'v' } } }))).toMatchObject({ name: 'InvalidParameterValue' });
    });

    it('takes an attribute name of 256 characters', async () => {
      await expect(send({ MessageAttributes: { ['n'.repeat(256)]: { DataType: 'String', StringValue: 'v' } } })).resolves.toMatchObject({ MessageId: expect.any(String) });
    });

    it.each([
      ['an unknown data type', { DataType: 'Text', StringValue: 'v' }],
      ['an empty string value', { DataType: 'String', StringValue: '' }],
      ['a Number that is not a number', { DataType: 'Number', StringValue: '12abc' }],
      ['a Number over 10^126', { DataType: 'Number', StringValue: '1e127' }],
      ['a Number of 39 significant digits', { DataType: 'Number', StringValue: '1'.repeat(39) }],
    ])('rejects an attribute with %s (InvalidParameterValue)', async (_what, value) => {
      expect(await awsError(send({ MessageAttributes: { x: value } }))).toMatchObject({ name: 'InvalidParameterValue' });
    });

    it('rejects a String attribute value with a character SQS does not allow (U+FFFF)', async () => {
      expect(await awsError(send({ MessageAttributes: { x: { DataType: 'String', StringValue: 'a\uFFFF' } } }))).toMatchObject({ status: 400 });
    });

    it('takes a Number of 38 digits, a custom type label, and gives back an emoji attribute value', async () => {
      const attributes = {
        n: { DataType: 'Number', StringValue: '9'.repeat(38) },
        t: { DataType: 'String.note', StringValue: 'done 🎬' },
      };
      const { messages } = await roundTrip('{}', attributes);
      expect(messages[0].MessageAttributes).toMatchObject({ n: { StringValue: '9'.repeat(38) }, t: { DataType: 'String.note', StringValue: 'done 🎬' } });
    });
  });

  describe('ReceiveMessage and ChangeMessageVisibility ranges', () => {
    const receive = (input: { MaxNumberOfMessages?: number; WaitTimeSeconds?: number; VisibilityTimeout?: number }) =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0, ...input }));

    it.each([
      ['MaxNumberOfMessages 0', { MaxNumberOfMessages: 0 }],
      ['MaxNumberOfMessages 11', { MaxNumberOfMessages: 11 }],
      ['WaitTimeSeconds 21', { WaitTimeSeconds: 21 }],
      ['WaitTimeSeconds -1', { WaitTimeSeconds: -1 }],
      ['VisibilityTimeout 43,201', { VisibilityTimeout: 43_201 }],
    ])('rejects %s (InvalidParameterValue)', async (_what, input) => {
      expect(await awsError(receive(input))).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    });

    it('takes MaxNumberOfMessages 10, WaitTimeSeconds 20 (a message is waiting) and VisibilityTimeout 43,200', async () => {
      await send();
      const got = await receive({ MaxNumberOfMessages: 10, WaitTimeSeconds: 20, VisibilityTimeout: 43_200 });
      expect(got.Messages).toHaveLength(1);
      const handle = got.Messages![0].ReceiptHandle!;
      expect(await awsError(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 43_201 })))).toMatchObject({ name: 'InvalidParameterValue' });
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    });
  });

  describe('SendMessageBatch', () => {
    const entry = (id: string, body = '{}', group = 'g') => ({ Id: id, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: randomUUID() });

    it('rejects 11 entries (TooManyEntriesInBatchRequest), repeated ids (BatchEntryIdsNotDistinct), a bad id (InvalidBatchEntryId), none (EmptyBatchRequest)', async () => {
      const batch = (entries: ReturnType<typeof entry>[]) => sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      expect(await awsError(batch(Array.from({ length: 11 }, (_, i) => entry(`e${i}`))))).toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
      expect(await awsError(batch([entry('a'), entry('a')]))).toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
      expect(await awsError(batch([entry('a.b')]))).toMatchObject({ name: 'InvalidBatchEntryId' });
      expect(await awsError(batch([]))).toMatchObject({ name: 'EmptyBatchRequest' });
    });

    it('rejects a batch over 1 MiB in all (BatchRequestTooLong)', async () => {
      const half = 'a'.repeat(MIB / 2);
      expect(await awsError(sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [entry('a', half), entry('b', `${half}b`)] })))).toMatchObject({ name: 'BatchRequestTooLong' });
    });

    it('sends 10 entries, emoji bodies intact, and fails only the entry AWS would reject', async () => {
      const entries = Array.from({ length: 9 }, (_, i) => entry(`e${i}`, `{"n":${i},"s":"🎬${i}"}`, `g${i}`));
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [...entries, entry('bad', '{}', 'has space')] }));
      expect(out.Successful?.map((s) => s.Id).sort()).toEqual(entries.map((e) => e.Id).sort());
      expect(out.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'InvalidParameterValue', SenderFault: true })]);
      expect((await drainQueue(sqs, queueUrl)).map((m) => m.body).sort()).toEqual(entries.map((e) => e.MessageBody).sort());
    });
  });

  describe('deduplication scope (fauxqs deduplicates per queue whatever the queue says)', () => {
    const highThroughput = { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' };
    const fifoQueue = async (attributes: Record<string, string>) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: `scope-${randomUUID().slice(0, 8)}.fifo`, Attributes: attributes }))).QueueUrl!;
    const sendTo = (url: string, group: string, dedup: string | undefined, body = `{"group":"${group}"}`) =>
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }));

    it('with DeduplicationScope messageGroup, keeps one deduplication id once per group: twice in two groups, once when resent to the same group', async () => {
      const url = await fifoQueue({ ...highThroughput, ContentBasedDeduplication: 'false' });
      for (const group of ['a', 'a', 'b']) await sendTo(url, group, 'same-id');
      const held = await drainQueue(sqs, url);
      // Received as sent: the deduplication id the sender gave, not the layer's.
      expect(held.map((m) => [m.groupId, m.dedupId]).sort()).toEqual([['a', 'same-id'], ['b', 'same-id']]);
    });

    it('with DeduplicationScope messageGroup and content-based deduplication, the same body is kept once per group, with the body\'s SHA-256 as its id', async () => {
      const url = await fifoQueue({ ...highThroughput, ContentBasedDeduplication: 'true' });
      for (const group of ['a', 'a', 'b']) await sendTo(url, group, undefined, '{"same":"body 🎬"}');
      const held = await drainQueue(sqs, url);
      const sha256 = createHash('sha256').update('{"same":"body 🎬"}', 'utf8').digest('hex');
      expect(held.map((m) => [m.groupId, m.dedupId, m.body]).sort()).toEqual([['a', sha256, '{"same":"body 🎬"}'], ['b', sha256, '{"same":"body 🎬"}']]);
    });

    it('with DeduplicationScope messageGroup, SendMessageBatch deduplicates per group too', async () => {
      const url = await fifoQueue({ ...highThroughput, ContentBasedDeduplication: 'false' });
      const entry = (id: string, group: string) => ({ Id: id, MessageBody: `{"id":"${id}"}`, MessageGroupId: group, MessageDeduplicationId: 'same-id' });
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [entry('a1', 'a'), entry('b1', 'b')] }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [entry('a2', 'a'), entry('c1', 'c')] }));
      expect((await drainQueue(sqs, url)).map((m) => m.body).sort()).toEqual(['{"id":"a1"}', '{"id":"b1"}', '{"id":"c1"}']);
    });

    it('with the default DeduplicationScope (queue), keeps one deduplication id once in the whole queue', async () => {
      const url = await fifoQueue({ FifoQueue: 'true', ContentBasedDeduplication: 'false' });
      await sendTo(url, 'a', 'same-id');
      await sendTo(url, 'b', 'same-id');
      expect((await drainQueue(sqs, url)).map((m) => m.groupId)).toEqual(['a']);
    });
  });

  describe('errors the emulator answers itself', () => {
    it('names them as AWS does: a FIFO message without deduplication id on a queue without content-based deduplication (InvalidParameterValue)', async () => {
      expect(await awsError(send({ MessageDeduplicationId: undefined }))).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    });

    it('keeps the names of modeled errors: a queue that does not exist (QueueDoesNotExist)', async () => {
      expect(await awsError(send({ QueueUrl: `${queueUrl}-gone.fifo` }))).toMatchObject({ name: 'QueueDoesNotExist' });
    });
  });

  describe('CreateQueue names', () => {
    it('rejects a name of 81 characters or with a period, takes one of 80 (with .fifo)', async () => {
      const create = (name: string, fifo = false) => sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : undefined }));
      expect(await awsError(create('q'.repeat(81)))).toMatchObject({ name: 'InvalidParameterValue' });
      expect(await awsError(create('my.queue'))).toMatchObject({ name: 'InvalidParameterValue' });
      expect(await awsError(create('no-suffix', true))).toMatchObject({ name: 'InvalidParameterValue' });
      const id = randomUUID().slice(0, 8);
      await expect(create(`${id}`.padEnd(75, '_') + '.fifo', true)).resolves.toMatchObject({ QueueUrl: expect.stringContaining('.fifo') });
    });
  });
});

describe('strict local AWS: DynamoDB', () => {
  let backend: TestBackend;
  let dynamo: DynamoDBClient;
  let table: string;

  beforeAll(async () => {
    backend = await freshBackend();
    dynamo = testEmulators().dynamoClient();
    table = backend.tableName;
  });

  const put = (item: Record<string, AttributeValue>, tableName = table) => dynamo.send(new PutItemCommand({ TableName: tableName, Item: item }));
  const get = (pk: string) => dynamo.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }));

  describe('partition key (1 to 2,048 bytes in UTF-8)', () => {
    it('takes a 2,048-byte key of 1,024 characters and gives the item back', async () => {
      const pk = 'é'.repeat(1024);
      await put({ pk: { S: pk } });
      expect((await get(pk)).Item?.pk?.S).toBe(pk);
    });

    it('rejects a 2,049-byte key of only 1,025 characters on PutItem and GetItem (ValidationException)', async () => {
      const pk = `${'é'.repeat(1024)}a`;
      expect(await awsError(put({ pk: { S: pk } }))).toMatchObject({ name: 'ValidationException', status: 400 });
      expect(await awsError(get(pk))).toMatchObject({ name: 'ValidationException' });
    });

    it('rejects an empty key (ValidationException)', async () => {
      expect(await awsError(put({ pk: { S: '' } }))).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('index keys (the sparse pending index: pollVendor, nextPollAt)', () => {
    it('rejects an empty or 2,049-byte index partition key, takes 2,048 bytes, and an item without it', async () => {
      const item = (pollVendor: string) => ({ pk: { S: randomUUID() }, pollVendor: { S: pollVendor }, nextPollAt: { N: '1' } });
      expect(await awsError(put(item('')))).toMatchObject({ name: 'ValidationException' });
      expect(await awsError(put(item(`${'€'.repeat(682)}abc`)))).toMatchObject({ name: 'ValidationException' });
      await expect(put(item(`${'€'.repeat(682)}ab`))).resolves.toBeDefined();
      await expect(put({ pk: { S: randomUUID() } })).resolves.toBeDefined();
    });
  });

  describe('sort key (1 to 1,024 bytes in UTF-8)', () => {
    it('takes a 1,024-byte sort key and rejects 1,025 bytes of 513 characters', async () => {
      const sorted = `sorted-${randomUUID().slice(0, 8)}`;
      await dynamo.send(
        new CreateTableCommand({
          TableName: sorted,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'h', AttributeType: 'S' },
            { AttributeName: 'r', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'h', KeyType: 'HASH' },
            { AttributeName: 'r', KeyType: 'RANGE' },
          ],
        }),
      );
      await expect(put({ h: { S: 'a' }, r: { S: 'é'.repeat(512) } }, sorted)).resolves.toBeDefined();
      expect(await awsError(put({ h: { S: 'a' }, r: { S: `${'é'.repeat(512)}a` } }, sorted))).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('item size (400 KB: attribute names and values in UTF-8)', () => {
    // pk (2 + 36 bytes) + "data" (4) + the value
    const item = (valueBytes: number, char = 'a') => ({ pk: { S: randomUUID() }, data: { S: char.repeat(valueBytes / Buffer.byteLength(char)) } });
    const room = 400 * 1024 - 2 - 36 - 4;

    it('takes an item of exactly 409,600 bytes and rejects one more byte (ValidationException)', async () => {
      await expect(put(item(room))).resolves.toBeDefined();
      expect(await awsError(put({ ...item(room), x: { BOOL: true } }))).toMatchObject({ name: 'ValidationException' });
    });

    it('rejects an item of fewer than 409,600 characters but more bytes', async () => {
      const twoByte = item(room - (room % 2) + 2, 'é');
      expect(JSON.stringify(twoByte).length).toBeLessThan(409_600);
      expect(await awsError(put(twoByte))).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('attribute names and nesting', () => {
    it('rejects an attribute name over 64 KB, takes one of 64 KB', async () => {
      expect(await awsError(put({ pk: { S: randomUUID() }, ['n'.repeat(65_537)]: { BOOL: true } }))).toMatchObject({ name: 'ValidationException' });
      await expect(put({ pk: { S: randomUUID() }, ['n'.repeat(65_536)]: { BOOL: true } })).resolves.toBeDefined();
    });

    it('takes 32 levels of nesting and rejects 33', async () => {
      const nest = (levels: number): AttributeValue => (levels === 0 ? { S: 'leaf' } : { M: { m: nest(levels - 1) } });
      await expect(put({ pk: { S: randomUUID() }, deep: nest(32) })).resolves.toBeDefined();
      expect(await awsError(put({ pk: { S: randomUUID() }, deep: nest(33) }))).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('batches', () => {
    it('takes 100 keys in BatchGetItem, rejects 101 and a repeated key (ValidationException)', async () => {
      const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: { S: `k${i}` } }));
      const batchGet = (k: Array<{ pk: { S: string } }>) => dynamo.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: k } } }));
      await expect(batchGet(keys(100))).resolves.toBeDefined();
      expect(await awsError(batchGet(keys(101)))).toMatchObject({ name: 'ValidationException' });
      expect(await awsError(batchGet([{ pk: { S: 'a' } }, { pk: { S: 'a' } }]))).toMatchObject({ name: 'ValidationException' });
    });

    it('takes 25 writes in BatchWriteItem and rejects 26 (ValidationException)', async () => {
      const writes = (n: number) => Array.from({ length: n }, () => ({ PutRequest: { Item: { pk: { S: randomUUID() } } } }));
      await expect(dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: writes(25) } }))).resolves.toBeDefined();
      expect(await awsError(dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: writes(26) } })))).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('expressions', () => {
    const condition = 'attribute_not_exists(pk)';

    it('takes a 4 KB condition expression and rejects one byte more (ValidationException)', async () => {
      await expect(dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: randomUUID() } }, ConditionExpression: condition.padEnd(4096, ' ') }))).resolves.toBeDefined();
      expect(await awsError(dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: randomUUID() } }, ConditionExpression: condition.padEnd(4097, ' ') })))).toMatchObject({
        name: 'ValidationException',
      });
    });

    it('takes a 255-byte value placeholder and rejects 256 bytes (ValidationException)', async () => {
      const withPlaceholder = (placeholder: string) =>
        dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: randomUUID() } }, ConditionExpression: `attribute_not_exists(pk) OR pk = ${placeholder}`, ExpressionAttributeValues: { [placeholder]: { S: 'x' } } }));
      await expect(withPlaceholder(`:${'v'.repeat(254)}`)).resolves.toBeDefined();
      expect(await awsError(withPlaceholder(`:${'v'.repeat(255)}`))).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('CreateTable', () => {
    it('rejects an index key name over 255 bytes, takes one of 255 (ValidationException)', async () => {
      const create = (name: string) =>
        dynamo.send(
          new CreateTableCommand({
            TableName: `idx-${randomUUID().slice(0, 8)}`,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [
              { AttributeName: 'pk', AttributeType: 'S' },
              { AttributeName: name, AttributeType: 'S' },
            ],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            GlobalSecondaryIndexes: [{ IndexName: 'by-name', KeySchema: [{ AttributeName: name, KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
          }),
        );
      expect(await awsError(create('n'.repeat(256)))).toMatchObject({ name: 'ValidationException' });
      await expect(create('n'.repeat(255))).resolves.toBeDefined();
    });
  });
});
