import type {
  JSONSchema7,
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  SharedV3ProviderOptions,
} from '@ai-sdk/provider';
import { aiSdkReasoningOptions } from './ai-sdk-reasoning-options.js';
import type { ChatRequest, Message, ResponseFormat, ThinkingLevel, ToolChoice, ToolMessage } from '../types.js';
import { toolImagesCaption } from '../providers/tool-images-caption.js';
import { toAiSdkImagePart } from './ai-sdk-images.js';
import { thoughtSignatureMetadata } from './gemini-thought-signature.js';

/** What the request's conversion needs to know of the AI SDK model it is for. */
export interface AiSdkModelTraits {
  /** The model reasons: it is asked the request's effort. */
  readonly reasons: boolean;
  /** The model's `provider` (`anthropic.messages`, `google.generative-ai`, `openai.chat`, `groq.chat`...). */
  readonly providerName?: string;
  /** A Gemini model that thinks by level: the levels it takes (see `ModelInfo.thinkingLevels`). */
  readonly thinkingLevels?: readonly ThinkingLevel[];
}

/**
 * Our request as an AI SDK model's call options, for a model used as one more candidate. A model that
 * `reasons` is asked the request's effort in its AI SDK provider's own option (ai-sdk-reasoning-options.ts).
 */
export function convertToAiSdkCallOptions(
  request: ChatRequest,
  signal: AbortSignal,
  model: AiSdkModelTraits = { reasons: false },
): LanguageModelV3CallOptions {
  const tools = request.tools?.map(
    (tool): LanguageModelV3FunctionTool => ({
      type: 'function',
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      // Our schema is opaque JSON; the AI SDK types it as JSON Schema 7. It passes through untouched.
      inputSchema: tool.parameters as JSONSchema7,
    }),
  );
  const responseFormat = convertResponseFormat(request.responseFormat);
  const reasoning = model.reasons && request.reasoningEffort !== undefined ? aiSdkReasoningOptions(request, request.reasoningEffort, { providerName: model.providerName ?? '', thinkingLevels: model.thinkingLevels }) : undefined;
  const providerOptions = providerOptionsOf(request, tools !== undefined && tools.length > 0, reasoning?.providerOptions);
  const maxOutputTokens = reasoning?.maxOutputTokens ?? request.maxTokens;
  return {
    prompt: convertToAiSdkPrompt(request.messages),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.presencePenalty !== undefined ? { presencePenalty: request.presencePenalty } : {}),
    ...(request.frequencyPenalty !== undefined ? { frequencyPenalty: request.frequencyPenalty } : {}),
    ...(request.stop !== undefined ? { stopSequences: [...request.stop] } : {}),
    ...(tools !== undefined && tools.length > 0 ? { tools } : {}),
    ...(request.toolChoice !== undefined ? { toolChoice: convertToolChoice(request.toolChoice) } : {}),
    ...(providerOptions !== undefined ? { providerOptions } : {}),
    ...(responseFormat !== undefined ? { responseFormat } : {}),
    abortSignal: signal,
  };
}

/**
 * Each AI SDK provider reads its own key: an OpenAI or Anthropic model gets the one-call switch (the rest
 * ignore a key that is not theirs), a reasoning model its effort.
 */
function providerOptionsOf(request: ChatRequest, hasTools: boolean, reasoning: SharedV3ProviderOptions | undefined): SharedV3ProviderOptions | undefined {
  if (!(hasTools && request.parallelToolCalls === false)) return reasoning;
  const options: SharedV3ProviderOptions = { openai: { parallelToolCalls: false }, anthropic: { disableParallelToolUse: true } };
  for (const [name, values] of Object.entries(reasoning ?? {})) options[name] = { ...options[name], ...values };
  return options;
}

type UserContent = Extract<LanguageModelV3Message, { role: 'user' }>['content'];

/**
 * Our messages as the AI SDK's prompt. Tool names for results come from the call they answer when missing.
 * A tool's images follow the run of tool answers as one user message, each after a line naming its call, as
 * for OpenAI-wire providers: every AI SDK provider takes a user's images, while a tool result's `content`
 * output is refused by some and written into the prompt as JSON text (a screenshot's base64) by others.
 */
export function convertToAiSdkPrompt(messages: readonly Message[]): LanguageModelV3Prompt {
  const toolNames = new Map<string, string>();
  const prompt: LanguageModelV3Message[] = [];
  let toolImages: UserContent | undefined;
  for (const message of messages) {
    if (message.role === 'tool') {
      prompt.push({
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: message.toolCallId,
            toolName: message.toolName ?? toolNames.get(message.toolCallId) ?? '',
            output: { type: 'text', value: message.content },
          },
        ],
      });
      if (message.images !== undefined && message.images.length > 0) {
        toolImages ??= [];
        toolImages.push({ type: 'text', text: toolImagesCaption(message) }, ...message.images.map(toAiSdkImagePart));
      }
      continue;
    }
    if (toolImages !== undefined) {
      prompt.push({ role: 'user', content: toolImages });
      toolImages = undefined;
    }
    prompt.push(convertMessage(message, toolNames));
  }
  if (toolImages !== undefined) prompt.push({ role: 'user', content: toolImages });
  return prompt;
}

function convertMessage(message: Exclude<Message, ToolMessage>, toolNames: Map<string, string>): LanguageModelV3Message {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user': {
      const content: UserContent = [{ type: 'text', text: message.content }];
      for (const image of message.images ?? []) content.push(toAiSdkImagePart(image));
      return { role: 'user', content };
    }
    case 'assistant': {
      const content: Extract<LanguageModelV3Message, { role: 'assistant' }>['content'] = [];
      if (message.content.length > 0) content.push({ type: 'text', text: message.content });
      for (const call of message.toolCalls ?? []) {
        toolNames.set(call.id, call.name);
        const input = parseToolArguments(call.arguments);
        const part: (typeof content)[number] = { type: 'tool-call', toolCallId: call.id, toolName: call.name, input };
        if (call.thoughtSignature) part.providerOptions = thoughtSignatureMetadata(call.thoughtSignature);
        content.push(part);
      }
      return { role: 'assistant', content };
    }
  }
}

/** The AI SDK passes tool inputs parsed; text that is not JSON stays text. */
function parseToolArguments(text: string): unknown {
  if (text.trim().length === 0) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function convertToolChoice(choice: ToolChoice): NonNullable<LanguageModelV3CallOptions['toolChoice']> {
  return typeof choice === 'string' ? { type: choice } : { type: 'tool', toolName: choice.name };
}

function convertResponseFormat(format: ResponseFormat | undefined): LanguageModelV3CallOptions['responseFormat'] {
  if (!format) return undefined;
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json' };
  return { type: 'json', schema: format.schema as JSONSchema7, ...(format.name !== undefined ? { name: format.name } : {}) };
}
