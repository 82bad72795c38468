/**
 * Whether a request's client reached the gateway over HTTPS, for the dashboard's session cookie (Secure then,
 * and only then: a Secure cookie set over plain HTTP never comes back). A TLS socket says so; behind a
 * TLS-terminating proxy, the proxy's header does, the one `clientAddressHeader` chooses:
 *
 * - `x-forwarded-for` (the default): `X-Forwarded-Proto`, its first value, from any peer. Believing it is safe:
 *   it can only add `Secure` to the caller's own cookie.
 * - `forwarded`: the `proto` of one element of `Forwarded`, from a trusted proxy only, read as the client's
 *   address is (request-client-address.ts): from the right, past the elements that name trusted proxies (or, with
 *   `trustedProxyHops`, the elements counted), to the first that names an address no trusted proxy has (the
 *   client), or names none, or the leftmost. Each proxy
 *   appends one element, the address it was reached from and the scheme it was reached by (RFC 7239, sections
 *   5.4 and 7), so that element is the outermost trusted proxy's, and its `proto` the scheme the client reached
 *   it by; the elements to its right describe hops between proxies, and those to its left the client wrote.
 *   `X-Forwarded-Proto` is not read: proxies that write `Forwarded` may pass a client's own on.
 *
 * Pure; throws nothing.
 */
import { lastForwardedHop } from './forwarded-header.js';
import { type ClientAddressTrust, type ClientRequestLike, walkToClient } from './request-client-address.js';

/** What is read of a request: its socket (a TLS socket is `encrypted`) and its headers. */
export interface SchemeRequestLike extends ClientRequestLike {
  readonly socket: { readonly remoteAddress?: string | undefined; readonly encrypted?: boolean } | null;
}

/** The gateway's reading when nothing is configured, and the dashboard's when its host does not say: `X-Forwarded-Proto`. */
export const defaultSchemeTrust: ClientAddressTrust = { trustedProxies: undefined, header: 'x-forwarded-for' };

export function requestOverHttps(request: SchemeRequestLike, trust: ClientAddressTrust): boolean {
  if (request.socket?.encrypted === true) return true;
  // The `proto` of the element of `Forwarded` the client's address is read from; false from any other peer.
  if (trust.header === 'forwarded') return walkToClient(request, trust, lastForwardedHop)?.hop.overHttps === true;
  const forwardedProto = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

