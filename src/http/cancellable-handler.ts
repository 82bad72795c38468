/**
 * What the dispatch handlers of a whole answer and of a stream share: undici's `dispatch` API driven by
 * a Cancellation instead of an AbortSignal, and headers in our shape.
 *
 * The handlers speak the protocol undici 7's HTTP/1.1 client calls itself (`onConnect`, `onHeaders`, `onData`,
 * `onComplete`, `onError`: what its own `request()` speaks), which its types mark deprecated in favour of
 * `onRequestStart`/`onResponseStart`/..., not the newer one: undici serves the newer one by wrapping each request's
 * handler in an adapter of two objects that turns every header of every response into an object of strings first
 * (`parseHeaders`), and its trailers too, before handing them over. Spoken to directly, it hands over the raw header
 * buffers, which are read only as far as asked (response-headers.ts). Moving to undici 8 means checking that this
 * protocol is still served (the tests of src/http fail at once if it is not: undici refuses a handler it cannot call).
 */
import type { Dispatcher } from 'undici';
import type { Cancellation } from '../cancellation.js';
import type { MapTransportErrorOptions } from './map-transport-error.js';
import type { ResponseSizeLimit } from './response-size-limit.js';

/** Told when a request leaves for its server (see `HttpRequestOptions.sentListener`). */
export interface RequestSentListener {
  onRequestSent?(): void;
}

export interface CancellableDispatchOptions {
  readonly dispatcher: Dispatcher;
  readonly request: Dispatcher.DispatchOptions;
  readonly cancellation: Cancellation;
  readonly errorOptions: MapTransportErrorOptions;
  readonly sentListener: RequestSentListener | undefined;
  /** The most bytes of a whole answer held (a body read whole; a stream's events are bounded where they are parsed). */
  readonly responseSizeLimit: ResponseSizeLimit;
}

/** What undici is told when we cancel; the caller gets the cancellation's own reason instead. */
export const cancelledHere = new Error('the request was cancelled');

/**
 * Listens to the cancellation until the call is decided, keeps undici's abort of the request, aborts a
 * request that only starts once already decided (one that was waiting for a connection), and settles the
 * caller's promise once.
 */
export abstract class CancellableHandler<T> {
  protected readonly options: CancellableDispatchOptions;
  /** Undici's abort of this request, once it has a connection (`onConnect`). */
  #abort: ((error: Error) => void) | undefined;
  readonly #stopListening: () => void;
  #decided = false;
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(options: CancellableDispatchOptions, resolve: (value: T) => void, reject: (error: unknown) => void) {
    this.options = options;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#stopListening = options.cancellation.onAbort(() => this.onCancelled(options.cancellation.reason));
  }

  /** Undici has a connection for the request and writes it on the socket as this returns. */
  onConnect(abort: (error: Error) => void): void {
    // Undici may start a request again when the one ahead of it on a pipelined socket failed.
    this.onRestart();
    if (this.#decided) {
      abort(cancelledHere);
      return;
    }
    this.#abort = abort;
    this.options.sentListener?.onRequestSent?.();
  }

  /** End the request (its socket is closed): what it answers from now on is not read. Nothing before `onConnect`. */
  protected abortRequest(): void {
    this.#abort?.(cancelledHere);
  }

  /** The cancellation aborted with `reason`. */
  protected abstract onCancelled(reason: unknown): void;

  /** The request is sent (again): forget any body seen so far. */
  protected onRestart(): void {}

  /** Resolves the caller's promise, unless it is settled already. */
  protected resolveWith(value: T): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#reject = undefined;
    resolve?.(value);
  }

  /** Rejects the caller's promise, unless it is settled already. */
  protected rejectWith(error: unknown): void {
    const reject = this.#reject;
    this.#resolve = undefined;
    this.#reject = undefined;
    reject?.(error);
  }

  /** True the first time: the outcome is settled and the cancellation no longer matters. */
  protected decide(): boolean {
    if (this.#decided) return false;
    this.#decided = true;
    this.#stopListening();
    return true;
  }
}
