/**
 * The local tooling is unauthenticated by design (the dev server, the emulators, the strict layer),
 * so nothing it opens may be reachable from another machine: each server listens on a loopback
 * address, and is checked after `listen` on the address the operating system gave it, so that a
 * library that ignores the host it is given (fauxqs 1.9.2 binds 0.0.0.0 in `startFauxqs`) stops
 * the start instead of listening on every interface.
 */
import { isIP, type AddressInfo } from 'node:net';

/** What `listen` returned an address for: a `net.Server`, or anything with its `address()`. */
export interface Listening {
  address(): AddressInfo | string | null;
}

/** A loopback listen address or name: `localhost`, any 127.x.x.x, `::1` (also as `::ffff:127.x.x.x`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  return isIP(bare) !== 0 && isLoopbackAddress(bare);
}

/** A numeric address (as `server.address()` gives it) that only this machine can reach. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1' || a === '0:0:0:0:0:0:0:1' || (/^::ffff:127\./.test(a) && isIP(a.slice(7)) === 4);
}

export class NotLoopbackError extends Error {}

/**
 * The `http://address:port` of a server that listens on loopback; throws a NotLoopbackError naming
 * `what` and the address when it listens anywhere else (the caller then closes everything).
 */
export function loopbackUrl(server: Listening, what: string): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new NotLoopbackError(`${what} is not listening on TCP (${String(address)})`);
  if (!isLoopbackAddress(address.address)) {
    throw new NotLoopbackError(`${what} listens on ${address.address}:${address.port}, reachable from other machines, not only on loopback: refusing to start (report this; nothing local may listen beyond 127.0.0.1 or ::1)`);
  }
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
