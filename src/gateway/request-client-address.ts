/**
 * The address of the client that sent a request, which the failed key attempts are counted against.
 *
 * Behind a reverse proxy every request comes from the proxy's address, and the proxy appends the address it
 * saw to `X-Forwarded-For`. The gateway believes that header only when the socket's peer is a trusted proxy
 * (`trustedProxies`), and then reads it from the right, nearest hop first, passing over trusted proxies: the
 * first address that is not one is the client, as Express's `trust proxy` and nginx's `real_ip_recursive on`
 * read it. What lies to its left the client wrote itself and is never read, so a client cannot choose its
 * address, to escape the limit or to lock another address out; nor can a client that reaches the gateway
 * directly, whose header is not read at all.
 *
 * An entry that is not an address (`unknown`, a name, garbage, an empty entry) ends the reading: the client
 * is then the hop that handed it over, a trusted proxy, which is what the gateway counted before it trusted
 * any. Every entry a trusted proxy: the leftmost. An entry may carry a port (`203.0.113.7:5123`,
 * `[2001:db8::7]:5123`), as some load balancers write it. Pure; throws nothing.
 *
 * `Forwarded` (RFC 7239) is not read: nginx and the cloud load balancers set `X-Forwarded-For` and pass a
 * `Forwarded` header through as the client sent it, so believing it would let any client behind them choose
 * its address.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { TrustedProxies } from './trusted-proxies.js';

/** What is read of a request: its socket's peer and its headers. */
export interface ClientRequestLike {
  readonly socket: { readonly remoteAddress?: string | undefined } | null;
  readonly headers: IncomingHttpHeaders;
}

/** The client's address: the socket's peer, or what trusted proxies say of it; undefined when the socket has none any more. */
export function requestClientAddress(request: ClientRequestLike, trustedProxies: TrustedProxies | undefined): string | undefined {
  const peerAddress = request.socket?.remoteAddress;
  if (trustedProxies === undefined || peerAddress === undefined || !trustedProxies.has(peerAddress)) return peerAddress;
  const header = request.headers['x-forwarded-for'];
  // Node joins repeated X-Forwarded-For headers with commas; an array comes only from a hand-made request.
  const forwardedFor = Array.isArray(header) ? header.join(',') : header;
  if (forwardedFor === undefined) return peerAddress;
  let nearestTrusted = peerAddress;
  let end = forwardedFor.length;
  // The walk ends at the first address that is not a trusted proxy's, so it is bounded by the header's size
  // (Node's limit on all headers, 16 KiB by default) only when the client is itself in a trusted range.
  for (;;) {
    const start = end === 0 ? 0 : forwardedFor.lastIndexOf(',', end - 1) + 1;
    const address = forwardedAddressOf(forwardedFor.slice(start, end));
    if (address === undefined) return nearestTrusted;
    if (!trustedProxies.has(address)) return address;
    if (start === 0) return address;
    nearestTrusted = address;
    end = start - 1;
  }
}

/**
 * True when the request carries `X-Forwarded-For` from a peer that is not a trusted proxy: a reverse proxy the
 * gateway was not told of, most likely, whose clients then all count as its one address.
 */
export function isForwardedByUntrustedPeer(request: ClientRequestLike, trustedProxies: TrustedProxies | undefined): boolean {
  if (request.headers['x-forwarded-for'] === undefined) return false;
  const peerAddress = request.socket?.remoteAddress;
  return trustedProxies === undefined || peerAddress === undefined || !trustedProxies.has(peerAddress);
}

/** The longest entry read: a bracketed IPv4-mapped IPv6 address with a port is 54 characters. */
const maxEntryLength = 64;

/** One entry of X-Forwarded-For as an address, its port dropped; undefined when it is not one. */
function forwardedAddressOf(entry: string): string | undefined {
  const text = entry.trim();
  if (text.length === 0 || text.length > maxEntryLength) return undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || !isPortSuffix(text.slice(close + 1))) return undefined;
    const address = text.slice(1, close);
    return isIP(address) === 6 && !address.includes('%') ? address : undefined;
  }
  const colon = text.indexOf(':');
  if (colon !== -1 && text.indexOf(':', colon + 1) === -1) {
    // One colon: an IPv4 address and its port.
    const address = text.slice(0, colon);
    return isIP(address) === 4 && isPortSuffix(text.slice(colon)) ? address : undefined;
  }
  // A zone (`%eth0`) belongs to a link of the proxy's host, not to a client's address.
  return isIP(text) !== 0 && !text.includes('%') ? text : undefined;
}

/** Nothing, or `:` and a port. */
function isPortSuffix(text: string): boolean {
  return text === '' || /^:\d{1,5}$/.test(text);
}
