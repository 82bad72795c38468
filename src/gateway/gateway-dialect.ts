/**
 * The API a caller speaks to the gateway: OpenAI's chat completions or Anthropic's Messages. The call's
 * path (read the body, route through the router, log, relay a stream, answer a failure) is the same for
 * both; a dialect supplies what differs: how a request reads, how an answer, a stream and an error are
 * written. Dialects are pure translators: they never touch the socket.
 */
import type { CompleteOptions, CompletionResult, StreamResult } from '../routing/router-options.js';
import type { Message, Mutable, StreamChunk, Usage } from '../types.js';
import type { GatewayCaller } from './auth.js';
import type { ErrorResponse } from './error-response.js';
import type { ModelResolver, ResolvedModel } from './model-resolver.js';
import type { RequestTurn } from './openai-responses/kept-turn.js';
import type { ResponsesEcho } from './openai-responses/responses-echo.js';

/** A request, read and checked, ready for the router. */
export interface GatewayCall {
  readonly model: ResolvedModel;
  readonly messages: readonly Message[];
  /**
   * Everything but the signal, cache scope and deadline, which the gateway adds. A new object for each
   * request: the handler sets those on it instead of copying it.
   */
  readonly options: Mutable<CompleteOptions>;
  readonly stream: boolean;
  /** OpenAI's `stream_options.include_usage`; a Messages stream always ends with its usage. */
  readonly includeUsage: boolean;
  /**
   * Tools the caller declared as taking free-form text (the Responses API's `custom` tools): every provider
   * is given them as a function of one string, `input`, and their calls are answered as free-form calls.
   */
  readonly freeformTools?: ReadonlySet<string>;
  /** The request's parameters a Responses answer repeats (`instructions`, `tools`, `text`...), read once at the parse. */
  readonly responsesEcho?: ResponsesEcho;
  /** A Responses request's `include` asks `reasoning.encrypted_content`: reasoning items carry what goes back. */
  readonly includeEncryptedReasoning?: boolean;
  /**
   * The answer is kept for later requests to name (a Responses request that did not say `store: false`, where the
   * gateway keeps answers), with its request's own input and the conversation it continued (kept-turn.ts).
   */
  readonly keepAnswer?: RequestTurn;
}

/** An answer the dialect may keep (`GatewayDialect.keepAnswer`): whole, or streamed through `encoder` to its end. */
export interface AnswerToKeep {
  readonly caller: GatewayCaller;
  readonly call: GatewayCall;
  readonly id: string;
  /** The `created_at` the answer gave. */
  readonly createdSeconds: number;
  readonly result: CompletionResult;
  /** The stream's encoder, all its events written, the closing ones included; absent for a whole answer. */
  readonly encoder?: StreamEventEncoder;
}

/** What an answer's body names: its id, creation time and the model that served it. */
export interface AnswerContext {
  readonly id: string;
  readonly createdSeconds: number;
}

/** Writes one stream's server-sent events, in order: `start`, each chunk, then `end` or `error`. */
export interface StreamEventEncoder {
  /**
   * The events before the first chunk (OpenAI: the role; Messages: `message_start`). `inputUsage` is the
   * input's count when it is known then: told by the provider before its first token, or the dialect's
   * estimate (`estimateInputTokens`).
   */
  start(inputUsage?: Usage): string;
  /** The events of one chunk, or undefined when it has none of its own (usage waits for the end). */
  chunk(chunk: StreamChunk): string | undefined;
  /** The closing events once the router's result is known, the end marker included. */
  end(result: StreamResult): string;
  /** A failure after the headers went out: the one event that tells it, after which the stream ends. */
  error(error: ErrorResponse): string;
  /** What keeps a silent stream alive, and that every client of the API skips. */
  keepAlive(): string;
}

export interface GatewayDialect {
  /** The message of each call's log line (`chat.completions`, `messages`). */
  readonly logMessage: string;
  /** A header besides `x-request-id` that carries the answer's id, where the API's clients read it (`request-id`). */
  readonly requestIdHeader?: string;
  /** A new id for an answer, in this API's form (`chatcmpl-...`, `msg_...`). */
  newAnswerId(): string;
  /**
   * Completes a body from what the gateway kept, before `parseRequest`: the Responses API's `item_reference`s, read under
   * the caller's scope. Absent for an API whose requests are whole in themselves. A GatewayHttpError for what it cannot find.
   */
  readonly resolveBody?: (body: unknown, caller: GatewayCaller) => Promise<unknown>;
  /** Check and translate a parsed JSON body; a GatewayHttpError (400, 404) for anything wrong. */
  parseRequest(body: unknown, resolver: ModelResolver): GatewayCall;
  /**
   * Keeps an answer whose call says `keepAnswer`, under the caller's scope, for later requests to name. Awaited before the
   * answer (or its stream's closing events) goes out, so that the client's next request finds it. Never rejects.
   */
  readonly keepAnswer?: (answer: AnswerToKeep) => Promise<void>;
  /** The body of a successful, whole answer to `call`, as JSON text. */
  answerBody(result: CompletionResult, context: AnswerContext, call: GatewayCall): string;
  /**
   * For a dialect whose stream opens with the input's count (Messages' `message_start`): the gateway's
   * estimate of it, asked only when the provider told none before its first token.
   */
  readonly estimateInputTokens?: (call: GatewayCall) => number;
  /** The encoder of one streamed answer to `call`, its model already known. */
  streamEncoder(context: AnswerContext & { readonly model: string; readonly includeUsage: boolean }, call: GatewayCall): StreamEventEncoder;
  /** The body of a failure in this API's error shape; the status and headers are the gateway's. */
  errorBody(error: ErrorResponse): unknown;
}
