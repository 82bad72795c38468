/**
 * A whole response read into memory through undici's dispatch API. A non-streaming call wants the body
 * whole anyway; `Dispatcher.request` would wrap it in a Readable stream and listen to an AbortSignal, which
 * together cost more CPU per call than all our routing. Here the body is a list of chunks and the abort
 * comes from a Cancellation. What is held is bounded (response-size-limit.ts): a 2xx body past its limit fails the
 * request, an error body is cut to its prefix; either way the request is ended there and its socket closed.
 */
import type { Dispatcher } from 'undici';
import { ProviderError } from '../errors.js';
import { type CancellableDispatchOptions, CancellableHandler } from './cancellable-handler.js';
import { mapTransportError } from './map-transport-error.js';
import { errorBodyPrefixBytes, responseTooLarge, responseTooLargeFailure } from './response-size-limit.js';
import { noResponseHeaders, RawResponseHeaders } from './response-headers.js';
import type { ResponseHeaders } from './types.js';

/** A response whose body has fully arrived. */
export interface BufferedHttpResponse {
  readonly statusCode: number;
  /** Read by name (any case); a repeated header's values joined with ", ". */
  readonly headers: ResponseHeaders;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; a body that is not JSON is a `server_error`. */
  json(): unknown;
}

/**
 * Sends the request and resolves, once the body has arrived, with what `read` makes of the response (read there,
 * as the body ends: a caller that only reads it needs no promise of its own); rejects with what `read` throws.
 * Rejects with the cancellation's reason as is when it aborts (at once, even while the request waits for a
 * connection), or with a mapped transport error.
 */
export function dispatchBuffered<T>(options: CancellableDispatchOptions, read: (response: BufferedHttpResponse) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    options.dispatcher.dispatch(options.request, new BufferingHandler(options, read, resolve, reject));
  });
}

class BufferingHandler<T> extends CancellableHandler<T> implements Dispatcher.DispatchHandler {
  readonly #read: (response: BufferedHttpResponse) => T;
  #statusCode = 0;
  #headers: ResponseHeaders = noResponseHeaders;
  #chunks: Buffer[] = [];
  #heldBytes = 0;
  /** A 2xx: the body is the answer, not an error body. */
  #isAnswer = false;
  /** The most bytes of this body held: set at the headers, -1 once passed (nothing more is held). */
  #limitBytes = 0;

  constructor(
    options: CancellableDispatchOptions,
    read: (response: BufferedHttpResponse) => T,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    super(options, resolve, reject);
    this.#read = read;
  }

  /** The status and headers: true, go on reading (a whole answer never pauses undici). */
  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.#statusCode = statusCode;
    this.#headers = new RawResponseHeaders(rawHeaders);
    this.#isAnswer = statusCode >= 200 && statusCode < 300;
    this.#limitBytes = this.#isAnswer ? this.options.responseSizeLimit.bytes : errorBodyPrefixBytes;
    if (this.#isAnswer) this.#refuseAnnouncedPastLimit();
    return true;
  }

  /**
   * An answer whose `content-length` says up front that it passes the limit fails here, before a byte of it is read,
   * as one found past it by reading does: an answer of 5 GB no longer costs reading the limit first. An error body
   * announcing more is not refused (only its prefix is read), nor is a length that is not one number (no usable
   * announcement: the body is read and counted).
   */
  #refuseAnnouncedPastLimit(): void {
    const announced = this.#headers.get('content-length');
    if (announced === undefined) return;
    const announcedBytes = Number(announced);
    if (!(announcedBytes > this.#limitBytes) || !this.decide()) return;
    this.#limitBytes = -1;
    const { errorOptions, responseSizeLimit } = this.options;
    this.rejectWith(responseTooLargeFailure(errorOptions.providerId, responseTooLarge(responseSizeLimit, 'body', announcedBytes)));
    this.abortRequest();
  }

  onData(chunk: Buffer): boolean {
    const heldBytes = this.#heldBytes + chunk.length;
    if (heldBytes > this.#limitBytes) {
      this.#pastLimit(chunk);
      return true;
    }
    this.#heldBytes = heldBytes;
    this.#chunks.push(chunk);
    return true;
  }

  /**
   * An answer past its limit fails; an error body keeps its prefix and is taken as it is, for its status and what the
   * prefix says. The rest is never read: the request is ended, which closes its socket.
   */
  #pastLimit(chunk: Buffer): void {
    const limitBytes = this.#limitBytes;
    this.#limitBytes = -1;
    if (limitBytes < 0 || !this.decide()) return;
    const { errorOptions, responseSizeLimit } = this.options;
    if (this.#isAnswer) {
      this.#chunks = [];
      this.rejectWith(responseTooLargeFailure(errorOptions.providerId, responseTooLarge(responseSizeLimit, 'body')));
    } else {
      this.#chunks.push(chunk.subarray(0, limitBytes - this.#heldBytes));
      this.#answer(new BufferedResponse(errorOptions.providerId, this.#statusCode, this.#headers, this.#chunks));
    }
    this.abortRequest();
  }

  onComplete(): void {
    if (!this.decide()) return;
    const { providerId } = this.options.errorOptions;
    this.#answer(new BufferedResponse(providerId, this.#statusCode, this.#headers, this.#chunks));
  }

  /** Settles with what the caller reads of the response; what it throws is the rejection (never undici's to see). */
  #answer(response: BufferedHttpResponse): void {
    let value: T;
    try {
      value = this.#read(response);
    } catch (error) {
      this.rejectWith(error);
      return;
    }
    this.resolveWith(value);
  }

  onError(error: Error): void {
    if (!this.decide()) return;
    const { cancellation, errorOptions } = this.options;
    this.rejectWith(cancellation.aborted ? cancellation.reason : mapTransportError(error, errorOptions));
  }

  protected override onCancelled(reason: unknown): void {
    if (!this.decide()) return;
    this.rejectWith(reason);
    // Not yet started (waiting for a connection): onConnect aborts it when its turn comes.
    this.abortRequest();
  }

  protected override onRestart(): void {
    this.#chunks = [];
    this.#heldBytes = 0;
  }
}

class BufferedResponse implements BufferedHttpResponse {
  readonly #providerId: string;
  readonly #chunks: readonly Buffer[];

  constructor(
    providerId: string,
    readonly statusCode: number,
    readonly headers: ResponseHeaders,
    chunks: readonly Buffer[],
  ) {
    this.#providerId = providerId;
    this.#chunks = chunks;
  }

  text(): string {
    const chunks = this.#chunks;
    if (chunks.length === 0) return '';
    return (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
  }

  json(): unknown {
    const text = this.text();
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ProviderError({
        provider: this.#providerId,
        reason: 'server_error',
        statusCode: this.statusCode,
        message: `HTTP ${this.statusCode} with a body that is not JSON (${text.length} characters)`,
        cause: error,
      });
    }
  }
}
