/**
 * The `Forwarded` header (RFC 7239), read from the right, one element at a time: comma-separated elements of
 * semicolon-separated `name=value` pairs, a value a token or a quoted string, the name `for` in any case.
 *
 * From the right, because the right end is what the nearest trusted proxy wrote: where each element and each
 * quoted string begins is found from there, so nothing a client wrote to the left (an unclosed quote, a comma
 * inside one) can change how the proxies' elements are read. Several `Forwarded` headers are one list, as Node
 * joins them. Of the other pairs, `proto` is read too, for whether the proxy that wrote the element was reached
 * over HTTPS (request-over-https.ts), as a flag: nothing more is allocated for it. Pure; throws nothing; no
 * regular expression, and nothing allocated but the node and the hop.
 */
import { type ForwardedHop, hopAddressOf, maxHopLength } from './hop-address.js';

/** A hop of `Forwarded`: its element's `for`, and what its `proto` says. */
export interface ForwardedElement extends ForwardedHop {
  /**
   * The element's `proto` is `https` (in any case, quoted or not, once): the proxy that wrote it was reached over
   * HTTPS. False when it is anything else, missing, given twice, or the element is not well formed.
   */
  readonly overHttps: boolean;
}

/** An element not well formed, or naming no address and no `proto=https`: the reading stops there. */
export const notAnAddressElement: ForwardedElement = { address: undefined, before: -1, overHttps: false };
/** A well-formed element naming no address (`for=unknown`, `for=_hidden`, no `for`) with `proto=https`. */
const noAddressOverHttps: ForwardedElement = { address: undefined, before: -1, overHttps: true };

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
 * The address the element of `header` ending at `end` (exclusive) names in its `for` pair, where the elements
 * before it end, and whether its `proto` is `https`. Not an address when the element has no `for`, has it twice
 * (RFC 7239 allows one of each parameter), names `unknown` or an obfuscated node (`_hidden`), or is not well
 * formed (`notAnAddressElement`, whatever its `proto`).
 */
export function lastForwardedHop(header: string, end: number): ForwardedElement {
  let position = whitespaceSkipped(header, end - 1);
  let nodeStart = -1;
  let nodeEnd = -1;
  let protoSeen = false;
  let overHttps = false;
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
      if (opening === -1) return notAnAddressElement;
      valueStart = opening + 1;
      valueEnd = position;
      position = opening - 1;
    } else {
      valueEnd = position + 1;
      position = tokenStart(header, position) - 1;
      valueStart = position + 1;
      if (valueStart === valueEnd) return notAnAddressElement;
    }
    if (position < 0 || header.charCodeAt(position) !== equalsSign) return notAnAddressElement;
    const nameEnd = position;
    const nameStart = tokenStart(header, position - 1);
    if (nameStart === nameEnd) return notAnAddressElement;
    if (isForName(header, nameStart, nameEnd)) {
      if (nodeStart !== -1) return notAnAddressElement;
      nodeStart = valueStart;
      nodeEnd = valueEnd;
    } else if (isProtoName(header, nameStart, nameEnd)) {
      // Twice is not believed either way; the address is still read, as before `proto` was.
      overHttps = !protoSeen && isHttps(header, valueStart, valueEnd);
      protoSeen = true;
    }
    position = whitespaceSkipped(header, nameStart - 1);
    if (position >= 0 && header.charCodeAt(position) !== semicolon && header.charCodeAt(position) !== comma) return notAnAddressElement;
  }
  // A quoted node is read as written: a quoted-pair (`\x`) is never needed in one, and no address holds a backslash.
  const address = nodeStart === -1 || nodeEnd - nodeStart > maxHopLength ? undefined : hopAddressOf(header.slice(nodeStart, nodeEnd), 'forwarded');
  if (address === undefined) return overHttps ? noAddressOverHttps : notAnAddressElement;
  return { address, before: position, overHttps };
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

/** `proto`, in any case. */
function isProtoName(header: string, start: number, end: number): boolean {
  return end - start === 5 && isWord(header, start, 'proto');
}

/** A quoted value is read as written, as a node is: `"https"` is `https`. */
function isHttps(header: string, start: number, end: number): boolean {
  return end - start === 5 && isWord(header, start, 'https');
}

/** The letters of lower-case `word` stand at `start`, in any case. */
function isWord(header: string, start: number, word: string): boolean {
  for (let index = 0; index < word.length; index++) if ((header.charCodeAt(start + index) | 0x20) !== word.charCodeAt(index)) return false;
  return true;
}

/** The last position at or before `index` that is not a space or a tab (-1 when there is none). */
function whitespaceSkipped(header: string, index: number): number {
  let position = index;
  while (position >= 0 && (header.charCodeAt(position) === space || header.charCodeAt(position) === tab)) position--;
  return position;
}
