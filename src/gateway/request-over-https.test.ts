import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type ClientAddressTrust, requestClientAddress } from './request-client-address.js';
import { requestOverHttps, type SchemeRequestLike } from './request-over-https.js';
import { TrustedProxies } from './trusted-proxies.js';

const proxies = new TrustedProxies(['10.0.0.0/8', 'fd00::/8']);
const byForwardedFor: ClientAddressTrust = { trustedProxies: proxies, header: 'x-forwarded-for' };
const byForwarded: ClientAddressTrust = { trustedProxies: proxies, header: 'forwarded' };
const untrusting: ClientAddressTrust = { trustedProxies: undefined, header: 'x-forwarded-for' };
const forwardedUntrusting: ClientAddressTrust = { trustedProxies: undefined, header: 'forwarded' };

/** A plain-HTTP request from `peerAddress` with `headers`; `encrypted` for a TLS socket. */
function request(peerAddress: string, headers: Record<string, string | string[]> = {}, encrypted?: boolean): SchemeRequestLike {
  return { socket: { remoteAddress: peerAddress, ...(encrypted === undefined ? {} : { encrypted }) }, headers: headers as IncomingHttpHeaders };
}

describe('requestOverHttps by X-Forwarded-Proto (the default)', () => {
  it('is a TLS socket, or X-Forwarded-Proto: https from any peer, as before Forwarded was read', () => {
    for (const trust of [untrusting, byForwardedFor]) {
      expect(requestOverHttps(request('203.0.113.7', {}, true), trust)).toBe(true);
      expect(requestOverHttps(request('203.0.113.7', { 'x-forwarded-proto': 'https' }), trust)).toBe(true);
      expect(requestOverHttps(request('10.1.2.3', { 'x-forwarded-proto': ' HTTPS , http' }), trust)).toBe(true);
      expect(requestOverHttps(request('10.1.2.3', { 'x-forwarded-proto': ['https', 'http'] }), trust)).toBe(true);
      expect(requestOverHttps(request('10.1.2.3', { 'x-forwarded-proto': 'http, https' }), trust)).toBe(false);
      expect(requestOverHttps(request('10.1.2.3'), trust)).toBe(false);
    }
  });

  it('does not read Forwarded', () => {
    expect(requestOverHttps(request('10.1.2.3', { forwarded: 'for=198.51.100.1;proto=https' }), byForwardedFor)).toBe(false);
  });
});

describe('requestOverHttps by Forwarded (clientAddressHeader: forwarded)', () => {
  /** Over HTTPS, as a request from the trusted proxy 10.1.2.3 with `forwarded` and `headers`. */
  const fromProxy = (forwarded: string | string[], headers: Record<string, string> = {}): boolean =>
    requestOverHttps(request('10.1.2.3', { forwarded, ...headers }), byForwarded);

  it("is the proto of the trusted proxy's element, quoted or not, in any case", () => {
    expect(fromProxy('for=198.51.100.1;proto=https')).toBe(true);
    expect(fromProxy('for="198.51.100.1:5123";proto="HTTPS";by=10.1.2.3')).toBe(true);
    expect(fromProxy('Proto=Https;For="[2001:db8::7]:443"')).toBe(true);
    expect(fromProxy('for=198.51.100.1;proto=http')).toBe(false);
    expect(fromProxy('for=198.51.100.1')).toBe(false);
    expect(requestOverHttps(request('fd00::5', { forwarded: 'for=198.51.100.1;proto=https' }), byForwarded)).toBe(true);
  });

  it('ignores X-Forwarded-Proto, whatever either says', () => {
    expect(fromProxy('for=198.51.100.1;proto=http', { 'x-forwarded-proto': 'https' })).toBe(false);
    expect(fromProxy('for=198.51.100.1', { 'x-forwarded-proto': 'https' })).toBe(false);
    expect(requestOverHttps(request('10.1.2.3', { 'x-forwarded-proto': 'https' }), byForwarded)).toBe(false);
    expect(fromProxy('for=198.51.100.1;proto=https', { 'x-forwarded-proto': 'http' })).toBe(true);
  });

  it('believes no peer that is not a trusted proxy, and none when no proxy is trusted; a TLS socket is HTTPS', () => {
    expect(requestOverHttps(request('203.0.113.7', { forwarded: 'for=198.51.100.1;proto=https' }), byForwarded)).toBe(false);
    expect(requestOverHttps(request('10.1.2.3', { forwarded: 'for=198.51.100.1;proto=https' }), forwardedUntrusting)).toBe(false);
    expect(requestOverHttps(request('203.0.113.7', { forwarded: 'for=198.51.100.1;proto=http' }, true), byForwarded)).toBe(true);
  });

  it('through a chain of trusted proxies, is what the outermost one says of the client, not the hops between proxies', () => {
    expect(fromProxy('for=198.51.100.1;proto=https, for=10.0.0.7;proto=http')).toBe(true);
    expect(fromProxy('for=198.51.100.1;proto=http, for=10.0.0.7;proto=https')).toBe(false);
    expect(fromProxy(['for=198.51.100.1;proto=https', 'for=10.0.0.7;proto=http', 'for="[fd00::9]:443";proto=http'].join(', '))).toBe(true);
    // Repeated headers, as Node joins them, and as an array.
    expect(fromProxy(['for=198.51.100.1;proto=https', 'for=10.0.0.7;proto=http'])).toBe(true);
    // Every element a trusted proxy's: the leftmost's.
    expect(fromProxy('for=10.0.0.8;proto=https, for=10.0.0.7;proto=http')).toBe(true);
    expect(fromProxy('for=10.0.0.8;proto=http, for=10.0.0.7;proto=https')).toBe(false);
  });

  it('reads nothing the client wrote to the left of its own element', () => {
    expect(fromProxy('for=198.51.100.66;proto=https, for=198.51.100.1;proto=http')).toBe(false);
    expect(fromProxy('for=198.51.100.66;proto=https, for=198.51.100.1')).toBe(false);
    expect(fromProxy('for=10.0.0.99;proto=https, for=198.51.100.1')).toBe(false);
    expect(fromProxy('proto=https, for=198.51.100.1;proto=http, for=10.0.0.7;proto=http')).toBe(false);
    expect(fromProxy('for="198.51.100.66;proto=https, for=198.51.100.1;proto=http')).toBe(false);
  });

  it('is the proto of the element where the client address is read: one proto=https at each place in turn', () => {
    // From the left: what the client wrote, the client the outermost proxy names, two trusted proxies.
    const elements = ['for=198.51.100.9', 'for=198.51.100.1', 'for=10.0.0.7', 'for=10.0.0.5'];
    const read = elements.map((_, index) => {
      const header = elements.map((element, each) => (each === index ? `${element};proto=https` : element)).join(', ');
      expect(requestClientAddress(request('10.1.2.3', { forwarded: header }), byForwarded)).toBe('198.51.100.1');
      return fromProxy(header);
    });
    expect(read).toEqual([false, true, false, false]);
  });

  it("takes the proto of an element that names no address, where the reading stops; nothing of one not well formed", () => {
    expect(fromProxy('for=unknown;proto=https')).toBe(true);
    expect(fromProxy('for=_hidden;proto=https, for=10.0.0.7;proto=http')).toBe(true);
    expect(fromProxy('for=198.51.100.1;proto=https, for=unknown;proto=http')).toBe(false);
    expect(fromProxy('for=198.51.100.1;for=198.51.100.2;proto=https')).toBe(false);
    expect(fromProxy('for=198.51.100.1;proto=https"')).toBe(false);
    expect(fromProxy('')).toBe(false);
  });
});
