import { Token, type Duration } from 'aws-cdk-lib/core';

/** A signed timestamp's tolerance in whole seconds, checked to be 1 second to 24 hours; undefined stays undefined. */
export function toleranceSecondsOf(tolerance: Duration | undefined, owner = 'timestampTolerance'): number | undefined {
  if (tolerance === undefined) return undefined;
  const seconds = tolerance.toSeconds();
  if (!Token.isUnresolved(seconds) && !(seconds >= 1 && seconds <= 86_400)) {
    throw new Error(`${owner} ${seconds} seconds is out of range: use 1 second to 24 hours`);
  }
  return seconds;
}
