/**
 * A function's JSON configuration as the construct deploys it: a file beside the code, named by an
 * environment variable, its deploy-time values referred to as `{"$env": ...}` (see
 * contract/config-refs.ts); or, when that variable is absent (tests, local runs), inline in another
 * variable. The verifier and the poller read theirs with this.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { resolveEnvRefs } from '../contract/config-refs';
import { requireEnv } from './env';

export interface ConfigVariables {
  /** The variable naming the file, relative to the code's folder. */
  readonly file: string;
  /** The variable holding the JSON inline. */
  readonly inline: string;
  /** What the JSON must be, for the message when it is not JSON: `a JSON array of PollerVendorConfig`. */
  readonly expected: string;
}

/** The configuration, references resolved, and where it came from (the file's path, or the inline variable's name). */
export function configFromEnv(env: NodeJS.ProcessEnv, variables: ConfigVariables, codeDir: string): { readonly value: unknown; readonly from: string } {
  const { json, from } = configJson(env, variables, codeDir);
  try {
    return { value: resolveEnvRefs(JSON.parse(json), env), from };
  } catch (err) {
    if (err instanceof SyntaxError) throw new Error(`${from} is not JSON: it must be ${variables.expected}`);
    throw err;
  }
}

function configJson(env: NodeJS.ProcessEnv, variables: ConfigVariables, codeDir: string): { readonly json: string; readonly from: string } {
  const file = env[variables.file];
  if (file) {
    const path = isAbsolute(file) ? file : join(codeDir, file);
    try {
      return { json: readFileSync(path, 'utf8'), from: path };
    } catch (err) {
      throw new Error(`${variables.file} names ${path}, which cannot be read (${(err as Error).message}): deploy the function with the VideoWebhookIngestion construct`);
    }
  }
  return { json: requireEnv(env, variables.inline), from: variables.inline };
}
