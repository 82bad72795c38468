/**
 * A hop of a forwarding header, as a trusted proxy writes the address it got a request from: in
 * `X-Forwarded-For` an entry, in `Forwarded` (RFC 7239) the `for` node of an element. Either may carry a port
 * (`198.51.100.7:5123`, `[2001:db8::7]:443`), which is dropped. Pure; throws nothing.
 */
import { isIP } from 'node:net';

/** The header a trusted proxy names the client in: the configuration's `clientAddressHeader`. */
export const clientAddressHeaders = ['x-forwarded-for', 'forwarded'] as const;
export type ClientAddressHeader = (typeof clientAddressHeaders)[number];

/** Each header as it is written, for what the gateway says of it. */
export const clientAddressHeaderNames: Readonly<Record<ClientAddressHeader, string>> = {
  'x-forwarded-for': 'X-Forwarded-For',
  forwarded: 'Forwarded',
};

/**
 * The hop a header names last before some position, read from the right: its address (undefined when it
 * names none), and `before`, where the text before it ends (its separating comma), -1 when it is the first.
 */
export interface ForwardedHop {
  readonly address: string | undefined;
  readonly before: number;
}

/** A hop that names no address: the reading stops there, so where the text before it ends is never read. */
export const notAnAddress: ForwardedHop = { address: undefined, before: -1 };

/** The longest hop read: a bracketed IPv4-mapped IPv6 address with a port is 54 characters. */
export const maxHopLength = 64;

const colon = 0x3a;
const underscore = 0x5f;

/**
 * The address of one hop, its port dropped; undefined when it is not one (`unknown`, an obfuscated
 * identifier such as `_hidden`, a name, garbage). An IPv6 address is written in brackets; `X-Forwarded-For`
 * writes one bare too, `Forwarded` never. `Forwarded` may also obfuscate a port (`:_a1`). A zone (`%eth0`)
 * belongs to a link of the proxy's host, not to a client's address.
 */
export function hopAddressOf(text: string, header: ClientAddressHeader): string | undefined {
  if (text.length === 0 || text.length > maxHopLength) return undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || !isPortSuffix(text, close + 1, header)) return undefined;
    const address = text.slice(1, close);
    return isIP(address) === 6 && !address.includes('%') ? address : undefined;
  }
  const first = text.indexOf(':');
  if (first === -1) return isIP(text) === 4 ? text : undefined;
  if (text.indexOf(':', first + 1) === -1) {
    // One colon: an IPv4 address and its port.
    const address = text.slice(0, first);
    return isIP(address) === 4 && isPortSuffix(text, first, header) ? address : undefined;
  }
  return header === 'x-forwarded-for' && isIP(text) === 6 && !text.includes('%') ? text : undefined;
}

/** From `start`, nothing, or `:` and a port: 1 to 5 digits, or in `Forwarded` `_` and letters, digits, `.`, `_`, `-`. */
function isPortSuffix(text: string, start: number, header: ClientAddressHeader): boolean {
  const length = text.length - start;
  if (length === 0) return true;
  if (length < 2 || text.charCodeAt(start) !== colon) return false;
  if (header === 'forwarded' && text.charCodeAt(start + 1) === underscore) {
    for (let index = start + 2; index < text.length; index++) if (!isObfuscatedCharacter(text.charCodeAt(index))) return false;
    return length > 2;
  }
  if (length > 6) return false;
  for (let index = start + 1; index < text.length; index++) if (!isDigit(text.charCodeAt(index))) return false;
  return true;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** RFC 7239's obfuscated identifier, past its `_`: ALPHA / DIGIT / "." / "_" / "-". */
function isObfuscatedCharacter(code: number): boolean {
  const lower = code | 0x20;
  return isDigit(code) || (lower >= 0x61 && lower <= 0x7a) || code === 0x2e || code === underscore || code === 0x2d;
}
