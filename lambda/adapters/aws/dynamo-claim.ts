/**
 * The claim as one DynamoDB UpdateItem: `claimsAtOnce` (core/claim.ts) as its ConditionExpression,
 * `applyClaim` as its UpdateExpression, on the item `toItem` writes (dynamo-store.ts). A claim that
 * fails its condition returns the stored item (`ReturnValuesOnConditionCheckFailure: ALL_OLD`, no
 * read units: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html),
 * so the core learns why without a read.
 *
 * The condition, for an event `:id` at `:now` (every test of an attribute that may be missing is
 * spelled out with attribute_not_exists, rather than relying on how a comparison with a missing
 * attribute evaluates):
 *
 *   attribute_not_exists(pk)                                   a new job
 *   OR (   expiresAtMs > :now                                  live (an expired record is replaced by the core)
 *      AND attribute_not_exists(terminalEventId)               no terminal event yet
 *      AND (no lastEventId OR (lastEventId <> :id AND lastEventDelivered))   the last event is done, and not this one
 *      AND (no leaseUntilMs OR leaseUntilMs <= :now)           no attempt in flight
 *      [non-terminal events]
 *      AND (no recentEventIds OR NOT contains(recentEventIds, :id))          not delivered lately
 *      AND position < :position  (<= for an event without progress)        not behind the job
 *   )
 *
 * `recentEventIds` is a String of space-separated ids, each exactly 36 characters without a space
 * (eventIdFor), so `contains` of one id is membership: a 36-character substring without a space
 * of such a string is one of its ids. The write leaves `recentEventIds` alone (it already holds the
 * delivered last id, see toItem), adds the index entry only if the job has none (`if_not_exists`:
 * one index write per job, not per event) unless the request moves it, and counts the version up.
 */
import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { ClaimRequest } from '../../core/claim';

/** The UpdateItem of a claim, less TableName and Key. `pollVendor` and `pending` come encoded as toItem writes them. */
export function claimUpdate(r: ClaimRequest, encoded: { readonly pollVendor: string; readonly pending: Uint8Array | null }): Omit<UpdateItemCommandInput, 'TableName' | 'Key'> {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const n = (attribute: string) => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const v = (placeholder: string, value: AttributeValue) => {
    values[`:${placeholder}`] = value;
    return `:${placeholder}`;
  };
  const now = v('now', { N: String(r.nowMs) });
  const id = v('id', { S: r.eventId });
  const no = (attribute: string) => `attribute_not_exists(${n(attribute)})`;

  const rules = [
    `${n('expiresAtMs')} > ${now}`,
    no('terminalEventId'),
    `(${no('lastEventId')} OR (${n('lastEventId')} <> ${id} AND ${n('lastEventDelivered')} = ${v('true', { BOOL: true })}))`,
    `(${no('leaseUntilMs')} OR ${n('leaseUntilMs')} <= ${now})`,
  ];
  if (!r.terminal) {
    rules.push(`(${no('recentEventIds')} OR NOT contains(${n('recentEventIds')}, ${id}))`);
    rules.push(`${n('position')} ${r.samePositionOk ? '<=' : '<'} ${v('position', { N: String(r.position) })}`);
  }
  const condition = `${no('pk')} OR (${rules.join(' AND ')})`;

  const falsy = v('false', { BOOL: false });
  const zero = v('zero', { N: '0' });
  const set = [
    `${n('version')} = if_not_exists(${n('version')}, ${zero}) + ${v('one', { N: '1' })}`,
    `${n('vendor')} = ${v('vendor', { S: r.vendor })}`,
    `${n('jobId')} = ${v('jobId', { S: r.jobId })}`,
    `${n('status')} = ${v('status', { S: r.status })}`,
    `${n('position')} = ${r.terminal ? v('position', { N: String(r.position) }) : ':position'}`,
    `${n('lastEventId')} = ${id}`,
    `${n('lastEventDelivered')} = ${falsy}`,
    `${n('leaseUntilMs')} = ${v('lease', { N: String(r.leaseUntilMs) })}`,
    `${n('terminalDelivered')} = ${falsy}`,
    `${n('lastActivityMs')} = ${now}`,
    `${n('createdAtMs')} = if_not_exists(${n('createdAtMs')}, ${now})`,
    `${n('pollAttempts')} = ${zero}`,
    `${n('expiresAtMs')} = ${v('expiresAtMs', { N: String(r.expiresAtMs) })}`,
    `${n('expiresAt')} = ${v('expiresAt', { N: String(Math.ceil(r.expiresAtMs / 1000)) })}`,
    `${n('pollVendor')} = if_not_exists(${n('pollVendor')}, ${v('pollVendor', { S: encoded.pollVendor })})`,
    r.moveEntry && !r.terminal
      ? `${n('nextPollAt')} = ${v('due', { N: String(r.nextPollAtMs) })}`
      : `${n('nextPollAt')} = if_not_exists(${n('nextPollAt')}, ${v('due', { N: String(r.nextPollAtMs) })})`,
  ];
  if (r.terminal) set.push(`${n('terminalEventId')} = ${id}`);
  if (r.terminal && encoded.pending) set.push(`${n('pendingTerminal')} = ${v('pending', { B: encoded.pending })}`);

  return {
    UpdateExpression: `SET ${set.join(', ')}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_OLD',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}
