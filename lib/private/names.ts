/** Physical names that differ for every creation of a stack. */
import { Aws, Fn } from 'aws-cdk-lib/core';

/**
 * The GUID at the end of the stack id (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<guid>`):
 * a new one for every creation of the stack, so a resource retained by a deleted (or failed) stack
 * does not hold the name the next creation asks for. 36 characters, known at deploy time only.
 */
export function stackGuid(): string {
  return Fn.select(2, Fn.split('/', Aws.STACK_ID));
}
