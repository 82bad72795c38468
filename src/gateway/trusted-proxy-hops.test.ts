import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import {
  type ClientAddressTrust,
  type ClientRequestLike,
  isForwardedByUntrustedPeer,
  isShortOfTrustedHops,
  requestClientAddress,
  walkToClientAddress,
} from './request-client-address.js';
import { requestOverHttps } from './request-over-https.js';
import { TrustedProxyHops, trustedProxyHopsOf } from './trusted-proxy-hops.js';

/** The proxies counted, `hops` of them, naming the client in X-Forwarded-For, or in Forwarded. */
const byForwardedFor = (hops: number): ClientAddressTrust => ({ trustedProxies: new TrustedProxyHops(hops), header: 'x-forwarded-for' });
const byForwarded = (hops: number): ClientAddressTrust => ({ trustedProxies: new TrustedProxyHops(hops), header: 'forwarded' });

function request(peerAddress: string | undefined, headers: Record<string, string> = {}): ClientRequestLike {
  return { socket: { remoteAddress: peerAddress }, headers: headers as IncomingHttpHeaders };
}

const forwardedFor = (peerAddress: string | undefined, value: string): ClientRequestLike => request(peerAddress, { 'x-forwarded-for': value });

describe('requestClientAddress with the proxies counted (trustedProxyHops), as Express reads trust proxy: N', () => {
  // Express's own example (test/req.ips.js): X-Forwarded-For "client, p1, p2" with trust proxy 2 gives req.ips
  // ["p1", "p2"], req.ip "p1": the peer is hop 0, p2 hop 1, both trusted; p1, hop 2, is the client.
  const header = '198.51.100.9, 198.51.100.1, 203.0.113.2';

  it('is the Nth entry from the right of X-Forwarded-For, the socket peer counting as the first hop', () => {
    expect(requestClientAddress(forwardedFor('127.0.0.1', header), byForwardedFor(1))).toBe('203.0.113.2');
    expect(requestClientAddress(forwardedFor('127.0.0.1', header), byForwardedFor(2))).toBe('198.51.100.1');
    expect(requestClientAddress(forwardedFor('127.0.0.1', header), byForwardedFor(3))).toBe('198.51.100.9');
  });

  it('with fewer entries than hops, is the leftmost entry, the furthest hop there is (as Express), not the peer', () => {
    expect(requestClientAddress(forwardedFor('127.0.0.1', header), byForwardedFor(4))).toBe('198.51.100.9');
    expect(requestClientAddress(forwardedFor('127.0.0.1', header), byForwardedFor(40))).toBe('198.51.100.9');
    expect(requestClientAddress(forwardedFor('127.0.0.1', '198.51.100.1'), byForwardedFor(2))).toBe('198.51.100.1');
    // No header at all: the peer.
    expect(requestClientAddress(request('127.0.0.1'), byForwardedFor(2))).toBe('127.0.0.1');
    expect(requestClientAddress(request(undefined), byForwardedFor(2))).toBeUndefined();
  });

  it('trusts the peer and the counted hops whatever their addresses, and reads no address past the count', () => {
    // Any peer is believed, a public address too: counting names no proxy.
    expect(requestClientAddress(forwardedFor('203.0.113.7', header), byForwardedFor(1))).toBe('203.0.113.2');
    // A private address beyond the count is the client all the same: addresses are not consulted.
    expect(requestClientAddress(forwardedFor('127.0.0.1', '198.51.100.9, 10.0.0.1, 10.0.0.2'), byForwardedFor(2))).toBe('10.0.0.1');
    // Ports dropped and IPv6 read as with trustedProxies.
    expect(requestClientAddress(forwardedFor('::1', '[2001:db8:1:2::7]:443, 198.51.100.1:5123'), byForwardedFor(2))).toBe('2001:db8:1:2::7');
  });

  it('stops at an entry that is not an address, at the hop that handed it over, before the count is reached', () => {
    expect(requestClientAddress(forwardedFor('127.0.0.1', '198.51.100.9, unknown'), byForwardedFor(2))).toBe('127.0.0.1');
    expect(requestClientAddress(forwardedFor('127.0.0.1', 'garbage, 203.0.113.2'), byForwardedFor(3))).toBe('203.0.113.2');
    expect(requestClientAddress(forwardedFor('127.0.0.1', '198.51.100.9, , 203.0.113.2'), byForwardedFor(3))).toBe('203.0.113.2');
    // At the count, the client's entry itself not an address: the proxy that handed it over.
    expect(requestClientAddress(forwardedFor('127.0.0.1', '_hidden, 203.0.113.2'), byForwardedFor(2))).toBe('203.0.113.2');
    // Past the count nothing is read, a malformed entry included.
    expect(requestClientAddress(forwardedFor('127.0.0.1', 'garbage, 198.51.100.1, 203.0.113.2'), byForwardedFor(2))).toBe('198.51.100.1');
  });

  it('reads Forwarded the same way: the for of the Nth element from the right, and that element\'s proto for HTTPS', () => {
    const elements = 'for=198.51.100.9;proto=http, for="198.51.100.1:4711";proto=https, for=203.0.113.2;proto=http';
    const withForwarded = request('127.0.0.1', { forwarded: elements, 'x-forwarded-for': '192.0.2.55' });
    expect(requestClientAddress(withForwarded, byForwarded(1))).toBe('203.0.113.2');
    expect(requestClientAddress(withForwarded, byForwarded(2))).toBe('198.51.100.1');
    expect(requestClientAddress(withForwarded, byForwarded(3))).toBe('198.51.100.9');
    expect(requestClientAddress(withForwarded, byForwarded(9))).toBe('198.51.100.9');
    expect([1, 2, 3, 9].map((hops) => requestOverHttps(withForwarded, byForwarded(hops)))).toEqual([false, true, false, false]);
    // X-Forwarded-For, and its proto, are not read with Forwarded, and Forwarded not with X-Forwarded-For.
    expect(requestOverHttps(request('127.0.0.1', { forwarded: 'for=198.51.100.1;proto=http', 'x-forwarded-proto': 'https' }), byForwarded(1))).toBe(false);
    expect(requestClientAddress(withForwarded, byForwardedFor(1))).toBe('192.0.2.55');
    expect(requestClientAddress(request('127.0.0.1', { forwarded: 'for=unknown;proto=https, for=203.0.113.2' }), byForwarded(3))).toBe('203.0.113.2');
  });
});

describe('isShortOfTrustedHops', () => {
  const short = (hops: number, value: string | undefined, trust = byForwardedFor(hops)): boolean => {
    const sent = value === undefined ? request('127.0.0.1') : forwardedFor('127.0.0.1', value);
    return isShortOfTrustedHops(walkToClientAddress(sent, trust), hops);
  };

  it('is a header with fewer hops than counted, whose leftmost the walk then took', () => {
    expect(short(2, '198.51.100.1')).toBe(true);
    expect(short(3, '198.51.100.1, 203.0.113.2')).toBe(true);
    expect(short(2, '198.51.100.1, 203.0.113.2')).toBe(false);
    expect(short(2, '198.51.100.9, 198.51.100.1, 203.0.113.2')).toBe(false);
    expect(short(1, '198.51.100.1')).toBe(false);
    const forwarded = isShortOfTrustedHops(walkToClientAddress(request('127.0.0.1', { forwarded: 'for=198.51.100.1' }), byForwarded(2)), 2);
    expect(forwarded).toBe(true);
  });

  it('is not a request without the header (a health check from the proxy), nor one whose walk stopped at no address', () => {
    expect(short(2, undefined)).toBe(false);
    expect(short(3, 'unknown, 203.0.113.2')).toBe(false);
    expect(short(2, '')).toBe(false);
  });
});

describe('isForwardedByUntrustedPeer with the proxies counted', () => {
  it('is never: every peer is the first trusted hop', () => {
    expect(isForwardedByUntrustedPeer(forwardedFor('203.0.113.7', '198.51.100.1'), byForwardedFor(1))).toBe(false);
    expect(isForwardedByUntrustedPeer(request('203.0.113.7', { forwarded: 'for=198.51.100.1' }), byForwarded(2))).toBe(false);
  });
});

describe('trustedProxyHopsOf and TrustedProxyHops', () => {
  it('takes a whole number of proxies, from YAML or from the environment\'s digits', () => {
    expect(trustedProxyHopsOf(2, 'trustedProxyHops')).toBe(2);
    expect(trustedProxyHopsOf(0, 'trustedProxyHops')).toBe(0);
    expect(trustedProxyHopsOf(' 3 ', 'BACKUP_MODELS_GATEWAY_TRUSTED_PROXY_HOPS')).toBe(3);
    for (const value of [-1, 1.5, '1.5', 'two', true, [1], null, '', Number.NaN, 2 ** 53]) {
      expect(() => trustedProxyHopsOf(value, 'trustedProxyHops'), String(value)).toThrow(/trustedProxyHops must be a whole number of proxies/);
    }
  });

  it('trusts the first count hops, the peer the first, and refuses a count that trusts none', () => {
    const two = new TrustedProxyHops(2);
    expect([0, 1, 2, 3].map((hop) => two.trusts('198.51.100.1', hop))).toEqual([true, true, false, false]);
    expect(() => new TrustedProxyHops(0)).toThrow(InvalidArgumentError);
  });
});
