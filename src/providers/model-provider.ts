/**
 * What routing sees of a provider. Routing depends on this interface only, never on a concrete
 * provider: the HTTP providers, an AI SDK model and the demo's simulated providers all implement it.
 */
import type { Cancellation } from '../cancellation.js';
import type { ProviderDefinition } from '../catalog.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamChunk } from '../types.js';

export interface ProviderCallOptions {
  /** Aborts the call: the request is cancelled and its socket freed. The abort reason is rethrown as is. */
  readonly signal: AbortSignal;
  /**
   * The same abort, cheaper to listen to: the router passes it, and its `signal` is then made only when a
   * provider reads it. A provider may use either.
   */
  readonly cancellation?: Cancellation;
  /** Limit on the wait for the response headers (a black-holed connection fails here). */
  readonly headersTimeoutMs?: number;
  /** Limit on silence between body bytes once the headers arrived. */
  readonly idleTimeoutMs?: number;
  /**
   * To be told once the request has left for the provider (for HTTP, written on a connection): from then on
   * the provider bills its input even if the call is cancelled, so an attempt the router cancels afterwards (it
   * lost a race, or its call ended) is priced at an estimate (`Attempt.estimatedCostUsd`). One refused or
   * cancelled before that costs nothing; a provider that never tells has its cancelled attempts cost nothing.
   */
  onRequestSent?(): void;
  /**
   * To be told, by a provider that sends an embedding call's texts in several consecutive requests (Gemini's 100
   * at a time), each time one of them is answered, with how many texts it answered: the provider bills those even
   * when a later request fails the call, so the router prices them on the failed attempt
   * (`Attempt.estimatedCostUsd`). A call sent in one request need not tell.
   */
  onInputsAnswered?(inputCount: number): void;
  /**
   * To be told, by a provider that sends an embedding call's texts in several consecutive requests, each time one of
   * them has left for it (as `onRequestSent`), with how many texts it carries: an attempt cancelled or timed out
   * amid its requests is then priced the texts sent (those answered and those in flight), not those never sent,
   * which the provider never bills. A call sent in one request need not tell: its whole input is priced.
   */
  onInputsSent?(inputCount: number): void;
}

export interface ModelProvider {
  readonly id: string;
  readonly definition: ProviderDefinition;
  /** Has what it needs to be called (a key, when it takes one). Reads the environment each time. */
  isConfigured(): boolean;
  /** One non-streaming call. Every failure is a ProviderError, except the caller's abort. */
  complete(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResponse>;
  /**
   * One streaming call. The iterable throws a ProviderError for a failure before or during the stream,
   * including a stream that ends without its end marker (reason `network`, message says truncated).
   * Metadata (model, request id) arrives in the first chunks' `meta` via `onResponseStart`.
   */
  stream(request: ChatRequest, options: ProviderCallOptions & StreamStartListener): AsyncIterable<StreamChunk>;
  /**
   * One embeddings call: one vector per input, in order. Every failure is a ProviderError, except the caller's
   * abort. Absent for a provider that serves no embeddings (Anthropic).
   */
  embed?(request: EmbeddingRequest, options: ProviderCallOptions): Promise<EmbeddingResponse>;
  /** The cheapest call that proves key and endpoint work. Resolves, or throws a ProviderError. */
  checkHealth(options: { readonly signal: AbortSignal }): Promise<void>;
  /**
   * The outbound proxy its requests go through now (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, read by the router), its URL
   * without credentials, or undefined when they go direct. Absent for a provider whose requests are not ours to send.
   */
  outboundProxy?(): string | undefined;
  /**
   * True when `complete` settles as soon as its cancellation aborts, rejecting with the abort's reason (the
   * built-in HTTP providers): a call trying one provider at a time then simply awaits it. Any other
   * provider's call, and every stream's opening, is raced against the abort, so a provider that ignores it
   * cannot hold a call past its deadline.
   */
  readonly settlesOnAbort?: boolean;
}

export interface StreamStartListener {
  /** Called once the provider accepted the stream (2xx headers), with what it reported. */
  readonly onResponseStart?: (info: { readonly requestId?: string }) => void;
  /** Called once, when the stream first names its answer's id (see `ChatResponse.responseId`). */
  readonly onResponseId?: (responseId: string) => void;
}
