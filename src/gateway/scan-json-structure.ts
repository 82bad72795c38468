/**
 * One pass over a JSON body's bytes, before JSON.parse: measures nesting depth and finds a forbidden object
 * key (`__proto__`), skipping string contents. JSON.parse on a body nested ten thousand deep would recurse that deep
 * (and a reviver would be called for every value); this scan costs one byte loop and no allocation.
 */

import { backslash, carriageReturn, closeBrace, closeBracket, colon, newline, openBrace, openBracket, quote, space, tab } from './json-char-codes.js';

/**
 * `__proto__`, at any depth. JSON.parse makes it an own key like any other, but wherever the object is later
 * copied key by key by assignment (`Object.assign`, `copy[key] = value`, the deep merge or clone of a library,
 * an AI SDK provider or a custom provider a request may reach), the assignment sets the copy's prototype
 * instead: the key vanishes and the copy inherits what it held (`{"__proto__": {"isAdmin": true}}`). It needs no
 * partner key to do harm, and no request has a use for it as a name.
 *
 * `constructor` is an ordinary key (a tool's `constructor` property, as Formula 1 names a team; a tool call's
 * arguments): assigned or spread, it becomes an own key as any other does, and nothing on a request's way reads
 * a value's `constructor` or walks `constructor.prototype` into an existing object, which is the only way it
 * harms (test/gateway-constructor-key.test.ts sends that shape through every protocol).
 */
const forbiddenKeys: readonly string[] = ['__proto__'];
const forbiddenKeyBytes: readonly Buffer[] = forbiddenKeys.map((key) => Buffer.from(key, 'utf8'));

export type JsonStructureProblem =
  | { readonly kind: 'too-deep'; readonly maxDepth: number }
  | { readonly kind: 'forbidden-key'; readonly key: string };

/**
 * The first structural problem of `bytes`, or undefined. Malformed JSON is not reported here: JSON.parse
 * does that right after. `maxDepth` counts objects and arrays (`{"a":[1]}` is 2 deep).
 */
export function scanJsonStructure(bytes: Uint8Array, maxDepth: number): JsonStructureProblem | undefined {
  let depth = 0;
  let index = 0;
  const length = bytes.length;
  // The last string seen outside any string, in case a colon makes it a key.
  let stringStart = -1;
  let stringEnd = -1;
  let stringHasEscape = false;
  while (index < length) {
    const byte = bytes[index]!;
    if (byte === quote) {
      const start = index + 1;
      let hasEscape = false;
      index = start;
      while (index < length) {
        const inner = bytes[index]!;
        if (inner === backslash) {
          hasEscape = true;
          index += 2;
          continue;
        }
        if (inner === quote) break;
        index += 1;
      }
      stringStart = start;
      stringEnd = index;
      stringHasEscape = hasEscape;
      index += 1;
      continue;
    }
    if (byte === openBrace || byte === openBracket) {
      depth += 1;
      if (depth > maxDepth) return { kind: 'too-deep', maxDepth };
    } else if (byte === closeBrace || byte === closeBracket) {
      depth -= 1;
    } else if (byte === colon) {
      if (stringStart >= 0) {
        const key = forbiddenKeyAt(bytes, stringStart, stringEnd, stringHasEscape);
        if (key !== undefined) return { kind: 'forbidden-key', key };
      }
    } else if (byte === space || byte === tab || byte === newline || byte === carriageReturn) {
      index += 1;
      continue;
    }
    stringStart = -1;
    index += 1;
  }
  return undefined;
}

function forbiddenKeyAt(bytes: Uint8Array, start: number, end: number, hasEscape: boolean): string | undefined {
  if (hasEscape) {
    // Rare: a key spelled with escapes (`"\u005f_proto__"`). Decode it the way JSON.parse will.
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + start - 1, end - start + 2).toString('utf8'));
    } catch {
      return undefined;
    }
    return forbiddenKeys.find((key) => key === decoded);
  }
  const keyLength = end - start;
  for (let keyIndex = 0; keyIndex < forbiddenKeyBytes.length; keyIndex += 1) {
    const candidate = forbiddenKeyBytes[keyIndex]!;
    if (candidate.length !== keyLength) continue;
    let same = true;
    for (let offset = 0; offset < keyLength; offset += 1) {
      if (bytes[start + offset] !== candidate[offset]) {
        same = false;
        break;
      }
    }
    if (same) return forbiddenKeys[keyIndex];
  }
  return undefined;
}
