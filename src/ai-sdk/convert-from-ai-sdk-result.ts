import type { LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import type { ChatResponse, Mutable, ToolCall } from '../types.js';
import { readThoughtSignature } from './gemini-thought-signature.js';
import { convertFromAiSdkUsage } from './convert-usage.js';
import { mapFromAiSdkFinishReason } from './map-finish-reason.js';

/**
 * An AI SDK model's generate result as our response: text parts joined, reasoning parts joined, client-side
 * tool calls kept (provider-executed ones already ran and are not ours to run), sources left out.
 */
export function convertFromAiSdkResult(result: LanguageModelV3GenerateResult, fallbackModel: string): ChatResponse {
  let content = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of result.content) {
    if (part.type === 'text') content += part.text;
    else if (part.type === 'reasoning') reasoning += part.text;
    else if (part.type === 'tool-call' && !part.providerExecuted) {
      const toolCall: Mutable<ToolCall> = { id: part.toolCallId, name: part.toolName, arguments: part.input };
      const thoughtSignature = readThoughtSignature(part.providerMetadata);
      if (thoughtSignature !== undefined) toolCall.thoughtSignature = thoughtSignature;
      toolCalls.push(toolCall);
    }
  }
  const usage = convertFromAiSdkUsage(result.usage);
  const requestId = result.response?.id;
  return {
    content,
    ...(reasoning !== '' ? { reasoning } : {}),
    toolCalls,
    finishReason: mapFromAiSdkFinishReason(result.finishReason),
    ...(usage ? { usage } : {}),
    model: result.response?.modelId ?? fallbackModel,
    ...(requestId !== undefined ? { requestId, responseId: requestId } : {}),
  };
}
