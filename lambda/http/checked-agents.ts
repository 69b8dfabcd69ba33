/**
 * The connection pools of the hardened HTTP client (./http-get.ts), whose connections go only where
 * a request to a vendor may: each address a host name resolves to is checked (../contract/status-url.ts) before a
 * connection is made, so a name that stands for a link-local or loopback address is no way around
 * the check of the URL. One pool per scheme and access: a connection made for a vendor that allows
 * loopback is never reused for one that does not.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolvedAddressRefusal, type StatusUrlAccess } from '../contract/status-url';

export type ConnectionAccess = Omit<StatusUrlAccess, 'sendsKey'>;

/** A connection refused because of the address its host name resolved to; its message says why. */
export class RefusedAddress extends Error {}

export class CheckedAgents {
  private readonly agents = new Map<string, HttpAgent>();

  constructor(private readonly lookup: LookupFunction) {}

  /** The pool of `protocol` whose connections `access` allows. */
  agent(protocol: 'http:' | 'https:', access: ConnectionAccess): HttpAgent {
    const key = `${protocol}|${access.allowInsecure}|${access.neverLoopback ?? false}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // As Node's global agents (keep-alive, LIFO, 5 s idle), with the checked lookup.
      const settings = { keepAlive: true, scheduling: 'lifo' as const, timeout: 5000, lookup: checkedLookup(this.lookup, access) };
      agent = protocol === 'https:' ? new HttpsAgent(settings) : new HttpAgent(settings);
      this.agents.set(key, agent);
    }
    return agent;
  }
}

/** `lookup`, whose answers are checked: an address `access` does not allow fails the connection before it is made. */
function checkedLookup(lookup: LookupFunction, access: ConnectionAccess): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const addresses = typeof address === 'string' ? [address] : address.map((a) => a.address);
      for (const each of addresses) {
        const refusal = resolvedAddressRefusal(hostname, each, access);
        if (refusal) return callback(new RefusedAddress(refusal), address, family);
      }
      callback(null, address, family);
    });
  };
}
