import { ProviderError } from '../../errors.js';
import type { SseEvent } from '../../http/types.js';
import type { Mutable, StreamChunk } from '../../types.js';
import type { ParseResponseOptions, StreamDecoder } from '../wire-protocol.js';
import { classifyAnthropicError, readAnthropicErrorPayload } from './anthropic-error.js';
import { type AnthropicInputUsage, anthropicUsage, readAnthropicInput, withServerToolRequests } from './parse-anthropic-response.js';
import { readSignedReasoningBlock } from '../../signed-reasoning.js';
import { isServerToolWireBlock, type ServerToolWireBlock } from '../../server-tool-blocks.js';
import { anthropicOwnFinishReason, mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { isRecord, parseJsonOrUndefined, readNumber, readString, type JsonRecord } from '../../json-value.js';
import { readTokenCount } from '../../token-count.js';

/** A decoder of one Anthropic stream; also tells what `message_start` reported. */
export interface AnthropicStreamDecoder extends StreamDecoder {
  /** The model id from `message_start`, once seen. */
  readonly model: string | undefined;
  /** The message id (`msg_...`) from `message_start`, once seen (the same as `responseId`). */
  readonly messageId: string | undefined;
}

/** What we remember of an open content block, by Anthropic's block index. */
interface ToolBlock {
  /** The call's position among the tool calls of the answer (not the block index). */
  readonly toolIndex: number;
  receivedArguments: boolean;
}

/** An open server tool call (`server_tool_use`): the block as it started, and its input's JSON so far. */
interface ServerToolCall {
  readonly started: ServerToolWireBlock;
  input: string;
}

/** An open thinking block: its text and signature so far. */
/** A text block started with `citations` (Anthropic's web search answers cite with them), held until it stops. */
interface CitableTextBlock {
  readonly started: JsonRecord;
  text: string;
  readonly citations: unknown[];
}

interface ThinkingBlock {
  thinking: string;
  signature: string;
}

/**
 * Decodes Anthropic's named events: `message_start` (model, id, input tokens), `content_block_start`
 * (text, or a tool call's id and name), `content_block_delta` (text, argument fragments, thinking and its
 * signature), `content_block_stop`, `message_delta` (stop reason, output tokens), `message_stop` (the end marker),
 * `ping`, and `error` (thrown as a ProviderError). A thinking block's text is streamed as reasoning deltas as it
 * comes, each `signedBy` this provider (Anthropic signs every thinking block); the block whole, once its
 * `signature_delta` has come, is one `signed-reasoning-block` chunk when it stops (a `redacted_thinking` block, whole
 * from its start, is one when it starts). A server tool's call is one `server-tool-block` chunk when it stops, its
 * input put together from its `input_json_delta`s; a server tool's result (`web_search_tool_result`, whole from its
 * start) is one when it starts. A text block started with `citations` (`[]`, filled by `citations_delta`s before its
 * `text_delta`s) is held until it stops: then, if it cites anything, it is one `server-tool-block` chunk, the block
 * whole with its citations, followed by its text as one text delta (a client of the Messages API is shown the block,
 * every other its text); a block that cited nothing is only its text.
 */
export function createAnthropicStreamDecoder(options: ParseResponseOptions): AnthropicStreamDecoder {
  const toolBlocks = new Map<number, ToolBlock>();
  const thinkingBlocks = new Map<number, ThinkingBlock>();
  const serverToolCalls = new Map<number, ServerToolCall>();
  const citableTextBlocks = new Map<number, CitableTextBlock>();
  let toolCount = 0;
  let input: AnthropicInputUsage | undefined;
  let model: string | undefined;
  let messageId: string | undefined;
  let done = false;

  function decode(event: SseEvent): StreamChunk[] {
    if (event.event === 'ping') return [];
    const payload = parseJsonOrUndefined(event.data);
    if (!isRecord(payload)) {
      throw new ProviderError({
        provider: options.providerId,
        reason: 'server_error',
        message: `stream event ${event.event ?? '(unnamed)'} is not a JSON object`,
      });
    }
    const type = readString(payload['type']) ?? event.event;
    switch (type) {
      case 'message_start':
        return onMessageStart(payload);
      case 'content_block_start':
        return onBlockStart(payload);
      case 'content_block_delta':
        return onBlockDelta(payload);
      case 'content_block_stop':
        return onBlockStop(payload);
      case 'message_delta':
        return onMessageDelta(payload);
      case 'message_stop':
        done = true;
        return [];
      case 'error':
        throw streamError(payload, options.providerId);
      default:
        return [];
    }
  }

  /**
   * The input's count comes first, before any content: it is told at once as the usage so far (message_delta's
   * replaces it), so a stream cut off later, or one that lost a race, is priced at the provider's own count, and
   * the gateway opens a Messages stream with it.
   */
  function onMessageStart(payload: JsonRecord): StreamChunk[] {
    const message = payload['message'];
    if (!isRecord(message)) return [];
    model = readString(message['model']);
    messageId = readString(message['id']);
    const usage = message['usage'];
    if (!isRecord(usage)) return [];
    input = readAnthropicInput(usage);
    if (input === undefined) return [];
    return [{ type: 'usage', usage: anthropicUsage(input, readTokenCount(usage['output_tokens']) ?? 0) }];
  }

  function onBlockStart(payload: JsonRecord): StreamChunk[] {
    const block = payload['content_block'];
    const blockIndex = readNumber(payload['index']);
    if (!isRecord(block) || blockIndex === undefined) return [];
    if (block['type'] === 'text') {
      const text = readString(block['text']) ?? '';
      if (Array.isArray(block['citations'])) {
        citableTextBlocks.set(blockIndex, { started: block, text, citations: [...(block['citations'] as unknown[])] });
        return [];
      }
      return text === '' ? [] : [{ type: 'text-delta', text }];
    }
    if (block['type'] === 'thinking') {
      const thinking = readString(block['thinking']) ?? '';
      thinkingBlocks.set(blockIndex, { thinking, signature: readString(block['signature']) ?? '' });
      return thinking === '' ? [] : [{ type: 'reasoning-delta', text: thinking, signedBy: options.providerId }];
    }
    if (block['type'] === 'redacted_thinking') {
      const redacted = readSignedReasoningBlock(block);
      return redacted === undefined ? [] : [{ type: 'signed-reasoning-block', provider: options.providerId, block: redacted }];
    }
    if (isServerToolWireBlock(block)) {
      if (block.type !== 'server_tool_use') return [{ type: 'server-tool-block', provider: options.providerId, block }];
      serverToolCalls.set(blockIndex, { started: block, input: '' });
      return [];
    }
    if (block['type'] !== 'tool_use') return [];
    const toolIndex = toolCount++;
    toolBlocks.set(blockIndex, { toolIndex, receivedArguments: false });
    const chunk: Mutable<Extract<StreamChunk, { type: 'tool-call-delta' }>> = { type: 'tool-call-delta', index: toolIndex, name: readString(block['name']) ?? '', argumentsDelta: '' };
    // Anthropic names every call; the router gives one that comes without an id its own (ToolCallIds).
    const id = readString(block['id']);
    if (id !== undefined) chunk.id = id;
    return [chunk];
  }

  function onBlockDelta(payload: JsonRecord): StreamChunk[] {
    const delta = payload['delta'];
    if (!isRecord(delta)) return [];
    const citableTextBlock = citableTextBlocks.get(readNumber(payload['index']) ?? -1);
    if (citableTextBlock !== undefined) {
      if (delta['type'] === 'text_delta') citableTextBlock.text += readString(delta['text']) ?? '';
      if (delta['type'] === 'citations_delta' && isRecord(delta['citation'])) citableTextBlock.citations.push(delta['citation']);
      return [];
    }
    if (delta['type'] === 'text_delta') {
      const text = readString(delta['text']) ?? '';
      return text === '' ? [] : [{ type: 'text-delta', text }];
    }
    if (delta['type'] === 'thinking_delta') {
      const text = readString(delta['thinking']) ?? '';
      const thinkingBlock = thinkingBlocks.get(readNumber(payload['index']) ?? -1);
      if (thinkingBlock !== undefined) thinkingBlock.thinking += text;
      return text === '' ? [] : [{ type: 'reasoning-delta', text, signedBy: options.providerId }];
    }
    if (delta['type'] === 'signature_delta') {
      const thinkingBlock = thinkingBlocks.get(readNumber(payload['index']) ?? -1);
      if (thinkingBlock !== undefined) thinkingBlock.signature += readString(delta['signature']) ?? '';
      return [];
    }
    if (delta['type'] !== 'input_json_delta') return [];
    const serverToolCall = serverToolCalls.get(readNumber(payload['index']) ?? -1);
    if (serverToolCall !== undefined) {
      serverToolCall.input += readString(delta['partial_json']) ?? '';
      return [];
    }
    const toolBlock = toolBlocks.get(readNumber(payload['index']) ?? -1);
    const argumentsDelta = readString(delta['partial_json']) ?? '';
    if (toolBlock === undefined || argumentsDelta === '') return [];
    toolBlock.receivedArguments = true;
    return [{ type: 'tool-call-delta', index: toolBlock.toolIndex, argumentsDelta }];
  }

  /**
   * A thinking block is told whole when it stops, if it was signed. A tool call that streamed no argument text
   * takes none: say `{}`, as the non-streaming answer would.
   */
  function onBlockStop(payload: JsonRecord): StreamChunk[] {
    const blockIndex = readNumber(payload['index']) ?? -1;
    const serverToolCall = serverToolCalls.get(blockIndex);
    if (serverToolCall !== undefined) {
      serverToolCalls.delete(blockIndex);
      return [{ type: 'server-tool-block', provider: options.providerId, block: withStreamedInput(serverToolCall) }];
    }
    const citableTextBlock = citableTextBlocks.get(blockIndex);
    if (citableTextBlock !== undefined) {
      citableTextBlocks.delete(blockIndex);
      return citedTextChunks(citableTextBlock);
    }
    const thinkingBlock = thinkingBlocks.get(blockIndex);
    if (thinkingBlock !== undefined) {
      thinkingBlocks.delete(blockIndex);
      if (thinkingBlock.signature === '') return [];
      const block = { type: 'thinking' as const, thinking: thinkingBlock.thinking, signature: thinkingBlock.signature };
      return [{ type: 'signed-reasoning-block', provider: options.providerId, block }];
    }
    const toolBlock = toolBlocks.get(blockIndex);
    if (toolBlock === undefined || toolBlock.receivedArguments) return [];
    toolBlock.receivedArguments = true;
    return [{ type: 'tool-call-delta', index: toolBlock.toolIndex, argumentsDelta: '{}' }];
  }

  function citedTextChunks({ started, text, citations }: CitableTextBlock): StreamChunk[] {
    const chunks: StreamChunk[] = [];
    if (citations.length > 0) chunks.push({ type: 'server-tool-block', provider: options.providerId, block: { ...started, type: 'text', text, citations } });
    if (text !== '') chunks.push({ type: 'text-delta', text });
    return chunks;
  }

  /**
   * message_delta's usage has no `cache_creation` (the split of the writes by lifetime): the hour's writes
   * message_start counted still hold, within the writes the delta counts.
   */
  function withHourWrites(repeated: AnthropicInputUsage | undefined, started: AnthropicInputUsage | undefined): AnthropicInputUsage | undefined {
    const hourWrites = started?.cacheWrite1hInputTokens;
    if (repeated === undefined || repeated.cacheWrite1hInputTokens !== undefined || hourWrites === undefined) return repeated;
    const capped = Math.min(hourWrites, repeated.cacheWriteInputTokens ?? 0);
    return capped > 0 ? { ...repeated, cacheWrite1hInputTokens: capped } : repeated;
  }

  function onMessageDelta(payload: JsonRecord): StreamChunk[] {
    const chunks: StreamChunk[] = [];
    const usage = payload['usage'];
    if (isRecord(usage)) {
      const outputTokens = readTokenCount(usage['output_tokens']);
      // Newer streams repeat the input tokens here; older ones only in message_start.
      const turnInput = withHourWrites(readAnthropicInput(usage), input) ?? input ?? { inputTokens: 0 };
      if (outputTokens !== undefined) chunks.push({ type: 'usage', usage: withServerToolRequests(anthropicUsage(turnInput, outputTokens), usage) });
    }
    const delta = payload['delta'];
    const stopReason = isRecord(delta) ? readString(delta['stop_reason']) : undefined;
    const stopSequence = isRecord(delta) ? readString(delta['stop_sequence']) : undefined;
    if (stopReason !== undefined) {
      const finish: Mutable<Extract<StreamChunk, { type: 'finish' }>> = { type: 'finish', finishReason: mapAnthropicFinishReason(stopReason) };
      if (stopSequence !== undefined) finish.stopSequence = stopSequence;
      const ownFinishReason = anthropicOwnFinishReason(stopReason);
      if (ownFinishReason !== undefined) finish.providerFinishReason = ownFinishReason;
      chunks.push(finish);
    }
    return chunks;
  }

  return {
    decode,
    get done() {
      return done;
    },
    get model() {
      return model;
    },
    get responseId() {
      return messageId;
    },
    get messageId() {
      return messageId;
    },
  };
}

/** A server tool call whole: as it started, its input the object its deltas put together (as started, when they make none). */
function withStreamedInput(call: ServerToolCall): ServerToolWireBlock {
  const input = call.input.trim() === '' ? {} : parseJsonOrUndefined(call.input);
  return isRecord(input) ? { ...call.started, input } : call.started;
}

function streamError(payload: JsonRecord, providerId: string): ProviderError {
  const details = readAnthropicErrorPayload(payload);
  const message = details?.message ?? 'error event without a message';
  return new ProviderError({
    provider: providerId,
    reason: classifyAnthropicError({ errorType: details?.errorType, message, statusCode: undefined }),
    message: `stream error event: ${message}`,
    ...(details?.requestId === undefined ? {} : { requestId: details.requestId }),
    ...(details?.errorType === undefined ? {} : { providerCode: details.errorType }),
  });
}
