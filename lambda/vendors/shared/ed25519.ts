/**
 * The public-key webhook scheme: an Ed25519 signature (RFC 8032, no pre-hash) over a template of
 * the request, checked with the keys the vendor publishes as a JWKS (RFC 7517, `OKP`/`Ed25519`
 * keys, `x` the base64url public key). A built-in vendor that signs this way configures it in its
 * folder, and a custom vendor as `auth: {"type": "ed25519-jwks"}`.
 *
 * The keys come from the composition root's key source (a core port, AdapterPorts.publicKeys),
 * which keeps them in memory and fetches again at a bounded rate. Everything that can be refused
 * without keys is refused first: missing headers, a signature or timestamp that does not parse, a
 * stale timestamp, an account that is not this deployment's. So a forged or replayed request costs
 * no fetch, and only a well-formed, fresh request for our account whose signature no key in memory
 * verifies may ask the source to fetch again (which it allows at most once per its interval).
 *
 * A vendor that signs every customer's deliveries with the same keys names the
 * customer in a signed header; its value must be one of the webhook secret's values (the account
 * ids this deployment accepts), or anyone with an account at the vendor could have it sign
 * deliveries to our URL.
 */
import { createHash, createPrivateKey, createPublicKey, sign as ed25519Sign, verify as ed25519Verify, type KeyObject } from 'node:crypto';
import { PublicKeysUnavailableError, type AdapterPorts, type AuthResult, type RawRequest } from '../../core/adapter';
import type { JsonObject } from '../../core/json';
import { fromBase64, fromHex, matchesAnyKey, parseUnixSeconds, withinTolerance, type TimestampWindow } from './crypto';

export interface Ed25519Scheme {
  /** The vendor's JWKS (AdapterPorts.jwksUrl replaces it: a local stand-in). */
  readonly jwksUrl: string;
  readonly signatureHeader: string;
  readonly encoding: 'hex' | 'base64';
  /** Header with the signed timestamp, unix seconds. */
  readonly timestampHeader: string;
  readonly toleranceSeconds: number;
  readonly window: TimestampWindow;
  /** Header with the account the vendor signed for: one of the secrets' values. */
  readonly accountHeader: string;
  /** What was signed: `{timestamp}`, `{body}` (the raw bytes), `{bodySha256Hex}`, `{header:<name>}`; other text as written. */
  readonly template: string;
  /** Header with the id of the signing key (`kid`); unset: every key is tried. */
  readonly keyIdHeader?: string;
}

export interface Ed25519Verifier {
  /** The headers verification reads (for the quarantine). */
  readonly authHeaders: readonly string[];
  /** With the keys the source holds in memory only: fetches nothing. */
  authenticate(req: RawRequest, secrets: readonly string[], nowMs: number): AuthResult;
  /** Fetching the keys when the source has none (or old ones), and once more, bounded, when none verifies. */
  authenticateAsync(req: RawRequest, secrets: readonly string[], nowMs: number): Promise<AuthResult>;
}

/** Ed25519 signatures are 64 bytes. */
const SIGNATURE_BYTES = 64;
/** Longest key id read from a request. */
const MAX_KEY_ID = 256;

export function ed25519Verifier(scheme: Ed25519Scheme, ports: AdapterPorts = {}): Ed25519Verifier {
  const parts = templateParts(scheme.template);
  const url = ports.jwksUrl ?? scheme.jwksUrl;
  const headerParts = parts.filter((p): p is { kind: 'header'; name: string } => p.kind === 'header').map((p) => p.name);
  const read = [scheme.signatureHeader, scheme.timestampHeader, scheme.accountHeader, ...(scheme.keyIdHeader ? [scheme.keyIdHeader] : []), ...headerParts].map((h) => h.toLowerCase());
  const authHeaders = [...new Set(read)];

  const prepare = (req: RawRequest, secrets: readonly string[], nowMs: number): Prepared | Extract<AuthResult, { ok: false }> => {
    const header = (name: string) => req.headers[name.toLowerCase()]?.trim() || undefined;
    if (authHeaders.some((name) => header(name) === undefined)) return { ok: false, reason: 'missing_signature' };
    const signature = (scheme.encoding === 'hex' ? fromHex : fromBase64)(header(scheme.signatureHeader)!);
    if (!signature || signature.length !== SIGNATURE_BYTES) return { ok: false, reason: 'malformed_signature' };
    const timestamp = header(scheme.timestampHeader)!;
    const timestampMs = parseUnixSeconds(timestamp);
    const kid = scheme.keyIdHeader ? header(scheme.keyIdHeader) : undefined;
    if (timestampMs === undefined || (kid !== undefined && kid.length > MAX_KEY_ID)) return { ok: false, reason: 'malformed_signature' };
    if (!withinTolerance(timestampMs, nowMs, scheme.toleranceSeconds, scheme.window)) return { ok: false, reason: 'stale_timestamp' };
    if (!matchesAnyKey(header(scheme.accountHeader)!, secrets)) return { ok: false, reason: 'wrong_account' };
    return { signature, kid, timestampMs, message: signedMessage(parts, req.body, timestamp, header) };
  };

  return {
    authHeaders,
    authenticate(req, secrets, nowMs) {
      const prepared = prepare(req, secrets, nowMs);
      if (!('signature' in prepared)) return prepared;
      return outcome(prepared, check(prepared, ports.publicKeys?.cached(url) ?? []).ok);
    },
    async authenticateAsync(req, secrets, nowMs) {
      const prepared = prepare(req, secrets, nowMs);
      if (!('signature' in prepared)) return prepared;
      const source = ports.publicKeys;
      if (!source) throw new PublicKeysUnavailableError('no public-key source was given to this adapter: the composition root must provide one');
      const keys = await source.keys(url);
      const first = check(prepared, keys);
      // A key the vendor rotated in may be missing from memory; a known key id whose signature fails is simply wrong.
      if (first.ok || (prepared.kid !== undefined && first.knownKid)) return outcome(prepared, first.ok);
      const fresh = await source.refresh(url);
      return outcome(prepared, fresh !== undefined && fresh !== keys && check(prepared, fresh).ok);
    },
  };
}

/**
 * The headers a sender of `scheme` sends with `body`, signed with `privateKey` at `nowMs`: `values`
 * gives each `{header:<name>}` of the template (the account's included); for samples and `send`.
 */
export function signEd25519(scheme: Ed25519Scheme, body: string | Buffer, values: Readonly<Record<string, string>>, privateKey: KeyObject, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const headers: Record<string, string> = { ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v])), [scheme.timestampHeader.toLowerCase()]: timestamp };
  const message = signedMessage(templateParts(scheme.template), Buffer.from(body), timestamp, (name) => headers[name.toLowerCase()]);
  const signature = ed25519Sign(null, message, privateKey);
  headers[scheme.signatureHeader.toLowerCase()] = scheme.encoding === 'hex' ? signature.toString('hex') : signature.toString('base64');
  return headers;
}

/**
 * An Ed25519 private key to sign with locally (`video-webhooks send`): PKCS#8 PEM, or a JWK with
 * `d`. Throws, saying what to give, for anything else; the message never shows the value.
 */
export function ed25519PrivateKey(text: string | undefined): KeyObject {
  const advice = 'give an Ed25519 private key as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----...") or as a JWK {"kty":"OKP","crv":"Ed25519","d":...,"x":...}';
  if (!text?.trim()) throw new Error(`no signing key: ${advice}`);
  let key: KeyObject;
  try {
    const trimmed = text.trim();
    key = trimmed.startsWith('{') ? createPrivateKey({ key: JSON.parse(trimmed) as import('node:crypto').JsonWebKey, format: 'jwk' }) : createPrivateKey(trimmed);
  } catch {
    throw new Error(`the signing key cannot be read: ${advice}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key is a ${key.asymmetricKeyType} key: ${advice}`);
  return key;
}

interface Prepared {
  readonly signature: Buffer;
  readonly kid: string | undefined;
  readonly timestampMs: number;
  readonly message: Buffer;
}

type Part = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'timestamp' | 'body' | 'bodySha256Hex' } | { readonly kind: 'header'; readonly name: string };

function outcome(prepared: Prepared, ok: boolean): AuthResult {
  return ok ? { ok: true, timestampMs: prepared.timestampMs } : { ok: false, reason: 'bad_signature' };
}

/** Whether a key of `keys` (the one the request names, if it names one) verifies the signature, and whether the named key is known. */
function check(prepared: Prepared, keys: readonly JsonObject[]): { readonly ok: boolean; readonly knownKid: boolean } {
  let ok = false;
  let knownKid = false;
  for (const key of publicKeysOf(keys)) {
    if (prepared.kid !== undefined && key.kid !== prepared.kid) continue;
    knownKid = true;
    if (ed25519Verify(null, prepared.message, key.key, prepared.signature)) ok = true;
  }
  return { ok, knownKid };
}

/** The Ed25519 keys of a JWKS's `keys`, converted once per key set fetched. Other keys are skipped. */
const converted = new WeakMap<readonly JsonObject[], ReadonlyArray<{ readonly kid: string | undefined; readonly key: KeyObject }>>();
function publicKeysOf(keys: readonly JsonObject[]) {
  let out = converted.get(keys);
  if (!out) {
    out = keys.flatMap((jwk) => {
      // Some publishers pad `x`; base64url has no padding.
      const x = typeof jwk.x === 'string' ? jwk.x.replace(/=+$/, '') : undefined;
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || x === undefined || !/^[A-Za-z0-9_-]{43}$/.test(x)) return [];
      if (jwk.use !== undefined && jwk.use !== 'sig') return [];
      try {
        return [{ kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }) }];
      } catch {
        return [];
      }
    });
    converted.set(keys, out);
  }
  return out;
}

function templateParts(template: string): Part[] {
  const parts: Part[] = [];
  for (const piece of template.split(/(\{timestamp\}|\{body\}|\{bodySha256Hex\}|\{header:[^}]+\})/)) {
    if (piece === '') continue;
    if (piece === '{timestamp}' || piece === '{body}' || piece === '{bodySha256Hex}') parts.push({ kind: piece.slice(1, -1) as 'timestamp' });
    else if (piece.startsWith('{header:') && piece.endsWith('}')) parts.push({ kind: 'header', name: piece.slice('{header:'.length, -1).trim().toLowerCase() });
    else parts.push({ kind: 'text', text: piece });
  }
  return parts;
}

function signedMessage(parts: readonly Part[], body: Buffer, timestamp: string, header: (name: string) => string | undefined): Buffer {
  return Buffer.concat(
    parts.map((part) => {
      switch (part.kind) {
        case 'text':
          return Buffer.from(part.text, 'utf8');
        case 'timestamp':
          return Buffer.from(timestamp, 'utf8');
        case 'body':
          return body;
        case 'bodySha256Hex':
          return Buffer.from(createHash('sha256').update(body).digest('hex'), 'utf8');
        case 'header':
          return Buffer.from(header(part.name) ?? '', 'utf8');
      }
    }),
  );
}
