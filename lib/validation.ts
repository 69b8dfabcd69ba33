/** Prop validation shared by the constructs. Messages are lower case, show the bad value and say what to do. */
import { Annotations, Duration, RemovalPolicy, Token } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** Throws when new-resource properties are given together with an existing resource. */
export function rejectWithExisting(existingName: string, props: object, newResourceProps: readonly string[]): void {
  const given = newResourceProps.filter((name) => (props as Record<string, unknown>)[name] !== undefined);
  if (given.length > 0) {
    throw new Error(
      `${existingName} cannot be combined with ${given.join(', ')}: these configure a new resource; ` +
        `set them on the existing one, or drop ${existingName} to let the construct create it`,
    );
  }
}

/**
 * Throws when a queue whose ARN is known is not FIFO; warns when its ARN is a token and it was not
 * imported as FIFO, as nothing can be checked then.
 */
export function assertFifo(scope: IConstruct, name: string, queue: sqs.IQueue): void {
  if (queue.fifo) return;
  if (!Token.isUnresolved(queue.queueArn)) {
    throw new Error(`${name} ${queue.queueArn} is not a FIFO queue: pass a queue whose name ends with ".fifo"`);
  }
  Annotations.of(scope).addWarningV2(
    'cdk-video-webhooks:unverifiedFifo',
    `${name}: cannot check that the existing ${name === 'existingQueue' ? 'events queue' : 'queue'} is FIFO (its ARN is a token): it must be a FIFO queue, or a job's events lose their order; import it with sqs.Queue.fromQueueAttributes({ queueArn, fifo: true })`,
  );
}

/** Throws unless `value` is a whole number in [min, max]; tokens are skipped. */
export function assertIntegerInRange(name: string, value: number | undefined, min: number, max: number, hint = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new Error(`${name} ${value} is out of range: use a whole number from ${min} to ${max}${hint ? ` (${hint})` : ''}`);
  }
}

/** Throws unless the duration is within [min, max]; tokens are skipped. */
export function assertDurationInRange(name: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) return;
  const ms = value.toMilliseconds();
  if (ms < min.toMilliseconds() || ms > max.toMilliseconds()) {
    throw new Error(`${name} ${value.toHumanString()} is out of range: use ${min.toHumanString()} to ${max.toHumanString()}`);
  }
}

/**
 * Warns when a name the user chose is on a resource CloudFormation keeps when the stack is deleted:
 * the next creation of the stack (after `cdk destroy`, or a failed first create) asks for the same
 * name and fails with "already exists". Their choice, so a warning.
 */
export function warnFixedNameRetained(scope: IConstruct, prop: string, name: string | undefined, what: string, removalPolicy: RemovalPolicy): void {
  if (name === undefined || removalPolicy === RemovalPolicy.DESTROY) return;
  Annotations.of(scope).addWarningV2('cdk-video-webhooks:fixedNameRetained',
    `${prop} "${name}" is fixed and the ${what} is retained when the stack is deleted: after a cdk destroy (or a failed first create) the next deploy of this stack fails with "already exists" ` +
      `until the retained ${what} is deleted or renamed; leave ${prop} unset for a name unique to each creation of the stack`);
}
