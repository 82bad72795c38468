import type { LanguageModelV3Content, LanguageModelV3GenerateResult, SharedV3Warning } from '@ai-sdk/provider';
import type { CompletionResult } from '../routing/router-options.js';
import type { SignedReasoningBlock, ToolCall } from '../types.js';
import { backupModelsMetadata } from './backup-models-metadata.js';
import { convertToAiSdkUsage } from './convert-usage.js';
import { thoughtSignatureMetadata } from './gemini-thought-signature.js';
import { signedReasoningMetadata } from './anthropic-signed-reasoning.js';
import { mapToAiSdkFinishReason } from './map-finish-reason.js';

/**
 * The router's answer as the AI SDK's generate result: reasoning (Anthropic's signed blocks one part each, signature
 * in its metadata), text, then tool calls, with usage and metadata.
 */
export function convertCompletionResult(
  result: CompletionResult,
  warnings: SharedV3Warning[],
): LanguageModelV3GenerateResult {
  const content: LanguageModelV3Content[] = [];
  const signed = result.signedReasoning;
  if (signed !== undefined) {
    // Anthropic's blocks (OpenAI's reasoning items) one reasoning part each, with their signatures (encrypted content).
    for (const block of signed.blocks) {
      content.push({ type: 'reasoning', text: signedBlockText(block), providerMetadata: signedReasoningMetadata(block, signed.provider) });
    }
  } else if (result.reasoning !== undefined && result.reasoning.length > 0) content.push({ type: 'reasoning', text: result.reasoning });
  if (result.content.length > 0) content.push({ type: 'text', text: result.content });
  for (const toolCall of result.toolCalls) content.push(convertToolCall(toolCall));
  return {
    content,
    finishReason: mapToAiSdkFinishReason(result.finishReason),
    usage: convertToAiSdkUsage(result.usage),
    providerMetadata: backupModelsMetadata(result),
    response: {
      ...(result.responseId !== undefined ? { id: result.responseId } : {}),
      modelId: result.model,
    },
    warnings,
  };
}

/** The spec wants JSON text as input: a call without arguments (Anthropic's empty input) is `{}`. */
export function toolCallInput(toolCall: Pick<ToolCall, 'arguments'>): string {
  return toolCall.arguments.trim().length === 0 ? '{}' : toolCall.arguments;
}

function convertToolCall(toolCall: ToolCall): LanguageModelV3Content {
  const part: LanguageModelV3Content = {
    type: 'tool-call',
    toolCallId: toolCall.id,
    toolName: toolCall.name,
    input: toolCallInput(toolCall),
  };
  if (toolCall.thoughtSignature) part.providerMetadata = thoughtSignatureMetadata(toolCall.thoughtSignature);
  return part;
}

/** The reasoning a signed block shows: Anthropic's thinking, OpenAI's summary texts; none for a redacted block. */
function signedBlockText(block: SignedReasoningBlock): string {
  if (block.type === 'thinking') return block.thinking;
  return block.type === 'reasoning' ? block.summary.join('\n\n') : '';
}
