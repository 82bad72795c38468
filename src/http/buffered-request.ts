/**
 * A whole response read into memory through undici's dispatch API. A non-streaming call wants the body
 * whole anyway; `Dispatcher.request` would wrap it in a Readable stream and listen to an AbortSignal, which
 * together cost more CPU per call than all our routing. Here the body is a list of chunks and the abort
 * comes from a Cancellation.
 */
import type { Dispatcher } from 'undici';
import type { Cancellation } from '../cancellation.js';
import { ProviderError } from '../errors.js';
import { mapTransportError, type MapTransportErrorOptions } from './map-transport-error.js';
import type { ResponseHeaders } from './types.js';

/** A response whose body has fully arrived. */
export interface BufferedHttpResponse {
  readonly statusCode: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: ResponseHeaders;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; a body that is not JSON is a `server_error`. */
  json(): unknown;
}

export interface BufferedDispatchOptions {
  readonly dispatcher: Dispatcher;
  readonly request: Dispatcher.DispatchOptions;
  readonly cancellation: Cancellation;
  readonly errorOptions: MapTransportErrorOptions;
}

/**
 * Sends the request and resolves once the body has arrived. Rejects with the cancellation's reason as is
 * when it aborts (at once, even while the request waits for a connection), or with a mapped transport
 * error.
 */
export function dispatchBuffered(options: BufferedDispatchOptions): Promise<BufferedHttpResponse> {
  return new Promise((resolve, reject) => {
    const handler = new BufferingHandler(options, resolve, reject);
    options.dispatcher.dispatch(options.request, handler);
  });
}

/** What undici is told when we cancel; the caller gets the cancellation's own reason instead. */
const abortedByCaller = new Error('the call was cancelled');

class BufferingHandler implements Dispatcher.DispatchHandler {
  readonly #options: BufferedDispatchOptions;
  readonly #resolve: (response: BufferedHttpResponse) => void;
  readonly #reject: (error: unknown) => void;
  readonly #stopListening: () => void;
  #controller: Dispatcher.DispatchController | undefined;
  #statusCode = 0;
  #headers: ResponseHeaders = {};
  #chunks: Buffer[] = [];
  #settled = false;

  constructor(
    options: BufferedDispatchOptions,
    resolve: (response: BufferedHttpResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.#options = options;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#stopListening = options.cancellation.onAbort(() => this.#onAbort());
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Undici may start a request again when the one ahead of it on a pipelined socket failed.
    this.#chunks = [];
    if (this.#settled) {
      controller.abort(abortedByCaller);
      return;
    }
    this.#controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#statusCode = statusCode;
    this.#headers = normalizeHeaders(headers);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settle()) {
      const { providerId } = this.#options.errorOptions;
      this.#resolve(new BufferedResponse(providerId, this.#statusCode, this.#headers, this.#chunks));
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.#settle()) return;
    const { cancellation, errorOptions } = this.#options;
    this.#reject(cancellation.aborted ? cancellation.reason : mapTransportError(error, errorOptions));
  }

  #onAbort(): void {
    if (!this.#settle()) return;
    this.#reject(this.#options.cancellation.reason);
    // Not yet started (waiting for a connection): onRequestStart aborts it when its turn comes.
    this.#controller?.abort(abortedByCaller);
  }

  /** True the first time: the call is decided and the abort listener is no longer needed. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#stopListening();
    return true;
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

/** Lower-case names (undici gives them so), repeated values joined with ", ". */
export function normalizeHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): ResponseHeaders {
  const result: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
