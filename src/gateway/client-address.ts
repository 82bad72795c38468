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
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  return ipv6Block64(remoteAddress);
}

/** `2001:db8:1:2:a:b:c:d` and `2001:db8:1:2::1` both as `2001:db8:1:2::/64`. */
function ipv6Block64(address: string): string {
  const bare = address.split('%', 1)[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::', 2);
  const headGroups = head === '' ? [] : head.split(':');
  let groups = headGroups;
  if (tail !== undefined) {
    const tailGroups = tail === '' ? [] : tail.split(':');
    // A dotted IPv4 tail (`64:ff9b::192.0.2.1`) stands for two groups.
    const tailSize = tailGroups.reduce((size, group) => size + (group.includes('.') ? 2 : 1), 0);
    const zeros = Math.max(0, 8 - headGroups.length - tailSize);
    groups = [...headGroups, ...new Array<string>(zeros).fill('0'), ...tailGroups];
  }
  const prefix = groups.slice(0, 4).map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16).toString(16) : group));
  return `${prefix.join(':')}::/64`;
}
