/**
 * The vendor adapter contract: what the core asks of a vendor. Each vendor implements it in its
 * own folder (lambda/vendors/<vendor>/); the core knows no vendor.
 */
import type { VendorReports } from '../contract/manifest';
import type { NormalizedFields } from './event';

export type { VendorReports };

/** A raw inbound webhook request. Header names are lower-case. The body is exactly the bytes received. */
export interface RawRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /**
   * The URL's query parameters (a repeated one joined with `,`, as API Gateway does): where an
   * unsigned vendor's callback URL carries its token. @default - none
   */
  readonly query?: Readonly<Record<string, string>>;
}

export type AuthFailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'missing_key'
  | 'bad_key';

export type AuthResult =
  | { readonly ok: true; /** the vendor's signed timestamp (ms since epoch), when it has one */ readonly timestampMs: number | null }
  | { readonly ok: false; readonly reason: AuthFailureReason };

export type NormalizeResult =
  /** One event to deliver. */
  | { readonly kind: 'event'; readonly fields: NormalizedFields }
  /** Authentic, well-formed, but a type we do not turn into events (e.g. event types a vendor documents as optional). Answer 202. */
  | { readonly kind: 'ignored'; readonly vendorEventType: string | null; readonly reason: string }
  /** Authentic but not understood (not JSON, or a shape we cannot normalize). Quarantined, answer 202. */
  | { readonly kind: 'invalid'; readonly reason: string }
  /**
   * An unsigned callback (`reports: 'hint'`): it names a job and nothing in it is trusted; the job,
   * if registered, is made due for a status request (core/hint.ts). `vendorStatus` is for the log only.
   */
  | { readonly kind: 'hint'; readonly jobId: string; readonly vendorStatus: string | null };

/** What a status-API call needs. */
export interface StatusRequestContext {
  /** Base URL without trailing slash, e.g. `https://api.example.com`. */
  readonly baseUrl: string;
  /** The status-API key, or undefined if none is configured. */
  readonly apiKey: string | undefined;
}

/** One HTTP request to a vendor's status API. */
export interface StatusHttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The parsed answer of a status API for one job. */
export type StatusParseResult =
  | { readonly kind: 'status'; readonly fields: NormalizedFields }
  /** A follow-up request is needed first (e.g. a download URL asked for once the job is finished). */
  | { readonly kind: 'follow'; readonly request: StatusHttpRequest; readonly then: (status: number, body: unknown) => StatusParseResult }
  | { readonly kind: 'invalid'; readonly reason: string };

export interface VendorStatusApi {
  /** Default base URL (no trailing slash), or undefined if the vendor publishes none (must be configured). */
  readonly defaultBaseUrl: string | undefined;
  request(jobId: string, ctx: StatusRequestContext): StatusHttpRequest;
  /** Parses a 2xx JSON answer. Non-2xx answers (429, 401/403, 5xx) are handled by the poller. */
  parse(jobId: string, body: unknown, ctx: StatusRequestContext): StatusParseResult;
}

export interface VendorAdapter {
  /** The id in the path `/webhooks/{id}` and in `source`/`data.vendor`. */
  readonly id: string;
  /**
   * How the vendor reports: `webhook` (authenticate, then normalize into an event), `hint` (the
   * request's token checked, then `normalize` gives a `hint`, never an event), `poll` (no webhooks:
   * its route answers 404). @default 'webhook'
   */
  readonly reports?: VendorReports;
  /**
   * Headers the quarantine keeps beside the body: the signature headers and those `normalize`
   * reads. Never a header carrying a static key: whoever reads the quarantine could forge events
   * with it (the core also drops any kept header that contains a configured secret).
   */
  readonly authHeaders: readonly string[];
  /**
   * Authenticates the raw request against every accepted secret (rotation), in constant time.
   * Must not parse the body as JSON.
   */
  authenticate(req: RawRequest, secrets: readonly string[], nowMs: number): AuthResult;
  /** Parses and normalizes an authenticated request. Never throws: bad input is `invalid`. */
  normalize(req: RawRequest, auth: Extract<AuthResult, { ok: true }>): NormalizeResult;
  /** The vendor's status API, for the poller; undefined if the vendor has none. */
  readonly statusApi: VendorStatusApi | undefined;
}
