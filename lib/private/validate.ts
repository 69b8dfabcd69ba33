/**
 * Prop validation, one set of helpers for the constructs and the vendors, one line per rule (in
 * the manner of aws-cdk-lib's aws-sqs/lib/validate-props.ts). Messages are lower case, show the bad
 * value and say what to do, and start with whom they are about: a construct's path
 * (`MyStack/Webhooks: ...`, what aws-cdk-lib's own validation errors carry; its `ValidationError`
 * class is internal to aws-cdk-lib, so this is a plain `Error`), or, where there is no scope yet (a
 * `Vendor` factory, a `WebhookAuth`), a name (`vendor acme: ...`). Unresolved tokens are skipped.
 */
import { Annotations, Duration, RemovalPolicy, Token } from 'aws-cdk-lib/core';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/** Whom a problem is about: a construct (its path is named), or a name where there is no scope. */
export type Subject = IConstruct | string;

/** The error for `message` about `subject`, which it starts with. */
export function validationError(subject: Subject, message: string): Error {
  return new Error(`${typeof subject === 'string' ? subject : subject.node.path}: ${message}`);
}

/** Throws unless `value` is a whole number in [min, max]. */
export function validateInteger(subject: Subject, name: string, value: number | undefined, min: number, max: number, hint = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw outOfRange(subject, name, String(value), `a whole number from ${min} to ${max}${hint ? ` (${hint})` : ''}`);
  }
}

/** Throws unless `accept(value)`; `use` says what to use instead (`a positive number up to 100000`). */
export function validateNumber(subject: Subject, name: string, value: number | undefined, accept: (value: number) => boolean, use: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!accept(value)) throw outOfRange(subject, name, String(value), use);
}

/** Throws unless the duration is within [min, max]. */
export function validateDuration(subject: Subject, name: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) return;
  const ms = value.toMilliseconds();
  if (ms < min.toMilliseconds() || ms > max.toMilliseconds()) {
    throw outOfRange(subject, name, value.toHumanString(), `${min.toHumanString()} to ${max.toHumanString()}`);
  }
}

/** A signed timestamp's tolerance in whole seconds, checked to be 1 second to 24 hours; undefined stays undefined. */
export function toleranceSeconds(subject: Subject, name: string, tolerance: Duration | undefined): number | undefined {
  if (tolerance === undefined) return undefined;
  const seconds = tolerance.toSeconds();
  if (!Token.isUnresolved(seconds) && !(seconds >= 1 && seconds <= 86_400)) throw outOfRange(subject, name, `${seconds} seconds`, '1 second to 24 hours');
  return seconds;
}

/** Throws unless `url` is an http(s) URL with a host. */
export function validateHttpUrl(subject: Subject, name: string, url: string | undefined, example: string): void {
  if (url === undefined || Token.isUnresolved(url)) return;
  if (!/^https?:\/\/[^/\s]+/.test(url)) {
    throw validationError(subject, `${name} "${url}" is not an http(s) URL: use e.g. "${example}"`);
  }
}

/** Throws when new-resource properties are given together with an existing resource. */
export function rejectWithExisting(scope: IConstruct, existingName: string, props: object, newResourceProps: readonly string[]): void {
  const given = newResourceProps.filter((name) => (props as Record<string, unknown>)[name] !== undefined);
  if (given.length > 0) {
    throw validationError(scope,
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
    throw validationError(scope, `${name} ${queue.queueArn} is not a FIFO queue: pass a queue whose name ends with ".fifo"`);
  }
  Annotations.of(scope).addWarningV2(
    'cdk-video-webhooks:unverifiedFifo',
    `${name}: cannot check that the existing ${name === 'existingQueue' ? 'events queue' : 'queue'} is FIFO (its ARN is a token): it must be a FIFO queue, or a job's events lose their order; import it with sqs.Queue.fromQueueAttributes({ queueArn, fifo: true })`,
  );
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

/** The one form of a range error: `<name> <value> is out of range: use <range>`. */
function outOfRange(subject: Subject, name: string, shown: string, use: string): Error {
  return validationError(subject, `${name} ${shown} is out of range: use ${use}`);
}
