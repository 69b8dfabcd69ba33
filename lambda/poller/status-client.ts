/**
 * One status query for one job: an HTTP GET (plus a follow-up when the adapter asks for one, e.g.
 * a download URL), classified into what the poller acts on. Vendor specifics (URLs, headers,
 * body shapes) stay in the adapter's `VendorStatusApi`; this file knows what HTTP answers mean.
 *
 * A status API is not trusted with more than one answer's worth of cost or reach: a redirect is
 * never followed and a body is read only when it is used, up to a cap (the transport,
 * ../http/http-get.ts, bounds the exchange; this file decides what each answer means). Nor is it
 * trusted with where it is: every request (follow-ups included) is checked on its URL and on the
 * addresses its host name resolves to (../contract/status-url.ts, ../http/checked-agents.ts): never
 * link-local, loopback only for a vendor that allows it, the key over plain http only for a vendor
 * that allows it.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { statusUrlRefusal } from '../contract/status-url';
import type { ReadAnswer } from '../core/archive';
import type { NormalizedFields } from '../core/event';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../core/json';
import type { StatusHttpRequest, StatusParseResult, StatusRequestContext, VendorStatusApi } from '../core/adapter';
import { CheckedAgents, type ConnectionAccess } from '../http/checked-agents';
import { httpGet, type HeaderReader, type HttpFailure, type HttpResponse, type Unreadable } from '../http/http-get';

export type StatusCheckResult =
  /** The vendor answered and the adapter understood it (`answers`: what it read, the first answer and its follow-ups, as they came). */
  | { readonly kind: 'status'; readonly fields: NormalizedFields; readonly answers: readonly ReadAnswer[] }
  /** 429: nothing learned; no request to this vendor before `retryAtMs`. */
  | { readonly kind: 'rate_limited'; readonly httpStatus: number; readonly retryAtMs: number }
  /** 401/403: the status-API key is missing, wrong or lacks access. */
  | { readonly kind: 'auth_error'; readonly httpStatus: number }
  /** 404: the vendor does not know the job. */
  | { readonly kind: 'not_found'; readonly httpStatus: number }
  /**
   * A 2xx the adapter could not understand (not JSON, unknown shape); `answers`: the answers read
   * whole (none for a body past the limits).
   */
  | { readonly kind: 'invalid'; readonly httpStatus: number; readonly reason: string; readonly answers?: readonly ReadAnswer[] }
  /** 5xx, other 4xx, a redirect (never followed), timeout or network failure: try again later. */
  | { readonly kind: 'error'; readonly reason: StatusErrorReason; readonly httpStatus: number | null; readonly detail?: string }
  /** No time left in the run for a needed follow-up request: nothing learned, nothing wrong. */
  | { readonly kind: 'deferred'; readonly reason: string }
  | StatusRefusal;

/**
 * The adapter would not build a request for this job (`request` threw: e.g. its id would change the
 * URL's path), or the request may not go where it points (link-local, loopback, a key over plain
 * http: see `allowInsecureStatusApi`). Nothing was sent there.
 */
export interface StatusRefusal {
  readonly kind: 'refused';
  readonly reason: string;
}

export type StatusErrorReason = 'http_5xx' | 'http_4xx' | 'redirect' | 'timeout' | 'network';

/** What the vendor allows its status requests. */
export interface StatusAccess {
  /**
   * The vendor's `allowInsecureStatusApi`: its key may go over plain http, and a loopback status
   * API (a local stand-in) may be asked. Link-local addresses are never asked. @default false
   */
  readonly allowInsecureStatusApi?: boolean;
}

export interface StatusCheckOptions extends StatusAccess {
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** No request may still be open at this time (ms since epoch, on `now`'s clock). */
  readonly deadlineMs: number;
  /** Called before a follow-up request; resolve false to skip it (e.g. no rate slot in time). */
  readonly beforeFollowUp?: () => Promise<boolean>;
}

export interface StatusClientOptions {
  /** The clock of deadlines and reset times. @default Date.now */
  readonly now?: () => number;
  /** Wait after a 429 that says nothing about when to retry. @default 60000 */
  readonly defaultRetryAfterMs?: number;
  /** Longest wait a 429 can ask for (a broken header must not pause a vendor for days). @default 3600000 */
  readonly maxRetryAfterMs?: number;
  /**
   * The most bytes of a body that are read, counted after decoding: a longer body ends the
   * request and the answer is called unreadable (`invalid`). @default 1048576
   */
  readonly maxBodyBytes?: number;
  /** At most this many follow-up requests per job. @default 2 */
  readonly maxFollowUps?: number;
  /**
   * Never ask a loopback address, whatever a vendor allows: set on Lambda, where the Runtime API
   * (`AWS_LAMBDA_RUNTIME_API`) and extensions listen there. @default false
   */
  readonly neverLoopback?: boolean;
  /** Resolves host names; each address it gives is checked before a connection is made. @default dns.lookup */
  readonly lookup?: LookupFunction;
}

export class StatusClient {
  private readonly now: () => number;
  private readonly defaultRetryAfterMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxBodyBytes: number;
  private readonly maxFollowUps: number;
  private readonly neverLoopback: boolean;
  private readonly agents: CheckedAgents;

  constructor(options: StatusClientOptions = {}) {
    this.now = options.now ?? Date.now;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 60_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 3_600_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.maxFollowUps = options.maxFollowUps ?? 2;
    this.neverLoopback = options.neverLoopback ?? false;
    this.agents = new CheckedAgents(options.lookup ?? (dnsLookup as LookupFunction));
  }

  /**
   * The first request of a job's check, or why it is not sent: the adapter's refusal to build one,
   * or where it points (see `StatusAccess`). Sends nothing.
   */
  prepare(api: VendorStatusApi, jobId: string, ctx: StatusRequestContext, access: StatusAccess = {}): StatusHttpRequest | StatusRefusal {
    let request: StatusHttpRequest;
    try {
      request = api.request(jobId, ctx);
    } catch (err) {
      return { kind: 'refused', reason: (err instanceof Error ? err.message : String(err)).slice(0, 300) };
    }
    return this.refusal(request, ctx, access) ?? request;
  }

  /** Asks the vendor for one job's status (`prepared`: what `prepare` gave). Never throws. */
  async check(
    api: VendorStatusApi,
    jobId: string,
    ctx: StatusRequestContext,
    options: StatusCheckOptions,
    prepared: StatusHttpRequest | StatusRefusal = this.prepare(api, jobId, ctx, options),
  ): Promise<StatusCheckResult> {
    if ('kind' in prepared) return prepared;
    const first = await this.get(prepared, ctx, options);
    if (first.kind !== 'answer') return first;
    // Every answer read whole, for the archive: the bytes as the vendor sent them.
    const answers: ReadAnswer[] = first.raw ? [{ status: first.status, body: first.raw }] : [];
    if (first.body === undefined) return { kind: 'invalid', httpStatus: first.status, reason: first.problem ?? 'unreadable body', ...read(answers) };

    let parsed = safely(() => api.parse(jobId, first.body, ctx));
    for (let followUps = 0; parsed.kind === 'follow'; followUps++) {
      if (followUps >= this.maxFollowUps) return { kind: 'invalid', httpStatus: first.status, reason: 'too many follow-up requests', ...read(answers) };
      if (options.beforeFollowUp && !(await options.beforeFollowUp())) return { kind: 'deferred', reason: 'no request slot left for the follow-up' };
      const next = await this.get(parsed.request, ctx, options, true);
      if (next.kind !== 'answer') return next;
      // A follow-up's answer goes to the adapter even when it is not JSON (it decides), but not one past the limits.
      if (next.overLimit) return { kind: 'invalid', httpStatus: next.status, reason: `follow-up ${next.problem}` };
      answers.push({ status: next.status, body: next.raw ?? Buffer.alloc(0) });
      const then = parsed.then;
      parsed = safely(() => then(next.status, next.body));
    }
    if (parsed.kind === 'invalid') return { kind: 'invalid', httpStatus: first.status, reason: parsed.reason, ...read(answers) };
    return { kind: 'status', fields: parsed.fields, answers };
  }

  /**
   * One GET. Redirects, 429, 401/403, 5xx, other non-2xx (a follow-up's 4xx excepted: its adapter
   * decides) and failures come back classified, their bodies unread; the rest as an answer. A
   * request that may not go where it points (its URL, or an address its host resolves to) is refused.
   */
  private async get(request: StatusHttpRequest, ctx: StatusRequestContext, options: StatusCheckOptions, followUp = false): Promise<Answer | Unanswered> {
    const refused = this.refusal(request, ctx, options);
    if (refused) return refused;
    const budget = Math.min(options.timeoutMs, options.deadlineMs - this.now());
    if (budget <= 0) return { kind: 'deferred', reason: 'the run is out of time' };
    // A timeout that is the run's deadline, not the request's own, means "no time left", not "too slow".
    const clipped = budget < options.timeoutMs;
    const failed = (failure: HttpFailure): Unanswered =>
      failure.cause === 'refused'
        ? { kind: 'refused', reason: failure.reason }
        : failure.cause === 'network'
          ? { kind: 'error', reason: 'network', httpStatus: null }
          : clipped
            ? { kind: 'deferred', reason: 'the run ran out of time mid-request' }
            : { kind: 'error', reason: 'timeout', httpStatus: null };
    const response = await httpGet(request, budget, (protocol) => this.agents.agent(protocol, this.access(options)));
    if (response.kind === 'failed') return failed(response);
    const classified = this.classify(request.url, response, followUp);
    if (classified) {
      response.discard();
      return classified;
    }
    const body = await response.read(this.maxBodyBytes);
    return !Buffer.isBuffer(body) && body.kind === 'failed' ? failed(body) : answerOf(response.status, body);
  }

  /** What a response is from its status alone; undefined when its body is wanted. */
  private classify(url: string, response: HttpResponse, followUp: boolean): Unanswered | undefined {
    const status = response.status;
    if (status >= 300 && status < 400) return { kind: 'error', reason: 'redirect', httpStatus: status, detail: redirectDetail(url, response.get('location')) };
    if (status === 429) return { kind: 'rate_limited', httpStatus: status, retryAtMs: this.retryAt(response) };
    if (status === 401 || status === 403) return { kind: 'auth_error', httpStatus: status };
    if (status >= 500) return { kind: 'error', reason: 'http_5xx', httpStatus: status };
    if (followUp || isOk(status)) return undefined;
    if (status === 404) return { kind: 'not_found', httpStatus: status };
    return { kind: 'error', reason: 'http_4xx', httpStatus: status };
  }

  /** Why `request` may not be sent where it points, or undefined (see ../contract/status-url.ts). */
  private refusal(request: StatusHttpRequest, ctx: StatusRequestContext, access: StatusAccess): StatusRefusal | undefined {
    const reason = statusUrlRefusal(request.url, { ...this.access(access), sendsKey: Boolean(ctx.apiKey) });
    return reason === undefined ? undefined : { kind: 'refused', reason };
  }

  private access(access: StatusAccess): ConnectionAccess {
    return { allowInsecure: access.allowInsecureStatusApi ?? false, neverLoopback: this.neverLoopback };
  }

  private retryAt(headers: HeaderReader): number {
    const now = this.now();
    const wait = retryAfterMs(headers, now) ?? this.defaultRetryAfterMs;
    return now + Math.min(Math.max(wait, 0), this.maxRetryAfterMs);
  }
}

/**
 * How long a 429 asks us to wait: `Retry-After` (delay seconds, or an HTTP date of one of the three
 * forms RFC 9110 §5.6.7 allows, in the future), else `RateLimit-Reset` / `X-RateLimit-Reset`
 * (delay seconds; a value that looks like Unix epoch seconds is read as a time, and must be in
 * the future). Undefined when none is usable: negative, signed, exponent or hex numbers, more than
 * 10 digits, several values folded into one, dates of other forms or already past. The caller
 * then pauses for its default, so a broken or hostile header never means "no pause".
 */
export function retryAfterMs(headers: HeaderReader, nowMs: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    const wait = delayMs(retryAfter) ?? untilHttpDate(retryAfter, nowMs);
    if (wait !== undefined) return wait;
  }
  for (const name of ['ratelimit-reset', 'x-ratelimit-reset']) {
    const value = delayMs(headers.get(name)?.trim() ?? '');
    if (value === undefined) continue;
    // Delta seconds per the IETF RateLimit fields; some APIs send an epoch time instead.
    if (value < EPOCH_SECONDS_FROM * 1000) return value;
    if (value > nowMs) return value - nowMs;
  }
  return undefined;
}

/** Seconds (1*DIGIT, RFC 9110 delay-seconds; a fraction tolerated) in ms, or undefined. */
function delayMs(value: string): number | undefined {
  return /^\d{1,10}(\.\d{1,3})?$/.test(value) ? Number(value) * 1000 : undefined;
}

/** Ms until an HTTP date (IMF-fixdate, RFC 850 or asctime, all GMT) still ahead, or undefined. */
function untilHttpDate(value: string, nowMs: number): number | undefined {
  const text = IMF_FIXDATE.test(value) || RFC850_DATE.test(value) ? value : ASCTIME_DATE.test(value) ? `${value} GMT` : undefined;
  const at = text === undefined ? NaN : Date.parse(text);
  return Number.isFinite(at) && at > nowMs ? at - nowMs : undefined;
}

/** A reset value from here on is a Unix time (2001-09-09), not a delay (31 years). */
const EPOCH_SECONDS_FROM = 1_000_000_000;
const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);

interface Answer {
  readonly kind: 'answer';
  readonly status: number;
  readonly body: unknown;
  /** The bytes, when they were read to the end and within the limits. */
  readonly raw?: Buffer;
  readonly problem?: string;
  /** The body broke a limit (size, coding, nesting): it was not read to the end, or not parsed. */
  readonly overLimit?: boolean;
}

type Unanswered = Exclude<StatusCheckResult, { kind: 'status' | 'invalid' }>;

function answerOf(status: number, body: Buffer | Unreadable): Answer {
  if (!Buffer.isBuffer(body)) return { kind: 'answer', status, body: undefined, problem: body.problem, overLimit: true };
  if (body.length === 0) return { kind: 'answer', status, body: undefined, raw: body, problem: 'empty body' };
  // A MiB of `[[[[...` parses into half a million arrays (~66 MiB): refused before it is built.
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return { kind: 'answer', status, body: undefined, problem: `body nested deeper than ${MAX_JSON_DEPTH} levels`, overLimit: true };
  try {
    return { kind: 'answer', status, body: JSON.parse(body.toString('utf8')) as unknown, raw: body };
  } catch {
    return { kind: 'answer', status, body: undefined, raw: body, problem: 'body is not JSON' };
  }
}

/** Where a redirect pointed, for the log: same origin or another one (its origin only: no path, no query). */
function redirectDetail(requestUrl: string, location: string | null): string {
  const moved = 'not followed; if the vendor moved its status API, configure the new address';
  if (!location) return `without a location: ${moved}`;
  let target: URL;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return `to an unreadable location: ${moved}`;
  }
  return target.origin === new URL(requestUrl).origin ? `within the same origin: ${moved}` : `to another origin (${target.origin.slice(0, 200)}): ${moved}`;
}

/** The answers read whole, when there are any (a body past the limits is not kept). */
function read(answers: readonly ReadAnswer[]): { answers?: readonly ReadAnswer[] } {
  return answers.length > 0 ? { answers } : {};
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
