/** Secret sources for local runs: the environment (the dev server) and fixed values (tests, benchmarks). */
import type { SecretSource } from '../../core/ports';

/** Environment variables: a comma-separated value is several accepted secrets (local development). */
export class EnvSecretSource implements SecretSource {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(name: string): Promise<readonly string[]> {
    return (this.env[name] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  }
}

/** Fixed values, for tests and benchmarks. */
export class StaticSecretSource implements SecretSource {
  constructor(private readonly values: Readonly<Record<string, readonly string[]>>) {}

  async get(name: string): Promise<readonly string[]> {
    return this.values[name] ?? [];
  }
}
