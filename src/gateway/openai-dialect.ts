/** OpenAI's chat completions as a gateway dialect: POST /v1/chat/completions. */
import { randomUUID } from 'node:crypto';
import type { StreamResult } from '../routing/router-options.js';
import type { SignedReasoningBlock, StreamChunk } from '../types.js';
import { chatCompletionJson } from './chat-completion-json.js';
import { isShownSignedReasoningBlock } from './client-signed-reasoning.js';
import type { ErrorResponse } from './error-response.js';
import type { AnswerContext, GatewayDialect, StreamEventEncoder } from './gateway-dialect.js';
import { parseChatCompletionRequest } from './openai-request.js';
import { ChatCompletionChunkEncoder, sseDone, sseErrorEvent } from './openai-response.js';
import { toReasoningDetails } from './openai-signed-reasoning.js';

/**
 * `chat.completion.chunk` events: the role first, the deltas, the finish, the usage when asked, `[DONE]`.
 * Anthropic's signed thinking blocks (whose text streams as `reasoning_content`) and OpenAI's reasoning items are kept
 * until the reasoning is over (the answer's first text or call, or its finish) and go out together as one
 * `reasoning_details` delta: the OpenAI SDK's stream helper keeps a field's last value, not the deltas joined.
 */
class OpenAIStreamEvents implements StreamEventEncoder {
  readonly #chunks: ChatCompletionChunkEncoder;
  readonly #includeUsage: boolean;
  #finished = false;
  #calledTools = false;
  #signedBlocks: SignedReasoningBlock[] | undefined;

  constructor(context: AnswerContext & { readonly model: string; readonly includeUsage: boolean }) {
    this.#chunks = new ChatCompletionChunkEncoder(context);
    this.#includeUsage = context.includeUsage;
  }

  start(): string {
    return this.#chunks.role();
  }

  chunk(chunk: StreamChunk): string | undefined {
    if (chunk.type === 'signed-reasoning-block') {
      if (isShownSignedReasoningBlock(chunk)) (this.#signedBlocks ??= []).push(chunk.block);
      return undefined;
    }
    if (chunk.type === 'reasoning-delta' || chunk.type === 'usage') return this.#chunks.delta(chunk);
    if (chunk.type !== 'finish') {
      if (chunk.type === 'tool-call-delta') this.#calledTools = true;
      return this.#thinkingOver() + (this.#chunks.delta(chunk) ?? '') || undefined;
    }
    // The finish reason goes out when the provider gives it, before the usage that may follow. An answer that
    // called tools finished for them whatever the provider said (an AI SDK model passes OpenAI's `stop` for a
    // named tool choice), as the router's result and the answer not streamed say: an agent loops on that reason.
    this.#finished = true;
    return this.#thinkingOver() + this.#chunks.finish(chunk.finishReason === 'stop' && this.#calledTools ? 'tool_calls' : chunk.finishReason);
  }

  end(result: StreamResult): string {
    let events = this.#finished ? '' : this.#thinkingOver() + this.#chunks.finish(result.finishReason);
    if (this.#includeUsage && result.usage) events += this.#chunks.usage(result.usage);
    return events + sseDone;
  }

  error(error: ErrorResponse): string {
    return sseErrorEvent(error.body);
  }

  keepAlive(): string {
    // An SSE comment: OpenAI's own streams send these, and every SSE client skips them.
    return ': ping\n\n';
  }

  /** The signed blocks or items kept so far, as one `reasoning_details` delta ('' when none are). */
  #thinkingOver(): string {
    const blocks = this.#signedBlocks;
    if (blocks === undefined) return '';
    this.#signedBlocks = undefined;
    return this.#chunks.reasoningDetails(toReasoningDetails(blocks));
  }
}

export const openAIChatDialect: GatewayDialect = {
  logMessage: 'chat.completions',
  newAnswerId: () => `chatcmpl-${randomUUID()}`,
  parseRequest: parseChatCompletionRequest,
  answerBody: chatCompletionJson,
  streamEncoder: (context) => new OpenAIStreamEvents(context),
  errorBody: (error) => error.body,
};
