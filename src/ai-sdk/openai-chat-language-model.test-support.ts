/**
 * A small, real AI SDK language model (specification v3) over fetch to an OpenAI chat endpoint: it stands in
 * for a third-party AI SDK provider (`@ai-sdk/mistral`, ...) in tests, pointed at the provider test server.
 * It throws the AI SDK's own APICallError on an error status, as every AI SDK provider does.
 */
import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3StreamPart,
  type LanguageModelV3StreamResult,
  type LanguageModelV3Usage,
} from '@ai-sdk/provider';

interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
}
interface OpenAiToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}
interface OpenAiChoice {
  message?: { content?: string | null; tool_calls?: OpenAiToolCall[] };
  delta?: { content?: string | null; tool_calls?: OpenAiToolCall[] };
  finish_reason?: string | null;
}
interface OpenAiBody {
  id?: string;
  model?: string;
  choices?: OpenAiChoice[];
  usage?: OpenAiUsage | null;
}

export function createOpenAiChatLanguageModel(options: { baseUrl: string; apiKey: string; modelId: string }): LanguageModelV3 {
  const url = `${options.baseUrl}/chat/completions`;

  async function post(callOptions: LanguageModelV3CallOptions, stream: boolean): Promise<Response> {
    const body = {
      model: options.modelId,
      messages: toOpenAiMessages(callOptions),
      ...(callOptions.maxOutputTokens !== undefined ? { max_tokens: callOptions.maxOutputTokens } : {}),
      ...(callOptions.tools?.length
        ? {
            tools: callOptions.tools.flatMap((tool) =>
              tool.type === 'function'
                ? [{ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.inputSchema } }]
                : [],
            ),
          }
        : {}),
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
        body: JSON.stringify(body),
        ...(callOptions.abortSignal ? { signal: callOptions.abortSignal } : {}),
      });
    } catch (error) {
      if (callOptions.abortSignal?.aborted) throw error;
      throw new APICallError({ message: 'Cannot connect to API', url, requestBodyValues: body, cause: error, isRetryable: true });
    }
    if (!response.ok) {
      const responseBody = await response.text();
      throw new APICallError({
        message: response.statusText || `status ${response.status}`,
        url,
        requestBodyValues: body,
        statusCode: response.status,
        responseHeaders: Object.fromEntries(response.headers),
        responseBody,
      });
    }
    return response;
  }

  return {
    specificationVersion: 'v3',
    provider: 'test-openai-chat',
    modelId: options.modelId,
    supportedUrls: {},
    async doGenerate(callOptions): Promise<LanguageModelV3GenerateResult> {
      const response = await post(callOptions, false);
      const body = (await response.json()) as OpenAiBody;
      const message = body.choices?.[0]?.message;
      const content: LanguageModelV3Content[] = [];
      if (message?.content) content.push({ type: 'text', text: message.content });
      for (const call of message?.tool_calls ?? []) {
        content.push({ type: 'tool-call', toolCallId: call.id ?? '', toolName: call.function?.name ?? '', input: call.function?.arguments ?? '{}' });
      }
      return {
        content,
        finishReason: finishReason(body.choices?.[0]?.finish_reason),
        usage: usage(body.usage),
        response: { ...(body.id ? { id: body.id } : {}), ...(body.model ? { modelId: body.model } : {}) },
        warnings: [],
      };
    },
    async doStream(callOptions): Promise<LanguageModelV3StreamResult> {
      const response = await post(callOptions, true);
      return { stream: toStreamParts(response), response: { headers: Object.fromEntries(response.headers) } };
    },
  };
}

function toOpenAiMessages(callOptions: LanguageModelV3CallOptions): unknown[] {
  return callOptions.prompt.flatMap((message): unknown[] => {
    if (message.role === 'system') return [{ role: 'system', content: message.content }];
    if (message.role === 'user') {
      return [{ role: 'user', content: message.content.map((part) => (part.type === 'text' ? part.text : '')).join('') }];
    }
    if (message.role === 'assistant') {
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const toolCalls = message.content.flatMap((part) =>
        part.type === 'tool-call'
          ? [{ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: JSON.stringify(part.input) } }]
          : [],
      );
      return [{ role: 'assistant', content: text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }];
    }
    return message.content.flatMap((part) =>
      part.type === 'tool-result'
        ? [{ role: 'tool', tool_call_id: part.toolCallId, content: part.output.type === 'text' ? part.output.value : JSON.stringify(part.output) }]
        : [],
    );
  });
}

function toStreamParts(response: Response): ReadableStream<LanguageModelV3StreamPart> {
  const decoder = new TextDecoder();
  let buffer = '';
  let textStarted = false;
  let finish: string | null | undefined;
  let lastUsage: OpenAiUsage | null | undefined;
  let metadataSent = false;
  const calls = new Map<number, { id: string; name: string; input: string }>();
  return response.body!.pipeThrough(
    new TransformStream<Uint8Array, LanguageModelV3StreamPart>({
      start(controller) {
        controller.enqueue({ type: 'stream-start', warnings: [] });
      },
      transform(bytes, controller) {
        buffer += decoder.decode(bytes, { stream: true });
        const events = buffer.split('\n\n');
        buffer = events.pop() ?? '';
        for (const event of events) {
          const data = event.split('\n').find((line) => line.startsWith('data: '))?.slice(6);
          if (!data || data === '[DONE]') continue;
          const chunk = JSON.parse(data) as OpenAiBody;
          if (!metadataSent) {
            // As @ai-sdk/openai does: the completion's id and model from the first chunk.
            metadataSent = true;
            controller.enqueue({ type: 'response-metadata', ...(chunk.id ? { id: chunk.id } : {}), ...(chunk.model ? { modelId: chunk.model } : {}) });
          }
          if (chunk.usage) lastUsage = chunk.usage;
          const choice = chunk.choices?.[0];
          if (!choice) continue;
          if (choice.finish_reason) finish = choice.finish_reason;
          if (choice.delta?.content) {
            if (!textStarted) controller.enqueue({ type: 'text-start', id: 'txt' });
            textStarted = true;
            controller.enqueue({ type: 'text-delta', id: 'txt', delta: choice.delta.content });
          }
          for (const call of choice.delta?.tool_calls ?? []) {
            const index = call.index ?? 0;
            let state = calls.get(index);
            if (!state) {
              state = { id: call.id ?? `call-${index}`, name: call.function?.name ?? '', input: '' };
              calls.set(index, state);
              controller.enqueue({ type: 'tool-input-start', id: state.id, toolName: state.name });
            }
            const delta = call.function?.arguments ?? '';
            if (delta) {
              state.input += delta;
              controller.enqueue({ type: 'tool-input-delta', id: state.id, delta });
            }
          }
        }
      },
      flush(controller) {
        if (textStarted) controller.enqueue({ type: 'text-end', id: 'txt' });
        for (const call of calls.values()) {
          controller.enqueue({ type: 'tool-input-end', id: call.id });
          controller.enqueue({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.input || '{}' });
        }
        // A stream cut before its finish reason has no finish part, as a real provider's would error.
        if (finish === undefined) return;
        controller.enqueue({ type: 'finish', finishReason: finishReason(finish), usage: usage(lastUsage) });
      },
    }),
  );
}

function finishReason(raw: string | null | undefined): LanguageModelV3GenerateResult['finishReason'] {
  const unified = raw === 'stop' ? 'stop' : raw === 'length' ? 'length' : raw === 'tool_calls' ? 'tool-calls' : 'other';
  return { unified, raw: raw ?? undefined };
}

function usage(value: OpenAiUsage | null | undefined): LanguageModelV3Usage {
  return {
    inputTokens: { total: value?.prompt_tokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: value?.completion_tokens, text: undefined, reasoning: undefined },
  };
}
