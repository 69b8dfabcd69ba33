/**
 * The host classification the constructs and the poller share (lambda/contract/status-url.ts),
 * checked against an independent one: ipaddr.js (the address parser of Express's proxy-addr), on
 * every block's edges and on random addresses, in every spelling the URL parser accepts.
 */
import ipaddr from 'ipaddr.js';
import { hostClass, statusUrlTarget, type AddressRange } from '../../lambda/contract/status-url';

/** ipaddr.js's range names as the poller's classes (the rest is public to both). */
const ORACLE: Readonly<Record<string, AddressRange>> = {
  unspecified: 'loopback', // 0.0.0.0/8 and ::: they reach the local host
  loopback: 'loopback',
  linkLocal: 'link-local',
  private: 'private',
  carrierGradeNat: 'private',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
};
const expected = (address: string): AddressRange => {
  if (address === 'fd00:ec2::254') return 'link-local'; // the metadata service's IPv6 address, in fc00::/7
  const parsed = ipaddr.process(address); // an IPv4-mapped address as its IPv4 one
  const range = parsed.range();
  if (range === 'rfc6052' || (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).toNormalizedString().startsWith('0:0:0:0:0:0:'))) {
    // NAT64 and IPv4-compatible: the IPv4 address they carry.
    const bytes = parsed.toByteArray().slice(12);
    return expected(bytes.join('.'));
  }
  return ORACLE[range] ?? 'public';
};

/** A seeded generator: the same addresses every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const EDGES = [
  '0.0.0.0', '0.255.255.255', '1.0.0.0', '9.255.255.255', '10.0.0.0', '10.255.255.255', '11.0.0.0',
  '100.63.255.255', '100.64.0.0', '100.127.255.255', '100.128.0.0', '126.255.255.255', '127.0.0.0', '127.255.255.255', '128.0.0.0',
  '169.253.255.255', '169.254.0.0', '169.254.169.254', '169.254.170.2', '169.254.255.255', '169.255.0.0',
  '172.15.255.255', '172.16.0.0', '172.31.255.255', '172.32.0.0', '192.167.255.255', '192.168.0.0', '192.168.255.255', '192.169.0.0',
  '8.8.8.8', '255.255.255.255',
  '::', '::1', '::2', 'fe7f:ffff::', 'fe80::', 'febf:ffff::1', 'fec0::', 'fbff::1', 'fc00::', 'fdff:ffff::1', 'fe00::1', 'fd00:ec2::254',
  '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::ffff:8.8.8.8', '64:ff9b::a9fe:a9fe', '64:ff9b::808:808', '::a9fe:a9fe',
  '2001:db8::1', '2600:1f18::1',
];

describe('the status URL host classification', () => {
  it.each(EDGES)('classifies %s as ipaddr.js does', (address) => {
    expect(hostClass(address).range).toBe(expected(address));
    // And in a URL, as the synth check and the poller read it.
    expect(statusUrlTarget(`https://${address.includes(':') ? `[${address}]` : address}/v1/{jobId}`)?.range).toBe(expected(address));
  });

  it('classifies 20,000 random addresses as ipaddr.js does, IPv4 in its four spellings, IPv6 mapped or not', () => {
    const next = random(18);
    const octet = () => Math.floor(next() * 256);
    const group = () => Math.floor(next() * 65_536).toString(16);
    // Mostly addresses in or near the blocks that matter, some anywhere.
    const firsts = [0, 10, 100, 127, 169, 172, 192];
    let checked = 0;
    for (let i = 0; i < 10_000; i++) {
      const a = next() < 0.8 ? firsts[Math.floor(next() * firsts.length)] : octet();
      const v4 = [a, next() < 0.5 ? [254, 16, 31, 168, 64][Math.floor(next() * 5)] : octet(), octet(), octet()];
      const dotted = v4.join('.');
      const asNumber = String(v4.reduce((n, o) => n * 256 + o, 0));
      const hex = v4.map((o) => `0x${o.toString(16)}`).join('.');
      const short = `${v4[0]}.${v4[1]}.${v4[2] * 256 + v4[3]}`;
      for (const spelling of [dotted, asNumber, hex, short]) expect([spelling, statusUrlTarget(`http://${spelling}/`)?.range]).toEqual([spelling, expected(dotted)]);
      expect(hostClass(`::ffff:${dotted}`).range).toBe(expected(dotted));
      const v6 = next() < 0.5 ? [['fe80', 'fd00', 'fc12', 'febf', 'fec1', '64:ff9b:', '2001'][Math.floor(next() * 7)], group(), group()].join(':') + `::${group()}` : Array.from({ length: 8 }, group).join(':');
      if (ipaddr.isValid(v6)) {
        expect([v6, hostClass(v6).range]).toEqual([v6, expected(v6)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(9_000);
  });

  it('calls localhost and the names under it loopback, and every other name public (its address is checked when it is resolved)', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', 'a.b.localhost']) expect(hostClass(host)).toEqual({ range: 'loopback', block: 'localhost' });
    for (const host of ['api.sync.example', 'localhost.example', 'mylocalhost', 'metadata.google.internal']) expect(hostClass(host).range).toBe('public');
  });
});
