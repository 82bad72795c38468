/**
 * A JSON object received piece by piece, checked against JSON's grammar as it comes (what JSON.parse accepts, no
 * more): whether the text so far can still become an object, and how much of it can be written now so that a
 * reader can always close it. That much is the text up to its last clean cut: inside a string or after a key, a
 * colon, an opening bracket or a whole value. A comma, a number or a literal (`true`, `false`, `null`), an escape
 * in a string and the object's closing brace wait for what follows them: a comma must be followed by a key or a
 * value, `1` may be the start of `12` and `tru` of `true`, and text after the last brace would make the whole
 * unreadable. From a clean cut, `closing` gives the text that closes every open string and bracket. One pass
 * over each piece, keeping a stack of the open brackets and a few states: no copy of the text.
 */
import { backslash, carriageReturn, closeBrace, closeBracket, colon, newline, openBrace, openBracket, quote, space, tab } from './json-char-codes.js';

const comma = 0x2c;
const minus = 0x2d;
const plus = 0x2b;
const dot = 0x2e;
const digitZero = 0x30;
const digitNine = 0x39;

type Mode =
  /** Before the object: whitespace, then `{`. */
  | 'start'
  /** After `{`: a key or `}`. */
  | 'object-start'
  /** After an object's comma: a key. */
  | 'key'
  /** After a key: `:`. */
  | 'colon'
  /** After a colon, or an array's comma: a value. */
  | 'value'
  /** After `[`: a value or `]`. */
  | 'array-start'
  /** After a value: a comma or the bracket that closes it. */
  | 'after-value'
  | 'string'
  | 'number'
  | 'literal'
  /** The object has closed: only whitespace may follow. */
  | 'closed'
  | 'fault';

/** Where a number is: what may come next depends on it. */
type NumberPart = 'minus' | 'zero' | 'integer' | 'dot' | 'fraction' | 'exponent' | 'exponent-sign' | 'exponent-digits';

/** The top-level member being written: its key's place in the text, and whether its value has begun. */
export interface OpenMember {
  /** The key's first character (after its quote) and the end of its text (its closing quote), in the whole text. */
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueBegun: boolean;
}

const isWhitespace = (code: number): boolean => code === space || code === tab || code === newline || code === carriageReturn;
const isDigit = (code: number): boolean => code >= digitZero && code <= digitNine;
const isHexDigit = (code: number): boolean => isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
/** The characters JSON allows after a backslash, `u` aside. */
const simpleEscapes = new Set([quote, backslash, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

export class StreamedJsonObject {
  #mode: Mode = 'start';
  /** Open brackets, innermost last: true for an object. */
  readonly #stack: boolean[] = [];
  #length = 0;
  #cleanLength = 0;
  /** A comma was read and the key or value it calls for has not begun. */
  #afterComma = false;
  #stringIsKey = false;
  /** 0 outside an escape; -1 after a backslash; 1 to 4 hex digits of a `\u` escape still to come. */
  #escape = 0;
  #numberPart: NumberPart = 'minus';
  #literal = '';
  #literalPosition = 0;
  #hasMember = false;
  #memberKeyStart = -1;
  #memberKeyEnd = -1;
  #memberValueBegun = false;

  /** The text is not the beginning of any JSON object. */
  get faulted(): boolean {
    return this.#mode === 'fault';
  }

  /** The object has closed (what follows it, whitespace only so far, is not part of it). */
  get closed(): boolean {
    return this.#mode === 'closed';
  }

  /** How much of the whole text ends at its last clean cut: what can be written and closed by `closing`. */
  get cleanLength(): number {
    return this.#cleanLength;
  }

  /** The object has a member, whole or begun. */
  get hasMember(): boolean {
    return this.#hasMember;
  }

  /** The top-level member begun and not yet whole (its value not ended), if any. */
  get openMember(): OpenMember | undefined {
    if (this.#memberKeyStart < 0) return undefined;
    return { keyStart: this.#memberKeyStart, keyEnd: this.#memberKeyEnd, valueBegun: this.#memberValueBegun };
  }

  /** Reads the next piece, up to the first character that cannot belong to a JSON object, if one comes. */
  append(text: string): void {
    for (let index = 0; index < text.length && this.#mode !== 'fault'; index += 1) {
      this.#read(text.charCodeAt(index));
      this.#length += 1;
      if (this.#isClean()) this.#cleanLength = this.#length;
    }
  }

  /** The text ends here: a number it ends with is whole (a clean cut came after it), and the member it is the value of too. */
  endText(): void {
    if (this.#mode === 'number' && (this.#numberPart === 'zero' || this.#numberPart === 'integer' || this.#numberPart === 'fraction' || this.#numberPart === 'exponent-digits')) {
      this.#endValue();
    }
  }

  /**
   * For text that ends at a clean cut, after `endText` (`cleanLength` is its length): what closes every open string and bracket but
   * the object's own, a key given `:null` and a colon `null`, leaving the object open after a member or empty.
   */
  closing(): string {
    let text = '';
    if (this.#mode === 'string') text = this.#stringIsKey ? '":null' : '"';
    else if (this.#mode === 'colon') text = ':null';
    else if (this.#mode === 'value') text = 'null';
    for (let depth = this.#stack.length - 1; depth >= 1; depth -= 1) text += this.#stack[depth] ? '}' : ']';
    return text;
  }

  #isClean(): boolean {
    switch (this.#mode) {
      case 'string':
        return this.#escape === 0;
      case 'object-start':
      case 'array-start':
      case 'colon':
      case 'after-value':
        return true;
      case 'value':
      case 'key':
        return !this.#afterComma;
      default:
        return false;
    }
  }

  #read(code: number): void {
    switch (this.#mode) {
      case 'string':
        return this.#readString(code);
      case 'number':
        return this.#readNumber(code);
      case 'literal':
        return this.#readLiteral(code);
      case 'closed':
        if (!isWhitespace(code)) this.#mode = 'fault';
        return;
      case 'fault':
        return;
      default:
        return this.#readStructure(code);
    }
  }

  #readStructure(code: number): void {
    if (isWhitespace(code)) return;
    const mode = this.#mode;
    if (mode === 'start') {
      if (code === openBrace) this.#open(true);
      else this.#mode = 'fault';
      return;
    }
    if (mode === 'object-start' || mode === 'key') {
      if (code === quote) return this.#beginKey();
      if (code === closeBrace && mode === 'object-start') return this.#close();
      this.#mode = 'fault';
      return;
    }
    if (mode === 'colon') {
      this.#mode = code === colon ? 'value' : 'fault';
      return;
    }
    if (mode === 'value' || mode === 'array-start') {
      if (code === closeBracket && mode === 'array-start') return this.#close();
      return this.#beginValue(code);
    }
    // After a value.
    const inObject = this.#stack.at(-1) === true;
    if (code === comma) {
      this.#afterComma = true;
      this.#mode = inObject ? 'key' : 'value';
    } else if (code === (inObject ? closeBrace : closeBracket)) {
      this.#close();
    } else {
      this.#mode = 'fault';
    }
  }

  #beginKey(): void {
    this.#afterComma = false;
    this.#mode = 'string';
    this.#stringIsKey = true;
    if (this.#stack.length === 1) {
      this.#hasMember = true;
      this.#memberKeyStart = this.#length + 1;
      this.#memberKeyEnd = -1;
      this.#memberValueBegun = false;
    }
  }

  #beginValue(code: number): void {
    this.#afterComma = false;
    if (this.#stack.length === 1) this.#memberValueBegun = true;
    if (code === quote) {
      this.#mode = 'string';
      this.#stringIsKey = false;
    } else if (code === openBrace || code === openBracket) {
      this.#open(code === openBrace);
    } else if (code === minus || isDigit(code)) {
      this.#mode = 'number';
      this.#numberPart = code === minus ? 'minus' : code === digitZero ? 'zero' : 'integer';
    } else if (code === 0x74 || code === 0x66 || code === 0x6e) {
      this.#mode = 'literal';
      this.#literal = code === 0x74 ? 'true' : code === 0x66 ? 'false' : 'null';
      this.#literalPosition = 1;
    } else {
      this.#mode = 'fault';
    }
  }

  #open(isObject: boolean): void {
    this.#stack.push(isObject);
    this.#mode = isObject ? 'object-start' : 'array-start';
  }

  #close(): void {
    this.#stack.pop();
    this.#endValue();
  }

  /** A value has ended: the member it is the value of, at the top level, is whole. */
  #endValue(): void {
    if (this.#stack.length === 0) {
      this.#mode = 'closed';
      return;
    }
    this.#mode = 'after-value';
    if (this.#stack.length === 1) this.#memberKeyStart = -1;
  }

  #readString(code: number): void {
    if (this.#escape !== 0) {
      if (this.#escape === -1) {
        if (code === 0x75) this.#escape = 4;
        else if (simpleEscapes.has(code)) this.#escape = 0;
        else this.#mode = 'fault';
      } else if (isHexDigit(code)) {
        this.#escape -= 1;
      } else {
        this.#mode = 'fault';
      }
      return;
    }
    if (code === backslash) {
      this.#escape = -1;
    } else if (code === quote) {
      if (!this.#stringIsKey) return this.#endValue();
      if (this.#stack.length === 1) this.#memberKeyEnd = this.#length;
      this.#mode = 'colon';
    } else if (code < 0x20) {
      // A control character must be escaped.
      this.#mode = 'fault';
    }
  }

  #readNumber(code: number): void {
    const part = this.#numberPart;
    if (isDigit(code)) {
      if (part === 'minus') this.#numberPart = code === digitZero ? 'zero' : 'integer';
      else if (part === 'zero') this.#mode = 'fault';
      else if (part === 'dot') this.#numberPart = 'fraction';
      else if (part === 'exponent' || part === 'exponent-sign') this.#numberPart = 'exponent-digits';
      return;
    }
    if (code === dot && (part === 'zero' || part === 'integer')) {
      this.#numberPart = 'dot';
      return;
    }
    if ((code === 0x65 || code === 0x45) && (part === 'zero' || part === 'integer' || part === 'fraction')) {
      this.#numberPart = 'exponent';
      return;
    }
    if ((code === plus || code === minus) && part === 'exponent') {
      this.#numberPart = 'exponent-sign';
      return;
    }
    if (part === 'minus' || part === 'dot' || part === 'exponent' || part === 'exponent-sign') {
      this.#mode = 'fault';
      return;
    }
    // The number ended before this character, which is read as what follows it: the cut before it is clean.
    this.#endValue();
    this.#cleanLength = this.#length;
    this.#readStructure(code);
  }

  #readLiteral(code: number): void {
    if (code !== this.#literal.charCodeAt(this.#literalPosition)) {
      this.#mode = 'fault';
      return;
    }
    this.#literalPosition += 1;
    if (this.#literalPosition === this.#literal.length) this.#endValue();
  }
}
