import { describe, expect, it } from 'vitest';
import { clientAddressOf } from './client-address.js';

describe('clientAddressOf', () => {
  it('keeps an IPv4 address, and reads an IPv4-mapped IPv6 address as it', () => {
    expect(clientAddressOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressOf('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('reads an IPv4-mapped address as its IPv4 address however it is written, not as the block of zeros', () => {
    for (const address of ['::ffff:c000:207', '0:0:0:0:0:ffff:192.0.2.7', '0:0:0:0:0:FFFF:C000:0207', '::0:ffff:192.0.2.7']) {
      expect(clientAddressOf(address), address).toBe('192.0.2.7');
    }
    // Not mapped: the IPv4-compatible form and NAT64 stay IPv6 blocks.
    expect(clientAddressOf('::192.0.2.7')).toBe('0:0:0:0::/64');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const block = '2001:db8:1:2::/64';
    for (const address of ['2001:db8:1:2::1', '2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:DB8:1:2:0:0:0:ff', '2001:db8:1:2::', '2001:db8:1:2::1%eth0']) {
      expect(clientAddressOf(address), address).toBe(block);
    }
    expect(clientAddressOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientAddressOf('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressOf('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(clientAddressOf('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('names a socket without a peer address', () => {
    expect(clientAddressOf(undefined)).toBe('unknown');
  });
});
