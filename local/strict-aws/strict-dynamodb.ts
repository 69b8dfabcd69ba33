/**
 * DynamoDB as AWS enforces it, in front of dynalite: key and item sizes in UTF-8 bytes (dynalite
 * counts UTF-16 characters), empty key values, attribute names, nesting, expression lengths and
 * batch sizes, each answered with DynamoDB's `ValidationException`. The key schema of a table
 * (its own keys and its indexes') is read from dynalite once (DescribeTable) and kept until the
 * table is created, changed or deleted again through the layer.
 */
import { DYNAMODB_MAX_PARTITION_KEY_BYTES } from '../../lambda/contract/aws-limits';
import { ItemWrites } from './strict-dynamodb-writes';
import { letThrough, shown, type AwsRejection, type StrictService, type UpstreamCall } from './strict-service';

const CONSTRAINTS = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html';

/**
 * "The minimum length of a partition key value is 1 byte. The maximum length is 2048 bytes"; a sort
 * key 1 to 1024 bytes (Constraints.html#limits-partition-sort-keys); the same for an index's keys.
 * Strings are measured in UTF-8 bytes (#limits-data-types-strings). Empty String and Binary values
 * are allowed only "if the attribute is not used as a key attribute for a table or index"
 * (#limits-attributes-values).
 */
export const DYNAMODB_MAX_SORT_KEY_BYTES = 1024;

/**
 * "The maximum item size in DynamoDB is 400 KB, which includes both attribute name binary length
 * (UTF-8 length) and attribute value lengths (again binary length)" (Constraints.html#limits-items-size),
 * with 1 KB = 1024 bytes (same page); each value sized as in
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html.
 */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/**
 * "an attribute name must be at least one character long, but no greater than 64 KB long"; index key
 * names at most 255 bytes in UTF-8 (Constraints.html#limits-naming-rules-attributes). "DynamoDB
 * supports nested attributes up to 32 levels deep" (#limits-attributes-nested-depth).
 */
export const DYNAMODB_MAX_ATTRIBUTE_NAME_BYTES = 64 * 1024;
export const DYNAMODB_MAX_INDEX_KEY_NAME_BYTES = 255;
export const DYNAMODB_MAX_NESTING_LEVELS = 32;

/**
 * "The maximum length of any expression string is 4 KB"; "of any single expression attribute name or
 * expression attribute value is 255 bytes" (the placeholder: `#name` is 5 bytes); "of all
 * substitution variables in an expression is 2 MB" (Constraints.html#limits-expression-parameters).
 */
export const DYNAMODB_MAX_EXPRESSION_BYTES = 4 * 1024;
export const DYNAMODB_MAX_PLACEHOLDER_BYTES = 255;
export const DYNAMODB_MAX_SUBSTITUTION_BYTES = 2 * 1024 * 1024;

/**
 * "A single BatchGetItem operation can retrieve a maximum of 100 items"; "A single BatchWriteItem
 * operation can contain up to 25 PutItem or DeleteItem requests" (Constraints.html#limits-api).
 */
export const DYNAMODB_MAX_BATCH_GET_KEYS = 100;
export const DYNAMODB_MAX_BATCH_WRITE_REQUESTS = 25;

const EXPRESSIONS = ['ConditionExpression', 'KeyConditionExpression', 'FilterExpression', 'ProjectionExpression', 'UpdateExpression'] as const;

/** An attribute value on the wire: `{ S: '...' }`, `{ N: '1' }`, `{ M: {...} }`... */
type Value = Readonly<Record<string, unknown>>;
type Item = Readonly<Record<string, Value>>;

interface KeyAttribute {
  readonly name: string;
  readonly kind: 'partition' | 'sort';
  /** `table t` or `index i of table t` */
  readonly of: string;
}

interface TableKeys {
  /** The table's own key. */
  readonly primary: readonly KeyAttribute[];
  /** The table's and every index's keys. */
  readonly all: readonly KeyAttribute[];
}

/** The strict rules of DynamoDB (AWS JSON protocol, `X-Amz-Target: DynamoDB_20120810.<action>`). */
export function strictDynamoDb(): StrictService {
  const schemas = new Map<string, TableKeys>();
  const keysOf = (table: unknown, upstream: UpstreamCall) => tableKeys(String(table), schemas, upstream);
  const writes = new ItemWrites();
  return {
    targetPrefix: 'DynamoDB_20120810.',
    async admit(action, input, upstream) {
      const problem = expressionProblem(input) ?? (await callProblem(action, input, (table) => keysOf(table, upstream), schemas));
      if (problem) return problem;
      const primary = (await keysOf(input.TableName, upstream))?.primary.map((k) => k.name);
      return (await writes.admit(action, input, upstream, primary)) ?? letThrough();
    },
    errorAnswer: (rejection) => ({
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: { __type: `com.amazon.coral.validate#${rejection.code}`, message: rejection.message },
    }),
  };
}

type KeysOf = (table: unknown) => Promise<TableKeys | undefined>;

async function callProblem(action: string, input: Record<string, unknown>, keysOf: KeysOf, schemas: Map<string, TableKeys>): Promise<AwsRejection | undefined> {
  switch (action) {
    case 'PutItem':
      return itemProblem(input.Item as Item, await keysOf(input.TableName));
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return keyProblem(input.Key as Item, await keysOf(input.TableName));
    case 'BatchGetItem':
      return batchGetProblem(input.RequestItems as Record<string, { Keys?: Item[] }> | undefined, keysOf);
    case 'BatchWriteItem':
      return batchWriteProblem(input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>> | undefined, keysOf);
    case 'CreateTable':
      schemas.delete(String(input.TableName));
      return indexKeyNameProblem(input);
    case 'UpdateTable':
    case 'DeleteTable':
      schemas.delete(String(input.TableName));
      return undefined;
    default:
      return undefined;
  }
}

function itemProblem(item: Item | undefined, keys: TableKeys | undefined): AwsRejection | undefined {
  if (!item || typeof item !== 'object') return undefined; // dynalite answers a missing item
  for (const [name, value] of Object.entries(item)) {
    const problem = attributeNameProblem(name) ?? nestingProblem(name, value, 1);
    if (problem) return problem;
  }
  const bytes = itemBytes(item);
  if (bytes > DYNAMODB_MAX_ITEM_BYTES) {
    return validation(`the item is ${bytes} bytes (attribute names and values, in UTF-8); DynamoDB takes at most ${DYNAMODB_MAX_ITEM_BYTES} (400 KB): keep large values elsewhere (S3) or compress them (${CONSTRAINTS}#limits-items-size)`);
  }
  // Index keys too: an item with a key attribute of an index is written to the index.
  return keys ? keyValuesProblem(item, keys.all, false) : undefined;
}

function keyProblem(key: Item | undefined, keys: TableKeys | undefined): AwsRejection | undefined {
  return key && typeof key === 'object' && keys ? keyValuesProblem(key, keys.primary, true) : undefined;
}

function keyValuesProblem(values: Item, keys: readonly KeyAttribute[], primaryOnly: boolean): AwsRejection | undefined {
  for (const key of keys) {
    const value = values[key.name];
    if (value === undefined) continue; // a missing table key is dynalite's to answer; a missing index key keeps the item out of the index
    const bytes = keyBytes(value);
    if (bytes === undefined) continue;
    const max = key.kind === 'partition' ? DYNAMODB_MAX_PARTITION_KEY_BYTES : DYNAMODB_MAX_SORT_KEY_BYTES;
    if (bytes === 0) {
      return validation(`the ${key.kind} key ${shown(key.name)} of ${key.of} is empty; a key attribute value cannot be an empty string or binary: give it a value of at least 1 byte${primaryOnly ? '' : ', or leave the attribute out to keep the item out of the index'} (${CONSTRAINTS}#limits-attributes-values)`);
    }
    if (bytes > max) {
      const text = typeof value.S === 'string' ? ` (${shown(value.S)})` : '';
      return validation(`the ${key.kind} key ${shown(key.name)} of ${key.of} is ${bytes} bytes in UTF-8${text}; DynamoDB takes at most ${max}: shorten it, or hash the long part (${CONSTRAINTS}#limits-partition-sort-keys)`);
    }
  }
  return undefined;
}

async function batchGetProblem(requests: Record<string, { Keys?: Item[] }> | undefined, keysOf: KeysOf): Promise<AwsRejection | undefined> {
  const tables = Object.entries(requests ?? {});
  const total = tables.reduce((sum, [, r]) => sum + (Array.isArray(r?.Keys) ? r.Keys.length : 0), 0);
  if (total > DYNAMODB_MAX_BATCH_GET_KEYS) {
    return validation(`BatchGetItem asks for ${total} keys; DynamoDB takes at most ${DYNAMODB_MAX_BATCH_GET_KEYS} per call: split the keys into calls of 100 (${CONSTRAINTS}#limits-api)`);
  }
  for (const [table, request] of tables) {
    const keys = Array.isArray(request?.Keys) ? request.Keys : [];
    // DynamoDB refuses the whole call (undocumented: https://github.com/boto/boto3/issues/4131).
    if (new Set(keys.map((k) => canonical(k))).size !== keys.length) return validation(`BatchGetItem lists a key of table ${shown(table)} twice ("Provided list of item keys contains duplicates"): ask for each key once`);
    const schema = await keysOf(table);
    for (const key of keys) {
      const problem = keyProblem(key, schema);
      if (problem) return problem;
    }
  }
  return undefined;
}

type WriteRequest = { readonly PutRequest?: { readonly Item: Item }; readonly DeleteRequest?: { readonly Key: Item } };

async function batchWriteProblem(requests: Record<string, WriteRequest[]> | undefined, keysOf: KeysOf): Promise<AwsRejection | undefined> {
  const tables = Object.entries(requests ?? {});
  const total = tables.reduce((sum, [, r]) => sum + (Array.isArray(r) ? r.length : 0), 0);
  if (total > DYNAMODB_MAX_BATCH_WRITE_REQUESTS) {
    return validation(`BatchWriteItem holds ${total} requests; DynamoDB takes at most ${DYNAMODB_MAX_BATCH_WRITE_REQUESTS} per call: split them into calls of 25 (${CONSTRAINTS}#limits-api)`);
  }
  for (const [table, writes] of tables) {
    const schema = await keysOf(table);
    for (const write of Array.isArray(writes) ? writes : []) {
      const problem = write.PutRequest ? itemProblem(write.PutRequest.Item, schema) : keyProblem(write.DeleteRequest?.Key, schema);
      if (problem) return problem;
    }
  }
  return undefined;
}

function indexKeyNameProblem(input: Record<string, unknown>): AwsRejection | undefined {
  const indexes = [...((input.GlobalSecondaryIndexes as unknown[]) ?? []), ...((input.LocalSecondaryIndexes as unknown[]) ?? [])] as Array<{ IndexName?: string; KeySchema?: Array<{ AttributeName?: string }> }>;
  for (const index of indexes) {
    for (const { AttributeName: name = '' } of index.KeySchema ?? []) {
      const bytes = Buffer.byteLength(name, 'utf8');
      if (bytes > DYNAMODB_MAX_INDEX_KEY_NAME_BYTES) {
        return validation(`the key attribute name ${shown(name)} of index ${shown(String(index.IndexName))} is ${bytes} bytes; an index key name takes at most ${DYNAMODB_MAX_INDEX_KEY_NAME_BYTES}: shorten it (${CONSTRAINTS}#limits-naming-rules-attributes)`);
      }
    }
  }
  return undefined;
}

function attributeNameProblem(name: string): AwsRejection | undefined {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes >= 1 && bytes <= DYNAMODB_MAX_ATTRIBUTE_NAME_BYTES) return undefined;
  return validation(`attribute name ${shown(name)} is ${bytes} bytes; DynamoDB takes 1 byte to 64 KB: rename it (${CONSTRAINTS}#limits-naming-rules-attributes)`);
}

function nestingProblem(name: string, value: Value, level: number): AwsRejection | undefined {
  const children = Array.isArray(value?.L) ? (value.L as Value[]) : value?.M && typeof value.M === 'object' ? Object.values(value.M as Item) : undefined;
  if (!children) return undefined;
  if (level > DYNAMODB_MAX_NESTING_LEVELS) {
    return validation(`attribute ${shown(name)} is nested more than ${DYNAMODB_MAX_NESTING_LEVELS} levels deep: flatten it or store it as a string (${CONSTRAINTS}#limits-attributes-nested-depth)`);
  }
  for (const child of children) {
    const problem = nestingProblem(name, child, level + 1);
    if (problem) return problem;
  }
  return undefined;
}

function expressionProblem(input: Record<string, unknown>): AwsRejection | undefined {
  for (const field of EXPRESSIONS) {
    const expression = input[field];
    if (typeof expression !== 'string') continue;
    const bytes = Buffer.byteLength(expression, 'utf8');
    if (bytes > DYNAMODB_MAX_EXPRESSION_BYTES) return validation(`${field} is ${bytes} bytes; DynamoDB takes at most ${DYNAMODB_MAX_EXPRESSION_BYTES} (4 KB): simplify it (${CONSTRAINTS}#limits-expression-parameters)`);
  }
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Item;
  let substitution = 0;
  for (const placeholder of [...Object.keys(names), ...Object.keys(values)]) {
    const bytes = Buffer.byteLength(placeholder, 'utf8');
    if (bytes > DYNAMODB_MAX_PLACEHOLDER_BYTES) return validation(`expression placeholder ${shown(placeholder)} is ${bytes} bytes; DynamoDB takes at most ${DYNAMODB_MAX_PLACEHOLDER_BYTES}: shorten it (${CONSTRAINTS}#limits-expression-parameters)`);
  }
  for (const [placeholder, name] of Object.entries(names)) substitution += Buffer.byteLength(placeholder, 'utf8') + Buffer.byteLength(String(name), 'utf8');
  for (const [placeholder, value] of Object.entries(values)) substitution += Buffer.byteLength(placeholder, 'utf8') + valueBytes(value);
  if (substitution > DYNAMODB_MAX_SUBSTITUTION_BYTES) {
    return validation(`the expression attribute names and values are ${substitution} bytes in all; DynamoDB takes at most ${DYNAMODB_MAX_SUBSTITUTION_BYTES} (2 MB) (${CONSTRAINTS}#limits-expression-parameters)`);
  }
  return undefined;
}

/** An item's size as DynamoDB counts it (CapacityUnitCalculations.html): each attribute's name in UTF-8 plus its value. */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  return bytes;
}

function valueBytes(value: Value): number {
  if (!value || typeof value !== 'object') return 0;
  if (typeof value.S === 'string') return Buffer.byteLength(value.S, 'utf8');
  if (typeof value.N === 'string') return numberBytes(value.N);
  if (typeof value.B === 'string') return Buffer.byteLength(value.B, 'base64');
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (Array.isArray(value.SS)) return (value.SS as string[]).reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  if (Array.isArray(value.NS)) return (value.NS as string[]).reduce((sum, n) => sum + numberBytes(n), 0);
  if (Array.isArray(value.BS)) return (value.BS as string[]).reduce((sum, b) => sum + Buffer.byteLength(b, 'base64'), 0);
  // A List or a Map: 3 bytes, plus each element and 1 byte for it (a Map's elements are named).
  if (Array.isArray(value.L)) return 3 + (value.L as Value[]).reduce((sum, v) => sum + valueBytes(v) + 1, 0);
  if (value.M && typeof value.M === 'object') return 3 + Object.entries(value.M as Item).reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + valueBytes(v) + 1, 0);
  return 0;
}

/** "1 byte per two significant digits + 1 byte", leading and trailing zeroes trimmed (CapacityUnitCalculations.html). */
function numberBytes(text: string): number {
  const mantissa = text.trim().replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '');
  const significant = mantissa.replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
}

/** A key value's length in bytes (String: UTF-8; Binary: raw), or undefined for a Number (always fits) or another type. */
function keyBytes(value: Value): number | undefined {
  if (typeof value?.S === 'string') return Buffer.byteLength(value.S, 'utf8');
  if (typeof value?.B === 'string') return Buffer.byteLength(value.B, 'base64');
  return undefined;
}

function canonical(key: Item): string {
  return JSON.stringify(Object.keys(key ?? {}).sort().map((name) => [name, key[name]]));
}

function validation(message: string): AwsRejection {
  return { code: 'ValidationException', message: `strict local AWS: ${message}` };
}

async function tableKeys(table: string, schemas: Map<string, TableKeys>, upstream: UpstreamCall): Promise<TableKeys | undefined> {
  const known = schemas.get(table);
  if (known) return known;
  const { status, output } = await upstream('DescribeTable', { TableName: table });
  if (status !== 200) return undefined; // no such table: dynalite answers the call itself
  const description = (output as { Table?: DescribedTable }).Table;
  if (!description) return undefined;
  const primary = keyAttributes(description.KeySchema, `table ${shown(table)}`);
  const indexes = [...(description.GlobalSecondaryIndexes ?? []), ...(description.LocalSecondaryIndexes ?? [])].flatMap((index) =>
    keyAttributes(index.KeySchema, `index ${shown(String(index.IndexName))} of table ${shown(table)}`),
  );
  const keys = { primary, all: [...primary, ...indexes] };
  schemas.set(table, keys);
  return keys;
}

interface DescribedTable {
  readonly KeySchema?: ReadonlyArray<{ AttributeName: string; KeyType: string }>;
  readonly GlobalSecondaryIndexes?: ReadonlyArray<{ IndexName?: string; KeySchema?: ReadonlyArray<{ AttributeName: string; KeyType: string }> }>;
  readonly LocalSecondaryIndexes?: ReadonlyArray<{ IndexName?: string; KeySchema?: ReadonlyArray<{ AttributeName: string; KeyType: string }> }>;
}

function keyAttributes(schema: DescribedTable['KeySchema'], of: string): KeyAttribute[] {
  return (schema ?? []).map((k) => ({ name: k.AttributeName, kind: k.KeyType === 'HASH' ? 'partition' : 'sort', of }));
}
