import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { isForwardedByUntrustedPeer, requestClientAddress } from './request-client-address.js';
import { TrustedProxies } from './trusted-proxies.js';

const proxies = new TrustedProxies(['10.0.0.0/8', '192.0.2.1', 'fd00::/8', '2001:db8:ffff::1']);

function request(peerAddress: string | undefined, forwardedFor?: string | string[]) {
  return { socket: { remoteAddress: peerAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } };
}

describe('requestClientAddress', () => {
  it('is the peer when no proxy is trusted, or the peer is not one: its X-Forwarded-For is not read', () => {
    expect(requestClientAddress(request('203.0.113.7', '198.51.100.1'), undefined)).toBe('203.0.113.7');
    expect(requestClientAddress(request('203.0.113.7', '198.51.100.1'), proxies)).toBe('203.0.113.7');
    expect(requestClientAddress(request(undefined, '198.51.100.1'), proxies)).toBeUndefined();
  });

  it('from a trusted proxy, is the rightmost address that is not a trusted proxy; what the client wrote to its left is not read', () => {
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1'), proxies)).toBe('198.51.100.1');
    expect(requestClientAddress(request('::ffff:10.1.2.3', '198.51.100.1'), proxies)).toBe('198.51.100.1');
    expect(requestClientAddress(request('10.1.2.3', '203.0.113.50, 198.51.100.1, 10.9.9.9, 192.0.2.1'), proxies)).toBe('198.51.100.1');
    expect(requestClientAddress(request('fd00::5', '2001:db8:1:2::7, fd12::1'), proxies)).toBe('2001:db8:1:2::7');
    // Repeated headers, as Node joins them, and as an array.
    expect(requestClientAddress(request('10.1.2.3', ['203.0.113.50', '198.51.100.1']), proxies)).toBe('198.51.100.1');
  });

  it('reads an entry with a port, IPv4 or bracketed IPv6, as its address', () => {
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1:5123'), proxies)).toBe('198.51.100.1');
    expect(requestClientAddress(request('10.1.2.3', '[2001:db8:1:2::7]:443'), proxies)).toBe('2001:db8:1:2::7');
    expect(requestClientAddress(request('10.1.2.3', '[2001:db8:1:2::7]'), proxies)).toBe('2001:db8:1:2::7');
    expect(requestClientAddress(request('10.1.2.3', ' \t198.51.100.1 '), proxies)).toBe('198.51.100.1');
  });

  it('is the leftmost address when every one is a trusted proxy, and the peer when the header is absent', () => {
    expect(requestClientAddress(request('10.1.2.3', '10.7.7.7, 192.0.2.1'), proxies)).toBe('10.7.7.7');
    expect(requestClientAddress(request('10.1.2.3'), proxies)).toBe('10.1.2.3');
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
      expect(requestClientAddress(request('10.1.2.3', value), proxies), JSON.stringify(value)).toBe('10.1.2.3');
      expect(requestClientAddress(request('10.1.2.3', `198.51.100.1, ${value}`), proxies), JSON.stringify(value)).toBe('10.1.2.3');
    }
    // Past a trusted hop, the hop: never an address the client wrote.
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1, garbage, 10.5.5.5'), proxies)).toBe('10.5.5.5');
    expect(requestClientAddress(request('10.1.2.3', '198.51.100.1,,10.5.5.5'), proxies)).toBe('10.5.5.5');
    expect(requestClientAddress(request('10.1.2.3', ',198.51.100.1'), proxies)).toBe('198.51.100.1');
    expect(requestClientAddress(request('10.1.2.3', ',10.5.5.5'), proxies)).toBe('10.5.5.5');
  });
});

describe('isForwardedByUntrustedPeer', () => {
  it('is true for X-Forwarded-For from a peer that is not a trusted proxy, and only then', () => {
    expect(isForwardedByUntrustedPeer(request('127.0.0.1', '198.51.100.1'), undefined)).toBe(true);
    expect(isForwardedByUntrustedPeer(request('127.0.0.1', ''), undefined)).toBe(true);
    expect(isForwardedByUntrustedPeer(request('127.0.0.1'), undefined)).toBe(false);
    expect(isForwardedByUntrustedPeer(request('203.0.113.7', '198.51.100.1'), proxies)).toBe(true);
    expect(isForwardedByUntrustedPeer(request('10.1.2.3', '198.51.100.1'), proxies)).toBe(false);
  });
});

describe('TrustedProxies', () => {
  it('refuses, with the configuration\'s error, an entry a hand-made configuration got wrong', () => {
    expect(() => new TrustedProxies(['10.0.0.1', 'proxy.internal'])).toThrow(InvalidArgumentError);
    expect(() => new TrustedProxies(['0.0.0.0/0'])).toThrow(/trusts every address/);
  });
});
