/**
 * Where a status API's URL points, told from the URL alone (no DNS): the one classification the
 * constructs check at synth (lib/vendor.ts) and the poller checks before each request
 * (lambda/poller/status-client.ts, which also checks each address a host name resolves to).
 *
 * Three places never hold a vendor's API, and a status request sent there reaches something else:
 * - link-local, 169.254.0.0/16 and fe80::/10: the instance metadata service (169.254.169.254, and
 *   fd00:ec2::254 on IPv6) and the container credentials endpoint (169.254.170.2).
 * - loopback, 127.0.0.0/8 and ::1 (and 0.0.0.0, which reaches the local host on Linux): on Lambda the
 *   Runtime API listens there (`AWS_LAMBDA_RUNTIME_API`, 127.0.0.1:9001), whose
 *   `GET /2018-06-01/runtime/invocation/next` would hand the poller's next invocation to the
 *   status parser, and so do extensions
 *   (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
 * - private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7): unreachable from the poller,
 *   which runs outside any VPC; a warning, not an error, at synth.
 * An IPv6 address that carries an IPv4 one (`::ffff:169.254.169.254`, NAT64 `64:ff9b::`) is
 * classified by the IPv4 address, and the URL parser first rewrites every spelling of an IPv4
 * address (`2852039166`, `0xa9.0xfe.0xa9.0xfe`, `169.254.43518`) to the dotted one.
 */

/** Where an address is, as far as a status request is concerned. */
export type AddressRange = 'public' | 'private' | 'loopback' | 'link-local';

export interface AddressClass {
  readonly range: AddressRange;
  /** The block it is in, for messages (`169.254.0.0/16`, `localhost`); undefined for public. */
  readonly block: string | undefined;
}

export interface StatusUrlTarget extends AddressClass {
  /** `https:` or `http:` (anything else is not a status URL). */
  readonly protocol: string;
  /** The host as the URL parser spells it (`169.254.169.254`, `[::1]`, `api.example.com`). */
  readonly host: string;
}

/** What a request may reach: `allowInsecureStatusApi` and whether it carries a key. */
export interface StatusUrlAccess {
  /** The vendor's `allowInsecureStatusApi`: loopback, and a key over plain http, are allowed. */
  readonly allowInsecure: boolean;
  /** The request carries the status-API key. */
  readonly sendsKey: boolean;
  /** Refuse loopback even when `allowInsecure` (on Lambda, where the Runtime API listens there). @default false */
  readonly neverLoopback?: boolean;
}

/**
 * The scheme and host class of a status URL (its `{placeholders}` replaced first), or undefined
 * when it does not parse as a URL.
 */
export function statusUrlTarget(url: string): StatusUrlTarget | undefined {
  const text = url.replace(/\{[^}]*\}/g, 'x');
  if (!URL.canParse(text)) return undefined;
  const parsed = new URL(text);
  return { protocol: parsed.protocol, host: parsed.hostname, ...hostClass(parsed.hostname) };
}

/**
 * The class of a URL's host (`hostname` as the URL parser gives it: IPv4 dotted, IPv6 in brackets)
 * or of an address a name resolved to. A host name other than `localhost` is public here: what it
 * resolves to is checked when it is resolved.
 */
export function hostClass(hostname: string): AddressClass {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  // RFC 6761 §6.3: localhost and every name under it resolve to loopback.
  if (host === 'localhost' || host.endsWith('.localhost')) return { range: 'loopback', block: 'localhost' };
  const ip = ipOf(host);
  if (!ip) return PUBLIC;
  for (const rule of RULES) {
    if (rule.version === ip.version && ip.value >> BigInt(ip.bits - rule.prefix) === rule.network >> BigInt(ip.bits - rule.prefix)) {
      if (rule.range === 'embedded') return hostClass(ipv4Text(ip.value & 0xffffffffn));
      return { range: rule.range, block: rule.block };
    }
  }
  return PUBLIC;
}

/**
 * Why a request to `url` must not be sent, as a sentence that names the host and what to do, or
 * undefined when it may be. Link-local is never asked; loopback only with `allowInsecure` (and not
 * `neverLoopback`); a key goes over plain http only with `allowInsecure`.
 */
export function statusUrlRefusal(url: string, access: StatusUrlAccess): string | undefined {
  const target = statusUrlTarget(url);
  if (!target) return 'the status URL does not parse as a URL: not asked';
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return `the status URL's scheme ${target.protocol} is neither https: nor http:: not asked`;
  const refused = refusalOf(target, access);
  if (refused) return `the status URL's host ${describeTarget(target)}: ${refused}`;
  if (target.protocol === 'http:' && access.sendsKey && !access.allowInsecure) {
    return `the status URL ${url.slice(0, 200)} is plain http and the request carries the status-API key: not sent; use https (or set allowInsecureStatusApi)`;
  }
  return undefined;
}

/**
 * Why a connection to `address`, what `hostname` resolved to, must not be made, or undefined: the
 * same rule for the address a name stands for as for an address in the URL.
 */
export function resolvedAddressRefusal(hostname: string, address: string, access: Omit<StatusUrlAccess, 'sendsKey'>): string | undefined {
  const resolved = hostClass(address);
  const refused = refusalOf(resolved, access);
  return refused ? `${hostname.slice(0, 200)} resolves to ${address}, which ${describeClass(resolved)}: ${refused}` : undefined;
}

/** `169.254.169.254 is link-local (169.254.0.0/16), ...`: a host and what its class means. */
export function describeTarget(target: Pick<StatusUrlTarget, 'host' | 'range' | 'block'>): string {
  return `${target.host} ${describeClass(target)}`;
}

function describeClass({ range, block }: AddressClass): string {
  switch (range) {
    case 'link-local':
      return `is link-local (${block}), where the instance metadata and credentials endpoints answer, never a vendor's API`;
    case 'loopback':
      return `is loopback (${block}), where a Lambda function's Runtime API (AWS_LAMBDA_RUNTIME_API) and extensions listen`;
    case 'private':
      return `is a private address (${block}), which the poller (a Lambda function outside any VPC) cannot reach`;
    case 'public':
      return 'is public';
  }
}

/** What is done with a request to an address of this class: refused (and why), or undefined. */
function refusalOf({ range }: AddressClass, access: Omit<StatusUrlAccess, 'sendsKey'>): string | undefined {
  if (range === 'link-local') return 'not asked, whatever allowInsecureStatusApi says';
  if (range !== 'loopback') return undefined;
  if (!access.allowInsecure) return 'not asked (allowInsecureStatusApi admits a local test API)';
  return access.neverLoopback ? 'not asked on Lambda, whatever allowInsecureStatusApi says' : undefined;
}

const PUBLIC: AddressClass = { range: 'public', block: undefined };

interface Ip {
  readonly version: 4 | 6;
  readonly bits: 32 | 128;
  readonly value: bigint;
}

interface Rule {
  readonly version: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  readonly block: string;
  /** `embedded`: an IPv6 block whose last 32 bits are an IPv4 address, classified as that. */
  readonly range: Exclude<AddressRange, 'public'> | 'embedded';
}

/** First match wins: the single addresses before the blocks that hold them. */
const RULES: readonly Rule[] = [
  rule('127.0.0.0/8', 'loopback'),
  rule('0.0.0.0/8', 'loopback'), // "this host": 0.0.0.0 reaches the local host on Linux
  rule('169.254.0.0/16', 'link-local'),
  rule('10.0.0.0/8', 'private'),
  rule('172.16.0.0/12', 'private'),
  rule('192.168.0.0/16', 'private'),
  rule('100.64.0.0/10', 'private'), // shared address space (RFC 6598)
  rule('::1/128', 'loopback'),
  rule('::/128', 'loopback'), // unspecified: reaches the local host like 0.0.0.0
  rule('::ffff:0:0/96', 'embedded'), // IPv4-mapped
  rule('::/96', 'embedded'), // IPv4-compatible (deprecated)
  rule('64:ff9b::/96', 'embedded'), // NAT64 (RFC 6052)
  rule('fe80::/10', 'link-local'),
  rule('fd00:ec2::254/128', 'link-local'), // the instance metadata service on IPv6
  rule('fc00::/7', 'private'), // unique local
  rule('fec0::/10', 'private'), // site-local (deprecated)
];

function rule(cidr: string, range: Rule['range']): Rule {
  const [address, prefix] = cidr.split('/');
  const ip = ipOf(address.includes(':') ? `[${address}]` : address);
  if (!ip) throw new Error(`bad rule ${cidr}`);
  return { version: ip.version, network: ip.value, prefix: Number(prefix), block: cidr, range };
}

/** The address of a host the URL parser wrote as an IP address (IPv4 dotted, IPv6 in brackets), else undefined. */
function ipOf(host: string): Ip | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { version: 4, bits: 32, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!host.includes(':')) return undefined;
  // An address from a resolver (`fe80::1%eth0`, `::ffff:1.2.3.4`): the URL parser spells it canonically.
  const bare = host.replace(/^\[|\]$/g, '').split('%')[0];
  const text = `http://[${bare}]/`;
  if (!URL.canParse(text)) return undefined;
  const canonical = new URL(text).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { version: 6, bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}
