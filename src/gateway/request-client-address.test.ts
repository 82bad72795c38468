import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { type ClientAddressTrust, type ClientRequestLike, isForwardedByUntrustedPeer, requestClientAddress } from './request-client-address.js';
import { TrustedProxies } from './trusted-proxies.js';

const proxies = new TrustedProxies(['10.0.0.0/8', '192.0.2.1', 'fd00::/8', '2001:db8:ffff::1']);
const byForwardedFor: ClientAddressTrust = { trustedProxies: proxies, header: 'x-forwarded-for' };
const byForwarded: ClientAddressTrust = { trustedProxies: proxies, header: 'forwarded' };
const untrusting: ClientAddressTrust = { trustedProxies: undefined, header: 'x-forwarded-for' };

function request(peerAddress: string | undefined, forwardedFor?: string | string[]) {
  return { socket: { remoteAddress: peerAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } };
}

/** A request from `peerAddress` with `forwarded` as its Forwarded header, and `forwardedFor` as its X-Forwarded-For. */
function forwardedRequest(peerAddress: string, forwarded?: string | string[], forwardedFor?: string): ClientRequestLike {
  // Node's types give Forwarded as one string, as Node joins it; an array is a hand-made request's.
  const headers: Record<string, string | string[]> = {};
  if (forwarded !== undefined) headers.forwarded = forwarded;
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
  return { socket: { remoteAddress: peerAddress }, headers: headers as IncomingHttpHeaders };
}

describe('requestClientAddress', () => {
  it('is the peer when no proxy is trusted, or the peer is not one: its X-Forwarded-For is not read', () => {
    expect(requestClientAddress(request('203.0.113.7', '198.51.100.1'), untrusting)).toBe('203.0.113.7');
    expect(requestClientAddress(request('203.0.113.7', '198.51.100.1'), byForwardedFor)).toBe('203.0.113.7');
    expect(requestClientAddress(request(undefined, '198.51.100.1'), byForwardedFor)).toBeUndefined();
  });

  it('from a trusted proxy, is the rightmost address that is not a trusted proxy; what the client wrote to its left is not read', () => {
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1'), byForwardedFor)).toBe('198.51.100.1');
    expect(requestClientAddress(request('::ffff:10.1.2.3', '198.51.100.1'), byForwardedFor)).toBe('198.51.100.1');
    expect(requestClientAddress(request('10.1.2.3', '203.0.113.50, 198.51.100.1, 10.9.9.9, 192.0.2.1'), byForwardedFor)).toBe('198.51.100.1');
    expect(requestClientAddress(request('fd00::5', '2001:db8:1:2::7, fd12::1'), byForwardedFor)).toBe('2001:db8:1:2::7');
    // Repeated headers, as Node joins them, and as an array.
    expect(requestClientAddress(request('10.1.2.3', ['203.0.113.50', '198.51.100.1']), byForwardedFor)).toBe('198.51.100.1');
  });

  it('reads an entry with a port, IPv4 or bracketed IPv6, as its address', () => {
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1:5123'), byForwardedFor)).toBe('198.51.100.1');
    expect(requestClientAddress(request('10.1.2.3', '[2001:db8:1:2::7]:443'), byForwardedFor)).toBe('2001:db8:1:2::7');
    expect(requestClientAddress(request('10.1.2.3', '[2001:db8:1:2::7]'), byForwardedFor)).toBe('2001:db8:1:2::7');
    expect(requestClientAddress(request('10.1.2.3', ' \t198.51.100.1 '), byForwardedFor)).toBe('198.51.100.1');
  });

  it('is the leftmost address when every one is a trusted proxy, and the peer when the header is absent', () => {
    expect(requestClientAddress(request('10.1.2.3', '10.7.7.7, 192.0.2.1'), byForwardedFor)).toBe('10.7.7.7');
    expect(requestClientAddress(request('10.1.2.3'), byForwardedFor)).toBe('10.1.2.3');
  });

  it('stops at an entry that is not an address, at the trusted hop that handed it over, and never throws', () => {
    const malformed = [
      '',
      ' ',
      ',',
      'unknown',
      'client.example',
      '198.51.100.1.5',
      '198.51.100.300',
      '198.51.100.1:',
      '198.51.100.1:port',
      '198.51.100.1:123456',
      '[2001:db8::1',
      '[2001:db8::1]x',
      '[198.51.100.1]',
      'fe80::1%eth0',
      '2001:db8::1::2',
      '_hidden',
      '198.51.100.1:_port',
      'for=198.51.100.1',
      '"198.51.100.1"',
      `${'1'.repeat(70)}`,
      '%E2%80%AE',
      '\u00e9',
    ];
    for (const value of malformed) {
      expect(requestClientAddress(request('10.1.2.3', value), byForwardedFor), JSON.stringify(value)).toBe('10.1.2.3');
      expect(requestClientAddress(request('10.1.2.3', `198.51.100.1, ${value}`), byForwardedFor), JSON.stringify(value)).toBe('10.1.2.3');
    }
    // Past a trusted hop, the hop: never an address the client wrote.
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1, garbage, 10.5.5.5'), byForwardedFor)).toBe('10.5.5.5');
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1,,10.5.5.5'), byForwardedFor)).toBe('10.5.5.5');
    expect(requestClientAddress(request('10.1.2.3', ',198.51.100.1'), byForwardedFor)).toBe('198.51.100.1');
    expect(requestClientAddress(request('10.1.2.3', ',10.5.5.5'), byForwardedFor)).toBe('10.5.5.5');
  });
});

describe('requestClientAddress with Forwarded (RFC 7239)', () => {
  const clientOf = (forwarded: string | string[] | undefined, peerAddress = '10.1.2.3') => requestClientAddress(forwardedRequest(peerAddress, forwarded), byForwarded);

  it("reads the RFC's forms of a node: IPv4, quoted with a port, IPv6 in brackets with or without one", () => {
    expect(clientOf('for=198.51.100.1')).toBe('198.51.100.1');
    expect(clientOf('for="198.51.100.1"')).toBe('198.51.100.1');
    expect(clientOf('for="198.51.100.1:47011"')).toBe('198.51.100.1');
    expect(clientOf('for="[2001:db8:cafe::17]"')).toBe('2001:db8:cafe::17');
    expect(clientOf('for="[2001:db8:cafe::17]:4711"')).toBe('2001:db8:cafe::17');
    expect(clientOf('for="[2001:db8:cafe::17]:_port-1.a"')).toBe('2001:db8:cafe::17');
    expect(clientOf('For="[2001:db8:cafe::17]:4711"')).toBe('2001:db8:cafe::17');
    expect(clientOf('FOR=198.51.100.1;PROTO=https')).toBe('198.51.100.1');
    expect(clientOf('for=198.51.100.1;proto=http;by=203.0.113.43')).toBe('198.51.100.1');
    expect(clientOf('proto=https;by="[2001:db8::43]:443";host="gateway.example";for=198.51.100.1')).toBe('198.51.100.1');
  });

  it('walks its elements from the right past trusted proxies, as it does X-Forwarded-For', () => {
    expect(clientOf('for=198.51.100.60, for=10.9.9.9')).toBe('198.51.100.60');
    expect(clientOf('for=192.0.2.43, for="[2001:db8:cafe::17]", for=10.9.9.9;by=10.1.2.3')).toBe('2001:db8:cafe::17');
    expect(clientOf('for="[fd00::5]:80", for=10.9.9.9', 'fd00::1')).toBe('fd00::5');
    expect(clientOf('for="[2001:db8:1:2::7]", for="[fd12::1]:8080"', 'fd00::1')).toBe('2001:db8:1:2::7');
    // Repeated headers, as Node joins them, and as an array; whitespace around the separators.
    expect(clientOf('for=203.0.113.50, for=198.51.100.1 ,\tfor=10.9.9.9 ')).toBe('198.51.100.1');
    expect(clientOf(['for=203.0.113.50', 'for=198.51.100.1'])).toBe('198.51.100.1');
    expect(clientOf('for=198.51.100.1; proto=https ;by=10.1.2.3')).toBe('198.51.100.1');
    // Every hop a trusted proxy: the leftmost; no header: the peer.
    expect(clientOf('for=10.7.7.7, for=192.0.2.1')).toBe('10.7.7.7');
    expect(clientOf(undefined)).toBe('10.1.2.3');
  });

  it('never reads what a client wrote to the left of the hop its first trusted proxy appended', () => {
    const spoofs = [
      'for=203.0.113.99',
      'for=203.0.113.99, for=10.5.5.5',
      'for="203.0.113.99',
      'for=x;host="',
      'host="a, for=203.0.113.99"',
      'for="\\"',
      'for=_x, for=203.0.113.99, for="[2001:db8::99]", by="',
      'garbage ,,; "',
    ];
    for (const spoof of spoofs) {
      expect(clientOf(`${spoof}, for=198.51.100.1`), spoof).toBe('198.51.100.1');
      expect(clientOf(`${spoof}, for="198.51.100.1:5000";proto=https`), spoof).toBe('198.51.100.1');
      expect(clientOf([spoof, 'for="[2001:db8:1:2::7]:443";by=10.1.2.3']), spoof).toBe('2001:db8:1:2::7');
    }
    // Quoted commas and semicolons of the proxy's own element are one value.
    expect(clientOf('for=203.0.113.99, for=198.51.100.1;host="a, for=203.0.113.98;b"')).toBe('198.51.100.1');
    expect(clientOf('for=203.0.113.99, for=198.51.100.1;ext="x\\\", for=203.0.113.98"')).toBe('198.51.100.1');
    // X-Forwarded-For is not read at all.
    expect(requestClientAddress(forwardedRequest('10.1.2.3', undefined, '198.51.100.1'), byForwarded)).toBe('10.1.2.3');
    expect(requestClientAddress(forwardedRequest('10.1.2.3', 'for=198.51.100.2', '198.51.100.1'), byForwarded)).toBe('198.51.100.2');
    // Nor is Forwarded when X-Forwarded-For is the header.
    expect(requestClientAddress(forwardedRequest('10.1.2.3', 'for=198.51.100.2', '198.51.100.1'), byForwardedFor)).toBe('198.51.100.1');
    expect(requestClientAddress(forwardedRequest('10.1.2.3', 'for=198.51.100.2'), byForwardedFor)).toBe('10.1.2.3');
    // A peer that is not a trusted proxy: its own address.
    expect(clientOf('for=198.51.100.1', '203.0.113.7')).toBe('203.0.113.7');
  });

  it('stops at an element that names no address, at the trusted hop that handed it over, and never throws', () => {
    const malformed = [
      '',
      ' ',
      ',',
      ';',
      'for=unknown',
      'for="unknown"',
      'for=_hidden',
      'for="_SEVKISEK"',
      'for="_hidden:4711"',
      'proto=https',
      'for=198.51.100.1;for=198.51.100.2',
      'for=',
      'for=""',
      '=198.51.100.1',
      'for = 198.51.100.1',
      'for=198.51.100.1 proto=https',
      'for=[2001:db8::1]',
      'for="2001:db8::1"',
      'for="[2001:db8::1"',
      'for="[2001:db8::1]x"',
      'for="[198.51.100.1]"',
      'for="[fe80::1%eth0]"',
      'for="198.51.100.1:"',
      'for="198.51.100.1:port"',
      'for="198.51.100.1:123456"',
      'for="198.51.100.1:_"',
      'for="198.51.100.1:_a/b"',
      'for="198.51.100.300"',
      'for=" 198.51.100.1"',
      'for="198.51.100.1',
      'for=198.51.100.1"',
      'for="198\\.51.100.1"',
      `for="${'1'.repeat(70)}"`,
      'for=client.example',
      'for=%E2%80%AE',
      'for=\u00e9',
      'f\u00f6r=198.51.100.1',
      '198.51.100.1',
    ];
    for (const value of malformed) {
      expect(clientOf(value), JSON.stringify(value)).toBe('10.1.2.3');
      expect(clientOf(`for=198.51.100.1, ${value}`), JSON.stringify(value)).toBe('10.1.2.3');
      // Past a trusted hop, the hop: never an address the client wrote.
      expect(clientOf(`for=198.51.100.1, ${value}, for=10.5.5.5`), JSON.stringify(value)).toBe('10.5.5.5');
    }
  });
});

describe('isForwardedByUntrustedPeer', () => {
  it('is true for X-Forwarded-For from a peer that is not a trusted proxy, and only then', () => {
    expect(isForwardedByUntrustedPeer(request('127.0.0.1', '198.51.100.1'), untrusting)).toBe(true);
    expect(isForwardedByUntrustedPeer(request('127.0.0.1', ''), untrusting)).toBe(true);
    expect(isForwardedByUntrustedPeer(request('127.0.0.1'), untrusting)).toBe(false);
    expect(isForwardedByUntrustedPeer(request('203.0.113.7', '198.51.100.1'), byForwardedFor)).toBe(true);
    expect(isForwardedByUntrustedPeer(request('10.1.2.3', '198.51.100.1'), byForwardedFor)).toBe(false);
  });

  it('looks at the configured header only', () => {
    const untrustingForwarded: ClientAddressTrust = { trustedProxies: undefined, header: 'forwarded' };
    expect(isForwardedByUntrustedPeer(forwardedRequest('127.0.0.1', 'for=198.51.100.1'), untrustingForwarded)).toBe(true);
    expect(isForwardedByUntrustedPeer(forwardedRequest('127.0.0.1', undefined, '198.51.100.1'), untrustingForwarded)).toBe(false);
    expect(isForwardedByUntrustedPeer(forwardedRequest('203.0.113.7', 'for=198.51.100.1'), byForwarded)).toBe(true);
    expect(isForwardedByUntrustedPeer(forwardedRequest('10.1.2.3', 'for=198.51.100.1'), byForwarded)).toBe(false);
    expect(isForwardedByUntrustedPeer(forwardedRequest('127.0.0.1', 'for=198.51.100.1'), untrusting)).toBe(false);
  });
});

describe('TrustedProxies', () => {
  it('refuses, with the configuration\'s error, an entry a hand-made configuration got wrong', () => {
    expect(() => new TrustedProxies(['10.0.0.1', 'proxy.internal'])).toThrow(InvalidArgumentError);
    expect(() => new TrustedProxies(['0.0.0.0/0'])).toThrow(/trusts every address/);
  });
});
