/**
 * The reverse proxies (nginx, a cloud load balancer) whose forwarding header the gateway believes, given as
 * addresses and CIDR ranges, IPv4 and IPv6 (`10.0.0.0/8`, `2001:db8::/32`, `127.0.0.1`). Matching is
 * node:net's BlockList (no dependency): it also matches a dual-stack socket's IPv4-mapped peer
 * (`::ffff:10.0.0.5`) against an IPv4 range, and an address that is not one against nothing.
 */
import { BlockList, isIP } from 'node:net';
import { describeValue, fail } from './config-fields.js';
import type { ProxyTrust } from './request-client-address.js';

type AddressFamily = 'ipv4' | 'ipv6';

interface AddressRange {
  readonly address: string;
  readonly prefixLength: number;
  readonly family: AddressFamily;
}

/** `10.0.0.0/8`, `2001:db8::/32` or a single address; undefined when the text is none of them. */
function addressRangeOf(text: string): AddressRange | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  // A zone (`fe80::1%eth0`) names a link of this host, not a range.
  if (version === 0 || address.includes('%')) return undefined;
  const family: AddressFamily = version === 4 ? 'ipv4' : 'ipv6';
  const maximum = version === 4 ? 32 : 128;
  if (slash === -1) return { address, prefixLength: maximum, family };
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maximum) return undefined;
  return { address, prefixLength: Number(prefix), family };
}

/**
 * The configuration's list, checked: a YAML list of strings (`path`), or the environment's comma-separated
 * text. Each entry must be an address or a range; a range of every address (`/0`) is refused, since a client
 * reaching the gateway directly would then write its own address.
 */
export function trustedProxiesOf(value: unknown, path: string): readonly string[] {
  return checkedRanges(value, path).map((range) => range.text);
}

function checkedRanges(value: unknown, path: string): (AddressRange & { readonly text: string })[] {
  const entries = typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0) : value;
  if (!Array.isArray(entries)) fail(path, 'must be a list of addresses or CIDR ranges (10.0.0.0/8, 2001:db8::/32).');
  return entries.map((entry: unknown, index) => {
    const text = typeof entry === 'string' ? entry.trim() : undefined;
    const range = text === undefined ? undefined : addressRangeOf(text);
    if (text === undefined || range === undefined) {
      fail(`${path}[${index}]`, `must be an IPv4 or IPv6 address or CIDR range (10.0.0.0/8, 2001:db8::/32); got ${describeValue(entry)}.`);
    }
    if (range.prefixLength === 0) {
      fail(`${path}[${index}]`, "trusts every address: any client could then choose its own address. Name the proxies' addresses or ranges.");
    }
    return { ...range, text };
  });
}

export class TrustedProxies implements ProxyTrust {
  readonly #list = new BlockList();

  /** `entries` as the configuration's `trustedProxies`; one that is not an address or a range is an InvalidArgumentError. */
  constructor(entries: readonly string[]) {
    for (const range of checkedRanges(entries, 'trustedProxies')) {
      if (range.prefixLength === (range.family === 'ipv4' ? 32 : 128)) this.#list.addAddress(range.address, range.family);
      else this.#list.addSubnet(range.address, range.prefixLength, range.family);
    }
  }

  /**
   * `address` (a socket's peer, or a hop of a forwarding header already checked to be an address) is a trusted
   * proxy's, wherever it stands on the request's way.
   */
  trusts(address: string): boolean {
    return this.#list.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
  }
}
