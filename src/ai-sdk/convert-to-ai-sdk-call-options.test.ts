import { describe, expect, it } from 'vitest';
import type { ChatRequest, ThinkingLevel } from '../types.js';
import { convertCallOptions } from './convert-call-options.js';
import { convertToAiSdkCallOptions } from './convert-to-ai-sdk-call-options.js';
import { convertToBackupMessages } from './convert-to-backup-messages.js';

const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

const request: ChatRequest = {
  model: 'mistral-small-latest',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'getWeather', arguments: '{"city":"Paris"}' }] },
    { role: 'tool', toolCallId: 'call_1', content: '21 C' },
  ],
  temperature: 0.3,
  maxTokens: 100,
  topP: 0.8,
  stop: ['\n\n'],
  tools: [{ name: 'getWeather', description: 'Weather by city', parameters: schema }],
  toolChoice: 'required',
  responseFormat: { type: 'json_schema', name: 'weather', schema },
};

describe('convertToAiSdkCallOptions', () => {
  it('builds the AI SDK prompt: parsed tool input, tool name found from the call it answers', () => {
    const signal = new AbortController().signal;
    const options = convertToAiSdkCallOptions(request, signal);
    expect(options.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'getWeather', input: { city: 'Paris' } }] },
      {
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'getWeather', output: { type: 'text', value: '21 C' } }],
      },
    ]);
    expect(options).toMatchObject({
      temperature: 0.3,
      maxOutputTokens: 100,
      topP: 0.8,
      stopSequences: ['\n\n'],
      tools: [{ type: 'function', name: 'getWeather', description: 'Weather by city', inputSchema: schema }],
      toolChoice: { type: 'required' },
      responseFormat: { type: 'json', name: 'weather', schema },
    });
    expect(options.abortSignal).toBe(signal);
  });

  it("hands Gemini's thought signature of a call to an AI SDK model as providerOptions.google, and reads it back", () => {
    const signed: ChatRequest = {
      model: 'gemini-3-pro-preview',
      messages: [
        { role: 'user', content: 'What is 15 * 8?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'calculator', arguments: '{}', thoughtSignature: 'Cp8=' }] },
      ],
    };
    const { prompt } = convertToAiSdkCallOptions(signed, new AbortController().signal);
    expect(prompt[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: 'call_0', toolName: 'calculator', input: {}, providerOptions: { google: { thoughtSignature: 'Cp8=' } } }],
    });
    expect(convertToBackupMessages(prompt).messages).toEqual(signed.messages);
  });

  it("asks one tool call at most in the OpenAI and Anthropic AI SDK providers' own options, and reads either back", () => {
    const options = convertToAiSdkCallOptions({ ...request, parallelToolCalls: false }, new AbortController().signal);
    expect(options.providerOptions).toEqual({ openai: { parallelToolCalls: false }, anthropic: { disableParallelToolUse: true } });
    expect(convertCallOptions(options).settings.parallelToolCalls).toBe(false);
    const { tools, prompt } = options;
    expect(convertCallOptions({ prompt, tools, providerOptions: { anthropic: { disableParallelToolUse: true } } }).settings.parallelToolCalls).toBe(false);
    expect(convertCallOptions({ prompt, tools, providerOptions: { openai: { parallelToolCalls: true } } }).settings).not.toHaveProperty('parallelToolCalls');
    expect(convertToAiSdkCallOptions(request, new AbortController().signal)).not.toHaveProperty('providerOptions');
  });

  it("asks a model that reasons its effort in its AI SDK provider's own option, and reads each back", () => {
    const signal = new AbortController().signal;
    const question: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Why?' }], tools: request.tools };
    const asked = (providerName: string, extra: Partial<ChatRequest> = {}) =>
      convertToAiSdkCallOptions({ ...question, reasoningEffort: 'medium', ...extra }, signal, { reasons: true, providerName });
    expect(asked('openai.chat').providerOptions).toEqual({ openai: { reasoningEffort: 'medium' }, azure: { reasoningEffort: 'medium' } });
    expect(asked('azure.chat').providerOptions).toMatchObject({ openai: { reasoningEffort: 'medium' } });
    expect(asked('groq.chat').providerOptions).toEqual({ groq: { reasoningEffort: 'medium' } });
    const thinking = { anthropic: { thinking: { type: 'enabled', budgetTokens: 8192 } } };
    expect(asked('anthropic.messages').providerOptions).toEqual(thinking);
    // Claude on Vertex is Claude, not Gemini.
    expect(asked('vertex.anthropic.messages').providerOptions).toEqual(thinking);
    // Gemini thinks within maxOutputTokens: the bound grows by the budget, as for our own Gemini calls.
    const google = asked('google.generative-ai', { maxTokens: 500 });
    expect(google.providerOptions).toMatchObject({ google: { thinkingConfig: { thinkingBudget: 8192 } } });
    expect(google.maxOutputTokens).toBe(8692);
    // A Gemini model given thinkingLevels (Gemini 3) is asked the level of the effort, never a budget.
    const byLevel = convertToAiSdkCallOptions({ ...question, reasoningEffort: 'medium', maxTokens: 500 }, signal, {
      reasons: true,
      providerName: 'google.generative-ai',
      thinkingLevels: ['low', 'medium', 'high'],
    });
    expect(byLevel.providerOptions).toEqual({ google: { thinkingConfig: { thinkingLevel: 'medium' } }, vertex: { thinkingConfig: { thinkingLevel: 'medium' } } });
    expect(byLevel.maxOutputTokens).toBe(8692);
    expect(asked('anthropic.messages', { maxTokens: 500 }).maxOutputTokens).toBe(500);
    // A provider whose efforts differ (xAI takes low and high only) is sent nothing it could refuse.
    expect(asked('xai.chat')).not.toHaveProperty('providerOptions');
    const options = asked('openai.chat');
    expect(convertCallOptions(options).settings.reasoningEffort).toBe('medium');
    const { prompt } = options;
    const readBack = (providerOptions: Record<string, Record<string, unknown>>) => convertCallOptions({ prompt, providerOptions: providerOptions as never }).settings.reasoningEffort;
    expect(readBack({ openai: { reasoningEffort: 'minimal' } })).toBe('low');
    expect(readBack({ anthropic: { thinking: { type: 'enabled', budgetTokens: 20_000 } } })).toBe('high');
    expect(readBack({ google: { thinkingConfig: { thinkingBudget: 2048 } } })).toBe('low');
    // Thinking off, in each provider's words, is ours of no thinking.
    expect(readBack({ google: { thinkingConfig: { thinkingBudget: 0 } } })).toBe('none');
    expect(readBack({ openai: { reasoningEffort: 'none' } })).toBe('none');
    expect(readBack({ google: { thinkingConfig: { thinkingLevel: 'high' } } })).toBe('high');
    expect(readBack({ google: { thinkingConfig: { thinkingLevel: 'minimal' } } })).toBe('low');
    expect(readBack({ anthropic: { thinking: { type: 'disabled' } } })).toBe('none');
    // A model not said to reason is not sent the effort: one that does not may refuse it.
    expect(convertToAiSdkCallOptions({ ...request, reasoningEffort: 'medium' }, signal)).not.toHaveProperty('providerOptions');
    // Both switches at once share each provider's options.
    const both = asked('anthropic.messages', { reasoningEffort: 'low', parallelToolCalls: false });
    expect(both.providerOptions?.['anthropic']).toEqual({ disableParallelToolUse: true, thinking: { type: 'enabled', budgetTokens: 1024 } });
  });

  it("asks no thinking (`none`) in the AI SDK providers' words where the model's are known, else nothing", () => {
    const signal = new AbortController().signal;
    const question: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Why?' }], reasoningEffort: 'none', maxTokens: 64 };
    const asked = (providerName: string, thinkingLevels?: readonly ThinkingLevel[]) =>
      convertToAiSdkCallOptions(question, signal, { reasons: true, providerName, ...(thinkingLevels !== undefined ? { thinkingLevels } : {}) });
    // Said outright to Claude, which `@ai-sdk/anthropic` forwards since 3.0.93; the bound as the caller gave it.
    const claude = asked('anthropic.messages');
    expect(claude.providerOptions).toEqual({ anthropic: { thinking: { type: 'disabled' } } });
    expect(claude.maxOutputTokens).toBe(64);
    // A Gemini that thinks by level is asked its least, its bound grown by the room of `low`; one of a budget nothing.
    const flashLite = asked('google.generative-ai', ['minimal', 'low', 'medium', 'high']);
    expect(flashLite.providerOptions).toEqual({ google: { thinkingConfig: { thinkingLevel: 'minimal' } }, vertex: { thinkingConfig: { thinkingLevel: 'minimal' } } });
    expect(flashLite.maxOutputTokens).toBe(64 + 1024);
    expect(asked('google.generative-ai', ['low', 'medium', 'high']).providerOptions).toMatchObject({ google: { thinkingConfig: { thinkingLevel: 'low' } } });
    expect(asked('google.generative-ai')).not.toHaveProperty('providerOptions');
    // OpenAI's and Groq's efforts differ by model (o3-mini and gpt-oss take no `none`): nothing, as for no effort.
    for (const providerName of ['openai.chat', 'azure.chat', 'groq.chat']) expect(asked(providerName)).not.toHaveProperty('providerOptions');
  });

  it('asks Claude without thinking where Anthropic refuses it: a forced tool, a JSON format (a forced tool there), a conversation that called tools', () => {
    const signal = new AbortController().signal;
    const asked = (extra: Partial<ChatRequest>) =>
      convertToAiSdkCallOptions({ model: 'm', messages: [], reasoningEffort: 'high', ...extra }, signal, { reasons: true, providerName: 'anthropic.messages' }).providerOptions;
    expect(asked({ tools: [{ name: 'f', parameters: {} }], toolChoice: 'required' })).toBeUndefined();
    expect(asked({ responseFormat: { type: 'json_object' } })).toBeUndefined();
    expect(asked({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] }, { role: 'tool', toolCallId: 'c', content: 'y' }] })).toBeUndefined();
    expect(asked({ messages: [{ role: 'user', content: 'x' }] })).toHaveProperty('anthropic.thinking');
  });

  it("gives a tool's images to an AI SDK model in a user message after the tool results, as every AI SDK provider takes them", () => {
    const png = 'iVBORw0KGgo=';
    const withImages: ChatRequest = {
      model: 'mistral-small-latest',
      messages: [
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'screenshot', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_1', toolName: 'screenshot', content: 'The page:', images: [{ url: `data:image/png;base64,${png}` }, { url: 'https://example.com/b.png' }] },
      ],
    };
    const { prompt } = convertToAiSdkCallOptions(withImages, new AbortController().signal);
    expect(prompt.slice(1)).toEqual([
      {
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'screenshot', output: { type: 'text', value: 'The page:' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The images returned by tool call call_1 (screenshot):' },
          { type: 'file', mediaType: 'image/png', data: png },
          { type: 'file', mediaType: 'image/*', data: new URL('https://example.com/b.png') },
        ],
      },
    ]);
  });

  it('round-trips through the other direction to the same request', () => {
    const options = convertToAiSdkCallOptions(request, new AbortController().signal);
    const back = convertToBackupMessages(options.prompt);
    expect(back.messages).toEqual(
      request.messages.map((message) => (message.role === 'tool' ? { ...message, toolName: 'getWeather' } : message)),
    );
    const { settings } = convertCallOptions(options);
    expect(settings).toMatchObject({
      temperature: 0.3,
      maxTokens: 100,
      topP: 0.8,
      stop: ['\n\n'],
      tools: request.tools,
      toolChoice: 'required',
      responseFormat: request.responseFormat,
    });
  });
});
