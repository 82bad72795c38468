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
 * `[2001:db8::7]:5123`), as some load balancers write it (hop-address.ts). Pure; throws nothing.
 *
 * `Forwarded` (RFC 7239) is not read: nginx and the cloud load balancers set `X-Forwarded-For` and pass a
 * `Forwarded` header through as the client sent it, so believing it would let any client behind them choose
 * its address.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { hopAddressOf } from './hop-address.js';
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
    const address = hopAddressOf(forwardedFor.slice(start, end).trim(), 'x-forwarded-for');
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
