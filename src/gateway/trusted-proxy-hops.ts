/**
 * The reverse proxies in front of the gateway counted rather than named (`trustedProxyHops`), as Express's
 * `trust proxy: N` counts them (its `compileTrust` trusts hop `i` when `i < N`): hop 0 is the socket's peer,
 * hop 1 the rightmost entry of the forwarding header, hop 2 the one to its left, and so on. The first N hops
 * are trusted proxies whatever their addresses, so the client is hop N, the Nth entry from the right of the
 * header; a header with fewer entries gives its leftmost, the furthest hop there is, as Express does.
 *
 * Counting trusts the socket's peer whoever it is: a client that reaches the gateway directly, past the
 * proxies, writes the header the gateway reads, and chooses its address. `trustedProxies` (by address) does not.
 */
import { fail } from './config-fields.js';
import type { ProxyTrust } from './request-client-address.js';

/** The configuration's `trustedProxyHops`: an integer from 0 (no proxy, the default), or the environment's digits. */
export function trustedProxyHopsOf(value: unknown, path: string): number {
  const hops = typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof hops !== 'number' || !Number.isSafeInteger(hops) || hops < 0) {
    fail(path, 'must be a whole number of proxies in front of the gateway (0, the default, for none; 1 for one, such as nginx).');
  }
  return hops;
}

export class TrustedProxyHops implements ProxyTrust {
  /** How many hops, the socket's peer the first, are trusted proxies: at least 1. */
  readonly count: number;

  constructor(count: number) {
    const checked = trustedProxyHopsOf(count, 'trustedProxyHops');
    if (checked < 1) fail('trustedProxyHops', 'must be at least 1 to trust any proxy (0 trusts none: give no TrustedProxyHops).');
    this.count = checked;
  }

  /** The hop `hop` steps from the gateway is a trusted proxy, whatever its address. */
  trusts(_address: string, hop: number): boolean {
    return hop < this.count;
  }
}
