/**
 * The vendor adapter contract: what the core asks of a vendor. Each vendor implements it in its
 * own folder (lambda/vendors/<vendor>/); the core knows no vendor.
 */
import type { VendorReports } from '../contract/manifest';
import type { NormalizedFields } from './event';
import type { JsonObject } from './json';

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
  | 'bad_key'
  /** Signed by the vendor, but for an account this deployment does not accept (a vendor that signs every customer's deliveries with one key). */
  | 'wrong_account';

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
  /**
   * Present when authenticating may need keys fetched from the vendor (signatures checked with the
   * public keys of its JWKS): the core awaits this instead of `authenticate`. It refuses first what
   * can be refused without keys (headers missing or malformed, a stale timestamp, another account),
   * so such a request costs no fetch; `authenticate` then checks with the keys already in memory
   * only, and fetches nothing. Rejects with PublicKeysUnavailableError when it has no keys and may
   * not, or could not, fetch them (the core answers 500: the vendor's retry comes later).
   */
  authenticateAsync?(req: RawRequest, secrets: readonly string[], nowMs: number): Promise<AuthResult>;
  /** Parses and normalizes an authenticated request. Never throws: bad input is `invalid`. */
  normalize(req: RawRequest, auth: Extract<AuthResult, { ok: true }>): NormalizeResult;
  /** The vendor's status API, for the poller; undefined if the vendor has none. */
  readonly statusApi: VendorStatusApi | undefined;
}

/**
 * The public keys vendors publish as a JWKS (RFC 7517, a JSON object whose `keys` are the keys),
 * for adapters whose signatures are checked with them. The composition root provides it
 * (lambda/adapters/http/jwks-source.ts): keys are fetched on first use, kept in memory, and fetched
 * again only at a bounded rate, never once per request.
 */
export interface PublicKeySource {
  /** The keys of `url` in memory, fetching nothing; undefined when there are none yet. */
  cached(url: string): readonly JsonObject[] | undefined;
  /**
   * The keys of `url`: those in memory, fetched first when there are none or they are older than
   * the source keeps them (a failed fetch keeps the old ones). Rejects with
   * PublicKeysUnavailableError when it has none and cannot fetch them now.
   */
  keys(url: string): Promise<readonly JsonObject[]>;
  /**
   * The keys fetched again because a signature matched none of those in memory (the vendor may
   * have rotated them). Undefined, without a request, when `url` was fetched more recently than
   * the source's bound allows; undefined too when the fetch fails.
   */
  refresh(url: string): Promise<readonly JsonObject[] | undefined>;
}

/** No public keys to check a signature with: none fetched yet, and none can be now. Answered 500 (retryable). */
export class PublicKeysUnavailableError extends Error {}

/** What the composition root gives an adapter besides its options. */
export interface AdapterPorts {
  /** Where adapters that check public-key signatures get the keys. @default - none: such an adapter answers 500 */
  readonly publicKeys?: PublicKeySource;
  /**
   * Fetch the public keys here instead of at the URL the options name: a local stand-in
   * (`<ID>_JWKS_URL` in `video-webhooks dev`, tests). @default - the options' URL
   */
  readonly jwksUrl?: string;
}
