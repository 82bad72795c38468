/**
 * The `Forwarded` header (RFC 7239), read from the right, one element at a time: comma-separated elements of
 * semicolon-separated `name=value` pairs, a value a token or a quoted string, the name `for` in any case.
 *
 * From the right, because the right end is what the nearest trusted proxy wrote: where each element and each
 * quoted string begins is found from there, so nothing a client wrote to the left (an unclosed quote, a comma
 * inside one) can change how the proxies' elements are read. Several `Forwarded` headers are one list, as Node
 * joins them. Pure; throws nothing; no regular expression, and nothing allocated but the node and the hop.
 */
import { type ForwardedHop, hopAddressOf, maxHopLength, notAnAddress } from './hop-address.js';

const tab = 0x09;
const space = 0x20;
const quote = 0x22;
const comma = 0x2c;
const semicolon = 0x3b;
const equalsSign = 0x3d;
const backslash = 0x5c;

/** RFC 9110's tchar, the characters of a token (a name, an unquoted value), by character code. */
const tokenCharacters = new Uint8Array(128);
for (const character of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  tokenCharacters[character.charCodeAt(0)] = 1;
}

function isTokenCharacter(code: number): boolean {
  return code < 128 && tokenCharacters[code] === 1;
}

/**
 * The address the element of `header` ending at `end` (exclusive) names in its `for` pair, and where the
 * elements before it end. Not an address (`notAnAddress`) when the element has no `for`, has it twice (RFC
 * 7239 allows one), names `unknown` or an obfuscated node (`_hidden`), or is not well formed.
 */
export function lastForwardedHop(header: string, end: number): ForwardedHop {
  let position = whitespaceSkipped(header, end - 1);
  let nodeStart = -1;
  let nodeEnd = -1;
  // Each turn reads one pair, from its value back to its name, or passes over an empty one.
  while (position >= 0) {
    const code = header.charCodeAt(position);
    if (code === comma) break;
    if (code === semicolon) {
      position = whitespaceSkipped(header, position - 1);
      continue;
    }
    let valueStart: number;
    let valueEnd: number;
    if (code === quote) {
      const opening = openingQuote(header, position);
      if (opening === -1) return notAnAddress;
      valueStart = opening + 1;
      valueEnd = position;
      position = opening - 1;
    } else {
      valueEnd = position + 1;
      position = tokenStart(header, position) - 1;
      valueStart = position + 1;
      if (valueStart === valueEnd) return notAnAddress;
    }
    if (position < 0 || header.charCodeAt(position) !== equalsSign) return notAnAddress;
    const nameEnd = position;
    const nameStart = tokenStart(header, position - 1);
    if (nameStart === nameEnd) return notAnAddress;
    if (isForName(header, nameStart, nameEnd)) {
      if (nodeStart !== -1) return notAnAddress;
      nodeStart = valueStart;
      nodeEnd = valueEnd;
    }
    position = whitespaceSkipped(header, nameStart - 1);
    if (position >= 0 && header.charCodeAt(position) !== semicolon && header.charCodeAt(position) !== comma) return notAnAddress;
  }
  // A quoted node is read as written: a quoted-pair (`\x`) is never needed in one, and no address holds a backslash.
  if (nodeStart === -1 || nodeEnd - nodeStart > maxHopLength) return notAnAddress;
  const address = hopAddressOf(header.slice(nodeStart, nodeEnd), 'forwarded');
  return address === undefined ? notAnAddress : { address, before: position };
}

/** Where the token that ends at `last` (inclusive) begins; `last + 1` when no token ends there. */
function tokenStart(header: string, last: number): number {
  let index = last;
  while (index >= 0 && isTokenCharacter(header.charCodeAt(index))) index--;
  return index + 1;
}

/**
 * The quote that opens the quoted string closed at `closing`: the nearest quote before it not escaped, that
 * is, after an even number of backslashes (inside a quoted string every backslash escapes the next
 * character). -1 when there is none.
 */
function openingQuote(header: string, closing: number): number {
  let index = closing - 1;
  while (index >= 0) {
    if (header.charCodeAt(index) === quote) {
      let backslashes = 0;
      while (index - backslashes - 1 >= 0 && header.charCodeAt(index - backslashes - 1) === backslash) backslashes++;
      if (backslashes % 2 === 0) return index;
      index -= backslashes;
    }
    index--;
  }
  return -1;
}

/** `for`, in any case. */
function isForName(header: string, start: number, end: number): boolean {
  return (
    end - start === 3 &&
    (header.charCodeAt(start) | 0x20) === 0x66 &&
    (header.charCodeAt(start + 1) | 0x20) === 0x6f &&
    (header.charCodeAt(start + 2) | 0x20) === 0x72
  );
}

/** The last position at or before `index` that is not a space or a tab (-1 when there is none). */
function whitespaceSkipped(header: string, index: number): number {
  let position = index;
  while (position >= 0 && (header.charCodeAt(position) === space || header.charCodeAt(position) === tab)) position--;
  return position;
}
