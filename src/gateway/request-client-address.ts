/**
 * The address of the client that sent a request, which the failed key attempts are counted against.
 *
 * Behind a reverse proxy every request comes from the proxy's address, and the proxy appends the address it
 * saw to a header: `X-Forwarded-For` by default, or `Forwarded` (RFC 7239) when the configuration's
 * `clientAddressHeader` says so. The gateway believes that header only when the socket's peer is a trusted
 * proxy (`trustedProxies`), and then reads it from the right, nearest hop first, passing over trusted
 * proxies: the first address that is not one is the client, as Express's `trust proxy` and nginx's
 * `real_ip_recursive on` read it. What lies to its left the client wrote itself and is never read, so a
 * client cannot choose its address, to escape the limit or to lock another address out; nor can a client
 * that reaches the gateway directly, whose header is not read at all.
 *
 * The proxies may be counted instead (`trustedProxyHops`, trusted-proxy-hops.ts), as Express's `trust proxy: N`
 * counts them: the socket's peer and the header's rightmost N - 1 hops are then trusted proxies whatever their
 * addresses, and the client is the Nth hop from the right. Either way the walk is the same, nearest hop first,
 * asking `ProxyTrust` of each hop by its address and its place.
 *
 * A hop that is not an address (`unknown`, `_hidden`, a name, garbage, an empty entry) ends the reading: the
 * client is then the hop that handed it over, a trusted proxy, which is what the gateway counted before it
 * trusted any. Every hop a trusted proxy (with hops: fewer hops than counted): the leftmost. Of `Forwarded`, request-over-https.ts reads the `proto`
 * of the element this reading stops at, by the same walk. Pure; throws nothing.
 *
 * One header only, never both: nginx and the cloud load balancers set `X-Forwarded-For` and pass a client's
 * `Forwarded` through as it came, and proxies that write `Forwarded` may pass a client's `X-Forwarded-For`
 * on, so believing the other header would let any client behind them choose its address.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { lastForwardedHop } from './forwarded-header.js';
import { type ClientAddressHeader, type ForwardedHop, hopAddressOf, notAnAddress } from './hop-address.js';

/** What is read of a request: its socket's peer and its headers. */
export interface ClientRequestLike {
  readonly socket: { readonly remoteAddress?: string | undefined } | null;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Which hops of a request's way to the gateway are trusted proxies, nearest first: hop 0 is the socket's peer,
 * hop 1 the rightmost hop of the forwarding header, hop 2 the one to its left. `TrustedProxies` trusts a hop by
 * its address, wherever it stands; `TrustedProxyHops` the first N hops, whatever their addresses.
 */
export interface ProxyTrust {
  trusts(address: string, hop: number): boolean;
}

/** Whose forwarding header is believed, and which header that is. */
export interface ClientAddressTrust {
  /** Undefined when no proxy is trusted: every request is its peer's. */
  readonly trustedProxies: ProxyTrust | undefined;
  readonly header: ClientAddressHeader;
}

/** The client's address: the socket's peer, or what trusted proxies say of it; undefined when the socket has none any more. */
export function requestClientAddress(request: ClientRequestLike, trust: ClientAddressTrust): string | undefined {
  return addressWalkedTo(request, walkToClientAddress(request, trust));
}

/** The walk of the configured header (`trust.header`) to the client's hop: requestClientAddress's, for a caller that reads more of it. */
export function walkToClientAddress(request: ClientRequestLike, trust: ClientAddressTrust): ClientHop<ForwardedHop> | undefined {
  return walkToClient(request, trust, trust.header === 'forwarded' ? lastForwardedHop : lastXForwardedForHop);
}

/** The address a walk ends at: the socket's peer when the header was not read. */
export function addressWalkedTo(request: ClientRequestLike, walk: ClientHop<ForwardedHop> | undefined): string | undefined {
  if (walk === undefined) return request.socket?.remoteAddress;
  // A hop that names no address: the client is the trusted proxy that handed it over.
  return walk.hop.address ?? walk.handedOverBy;
}

/** Where the walk stopped: its hop, the trusted proxy (or the peer) that handed that hop over, and its place. */
export interface ClientHop<Hop extends ForwardedHop> {
  readonly hop: Hop;
  readonly handedOverBy: string;
  /** The hop's place from the gateway: 1 the header's rightmost (the peer, hop 0, is never where a walk stops). */
  readonly hopNumber: number;
}

/**
 * The walk of the configured header, from the right past trusted proxies, to the first hop that names an address
 * no trusted proxy has (the client), or names none, or is the leftmost; undefined when the header is not read (a
 * peer that is not a trusted proxy, or no header). request-over-https.ts reads the `proto` of the same hop.
 */
export function walkToClient<Hop extends ForwardedHop>(
  request: ClientRequestLike,
  trust: ClientAddressTrust,
  lastHop: (header: string, end: number) => Hop,
): ClientHop<Hop> | undefined {
  const { trustedProxies } = trust;
  const peerAddress = request.socket?.remoteAddress;
  if (trustedProxies === undefined || peerAddress === undefined || !trustedProxies.trusts(peerAddress, 0)) return undefined;
  const value = request.headers[trust.header];
  // Node joins repeated headers with commas; an array comes only from a hand-made request.
  const header = Array.isArray(value) ? value.join(',') : value;
  if (header === undefined) return undefined;
  let handedOverBy = peerAddress;
  let end = header.length;
  // The walk ends at the first address that is not a trusted proxy's, so it is bounded by the header's size
  // (Node's limit on all headers, 16 KiB by default) only when the client is itself in a trusted range.
  for (let hopNumber = 1; ; hopNumber++) {
    const hop = lastHop(header, end);
    if (hop.address === undefined || !trustedProxies.trusts(hop.address, hopNumber) || hop.before < 0) return { hop, handedOverBy, hopNumber };
    handedOverBy = hop.address;
    end = hop.before;
  }
}

/**
 * With the proxies counted (`trustedProxyHops`), the header named fewer hops than there are proxies: the walk took
 * its leftmost, an address a client may have written, for lack of the one it counted on. The count is higher than
 * the proxies in front of the gateway, or the request came past some of them. A header that stops the walk at a hop
 * that is not an address is not short: the client is then the proxy that handed it over.
 */
export function isShortOfTrustedHops(walk: ClientHop<ForwardedHop> | undefined, trustedProxyHops: number): boolean {
  return walk !== undefined && walk.hop.address !== undefined && walk.hopNumber < trustedProxyHops;
}

/**
 * True when the request carries the configured header (`X-Forwarded-For` by default) from a peer that is not a
 * trusted proxy: a reverse proxy the gateway was not told of, most likely, whose clients then all count as
 * its one address.
 */
export function isForwardedByUntrustedPeer(request: ClientRequestLike, trust: ClientAddressTrust): boolean {
  if (request.headers[trust.header] === undefined) return false;
  const peerAddress = request.socket?.remoteAddress;
  return trust.trustedProxies === undefined || peerAddress === undefined || !trust.trustedProxies.trusts(peerAddress, 0);
}

/** The entry of X-Forwarded-For that ends at `end`: comma-separated, each an address with or without a port. */
function lastXForwardedForHop(header: string, end: number): ForwardedHop {
  const start = end === 0 ? 0 : header.lastIndexOf(',', end - 1) + 1;
  const address = hopAddressOf(header.slice(start, end).trim(), 'x-forwarded-for');
  return address === undefined ? notAnAddress : { address, before: start - 1 };
}
