/**
 * Server-sent events, incrementally, as a pipeline of small stages: bytes to text (a streaming TextDecoder,
 * so a UTF-8 character split across reads comes out whole), text to lines (LineSplitter), lines to events
 * (below). Follows the WHATWG event-stream rules: `data` lines joined with "\n", comments (`:`) ignored, one
 * leading space after the colon dropped, a blank line dispatches, an event without data is not dispatched.
 * `id` is reported on the event that carried it (no last-event-id carried over: no caller reconnects).
 *
 * What is held is bounded when a limit is given: the unfinished line plus the data of the event under way. A server
 * that sends one line without end, or one event of data lines without the blank line that ends it, grew them without
 * end; past the limit `push` throws a ResponseTooLargeError. Counted in characters of the decoded text, each one
 * byte or more: so never before the limit in bytes. One addition and comparison per data line and per chunk.
 */
import type { ResponseTooLargeError } from '../errors/response-too-large-error.js';
import { LineSplitter } from './line-splitter.js';
import { responseTooLarge, type ResponseSizeLimit } from './response-size-limit.js';
import type { SseEvent } from './types.js';

export interface SseParserOptions {
  /** The most characters of one line, or of one event's data, held. Default none. */
  readonly limit?: ResponseSizeLimit;
}

export class SseParser {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #lines = new LineSplitter();
  readonly #dataLines: string[] = [];
  #eventType: string | undefined;
  #id: string | undefined;
  /** A field other than a comment arrived since the last dispatch. */
  #hasFields = false;
  #events: SseEvent[] = [];
  readonly #onLine = (line: string): void => this.#processLine(line);
  readonly #limit: ResponseSizeLimit | undefined;
  readonly #maxCharacters: number;
  /** Characters of the `data` lines of the event under way, each with the newline that joins it. */
  #dataCharacters = 0;

  constructor(options: SseParserOptions = {}) {
    this.#limit = options.limit;
    this.#maxCharacters = options.limit?.bytes ?? Infinity;
  }

  /** The events these bytes complete, in order. Throws a ResponseTooLargeError past the limit. */
  push(bytes: Uint8Array): readonly SseEvent[] {
    this.#lines.push(this.#decoder.decode(bytes, { stream: true }), this.#onLine);
    if (this.#lines.pendingLength + this.#dataCharacters > this.#maxCharacters) throw this.#tooLarge();
    return this.#takeEvents();
  }

  /**
   * Ends the input. Returns the event left unfinished (fields but no blank line after them), which the
   * standard says to drop: the caller decides whether that means the stream was truncated.
   */
  end(): SseEvent | undefined {
    this.#lines.push(this.#decoder.decode(), this.#onLine);
    const lastLine = this.#lines.end();
    if (lastLine !== undefined) this.#processLine(lastLine);
    // A blank line can only come from a terminator, so nothing is dispatched here.
    this.#events = [];
    if (!this.#hasFields) return undefined;
    const event = this.#buildEvent();
    this.#reset();
    return event;
  }

  #takeEvents(): readonly SseEvent[] {
    if (this.#events.length === 0) return noEvents;
    const events = this.#events;
    this.#events = [];
    return events;
  }

  #processLine(line: string): void {
    if (line.length === 0) {
      if (this.#dataLines.length > 0) this.#events.push(this.#buildEvent());
      this.#reset();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return;
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === space) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#dataLines.push(value);
        // Plus the newline it is joined with: a flood of empty `data:` lines grows the event too.
        this.#dataCharacters += value.length + 1;
        if (this.#dataCharacters > this.#maxCharacters) throw this.#tooLarge();
        break;
      case 'event':
        this.#eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      default:
        // `retry` and unknown fields are ignored, but still mean an event was under way.
        break;
    }
    this.#hasFields = true;
  }

  #buildEvent(): SseEvent {
    const data = this.#dataLines.length === 1 ? (this.#dataLines[0] ?? '') : this.#dataLines.join('\n');
    if (this.#eventType === undefined && this.#id === undefined) return { data };
    const event: { event?: string; data: string; id?: string } = { data };
    if (this.#eventType !== undefined) event.event = this.#eventType;
    if (this.#id !== undefined) event.id = this.#id;
    return event;
  }

  #tooLarge(): ResponseTooLargeError {
    return responseTooLarge(this.#limit as ResponseSizeLimit, 'event');
  }

  #reset(): void {
    this.#dataLines.length = 0;
    this.#dataCharacters = 0;
    this.#eventType = undefined;
    this.#id = undefined;
    this.#hasFields = false;
  }
}

const space = 32;
const noEvents: readonly SseEvent[] = Object.freeze([]);

export interface ParseSseStreamOptions {
  /** Called at the end with an event that had fields but no blank line after it (a likely truncation). */
  readonly onUnterminatedEvent?: (event: SseEvent) => void;
}

/** The events of a byte stream, as they complete. */
export async function* parseSseStream(
  body: AsyncIterable<Uint8Array>,
  options: ParseSseStreamOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const parser = new SseParser();
  for await (const bytes of body) {
    const events = parser.push(bytes);
    for (const event of events) yield event;
  }
  const unterminated = parser.end();
  if (unterminated !== undefined) options.onUnterminatedEvent?.(unterminated);
}
