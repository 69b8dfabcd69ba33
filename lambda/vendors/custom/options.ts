/**
 * The options of a custom vendor (`Vendor.custom({ adapterOptions })`, `video-webhooks dev
 * --config`), as the adapter reads them: JSON. Their spec, checked at synth time and at cold
 * start, is in ./manifest.ts (the compiler keeps the two names in step).
 */
import type { VideoJobStatus } from '../../contract/statuses';

/** HMAC-SHA256 over `template`, where `{timestamp}` and `{body}` are replaced by the header value and the raw body. */
export interface CustomHmacAuth {
  readonly type: 'hmac';
  /** The HMAC hash; SHA-256 is the only one supported. @default 'sha256' */
  readonly algorithm?: 'sha256';
  /** Header with the signature, e.g. `x-acme-signature`. */
  readonly signatureHeader: string;
  /** @default 'hex' */
  readonly encoding?: 'hex' | 'base64';
  /** Text before the signature in the header, e.g. `sha256=`. @default '' */
  readonly signaturePrefix?: string;
  /** Header with unix seconds; required when the template uses `{timestamp}`. */
  readonly timestampHeader?: string;
  /** @default '{body}' */
  readonly template?: string;
  /** Tolerance for the timestamp header. @default 300 */
  readonly toleranceSeconds?: number;
}

/** A static key in a header, compared in constant time (`Bearer ` is stripped when present). */
export interface CustomKeyAuth {
  readonly type: 'bearer';
  /** @default 'authorization' */
  readonly header?: string;
}

/**
 * One header `t=<unix seconds>,<scheme>=<hex>[,<scheme>=<hex>...]`: the hex HMAC-SHA256 of
 * `<t>.<raw body>` keyed with the secret as UTF-8, any one signature of the scheme accepted.
 */
export interface CustomKeyedHeaderAuth {
  readonly type: 'keyed-header';
  /** The header, e.g. `x-acme-signature`. */
  readonly header: string;
  /** The signatures' label. @default 'v1' */
  readonly scheme?: string;
  /** Largest distance of `t` from now. @default 300 */
  readonly toleranceSeconds?: number;
  /** Whether it is checked either way, or only for a `t` in the past. @default 'either-way' */
  readonly window?: 'either-way' | 'past-only';
}

/**
 * An Ed25519 signature over `template`, checked with the public keys of the vendor's JWKS (fetched,
 * kept in memory, fetched again at a bounded rate). A vendor that signs every customer's
 * deliveries with the same keys names the customer in `accountHeader`: its value must be one of the
 * webhook secret's values (the accepted account ids), and it must be signed.
 */
export interface CustomEd25519JwksAuth {
  readonly type: 'ed25519-jwks';
  /** The vendor's JWKS, https only. */
  readonly jwksUrl: string;
  readonly signatureHeader: string;
  /** @default 'hex' */
  readonly encoding?: 'hex' | 'base64';
  /** Header with the signed timestamp (unix seconds). */
  readonly timestampHeader: string;
  /** Header with the account the vendor signed for. */
  readonly accountHeader: string;
  /** What was signed: `{timestamp}`, `{body}` (raw bytes), `{bodySha256Hex}`, `{header:<name>}`, text as written. */
  readonly template: string;
  /** Header with the id (`kid`) of the key that signed; unset: every key of the JWKS is tried. */
  readonly keyIdHeader?: string;
  /** @default 300 */
  readonly toleranceSeconds?: number;
  /** @default 'either-way' */
  readonly window?: 'either-way' | 'past-only';
}

/**
 * Standard Webhooks (https://www.standardwebhooks.com, what Svix sends): headers `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` (or `svix-*`), HMAC-SHA256 of `<id>.<timestamp>.<body>`
 * keyed by the base64 after a `whsec_` secret's prefix, `v1,<base64>` signatures separated by spaces.
 */
export interface CustomStandardWebhooksAuth {
  readonly type: 'standard-webhooks';
  /** Tolerance for `webhook-timestamp`, the spec's 5 minutes by default. @default 300 */
  readonly toleranceSeconds?: number;
}

/**
 * Unsigned callbacks: each is a hint (core/hint.ts), never an event. The callback URL carries the
 * webhook secret as a token (`?token=<secret>`), compared in constant time; only `paths.jobId` is
 * read from the body, and the status API (`statusUrlTemplate`, required) says what happened.
 */
export interface CustomUnsignedHintAuth {
  readonly type: 'unsigned-hint';
  /** The query parameter of the token. @default 'token' */
  readonly tokenParameter?: string;
}

/** No webhooks: the vendor's jobs are registered by the app and polled at its poll interval. */
export interface CustomPollOnlyAuth {
  readonly type: 'poll-only';
}

/** Dotted JSON paths into the body (first match wins for lists). */
export interface CustomPaths {
  readonly jobId: string | readonly string[];
  readonly status: string | readonly string[];
  readonly errorMessage?: string | readonly string[];
  readonly errorCode?: string | readonly string[];
  readonly outputUrl?: string | readonly string[];
  /** A 0..1 figure. */
  readonly progress?: string | readonly string[];
  readonly stage?: string | readonly string[];
  /** ISO-8601 time of the event. */
  readonly time?: string | readonly string[];
  readonly eventType?: string | readonly string[];
}

export interface CustomOptions {
  readonly auth: CustomHmacAuth | CustomKeyAuth | CustomKeyedHeaderAuth | CustomStandardWebhooksAuth | CustomEd25519JwksAuth | CustomUnsignedHintAuth | CustomPollOnlyAuth;
  readonly paths: CustomPaths;
  /** The vendor's status words to normalized statuses; a status not in the map is quarantined. */
  readonly statusMap: Readonly<Record<string, VideoJobStatus>>;
  /** Status API URL with `{jobId}`, e.g. `https://api.acme.com/v1/jobs/{jobId}`. @default - no polling */
  readonly statusUrlTemplate?: string;
  /** Header the status-API key goes in. @default 'authorization' */
  readonly apiKeyHeader?: string;
  /** Text before the key in that header. @default 'Bearer ' */
  readonly apiKeyPrefix?: string;
  /** Paths in the status answer, when they differ from the webhook's. @default - `paths` */
  readonly statusPaths?: Partial<CustomPaths>;
}
