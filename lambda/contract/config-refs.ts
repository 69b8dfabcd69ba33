/**
 * Configuration that travels beside a function's code instead of in its environment (Lambda's
 * environment holds 4 KB in all; a poller of many vendors needs more). Values CloudFormation
 * resolves only at deploy time (an ARN, a queue URL) cannot be written into a file at synth time:
 * they stay in the environment, and the file holds a reference to the variable, `{"$env": "NAME"}`.
 */

/** A reference to an environment variable, in place of a value in a configuration file. */
export interface EnvRef {
  readonly $env: string;
  /** The variable holds a number. */
  readonly number?: true;
}

/** The configuration file's JSON with every reference replaced by its variable's value. */
export function resolveEnvRefs(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveEnvRefs(v, env));
  if (value === null || typeof value !== 'object') return value;
  const ref = value as Partial<EnvRef>;
  if (typeof ref.$env === 'string' && Object.keys(value).every((k) => k === '$env' || k === 'number')) {
    const text = env[ref.$env];
    if (text === undefined) throw new Error(`environment variable ${ref.$env} is not set: the configuration file refers to it; deploy the function with the VideoWebhookIngestion construct`);
    return ref.number ? Number(text) : text;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvRefs(v, env)]));
}
