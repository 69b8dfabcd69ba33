/**
 * One status query for one job: an HTTP GET (plus a follow-up when the adapter asks for one, e.g.
 * a download URL), classified into what the poller acts on. Vendor specifics (URLs, headers,
 * body shapes) stay in the adapter's `VendorStatusApi`; this file only knows HTTP.
 */
import type { NormalizedFields } from '../core/event';
import type { StatusHttpRequest, StatusParseResult, StatusRequestContext, VendorStatusApi } from '../core/adapter';

export type StatusCheckResult =
  /** The vendor answered and the adapter understood it. */
  | { readonly kind: 'status'; readonly fields: NormalizedFields }
  /** 429: nothing learned; no request to this vendor before `retryAtMs`. */
  | { readonly kind: 'rate_limited'; readonly httpStatus: number; readonly retryAtMs: number }
  /** 401/403: the status-API key is missing, wrong or lacks access. */
  | { readonly kind: 'auth_error'; readonly httpStatus: number }
  /** 404: the vendor does not know the job. */
  | { readonly kind: 'not_found'; readonly httpStatus: number }
  /** A 2xx the adapter could not understand (not JSON, unknown shape). */
  | { readonly kind: 'invalid'; readonly httpStatus: number; readonly reason: string }
  /** 5xx, other 4xx, timeout or network failure: try again later. */
  | { readonly kind: 'error'; readonly reason: StatusErrorReason; readonly httpStatus: number | null }
  /** No time left in the run for a needed follow-up request: nothing learned, nothing wrong. */
  | { readonly kind: 'deferred'; readonly reason: string };

export type StatusErrorReason = 'http_5xx' | 'http_4xx' | 'timeout' | 'network' | 'adapter_error';

export interface StatusCheckOptions {
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** No request may still be open at this time (ms since epoch, on `now`'s clock). */
  readonly deadlineMs: number;
  /** Called before a follow-up request; resolve false to skip it (e.g. no rate slot in time). */
  readonly beforeFollowUp?: () => Promise<boolean>;
}

export interface StatusClientOptions {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The clock of deadlines and reset times. @default Date.now */
  readonly now?: () => number;
  /** Wait after a 429 that says nothing about when to retry. @default 60000 */
  readonly defaultRetryAfterMs?: number;
  /** Longest wait a 429 can ask for (a broken header must not pause a vendor for days). @default 3600000 */
  readonly maxRetryAfterMs?: number;
  /** Larger bodies are not parsed. @default 1048576 */
  readonly maxBodyBytes?: number;
  /** At most this many follow-up requests per job. @default 2 */
  readonly maxFollowUps?: number;
}

export class StatusClient {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly defaultRetryAfterMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxBodyBytes: number;
  private readonly maxFollowUps: number;

  constructor(options: StatusClientOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 60_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 3_600_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.maxFollowUps = options.maxFollowUps ?? 2;
  }

  /** Asks the vendor for one job's status. Never throws. */
  async check(api: VendorStatusApi, jobId: string, ctx: StatusRequestContext, options: StatusCheckOptions): Promise<StatusCheckResult> {
    let request: StatusHttpRequest;
    try {
      request = api.request(jobId, ctx);
    } catch {
      return { kind: 'error', reason: 'adapter_error', httpStatus: null };
    }
    const first = await this.get(request, options);
    if (first.kind !== 'answer') return first;
    if (!isOk(first.status)) return { kind: 'error', reason: first.status >= 500 ? 'http_5xx' : 'http_4xx', httpStatus: first.status };
    if (first.body === undefined) return { kind: 'invalid', httpStatus: first.status, reason: first.problem ?? 'unreadable body' };

    let parsed = safely(() => api.parse(jobId, first.body, ctx));
    for (let followUps = 0; parsed.kind === 'follow'; followUps++) {
      if (followUps >= this.maxFollowUps) return { kind: 'invalid', httpStatus: first.status, reason: 'too many follow-up requests' };
      if (options.beforeFollowUp && !(await options.beforeFollowUp())) return { kind: 'deferred', reason: 'no request slot left for the follow-up' };
      const next = await this.get(parsed.request, options, true);
      if (next.kind !== 'answer') return next;
      if (next.status >= 500) return { kind: 'error', reason: 'http_5xx', httpStatus: next.status };
      const then = parsed.then;
      parsed = safely(() => then(next.status, next.body));
    }
    if (parsed.kind === 'invalid') return { kind: 'invalid', httpStatus: first.status, reason: parsed.reason };
    return { kind: 'status', fields: parsed.fields };
  }

  /**
   * One GET. 429/401/403 (and 404, except for a follow-up, whose adapter decides) and failures
   * come back classified; other statuses as an answer.
   */
  private async get(request: StatusHttpRequest, options: StatusCheckOptions, followUp = false): Promise<Answer | Exclude<StatusCheckResult, { kind: 'status' | 'invalid' }>> {
    const budget = Math.min(options.timeoutMs, options.deadlineMs - this.now());
    if (budget <= 0) return { kind: 'deferred', reason: 'the run is out of time' };
    const clipped = budget < options.timeoutMs;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(request.url, {
        method: 'GET',
        headers: { accept: 'application/json', ...request.headers },
        signal: AbortSignal.timeout(budget),
        redirect: 'follow',
      });
      text = await readText(response, this.maxBodyBytes);
    } catch (err) {
      if (isTimeout(err)) return clipped ? { kind: 'deferred', reason: 'the run ran out of time mid-request' } : { kind: 'error', reason: 'timeout', httpStatus: null };
      return { kind: 'error', reason: 'network', httpStatus: null };
    }
    const status = response.status;
    if (status === 429) return { kind: 'rate_limited', httpStatus: status, retryAtMs: this.retryAt(response.headers) };
    if (status === 401 || status === 403) return { kind: 'auth_error', httpStatus: status };
    if (status === 404 && !followUp) return { kind: 'not_found', httpStatus: status };
    if (text === TOO_LARGE) return { kind: 'answer', status, body: undefined, problem: `body over ${this.maxBodyBytes} bytes` };
    try {
      return { kind: 'answer', status, body: text.length === 0 ? undefined : (JSON.parse(text) as unknown), problem: text.length === 0 ? 'empty body' : undefined };
    } catch {
      return { kind: 'answer', status, body: undefined, problem: 'body is not JSON' };
    }
  }

  private retryAt(headers: Headers): number {
    const now = this.now();
    const wait = retryAfterMs(headers, now) ?? this.defaultRetryAfterMs;
    return now + Math.min(Math.max(wait, 0), this.maxRetryAfterMs);
  }
}

/**
 * How long a 429 asks us to wait: `Retry-After` (delay seconds or an HTTP date), else
 * `RateLimit-Reset` / `X-RateLimit-Reset` (delay seconds; a value that looks like Unix epoch
 * seconds is read as a time). Undefined when none is usable.
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return at - nowMs;
  }
  for (const name of ['ratelimit-reset', 'x-ratelimit-reset']) {
    const value = headers.get(name)?.trim();
    if (!value || !/^\d+(\.\d+)?$/.test(value)) continue;
    const n = Number(value);
    // Delta seconds per the IETF RateLimit fields; some APIs send an epoch time instead.
    return n > 1_000_000_000 ? n * 1000 - nowMs : n * 1000;
  }
  return undefined;
}

interface Answer {
  readonly kind: 'answer';
  readonly status: number;
  readonly body: unknown;
  readonly problem?: string;
}

const TOO_LARGE = '\u0000too large\u0000';

async function readText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return TOO_LARGE;
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  return bytes.length > maxBytes ? TOO_LARGE : bytes.toString('utf8');
}

function safely(parse: () => StatusParseResult): StatusParseResult {
  try {
    return parse();
  } catch (err) {
    // Adapters should never throw; one that does is reported like an unreadable answer.
    return { kind: 'invalid', reason: `adapter threw: ${err instanceof Error ? err.message : String(err)}`.slice(0, 200) };
  }
}

function isOk(status: number): boolean {
  return status >= 200 && status < 300;
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}
