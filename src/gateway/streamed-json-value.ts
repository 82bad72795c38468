/**
 * Whether a tool call's arguments, received piece by piece, have closed: the text began an object or an array
 * and has come back to depth 0 outside any string. Valid JSON can take nothing after that but whitespace, so a
 * closed call's arguments are whole. One pass over each piece, keeping a depth and a few flags: no copy of the text.
 * Arguments that are not an object or an array (or not JSON) never close: nothing tells where they end.
 */

import { backslash, carriageReturn, closeBrace, closeBracket, newline, openBrace, openBracket, quote, space, tab } from './json-char-codes.js';

export class StreamedJsonValue {
  /** Objects and arrays open; -1 once the text began with anything else. */
  #depth = 0;
  #started = false;
  #closed = false;
  #inString = false;
  #escaped = false;

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Takes the next piece; returns how many of its characters belong to the value: all of them until it closes,
   * those up to its closing bracket in the piece it closes in, none after.
   */
  append(text: string): number {
    if (this.#closed) return 0;
    if (this.#depth < 0) return text.length;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (code === backslash) this.#escaped = true;
        else if (code === quote) this.#inString = false;
        continue;
      }
      if (!this.#started) {
        if (code === space || code === tab || code === newline || code === carriageReturn) continue;
        this.#started = true;
        if (code !== openBrace && code !== openBracket) {
          this.#depth = -1;
          return text.length;
        }
      }
      if (code === quote) this.#inString = true;
      else if (code === openBrace || code === openBracket) this.#depth += 1;
      else if (code === closeBrace || code === closeBracket) {
        this.#depth -= 1;
        if (this.#depth === 0) {
          this.#closed = true;
          return index + 1;
        }
      }
    }
    return text.length;
  }
}
