/** Secret sources for local runs: the environment (the dev server) and fixed values (tests, benchmarks). */
import type { SecretSource } from '../../lambda/core/ports';
import { parseSecretValue, SecretFormatError } from '../../lambda/core/secrets';

/**
 * Environment variables (local development), in the one format of core/secrets.ts: the secret
 * itself, or a JSON array of the secrets accepted together.
 */
export class EnvSecretSource implements SecretSource {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(name: string): Promise<readonly string[]> {
    return envSecrets(this.env, name);
  }
}

/** The secrets a variable holds; a SecretFormatError names the variable. */
export function envSecrets(env: NodeJS.ProcessEnv, name: string): string[] {
  try {
    return parseSecretValue(env[name]);
  } catch (err) {
    throw new SecretFormatError(`${name}: ${(err as Error).message}`);
  }
}

/** Fixed values, for tests and benchmarks. */
export class StaticSecretSource implements SecretSource {
  constructor(private readonly values: Readonly<Record<string, readonly string[]>>) {}

  async get(name: string): Promise<readonly string[]> {
    return this.values[name] ?? [];
  }
}
