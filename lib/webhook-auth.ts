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

  /** The kind of authentication: `hmac`, `bearer`, `standard-webhooks`, `unsigned-hint` or `poll-only`. */
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
