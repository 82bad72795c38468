/**
 * A tool call's arguments as a Messages stream writes them, in `input_json_delta`s. Anthropic's clients parse a
 * tool_use block's input from those when the block stops, and throw when it is not JSON (their stream helper
 * fails the whole message). So: an object's text goes out as it comes (one cut short by a stopped answer is
 * read by their partial-JSON parser), and ends with the object: text after it (a second object run on) would make
 * the whole unreadable. Arguments that are not an object are held, and written at the block's stop as
 * `{"arguments": text}`, as the answer not streamed gives them (toolInputOf); nothing but whitespace is no input
 * (`{}`). One instance per block.
 */
import { StreamedJsonValue } from '../streamed-json-value.js';

/** JSON's whitespace, which may come before the object. */
const leadingWhitespace = /^[ \t\n\r]*/;

export class StreamedToolInput {
  #kind: 'unknown' | 'object' | 'other' = 'unknown';
  /** What came before the first character told the kind (whitespace), or every piece of arguments that are not an object. */
  #held = '';
  readonly #json = new StreamedJsonValue();

  /** The part of `delta` to write now: '' for none. */
  append(delta: string): string {
    if (this.#kind === 'object') return this.#object(delta);
    this.#held += delta;
    if (this.#kind === 'other') return '';
    const start = leadingWhitespace.exec(this.#held)?.[0].length ?? 0;
    if (start === this.#held.length) return '';
    if (this.#held[start] !== '{') {
      this.#kind = 'other';
      return '';
    }
    this.#kind = 'object';
    const held = this.#held;
    this.#held = '';
    return this.#object(held);
  }

  /** What to write before the block stops: arguments that are not an object, whole, as toolInputOf keeps them. */
  end(): string {
    return this.#kind === 'other' && this.#held.trim() !== '' ? JSON.stringify({ arguments: this.#held }) : '';
  }

  #object(text: string): string {
    const taken = this.#json.append(text);
    return taken === text.length ? text : text.slice(0, taken);
  }
}
