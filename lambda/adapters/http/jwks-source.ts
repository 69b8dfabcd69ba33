/**
 * The verifiers' public-key source (the core's PublicKeySource port): a vendor's JWKS fetched
 * through the hardened HTTP client (../../http/http-get.ts: no redirect followed, the body capped,
 * one timeout for the whole exchange, every resolved address checked), kept in this container's
 * memory and shared by every request it serves.
 *
 * The bound: at most one fetch of a URL starts per `minFetchIntervalMs` (60 s), whatever asks for
 * it (the first request of a cold container, keys older than `maxAgeMs`, a signature no key in
 * memory verifies), and concurrent asks share the fetch in flight. So a flood of requests costs a
 * container at most 1 + T/60 s fetches over T, and requests the scheme refuses before asking for
 * keys (stale, malformed, another account) cost none. A failed fetch keeps the keys it had; with
 * none, the caller gets PublicKeysUnavailableError (the webhook is answered 500, and the vendor's
 * retry comes after the interval). Vendors' guidance is to cache a JWKS for up to a day (see the
 * vendor folders); an hour here picks up a rotation sooner.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { statusUrlTarget, describeTarget } from '../../contract/status-url';
import { PublicKeysUnavailableError, type PublicKeySource } from '../../core/adapter';
import { isObject, safeJsonParse, type JsonObject } from '../../core/json';
import { silentTelemetry, type Telemetry } from '../../core/ports';
import { CheckedAgents } from '../../http/checked-agents';
import { httpGet } from '../../http/http-get';

export interface JwksSourceOptions {
  /** @default Date.now */
  readonly now?: () => number;
  /** At most one fetch of a URL starts per this long. @default 60_000 */
  readonly minFetchIntervalMs?: number;
  /** Keys older than this are fetched again before use (a failed fetch keeps them). @default 3_600_000 */
  readonly maxAgeMs?: number;
  /** One fetch, body included. @default 3_000 */
  readonly timeoutMs?: number;
  /** The largest JWKS read, after decoding. @default 65_536 */
  readonly maxBytes?: number;
  /** Keys kept of one JWKS (each is tried against a signature without a key id). @default 16 */
  readonly maxKeys?: number;
  /**
   * Allow a JWKS on loopback, over plain http too: a local stand-in (`video-webhooks dev`, tests).
   * Never on Lambda, where the Runtime API listens on loopback. @default false
   */
  readonly allowLoopback?: boolean;
  readonly lookup?: LookupFunction;
  readonly telemetry?: Telemetry;
}

interface Entry {
  keys?: readonly JsonObject[];
  fetchedAtMs: number;
  lastAttemptMs: number;
  lastProblem?: string;
  inflight?: Promise<readonly JsonObject[] | undefined>;
}

export class JwksKeySource implements PublicKeySource {
  private readonly entries = new Map<string, Entry>();
  private readonly agents: CheckedAgents;
  private readonly now: () => number;
  private readonly minFetchIntervalMs: number;
  private readonly maxAgeMs: number;
  private readonly allowLoopback: boolean;
  private readonly telemetry: Telemetry;

  constructor(private readonly options: JwksSourceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.minFetchIntervalMs = options.minFetchIntervalMs ?? 60_000;
    this.maxAgeMs = options.maxAgeMs ?? 3_600_000;
    this.allowLoopback = options.allowLoopback ?? false;
    this.telemetry = options.telemetry ?? silentTelemetry;
    this.agents = new CheckedAgents(options.lookup ?? (dnsLookup as LookupFunction));
  }

  cached(url: string): readonly JsonObject[] | undefined {
    return this.entries.get(url)?.keys;
  }

  async keys(url: string): Promise<readonly JsonObject[]> {
    const entry = this.entry(url);
    if (entry.keys && this.now() - entry.fetchedAtMs < this.maxAgeMs) return entry.keys;
    const fetched = await this.fetchBounded(entry, url);
    // A failed fetch keeps the keys already held: a vendor's JWKS that is down for a while does not stop its webhooks.
    const keys = fetched ?? entry.keys;
    if (keys) return keys;
    throw new PublicKeysUnavailableError(`no public keys from ${origin(url)}: ${entry.lastProblem ?? 'asked again too soon'}`);
  }

  async refresh(url: string): Promise<readonly JsonObject[] | undefined> {
    return this.fetchBounded(this.entry(url), url);
  }

  private entry(url: string): Entry {
    let entry = this.entries.get(url);
    if (!entry) {
      entry = { fetchedAtMs: 0, lastAttemptMs: -Infinity };
      this.entries.set(url, entry);
    }
    return entry;
  }

  /** The fetch in flight, or a new one if the bound allows it; undefined when it does not, or the fetch failed. */
  private fetchBounded(entry: Entry, url: string): Promise<readonly JsonObject[] | undefined> {
    if (entry.inflight) return entry.inflight;
    const now = this.now();
    if (now - entry.lastAttemptMs < this.minFetchIntervalMs) return Promise.resolve(undefined);
    entry.lastAttemptMs = now;
    entry.inflight = this.fetch(url)
      .then((keys) => {
        entry.keys = keys;
        entry.fetchedAtMs = this.now();
        entry.lastProblem = undefined;
        this.telemetry.log('info', 'public keys fetched', { jwks: origin(url), keys: keys.length });
        return keys as readonly JsonObject[] | undefined;
      })
      .catch((err: Error) => {
        entry.lastProblem = err.message;
        this.telemetry.log('warn', 'public keys could not be fetched', { jwks: origin(url), problem: err.message, keptKeys: entry.keys?.length ?? 0 });
        return undefined;
      })
      .finally(() => {
        entry.inflight = undefined;
      });
    return entry.inflight;
  }

  /** One GET of the JWKS, its `keys` (the first `maxKeys`); rejects saying why not. */
  private async fetch(url: string): Promise<JsonObject[]> {
    const refused = this.refusal(url);
    if (refused) throw new Error(refused);
    const access = { allowInsecure: this.allowLoopback, neverLoopback: !this.allowLoopback };
    const response = await httpGet({ url, headers: { accept: 'application/json', 'user-agent': 'cdk-video-webhooks-verifier' } }, this.options.timeoutMs ?? 3_000, (protocol) => this.agents.agent(protocol, access));
    if (response.kind === 'failed') throw new Error(response.cause === 'refused' ? response.reason : `the JWKS request failed (${response.cause})`);
    if (response.status !== 200) {
      response.discard();
      throw new Error(response.status >= 300 && response.status < 400 ? `the JWKS answered a redirect (${response.status}), which is not followed` : `the JWKS answered ${response.status}`);
    }
    const body = await response.read(this.options.maxBytes ?? 65_536);
    if (!Buffer.isBuffer(body)) throw new Error(body.kind === 'unreadable' ? `the JWKS is unreadable: ${body.problem}` : `the JWKS request failed (${body.cause})`);
    const jwks = safeJsonParse(body);
    const keys = isObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys.filter(isObject) : undefined;
    if (!keys) throw new Error('the answer is not a JWKS (a JSON object with a list of keys)');
    return keys.slice(0, this.options.maxKeys ?? 16);
  }

  /** Why `url` is not asked: not https (plain http only to loopback, when allowed), loopback unless allowed, link-local ever. */
  private refusal(url: string): string | undefined {
    const target = statusUrlTarget(url);
    if (!target || (target.protocol !== 'https:' && target.protocol !== 'http:')) return `the JWKS URL ${url.slice(0, 200)} is not an http(s) URL: not asked`;
    if (target.range === 'link-local' || (target.range === 'loopback' && !this.allowLoopback)) return `the JWKS URL's host ${describeTarget(target)}: not asked`;
    if (target.protocol === 'http:' && target.range !== 'loopback') return `the JWKS URL ${url.slice(0, 200)} is plain http, where anyone on the way could replace the keys: not asked; use https`;
    return undefined;
  }
}

function origin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : url.slice(0, 100);
}
