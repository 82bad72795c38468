/**
 * `NO_PROXY`: the origins reached directly although a proxy is set. Entries are separated by commas or spaces, in
 * any case: `*` (every origin), a host name (`example.com`, which names its subdomains too; a leading `.` or `*.`
 * changes nothing), an IP address, or a CIDR range (`10.0.0.0/8`, `fd00::/8`), as curl, Go and Python's requests read
 * them; each may end with `:port` (only that port). undici's own matcher takes no CIDR range, which Kubernetes
 * clusters' `NO_PROXY` lists (pods' and services' addresses): a base URL by IP inside such a range would have gone
 * through the proxy. Pure.
 */
import { BlockList, isIP } from 'node:net';

interface HostEntry {
  /** Lower case, without a leading `.` or `*.`, IPv6 without brackets. */
  readonly host: string;
  /** Only this port, or any. */
  readonly port: number | undefined;
}

interface RangeEntry {
  readonly range: BlockList;
  readonly port: number | undefined;
}

export interface NoProxyRule {
  /** This origin (`https://api.example.com`, `http://10.1.2.3:8000`) is reached directly. */
  bypasses(origin: URL): boolean;
}

const defaultPorts: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

export function parseNoProxy(value: string | undefined): NoProxyRule {
  const hosts: HostEntry[] = [];
  const ranges: RangeEntry[] = [];
  let everything = false;
  for (const raw of (value ?? '').toLowerCase().split(/[\s,]+/)) {
    if (raw === '') continue;
    if (raw === '*') {
      everything = true;
      continue;
    }
    const { address, port } = splitPort(raw);
    const slash = address.indexOf('/');
    if (slash !== -1) {
      const range = rangeOf(address.slice(0, slash), address.slice(slash + 1));
      // A range that does not parse names nothing, as an unknown host would.
      if (range !== undefined) ranges.push({ range, port });
      continue;
    }
    hosts.push({ host: address.replace(/^\*?\./, ''), port });
  }
  return {
    bypasses(origin) {
      if (everything) return true;
      const host = unbracketed(origin.hostname.toLowerCase());
      const port = origin.port === '' ? defaultPorts[origin.protocol] : Number(origin.port);
      for (const entry of hosts) {
        if (entry.port !== undefined && entry.port !== port) continue;
        if (host === entry.host || host.endsWith(`.${entry.host}`)) return true;
      }
      const family = isIP(host);
      if (family === 0) return false;
      for (const entry of ranges) {
        if (entry.port !== undefined && entry.port !== port) continue;
        if (entry.range.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
      }
      return false;
    },
  };
}

/** `host:port`, `[v6]:port`, `10.0.0.0/8:443`; an IPv6 address without brackets has no port. */
function splitPort(entry: string): { readonly address: string; readonly port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { address: bracketed[1]!, port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { address: withPort[1]!, port: Number(withPort[2]) };
  return { address: entry, port: undefined };
}

function rangeOf(network: string, prefixText: string): BlockList | undefined {
  const family = isIP(network);
  const prefix = Number(prefixText);
  if (family === 0 || !/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) return undefined;
  const range = new BlockList();
  range.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return range;
}

function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
