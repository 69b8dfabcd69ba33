/**
 * A hint (core/hint.ts) as one DynamoDB UpdateItem: `hintsAtOnce` as its ConditionExpression,
 * `applyHint` as its UpdateExpression. A hint that fails its condition returns the stored item
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`, no read units:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html), so the
 * core says why (unknown job, final, busy, hinted lately) without a read; a failed conditional
 * write still bills one write unit, and that is all an unknown job's callback costs.
 *
 *   attribute_exists(pk) AND expiresAtMs > :now            a live record (registered)
 *   AND attribute_exists(nextPollAt)                         not final (in the `pending` index)
 *   AND (no leaseUntilMs OR leaseUntilMs <= :now)            no attempt between claim and send
 *   AND (no hintedAtMs OR hintedAtMs <= :now - interval)     not hinted within the interval
 *
 * The write sets the job's due time and `hintedAtMs` to `:now` and counts the version up, so a
 * poll run that read the job before it (and would write its backoff) finds the version moved and
 * leaves the hint's due time standing. It never touches an attempt's claim: the lease condition
 * keeps it off a record between claim and delivered mark, whose mark is conditional on the version.
 */
import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { HintRequest } from '../../core/ports';

/** The UpdateItem of a hint, less TableName and Key. */
export function hintUpdate(r: HintRequest): Omit<UpdateItemCommandInput, 'TableName' | 'Key'> {
  const names: Record<string, string> = {};
  const n = (attribute: string) => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const values: Record<string, AttributeValue> = {
    ':now': { N: String(r.nowMs) },
    ':since': { N: String(r.nowMs - r.intervalMs) },
    ':one': { N: '1' },
  };
  const condition = [
    `attribute_exists(${n('pk')})`,
    `${n('expiresAtMs')} > :now`,
    `attribute_exists(${n('nextPollAt')})`,
    `(attribute_not_exists(${n('leaseUntilMs')}) OR ${n('leaseUntilMs')} <= :now)`,
    `(attribute_not_exists(${n('hintedAtMs')}) OR ${n('hintedAtMs')} <= :since)`,
  ].join(' AND ');
  return {
    UpdateExpression: `SET ${n('version')} = ${n('version')} + :one, ${n('nextPollAt')} = :now, ${n('hintedAtMs')} = :now`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}
