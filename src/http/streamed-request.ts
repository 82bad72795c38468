/**
 * A response whose body is read as it arrives, through undici's dispatch API: the body is a small queue
 * of chunks with backpressure (undici is paused while the reader is behind), cancelled by a Cancellation.
 * `Dispatcher.request` would make a Readable stream and listen to an AbortSignal per request; on a
 * stream's path to its first token, both showed in the profile.
 */
import type { Dispatcher } from 'undici';
import { type CancellableDispatchOptions, CancellableHandler, cancelledHere } from './cancellable-handler.js';
import { mapTransportError } from './map-transport-error.js';
import { errorBodyPrefixBytes } from './response-size-limit.js';
import { noResponseHeaders, RawResponseHeaders } from './response-headers.js';
import type { ResponseHeaders } from './types.js';

export interface StreamedHttpResponse {
  readonly statusCode: number;
  /** Read by name (any case); a repeated header's values joined with ", ". */
  readonly headers: ResponseHeaders;
  /** The body as it arrives; read once. Stopping early (`break`) cancels the request and frees its socket. */
  readonly body: AsyncIterable<Uint8Array>;
  /**
   * The rest of the body as UTF-8 text, for an error body: at most its first 64 KiB (`errorBodyPrefixBytes`). The
   * rest is never read: the request is then ended and its socket closed.
   */
  text(): Promise<string>;
}

/** Buffered bytes past which undici is paused until the reader catches up. */
const highWaterBytes = 64 * 1024;

/**
 * Resolves at the response headers. Rejects, and a body read later throws, with the cancellation's reason
 * as is when it aborts, or with a mapped transport error.
 */
export function dispatchStreamed(options: CancellableDispatchOptions): Promise<StreamedHttpResponse> {
  return new Promise((resolve, reject) => {
    options.dispatcher.dispatch(options.request, new StreamingHandler(options, resolve, reject));
  });
}

class StreamingHandler extends CancellableHandler<StreamedHttpResponse> implements Dispatcher.DispatchHandler {
  readonly #queue: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #failure: { readonly error: unknown } | undefined;
  /** The reader waiting for the next chunk, if any. */
  #wake: (() => void) | undefined;
  /** Undici's resume of this response's reading, from its headers on. */
  #resume: (() => void) | undefined;
  /** Undici was told to stop reading (a chunk handed over past `highWaterBytes`) and not yet to go on. */
  #paused = false;

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.#resume = resume;
    this.resolveWith(new StreamedResponse(statusCode, new RawResponseHeaders(rawHeaders), this));
    return true;
  }

  /** A chunk of the body: false tells undici to stop reading until `#resume` (the reader is behind). */
  onData(chunk: Buffer): boolean {
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes > highWaterBytes) this.#paused = true;
    this.#wakeReader();
    return !this.#paused;
  }

  onComplete(): void {
    if (!this.decide()) return;
    this.#ended = true;
    this.#wakeReader();
  }

  onError(error: Error): void {
    const { cancellation, errorOptions } = this.options;
    this.#fail(cancellation.aborted ? cancellation.reason : mapTransportError(error, errorOptions));
  }

  /** The next chunk, or undefined at the end; throws the failure once the queue is empty. */
  async read(): Promise<Buffer | undefined> {
    for (;;) {
      const chunk = this.#queue.shift();
      if (chunk !== undefined) {
        this.#queuedBytes -= chunk.length;
        if (this.#paused && this.#queuedBytes <= highWaterBytes / 2) {
          this.#paused = false;
          this.#resume?.();
        }
        return chunk;
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** The reader stopped early: end the request and free its socket. */
  cancel(): void {
    this.#fail(cancelledHere);
  }

  protected override onCancelled(reason: unknown): void {
    this.#fail(reason);
  }

  #fail(error: unknown): void {
    if (!this.decide()) return;
    this.#failure = { error };
    // Before the headers this rejects the opening; after them, the next read throws.
    this.rejectWith(error);
    this.abortRequest();
    this.#wakeReader();
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

class StreamedResponse implements StreamedHttpResponse {
  readonly body: AsyncIterable<Uint8Array>;
  readonly #handler: StreamingHandler;

  constructor(
    readonly statusCode: number,
    readonly headers: ResponseHeaders,
    handler: StreamingHandler,
  ) {
    this.#handler = handler;
    this.body = { [Symbol.asyncIterator]: () => this.#iterate() };
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    let heldBytes = 0;
    for await (const chunk of this.body) {
      const room = errorBodyPrefixBytes - heldBytes;
      chunks.push(chunk.length > room ? (chunk as Buffer).subarray(0, room) : (chunk as Buffer));
      heldBytes += chunk.length;
      // Leaving the loop ends the request (the body's iterator cancels it).
      if (heldBytes >= errorBodyPrefixBytes) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async *#iterate(): AsyncGenerator<Buffer, void, undefined> {
    let finished = false;
    try {
      for (;;) {
        const chunk = await this.#handler.read();
        if (chunk === undefined) break;
        yield chunk;
      }
      finished = true;
    } finally {
      if (!finished) this.#handler.cancel();
    }
  }
}
