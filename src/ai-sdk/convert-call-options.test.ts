import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { convertCallOptions } from './convert-call-options.js';
import { parseModelId } from './parse-model-id.js';

describe('convertCallOptions', () => {
  it('maps sampling, stop, tools, tool choice, JSON schema output and the abort signal', () => {
    const controller = new AbortController();
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } as const;
    const { settings, warnings } = convertCallOptions({
      prompt: [],
      maxOutputTokens: 64,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
      tools: [{ type: 'function', name: 'getWeather', description: 'Weather by city', inputSchema: schema }],
      toolChoice: { type: 'tool', toolName: 'getWeather' },
      responseFormat: { type: 'json', schema, name: 'weather' },
      abortSignal: controller.signal,
    });
    expect(settings).toEqual({
      maxTokens: 64,
      temperature: 0.2,
      topP: 0.9,
      stop: ['END'],
      tools: [{ name: 'getWeather', description: 'Weather by city', parameters: schema }],
      toolChoice: { name: 'getWeather' },
      responseFormat: { type: 'json_schema', name: 'weather', schema },
      signal: controller.signal,
    });
    expect(warnings).toEqual([]);
  });

  it('asks for a JSON object when no schema is given, and nothing for text', () => {
    expect(convertCallOptions({ prompt: [], responseFormat: { type: 'json' } }).settings.responseFormat).toEqual({
      type: 'json_object',
    });
    expect(convertCallOptions({ prompt: [], responseFormat: { type: 'text' } }).settings).toEqual({});
  });

  it('warns about settings no provider takes the same way, and about provider tools', () => {
    const { settings, warnings } = convertCallOptions({
      prompt: [],
      topK: 5,
      seed: 42,
      presencePenalty: 0.5,
      headers: { 'x-trace': '1' },
      tools: [{ type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} }],
      toolChoice: { type: 'required' },
    });
    // The seed and the penalties reach the providers that take them (OpenAI-wire, Gemini).
    expect(settings).toEqual({ seed: 42, presencePenalty: 0.5 });
    expect(warnings.map((warning) => (warning.type === 'other' ? warning.message : warning.feature))).toEqual([
      'topK',
      'headers',
      'provider tool openai.web_search',
    ]);
  });
});

describe('parseModelId', () => {
  it('reads tiers, auto, and provider/model split at the first slash', () => {
    expect(parseModelId('tier-1')).toEqual({ tier: 1 });
    expect(parseModelId('tier-3')).toEqual({ tier: 3 });
    expect(parseModelId('auto')).toEqual({});
    expect(parseModelId('openai/gpt-4o-mini')).toEqual({ route: [{ provider: 'openai', model: 'gpt-4o-mini' }] });
    expect(parseModelId('together/meta-llama/Llama-3.3-70B-Instruct-Turbo')).toEqual({
      route: [{ provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' }],
    });
  });

  it('refuses anything else with a typed error naming the accepted forms', () => {
    for (const modelId of ['tier-4', 'gpt-4o', '/gpt-4o', 'openai/', '']) {
      expect(() => parseModelId(modelId)).toThrow(InvalidArgumentError);
    }
    expect(() => parseModelId('tier-4')).toThrow(/"auto", "tier-1", "tier-2", "tier-3" or "provider\/model"/);
  });
});
