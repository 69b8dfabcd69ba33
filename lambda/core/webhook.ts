/**
 * One inbound webhook, start to answer: size check, authenticate, normalize, deliver (or
 * quarantine). Transport-free: the Lambda handler and the dev server map HTTP to and from this.
 */
import { DEFAULTS } from '../contract/deployment';
import { PublicKeysUnavailableError, type AuthResult, type RawRequest, type VendorAdapter } from './adapter';
import { normalizeWithinBounds } from './admission';
import { alongside, archiveQuietly, archiveRecord, type ArchiveVerdictFields } from './archive';
import { deliver, type DeliveryDeps, type DeliveryOutcome } from './delivery';
import { describeError } from './errors';
import { handleHint, type HintOutcome } from './hint';
import type { QuarantineQueue, RequestArchive, SecretSource } from './ports';
import { SecretFormatError } from './secrets';

export interface WebhookDeps extends DeliveryDeps {
  /** Adapters by path id. */
  readonly adapters: ReadonlyMap<string, VendorAdapter>;
  readonly secrets: SecretSource;
  /**
   * The id `secrets` knows a vendor's webhook secret by (what `secrets.get` is asked for): on AWS
   * its Secrets Manager SecretId (an ARN or a name), locally the environment variable's name.
   */
  readonly secretIdFor: (vendor: string) => string;
  readonly quarantine: QuarantineQueue;
  /**
   * Where every authenticated request that made, or could have made, an event is kept, with its
   * verdict (lambda/contract/archive.ts). @default - nothing is archived
   */
  readonly archive?: RequestArchive;
  readonly maxBodyBytes: number;
  /**
   * What the 503 of a vendor without a secret adds for the caller, where the caller is the
   * developer (the dev server names the variable to set). Unset on AWS: the secret's name is
   * not for an unauthenticated caller.
   */
  readonly notConfiguredAdvice?: (vendor: string) => string;
  /**
   * A registered job's hints (unsigned callbacks) are recorded at most once per this long.
   * @default DEFAULTS.hintIntervalSeconds (60 s)
   */
  readonly hintIntervalMs?: number;
}

export interface WebhookAnswer {
  readonly statusCode: number;
  readonly body: { readonly [key: string]: string | boolean };
  readonly headers?: Readonly<Record<string, string>>;
  /** What happened, for logs and local tooling (never sent to the vendor). */
  readonly result: WebhookResult;
}

export type WebhookResult =
  | { readonly kind: 'delivered'; readonly outcome: DeliveryOutcome; readonly eventId: string; readonly jobId: string }
  | { readonly kind: 'ignored'; readonly reason: string }
  /** An unsigned callback: what it did to its job (core/hint.ts); never an event by itself. */
  | { readonly kind: 'hinted'; readonly outcome: HintOutcome; readonly jobId: string }
  | { readonly kind: 'quarantined'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** Handles one webhook. Never throws: every failure becomes an answer. */
export async function handleWebhook(vendorId: string, request: RawRequest, deps: WebhookDeps): Promise<WebhookAnswer> {
  const adapter = deps.adapters.get(vendorId);
  if (!adapter) return reject(deps, 'unknown', 404, 'unknown_vendor', 'unknown vendor');
  // A poll-only vendor sends nothing: it has no route on AWS, and none here.
  if (adapter.reports === 'poll') return reject(deps, vendorId, 404, 'poll_only', `vendor ${vendorId} sends no webhooks: it is polled (register its jobs)`);
  deps.telemetry.count('Received', vendorId);
  if (request.body.length > deps.maxBodyBytes) return reject(deps, vendorId, 413, 'body_too_large', 'body too large');

  let secrets: readonly string[];
  try {
    secrets = await deps.secrets.get(deps.secretIdFor(vendorId), vendorId);
  } catch (err) {
    if (!(err instanceof SecretFormatError)) return fail(deps, vendorId, 'secret_unavailable', err);
    // The operator's to fix, said in the log (never the value); answered like a missing secret.
    return notConfigured(deps, vendorId, 'vendor secret is not in the secret format', { error: err.message });
  }
  if (secrets.length === 0) return notConfigured(deps, vendorId, 'vendor has no webhook secret configured', {}, deps.notConfiguredAdvice?.(vendorId));

  let auth: AuthResult;
  try {
    auth = adapter.authenticateAsync ? await adapter.authenticateAsync(request, secrets, deps.clock.now()) : adapter.authenticate(request, secrets, deps.clock.now());
  } catch (err) {
    // No public keys to check with (the vendor's JWKS cannot be had now): the vendor's retry may find them.
    if (err instanceof PublicKeysUnavailableError) return fail(deps, vendorId, 'keys_unavailable', err);
    // A secret that parsed but cannot be the scheme's key (a `whsec_` secret that is not strict
    // base64 of at least 24 bytes): the operator's to fix, answered like a secret in the wrong format.
    if (!(err instanceof SecretFormatError)) throw err;
    return notConfigured(deps, vendorId, 'vendor secret is not in the secret format', { error: err.message });
  }
  if (!auth.ok) return reject(deps, vendorId, 401, auth.reason, 'unauthorized');

  const receivedAtMs = deps.clock.now();
  const headers = keptHeaders(request.headers, adapter.authHeaders, secrets);
  // The request's record once its verdict is known; never rejects (what is lost is counted).
  const archived = (verdict: ArchiveVerdictFields): Promise<void> =>
    archiveQuietly(deps.archive, [archiveRecord({ vendor: vendorId, receivedAtMs, receivedVia: 'webhook', headers, body: request.body, signedTimestampMs: auth.timestampMs }, verdict)], deps.telemetry);
  const normalized = normalizeWithinBounds(adapter, request, auth);
  if (normalized.kind === 'hint') {
    try {
      const { outcome, ...answer } = await handleHint(vendorId, normalized.jobId, normalized.vendorStatus, deps, deps.hintIntervalMs ?? DEFAULTS.hintIntervalSeconds * 1000);
      return { ...answer, result: { kind: 'hinted', outcome, jobId: normalized.jobId } };
    } catch (err) {
      return fail(deps, vendorId, 'backend_error', err, { jobId: normalized.jobId });
    }
  }
  if (normalized.kind === 'ignored') {
    deps.telemetry.count('Ignored', vendorId);
    deps.telemetry.log('info', 'event type ignored', { vendor: vendorId, vendorEventType: normalized.vendorEventType, reason: normalized.reason });
    // Nothing else to wait for: the one round trip of this answer.
    await archived({ verdict: 'ignored', eventId: null, jobId: null, reason: normalized.reason });
    return { statusCode: 202, body: { accepted: true, ignored: true }, result: { kind: 'ignored', reason: normalized.reason } };
  }
  try {
    if (normalized.kind === 'invalid') {
      const side = archived({ verdict: 'quarantined', eventId: null, jobId: null, reason: normalized.reason });
      return await alongside(side, () => quarantineRequest(deps, vendorId, headers, request, auth, receivedAtMs, normalized.reason));
    }
  } catch (err) {
    return fail(deps, vendorId, 'backend_error', err);
  }
  try {
    const { outcome, event } = await deliver(normalized.fields, { vendor: vendorId, receivedVia: 'webhook', receivedAtMs }, deps, (verdict, made) =>
      archived({ verdict, eventId: made.id, jobId: made.data.jobId }),
    );
    const result: WebhookResult = { kind: 'delivered', outcome, eventId: event.id, jobId: event.data.jobId };
    if (outcome === 'busy') {
      return { statusCode: 503, body: { error: 'another event of this job is being delivered; retry' }, headers: { 'retry-after': '5' }, result };
    }
    return { statusCode: 200, body: { accepted: true, outcome }, result };
  } catch (err) {
    return fail(deps, vendorId, 'backend_error', err, { jobId: normalized.fields.jobId });
  }
}

/**
 * 503 for a vendor whose secret is missing or unreadable. The secret's name stays in the log: the
 * caller is not authenticated yet (only local advice, such as the variable to set, is answered).
 */
function notConfigured(deps: WebhookDeps, vendor: string, problem: string, fields: Record<string, unknown>, advice?: string): WebhookAnswer {
  deps.telemetry.log('error', problem, { vendor, secret: deps.secretIdFor(vendor), ...fields });
  return reject(deps, vendor, 503, 'not_configured', `vendor ${vendor} is not configured yet${advice ? `: ${advice}` : ''}`);
}

/** Keeps an authenticated request we cannot turn into an event: 202, nothing on the events queue. */
async function quarantineRequest(
  deps: WebhookDeps,
  vendor: string,
  headers: Readonly<Record<string, string>>,
  request: RawRequest,
  auth: Extract<AuthResult, { ok: true }>,
  receivedAtMs: number,
  reason: string,
): Promise<WebhookAnswer> {
  await deps.quarantine.send({
    vendor,
    reason,
    receivedAt: new Date(receivedAtMs).toISOString(),
    headers,
    bodyBase64: request.body.toString('base64'),
    ...(auth.timestampMs !== null ? { signedTimestampMs: auth.timestampMs } : {}),
  });
  deps.telemetry.count('Quarantined', vendor);
  deps.telemetry.log('warn', 'authenticated request quarantined', { vendor, reason });
  return { statusCode: 202, body: { accepted: true, quarantined: true }, result: { kind: 'quarantined', reason } };
}

function reject(deps: WebhookDeps, vendor: string, statusCode: number, reason: string, message: string): WebhookAnswer {
  deps.telemetry.count('Rejected', vendor, 1, { Reason: reason });
  deps.telemetry.log('warn', 'request rejected', { vendor, statusCode, reason });
  return { statusCode, body: { error: message }, result: { kind: 'rejected', reason } };
}

function fail(deps: WebhookDeps, vendor: string, reason: string, err: unknown, fields: Record<string, unknown> = {}): WebhookAnswer {
  deps.telemetry.count('BackendErrors', vendor);
  deps.telemetry.log('error', 'backend failure; the vendor should retry', { vendor, reason, error: describeError(err), ...fields });
  return { statusCode: 500, body: { error: 'temporary failure; retry' }, result: { kind: 'failed', reason } };
}

/**
 * The adapter's headers, less any that contains a configured secret: whatever an adapter lists,
 * a static key never reaches the quarantine, nor the archive.
 */
export function keptHeaders(headers: Readonly<Record<string, string>>, names: readonly string[], secrets: readonly string[]): Record<string, string> {
  const keys = secrets.map((secret) => secret.trim()).filter((secret) => secret.length > 0);
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name.toLowerCase()];
    if (value !== undefined && !keys.some((key) => value.includes(key))) out[name.toLowerCase()] = value;
  }
  return out;
}
