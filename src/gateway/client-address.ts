/**
 * The client a socket's peer address stands for, as the gateway counts failed key attempts: an IPv4 address
 * as is (an IPv4-mapped IPv6 address, `::ffff:203.0.113.7`, is that IPv4 address), and an IPv6 address by
 * its /64, the block one host or one site is given: counted one by one, a single machine holding a /64 would
 * have 2^64 addresses to spread its guesses over. Pure.
 */

/** `unknown` when the socket has no peer address any more (it was destroyed). */
export function clientAddressOf(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined || remoteAddress === '') return 'unknown';
  if (!remoteAddress.includes(':')) return remoteAddress;
  // The form Node and proxies write, read without expanding the address.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  const groups = ipv6Groups(remoteAddress);
  // Any other way of writing an IPv4-mapped address (`::ffff:c000:207`, `0:0:0:0:0:ffff:192.0.2.7`) is that
  // IPv4 address too: counted as the block of zeros, every client a proxy forwarded so would share one count.
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    const high = Number.parseInt(groups[6] ?? '', 16);
    const low = Number.parseInt(groups[7] ?? '', 16);
    if (high >= 0 && high <= 0xffff && low >= 0 && low <= 0xffff) return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * The eight groups of an IPv6 address in lower-case hex without leading zeros (`2001:db8::1` as
 * `2001 db8 0 0 0 0 0 1`), a dotted IPv4 tail (`64:ff9b::192.0.2.1`) as its two groups, a zone (`%eth0`) left out.
 */
function ipv6Groups(address: string): string[] {
  const bare = address.split('%', 1)[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::', 2);
  const headGroups = head === '' ? [] : head.split(':').flatMap(dottedAsGroups);
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':').flatMap(dottedAsGroups);
  const zeros = tail === undefined ? 0 : Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = [...headGroups, ...new Array<string>(zeros).fill('0'), ...tailGroups];
  return groups.map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16).toString(16) : group));
}

/** A dotted IPv4 part as the two groups it stands for; any other group as is. */
function dottedAsGroups(group: string): string[] {
  if (!group.includes('.')) return [group];
  const bytes = group.split('.').map(Number);
  if (bytes.length !== 4 || bytes.some((byte) => !Number.isInteger(byte) || byte < 0 || byte > 255)) return [group];
  return [((bytes[0]! << 8) | bytes[1]!).toString(16), ((bytes[2]! << 8) | bytes[3]!).toString(16)];
}
