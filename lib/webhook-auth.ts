import type { Duration } from 'aws-cdk-lib/core';
import type { OptionsOf } from '../lambda/contract/options';
import type { customManifest } from '../lambda/vendors/custom/manifest';
import { toleranceSeconds } from './private/validate';

/** How an HMAC signature is written in its header. */
export enum SignatureEncoding {
  /** Lower- or upper-case hex. */
  HEX = 'hex',
  /** Base64 (the URL-safe alphabet is accepted too). */
  BASE64 = 'base64',
}

/** Which side of now a signed timestamp's tolerance applies to. */
export enum TimestampWindow {
  /** A timestamp too old, or too far ahead, is refused. */
  EITHER_WAY = 'either-way',
  /** Only a timestamp too old is refused (what some vendors' SDKs check). */
  PAST_ONLY = 'past-only',
}

/**
 * One header holding the signed timestamp and the signatures as keyed parts,
 * `t=<unix seconds>,<scheme>=<hex>[,<scheme>=<hex>...]`, each the hex HMAC-SHA256 of
 * `<t>.<raw body>` keyed with the secret (see the README's "Vendor catalogue" for the vendors that sign so).
 */
export interface KeyedHeaderWebhookAuthOptions {
  /** The header, e.g. `x-acme-signature`. */
  readonly header: string;

  /**
   * The signatures' label (letters and digits, starting with a letter, not `t`): `v1` in
   * `t=...,v1=...`. Signatures with another label are skipped.
   *
   * @default 'v1'
   */
  readonly scheme?: string;

  /**
   * How far `t` may be from now (1 second to 24 hours).
   *
   * @default Duration.minutes(5)
   */
  readonly tolerance?: Duration;

  /**
   * Whether the tolerance applies either way, or only to a `t` in the past.
   *
   * @default TimestampWindow.EITHER_WAY
   */
  readonly window?: TimestampWindow;
}

/**
 * An Ed25519 signature over a template of the request, checked with the public keys the vendor
 * publishes as a JWKS. The verifier fetches the keys from `jwksUrl` (so it needs a
 * way out to the internet, as a Lambda function outside a VPC has), keeps them in memory, and asks
 * again at most once a minute: when they are an hour old, or when a signature matches none of them.
 * The webhook secret holds the account ids the deployment accepts (`accountHeader`'s values).
 */
export interface Ed25519JwksWebhookAuthOptions {
  /** The vendor's JWKS, https, e.g. `https://keys.acme.example/.well-known/jwks.json`. */
  readonly jwksUrl: string;

  /** The header with the signature, e.g. `x-acme-signature`. */
  readonly signatureHeader: string;

  /**
   * How the signature is encoded.
   *
   * @default SignatureEncoding.HEX
   */
  readonly encoding?: SignatureEncoding;

  /** The header with the signed timestamp (unix seconds). */
  readonly timestampHeader: string;

  /**
   * The header naming the account the vendor signed the delivery for: a vendor that signs every
   * customer's deliveries with the same keys would otherwise pass another customer's to you. Its
   * value must be one of the webhook secret's values, and the template must sign it.
   */
  readonly accountHeader: string;

  /**
   * What was signed: `{timestamp}`, `{body}` (the raw body), `{bodySha256Hex}` (its hex SHA-256),
   * `{header:<name>}` (a header's value), other text as written; it must sign the timestamp, the
   * body and the account, e.g. the lines `{header:x-acme-request-id}`, `{header:x-acme-account}`,
   * `{timestamp}` and `{bodySha256Hex}` joined by newlines.
   */
  readonly template: string;

  /**
   * The header with the id (`kid`) of the key that signed: only that key is tried, and an unknown
   * one makes the verifier fetch the JWKS again (at most once a minute).
   *
   * @default - none: every key of the JWKS is tried
   */
  readonly keyIdHeader?: string;

  /**
   * How far the timestamp may be from now (1 second to 24 hours).
   *
   * @default Duration.minutes(5)
   */
  readonly tolerance?: Duration;

  /**
   * Whether the tolerance applies either way, or only to a timestamp in the past.
   *
   * @default TimestampWindow.EITHER_WAY
   */
  readonly window?: TimestampWindow;
}

/** An HMAC-SHA256 signature over a template of the raw body and, optionally, a signed timestamp. */
export interface HmacWebhookAuthOptions {
  /** The header with the signature, e.g. `x-acme-signature`. */
  readonly signatureHeader: string;

  /**
   * How the signature is encoded.
   *
   * @default SignatureEncoding.HEX
   */
  readonly encoding?: SignatureEncoding;

  /**
   * Text before the signature in the header, e.g. `sha256=`.
   *
   * @default '' (none)
   */
  readonly signaturePrefix?: string;

  /**
   * The header with the signed timestamp (unix seconds); required when the template uses
   * `{timestamp}`, and refused when it does not (the header would never be checked).
   *
   * @default - none
   */
  readonly timestampHeader?: string;

  /**
   * What was signed: `{body}` is the raw body as received, `{timestamp}` the timestamp header's
   * value; the text around them is signed as written (`v0:{timestamp}:{body}`).
   *
   * @default '{body}'
   */
  readonly template?: string;

  /**
   * How far the signed timestamp may be from now, either way (1 second to 24 hours). Only with a
   * template that uses `{timestamp}`: refused otherwise.
   *
   * @default Duration.minutes(5)
   */
  readonly tolerance?: Duration;
}

/** A static key in a header, compared in constant time. */
export interface BearerWebhookAuthOptions {
  /**
   * The header with the key; a `Bearer ` before it is stripped.
   *
   * @default 'authorization'
   */
  readonly header?: string;
}

/** Standard Webhooks (https://www.standardwebhooks.com), the scheme Svix and many vendors send. */
export interface StandardWebhooksAuthOptions {
  /**
   * How far `webhook-timestamp` may be from now, either way (1 second to 24 hours).
   *
   * @default Duration.minutes(5) (the spec's recommendation)
   */
  readonly tolerance?: Duration;
}

/** Unsigned callbacks, taken as hints for the status API (never as events). */
export interface UnsignedHintAuthOptions {
  /**
   * The query parameter of the callback URL that carries the token (the value of the vendor's
   * `webhookSecret`): give the vendor `<webhook URL>?token=<secret value>` as its callback URL.
   *
   * @default 'token'
   */
  readonly tokenParameter?: string;
}

/** How a custom vendor's webhooks are authenticated. */
export class WebhookAuth {
  /** An HMAC-SHA256 signature (hex or base64) over the raw body and, optionally, a timestamp. */
  static hmac(options: HmacWebhookAuthOptions): WebhookAuth {
    return new WebhookAuth({
      type: 'hmac',
      signatureHeader: options.signatureHeader,
      encoding: options.encoding,
      signaturePrefix: options.signaturePrefix,
      timestampHeader: options.timestampHeader,
      template: options.template,
      toleranceSeconds: toleranceSeconds('WebhookAuth.hmac', 'tolerance', options.tolerance),
    });
  }

  /** A static key in a header (`Authorization: Bearer <key>` by default). */
  static bearer(options: BearerWebhookAuthOptions = {}): WebhookAuth {
    return new WebhookAuth({ type: 'bearer', header: options.header });
  }

  /**
   * One header `t=<unix>,<scheme>=<hex>` (several signatures accepted), the hex HMAC-SHA256 of
   * `<t>.<raw body>`, the label (`v1`, `v0`), tolerance and window configurable.
   */
  static keyedHeader(options: KeyedHeaderWebhookAuthOptions): WebhookAuth {
    return new WebhookAuth({
      type: 'keyed-header',
      header: options.header,
      scheme: options.scheme,
      toleranceSeconds: toleranceSeconds('WebhookAuth.keyedHeader', 'tolerance', options.tolerance),
      window: options.window,
    });
  }

  /**
   * An Ed25519 signature checked with the public keys of the vendor's JWKS; the
   * webhook secret holds the accepted account ids.
   */
  static ed25519Jwks(options: Ed25519JwksWebhookAuthOptions): WebhookAuth {
    return new WebhookAuth({
      type: 'ed25519-jwks',
      jwksUrl: options.jwksUrl,
      signatureHeader: options.signatureHeader,
      encoding: options.encoding,
      timestampHeader: options.timestampHeader,
      accountHeader: options.accountHeader,
      template: options.template,
      keyIdHeader: options.keyIdHeader,
      toleranceSeconds: toleranceSeconds('WebhookAuth.ed25519Jwks', 'tolerance', options.tolerance),
      window: options.window,
    });
  }

  /**
   * Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature` headers (or Svix's
   * `svix-*` names), HMAC-SHA256 of `<id>.<timestamp>.<body>`, `v1,<base64>` signatures separated by
   * spaces. The webhook secret is the `whsec_...` value the vendor shows (its base64 part is the key).
   */
  static standardWebhooks(options: StandardWebhooksAuthOptions = {}): WebhookAuth {
    return new WebhookAuth({ type: 'standard-webhooks', toleranceSeconds: toleranceSeconds('WebhookAuth.standardWebhooks', 'tolerance', options.tolerance) });
  }

  /**
   * Unsigned callbacks (a `callback_url` the vendor POSTs to without a signature): the body is never trusted. A
   * callback only names a job; if the app registered it (`registerJob`), the job is asked about at
   * the poller's next run (every minute with such a vendor), and only the status API's answer is
   * published (`receivedVia: "callback"`). The callback URL carries the webhook secret as a token,
   * compared in constant time: it keeps strangers from making the verifier write, it does not make
   * the body true. Needs `statusUrlTemplate`.
   */
  static unsignedHint(options: UnsignedHintAuthOptions = {}): WebhookAuth {
    return new WebhookAuth({ type: 'unsigned-hint', tokenParameter: options.tokenParameter });
  }

  /**
   * No webhooks at all (the vendor is only polled): no route and no verifier; the app registers each job
   * (`registerJob`) and the poller asks the status API at the vendor's `pollInterval` (30 seconds by
   * default) from its registration on. Needs `statusUrlTemplate`; takes no `webhookSecret`.
   */
  static pollOnly(): WebhookAuth {
    return new WebhookAuth({ type: 'poll-only' });
  }

  /** The kind of authentication: `hmac`, `bearer`, `keyed-header`, `standard-webhooks`, `ed25519-jwks`, `unsigned-hint` or `poll-only`. */
  readonly type: string;

  /**
   * The custom adapter's `auth` option, as JSON (typed by the custom manifest's spec, so the two
   * cannot drift apart).
   * @internal
   */
  readonly _json: CustomAuthOptions;

  private constructor(json: CustomAuthOptions) {
    this.type = json.type;
    this._json = Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined)) as CustomAuthOptions;
  }
}

/** The custom adapter's `auth` option, as its manifest's spec types it. */
type CustomAuthOptions = OptionsOf<typeof customManifest.options.properties.auth>;
