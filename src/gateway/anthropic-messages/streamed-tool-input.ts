/**
 * A tool call's arguments as a Messages stream writes them, in `input_json_delta`s. Anthropic's clients parse a
 * tool_use block's input from those when the block stops, and throw when it is not JSON (their stream helper
 * fails the whole message); they also parse the text so far at each delta, with a partial-JSON parser that
 * closes what is open. So every delta leaves text they can read, and the block's stop leaves a JSON object.
 *
 * The answer not streamed keeps arguments that are not one JSON object whole, as `{"arguments": text}`
 * (toolInputOf), and OpenAI's APIs pass them on as the text they are: nothing is dropped or repaired. The stream
 * does the same, as far as what it has already written allows:
 * - an object's text goes out as it comes, checked against JSON's grammar (StreamedJsonObject), each piece up to
 *   its last clean cut (a comma, a number, a literal, an escape and the closing brace wait for what follows);
 * - arguments that are the object and nothing more end with it, as they came;
 * - arguments that turn out not to be (a fault in the object, text run on after it, an object cut short, or
 *   not an object at all) end, at the block's stop, with `"arguments": text`, the whole text as it came, after
 *   what was written: the members whole before the fault keep their values, the one the fault fell in is null
 *   (a value cut at the fault is never read as whole), the open strings and brackets are closed. A fault before
 *   the first key (`{city: Paris}`, single quotes) therefore gives exactly the input not streamed.
 * Nothing but whitespace is no input (`{}`). One instance per block.
 *
 * The arguments are read by JSON's grammar once, by the block's `StreamedJsonObject` that the stream's
 * ContentBlockSequence keeps to tell when the call has closed: it has read each piece before `append` is given it.
 */
import { StreamedJsonObject } from '../streamed-json-object.js';

export class StreamedToolInput {
  /**
   * Every piece of the arguments so far: the text `arguments` carries when they are not one object. Only appended
   * to while they stream, and read at the end: a slice of it at each delta would copy the whole text every time
   * (V8 flattens a concatenated string to slice it), quadratic in the arguments' length.
   */
  #text = '';
  /** How much of `#text` has been written. */
  #written = 0;
  /** The text after what has been written, held until a clean cut comes: a few characters (a number, a literal, an escape). */
  #unwritten = '';
  /** The arguments had faulted before the last piece: nothing more is written. */
  #faultedBefore = false;
  readonly #json: StreamedJsonObject;

  /** `json` reads the same arguments, each piece before this is given it (ContentBlockSequence's, of the block). */
  constructor(json: StreamedJsonObject) {
    this.#json = json;
  }

  /** The part of `delta`, already read by the arguments' `StreamedJsonObject`, to write now: '' for none. */
  append(delta: string): string {
    this.#text += delta;
    if (this.#faultedBefore) return '';
    this.#faultedBefore = this.#json.faulted;
    this.#unwritten += delta;
    const end = this.#json.cleanLength;
    if (end <= this.#written) return '';
    const cut = end - this.#written;
    this.#written = end;
    const piece = cut === this.#unwritten.length ? this.#unwritten : this.#unwritten.slice(0, cut);
    this.#unwritten = cut === this.#unwritten.length ? '' : this.#unwritten.slice(cut);
    return piece;
  }

  /** What to write before the block stops: the object's end, or the text that makes what was written one. */
  end(): string {
    if (this.#json.closed) return this.#unwritten;
    if (this.#written === 0) return this.#text.trim() === '' ? '' : JSON.stringify({ arguments: this.#text });
    // What was written, read again on its own: it ends at a clean cut, which `closing` closes.
    const written = this.#text.slice(0, this.#written);
    const prefix = new StreamedJsonObject();
    prefix.append(written);
    prefix.endText();
    let ending = prefix.closing();
    const member = prefix.openMember;
    if (member?.valueBegun === true) ending += `,"${written.slice(member.keyStart, member.keyEnd)}":null`;
    return `${ending}${prefix.hasMember ? ',' : ''}"arguments":${JSON.stringify(this.#text)}}`;
  }
}
