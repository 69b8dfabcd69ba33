/**
 * SecretSource on AWS Secrets Manager. A secret value is one string, or a JSON array of accepted
 * strings (rotation: old and new both valid for a while; see core/secrets.ts). Values are cached
 * per container and refreshed after `refreshMs`, so a rotation takes effect without a redeploy.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock, SecretSource } from '../../core/ports';
import { parseSecretValue } from '../../core/secrets';

/** Secrets Manager, by secret ARN or name, cached. A failed refresh keeps serving the last good value. */
export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, { values: readonly string[]; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly refreshMs: number,
    private readonly clock: Pick<Clock, 'now'> = { now: () => Date.now() },
  ) {}

  async get(secretId: string): Promise<readonly string[]> {
    const cached = this.cache.get(secretId);
    if (cached && this.clock.now() - cached.fetchedAt < this.refreshMs) return cached.values;
    let pending = this.inFlight.get(secretId);
    if (!pending) {
      pending = this.fetch(secretId, cached?.values).finally(() => this.inFlight.delete(secretId));
      this.inFlight.set(secretId, pending);
    }
    return pending;
  }

  private async fetch(secretId: string, stale: readonly string[] | undefined): Promise<readonly string[]> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const values = parseSecretValue(out.SecretString);
      this.cache.set(secretId, { values, fetchedAt: this.clock.now() });
      return values;
    } catch (err) {
      if (!stale) throw err;
      // Serve the last good value and try again in at most 30 s, not on every request.
      this.cache.set(secretId, { values: stale, fetchedAt: this.clock.now() - this.refreshMs + Math.min(30_000, this.refreshMs) });
      return stale;
    }
  }
}
