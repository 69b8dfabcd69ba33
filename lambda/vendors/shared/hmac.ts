/**
 * The one HMAC-SHA256 webhook scheme every signing vendor configures: where the signatures are
 * (header names, how several are listed), what was signed (a template of the raw body, a timestamp
 * and a message id), how the signature is encoded, how far the timestamp may be from now, and how a
 * secret becomes the key. Each signing vendor (lambda/vendors/<vendor>/adapter.ts) and each custom
 * HMAC vendor is a few lines of configuration of it.
 *
 * Verification never parses the body, checks every signature against every accepted secret (one
 * secret's HMAC is computed once, whatever the number of signatures), in constant time and without
 * an early exit, so the time taken says nothing about which secret or signature matched.
 */
import type { AuthResult, RawRequest, VendorAdapter } from '../../core/adapter';
import { SecretFormatError } from '../../core/secrets';
import { fromBase64, fromHex, hmacSha256, parseUnixSeconds, safeEqual, usableSecret, withinTolerance, type TimestampWindow } from './crypto';

export interface HmacScheme {
  /** Headers that may carry the signatures (lower case); the first one present and not blank is read. */
  readonly signatureHeaders: readonly string[];
  /** How the signatures are written in that header. */
  readonly signatures: SignatureList | KeyedSignatures;
  readonly encoding: 'hex' | 'base64';
  /**
   * What was signed: `{body}` is the raw body, `{timestamp}` the signed timestamp as sent, `{id}`
   * the message id (see `idHeaders`). The text around them is signed as written.
   */
  readonly template: string;
  /** Where `{timestamp}` comes from: a header, or the `t=` part of keyed signatures. */
  readonly timestampHeaders?: readonly string[];
  /** Largest distance between the signed timestamp and now (see `window`). @default 300 */
  readonly toleranceSeconds?: number;
  /** Whether the tolerance applies either way or only to the past. @default 'either-way' */
  readonly window?: TimestampWindow;
  /** Headers that may carry the message id, for `{id}`. */
  readonly idHeaders?: readonly string[];
  /**
   * How a secret becomes the HMAC key. `utf8`: its bytes. `whsec`: a `whsec_` prefix dropped, the
   * rest strict standard base64 of at least 24 bytes (else a SecretFormatError). @default 'utf8'
   */
  readonly key?: 'utf8' | 'whsec';
}

/** Signatures as a list (or one value): each entry, trimmed, matched by `read` whose first group is the encoded signature. */
export interface SignatureList {
  readonly kind: 'list';
  /** Splits the header into entries; undefined: the whole header is one signature. */
  readonly separator?: string;
  /** Matches an entry and captures its encoded signature; an entry that does not match is skipped. */
  readonly read: RegExp;
  /** Written before the signature when signing (`v1,`, `sha256=`). @default '' */
  readonly write?: string;
}

/** `t=<unix>,v1=<sig>[,v1=<sig>]`: the timestamp and the signatures as keyed parts of one header. */
export interface KeyedSignatures {
  readonly kind: 'keyed';
  readonly separator: string;
  readonly timestampKey: string;
  readonly signatureKey: string;
}

/** What a verified (or signed) request carried besides its body. */
interface Parsed {
  readonly signatures: readonly Buffer[];
  readonly timestamp: string | undefined;
}

/** SHA-256 signatures are 32 bytes. */
const SIGNATURE_BYTES = 32;

/**
 * The most signatures one request may carry. A sender lists one per secret it signs with (two
 * during a rotation); a header with more is refused as malformed before any HMAC is compared, so
 * its cost is bounded whatever its length.
 */
export const MAX_SIGNATURES = 8;

/**
 * Verifies `req` against the accepted secrets. Reasons, in the order checked: `missing_signature`
 * (a needed header is absent or blank), `malformed_signature` (no readable signature, or an
 * unreadable timestamp), `stale_timestamp`, `bad_signature`. Throws a SecretFormatError, before
 * reading the request, when a secret cannot be a key of the scheme (a `whsec_` secret that is not
 * strict base64 of at least 24 bytes).
 */
export function verifyHmac(scheme: HmacScheme, req: RawRequest, secrets: readonly string[], nowMs: number): AuthResult {
  const keys = keysOf(scheme, secrets);
  const header = firstHeader(req, scheme.signatureHeaders);
  if (header === undefined) return { ok: false, reason: 'missing_signature' };
  const signed = usesTimestamp(scheme);
  const headerTimestamp = signed && scheme.signatures.kind === 'list' ? firstHeader(req, scheme.timestampHeaders ?? []) : undefined;
  if (signed && scheme.signatures.kind === 'list' && headerTimestamp === undefined) return { ok: false, reason: 'missing_signature' };
  const id = scheme.template.includes('{id}') ? firstHeader(req, scheme.idHeaders ?? []) : '';
  if (id === undefined) return { ok: false, reason: 'missing_signature' };

  const parsed = parseSignatures(scheme, header);
  const timestamp = headerTimestamp ?? parsed.timestamp;
  if (parsed.signatures.length === 0 || parsed.signatures.length > MAX_SIGNATURES) return { ok: false, reason: 'malformed_signature' };
  let timestampMs: number | null = null;
  if (signed) {
    const ms = parseUnixSeconds(timestamp);
    if (timestamp === undefined || ms === undefined) return { ok: false, reason: 'malformed_signature' };
    if (!withinTolerance(ms, nowMs, scheme.toleranceSeconds ?? 300, scheme.window)) return { ok: false, reason: 'stale_timestamp' };
    timestampMs = ms;
  }

  const parts = signedParts(scheme.template, req.body, timestamp ?? '', id);
  let ok = false;
  for (const key of keys) {
    const mac = hmacSha256(key, ...parts);
    // No early exit: the time taken does not say which secret or signature matched.
    for (const signature of parsed.signatures) if (safeEqual(signature, mac)) ok = true;
  }
  return ok ? { ok: true, timestampMs } : { ok: false, reason: 'bad_signature' };
}

/** The headers a vendor using `scheme` sends with `body`, signed with `secret` at `nowMs` (for samples and `send`). */
export function signHmac(scheme: HmacScheme, body: string | Buffer, secret: string, nowMs: number, id = `msg_${nowMs.toString(36)}`): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  // A secret in the wrong format throws a SecretFormatError: nothing is signed with a key nobody verifies.
  const key = keyOf(scheme, secret) ?? Buffer.alloc(0);
  const mac = hmacSha256(key, ...signedParts(scheme.template, Buffer.from(body), timestamp, id));
  const signature = scheme.encoding === 'hex' ? mac.toString('hex') : mac.toString('base64');
  const headers: Record<string, string> = {};
  const list = scheme.signatures;
  if (list.kind === 'keyed') {
    headers[scheme.signatureHeaders[0]] = `${list.timestampKey}=${timestamp}${list.separator}${list.signatureKey}=${signature}`;
  } else {
    headers[scheme.signatureHeaders[0]] = `${list.write ?? ''}${signature}`;
    if (usesTimestamp(scheme) && scheme.timestampHeaders?.[0]) headers[scheme.timestampHeaders[0]] = timestamp;
  }
  if (scheme.template.includes('{id}') && scheme.idHeaders?.[0]) headers[scheme.idHeaders[0]] = id;
  return headers;
}

/** The headers verification reads: what a quarantined request keeps so it can be looked at again. */
/** The part of an adapter an HMAC scheme decides: the headers it reads, and the check. */
export function hmacAuth(scheme: HmacScheme): Pick<VendorAdapter, 'authHeaders' | 'authenticate'> {
  return { authHeaders: hmacHeaders(scheme), authenticate: (req, secrets, nowMs) => verifyHmac(scheme, req, secrets, nowMs) };
}

export function hmacHeaders(scheme: HmacScheme): string[] {
  return [...scheme.signatureHeaders, ...(usesTimestamp(scheme) ? (scheme.timestampHeaders ?? []) : []), ...(scheme.template.includes('{id}') ? (scheme.idHeaders ?? []) : [])];
}

function usesTimestamp(scheme: HmacScheme): boolean {
  return scheme.template.includes('{timestamp}');
}

function firstHeader(req: RawRequest, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = req.headers[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

function parseSignatures(scheme: HmacScheme, header: string): Parsed {
  const list = scheme.signatures;
  const decode = (text: string) => {
    const bytes = scheme.encoding === 'hex' ? fromHex(text) : fromBase64(text);
    return bytes && bytes.length === SIGNATURE_BYTES ? bytes : undefined;
  };
  const signatures: Buffer[] = [];
  let timestamp: string | undefined;
  if (list.kind === 'keyed') {
    for (const part of header.split(list.separator)) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (key === list.timestampKey) timestamp = value;
      else if (key === list.signatureKey) {
        const signature = decode(value);
        if (signature) signatures.push(signature);
      }
    }
  } else {
    for (const entry of list.separator === undefined ? [header] : header.split(list.separator)) {
      const encoded = list.read.exec(entry.trim())?.[1];
      const signature = encoded === undefined ? undefined : decode(encoded);
      if (signature) signatures.push(signature);
    }
  }
  return { signatures, timestamp };
}

/** The template around `{body}` is text; the body goes in as the raw bytes received. */
function signedParts(template: string, body: Buffer, timestamp: string, id: string): Array<string | Buffer> {
  const fill = (text: string) => text.replaceAll('{timestamp}', timestamp).replaceAll('{id}', id);
  const [before, after = ''] = template.split('{body}');
  return template.includes('{body}') ? [fill(before), body, fill(after)] : [fill(before)];
}

/** The keys of the usable secrets, in order; a SecretFormatError names which secret of several is wrong. */
function keysOf(scheme: HmacScheme, secrets: readonly string[]): Array<Buffer | string> {
  return secrets.flatMap((secret, i) => {
    try {
      const key = keyOf(scheme, secret);
      return key === undefined ? [] : [key];
    } catch (err) {
      if (!(err instanceof SecretFormatError) || secrets.length === 1) throw err;
      throw new SecretFormatError(`accepted secret ${i + 1} of ${secrets.length}: ${err.message}`);
    }
  });
}

function keyOf(scheme: HmacScheme, secret: string): Buffer | string | undefined {
  if (!usableSecret(secret)) return undefined;
  return scheme.key === 'whsec' ? whsecKey(secret) : secret;
}

/**
 * The smallest Standard Webhooks key: "Signing secret: Random. At least 24 bytes (192 bits, 512
 * maximum)" (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme).
 * A shorter key can be found by trying them all (`whsec_abc` was a 2-byte key: 65,536 tries). A
 * longer one than the spec's 64 bytes is no weaker, so it is accepted.
 */
export const WHSEC_MIN_KEY_BYTES = 24;

const WHSEC_ADVICE = 'use the whsec_... secret the vendor shows, exactly as it shows it';

/**
 * The key of a `whsec_` secret: the standard base64 after the prefix (the prefix may be left out),
 * decoded strictly. Node's decoder skips characters outside the alphabet, reads base64url, and
 * needs no padding, so a typo would become a short or different key: a secret that does not encode
 * back to itself, or decodes to fewer than WHSEC_MIN_KEY_BYTES, is refused with a
 * SecretFormatError (answered like a secret in the wrong format, 503) whose message never shows it.
 */
function whsecKey(secret: string): Buffer {
  const encoded = secret.trim().replace(/^whsec_/, '');
  const key = Buffer.from(encoded, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || key.toString('base64') !== encoded) {
    throw new SecretFormatError(`the secret is not whsec_ followed by standard base64 (A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4 characters): ${WHSEC_ADVICE}`);
  }
  if (key.length < WHSEC_MIN_KEY_BYTES) {
    throw new SecretFormatError(
      `the secret decodes to ${key.length} bytes: the Standard Webhooks spec asks for at least ${WHSEC_MIN_KEY_BYTES} bytes (a shorter key can be guessed): ${WHSEC_ADVICE}, or generate one of 24 to 64 random bytes`,
    );
  }
  return key;
}
