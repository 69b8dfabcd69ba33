/**
 * SecretSource on AWS Secrets Manager. A secret value is one string, or a JSON array of accepted
 * strings (rotation: old and new both valid for a while; see core/secrets.ts). Values are cached
 * per container and refreshed after `refreshMs`, so a rotation takes effect without a redeploy.
 *
 * A refresh that fails:
 * - throttled, a server error or a network failure (Secrets Manager is busy or unreachable, the
 *   secret is as it was): the value last read is served, asked again every 30 s, for at most
 *   MAX_STALE_MS after its refresh was due; each failed refresh is logged and counted
 *   (`SecretRefreshFailures`). Past that the value is dropped, as below;
 * - anything else (the secret deleted or scheduled for deletion, access or its KMS key revoked,
 *   its value no longer in the secret format): the value is dropped at once, logged and counted,
 *   and the error reaches the caller, which answers as a cold container would (core/webhook.ts:
 *   503 for a value not in the secret format, 500 for a Secrets Manager error).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeError } from '../../core/errors';
import { systemClock, type Clock, type SecretSource, type Telemetry } from '../../core/ports';
import { parseSecretValue } from '../../core/secrets';

/**
 * How long after its refresh was due a value may still be served while Secrets Manager does not
 * answer. Long enough to ride out a throttling burst or a short regional incident (the SDK's own
 * retries last seconds); short enough that a value nobody can confirm is not trusted for long.
 * Nothing is lost past it: the verifier answers 500, the vendor retries, and the poller reconciles.
 */
export const MAX_STALE_MS = 15 * 60_000;

/** While serving a stale value, Secrets Manager is asked again at most this often. */
const STALE_RETRY_MS = 30_000;

/** Secrets Manager, by secret ARN or name, cached. */
export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly refreshMs: number,
    private readonly telemetry: Telemetry,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {}

  async get(secretId: string, vendor = 'unknown'): Promise<readonly string[]> {
    const cached = this.cache.get(secretId);
    if (cached && this.clock.now() < cached.askAgainAtMs) return cached.values;
    let pending = this.inFlight.get(secretId);
    if (!pending) {
      pending = this.fetch(secretId, vendor, cached).finally(() => this.inFlight.delete(secretId));
      this.inFlight.set(secretId, pending);
    }
    return pending;
  }

  private async fetch(secretId: string, vendor: string, cached: Cached | undefined): Promise<readonly string[]> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const values = parseSecretValue(out.SecretString);
      const now = this.clock.now();
      this.cache.set(secretId, { values, readAtMs: now, askAgainAtMs: now + this.refreshMs });
      return values;
    } catch (err) {
      if (!cached) throw err; // a first read: the caller reports it
      const now = this.clock.now();
      const servedUntilMs = cached.readAtMs + this.refreshMs + MAX_STALE_MS;
      const fields = { vendor, secret: secretId, error: describeError(err) };
      this.telemetry.count('SecretRefreshFailures', vendor);
      if (isTransient(err) && now < servedUntilMs) {
        this.telemetry.log('warn', 'secret refresh failed: serving the value last read until Secrets Manager answers', {
          ...fields,
          readAt: new Date(cached.readAtMs).toISOString(),
          servedAtMostUntil: new Date(servedUntilMs).toISOString(),
        });
        this.cache.set(secretId, { ...cached, askAgainAtMs: Math.min(now + Math.min(STALE_RETRY_MS, this.refreshMs), servedUntilMs) });
        return cached.values;
      }
      this.cache.delete(secretId);
      const reason = isTransient(err)
        ? `Secrets Manager has not answered for ${MAX_STALE_MS / 60_000} minutes after the refresh was due`
        : 'not a throttling, network or server error: the secret may have been deleted, revoked or changed';
      this.telemetry.log('error', 'secret refresh failed: the cached value is dropped', { ...fields, reason });
      throw err;
    }
  }
}

interface Cached {
  readonly values: readonly string[];
  readonly readAtMs: number;
  /** Until then the value is served without asking Secrets Manager. */
  readonly askAgainAtMs: number;
}

/**
 * Errors of GetSecretValue after which the secret is most likely as it was: throttling, a server
 * error, or no answer at all. GetSecretValue's own errors (DecryptionFailure, InternalServiceError,
 * InvalidParameterException, InvalidRequestException, ResourceNotFoundException:
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_Errors)
 * and the common ones (AccessDeniedException, ThrottlingException, ServiceUnavailable, ...:
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html) are told apart
 * by the SDK error's `name`, `$fault` and `$metadata.httpStatusCode`. The common errors page
 * lists InternalServiceError under HTTP 400, hence the names.
 */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, $fault, $metadata } = err as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (THROTTLING.has(name ?? '') || status === 429) return true;
  if (SERVER.has(name ?? '') || $fault === 'server' || (status !== undefined && status >= 500)) return true;
  // The SDK sent the request (it attached its $metadata) and got no HTTP answer: the connection
  // was refused, cut or timed out. Not an Error check: Node's socket errors may come from another realm.
  return $metadata !== undefined && status === undefined;
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const SERVER = new Set(['InternalServiceError', 'InternalFailure', 'InternalServiceFailure', 'ServiceUnavailable']);
