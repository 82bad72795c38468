import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import type { ChatRequest, JsonSchema } from '../../types.js';
import type { EndpointConfig } from '../wire-protocol.js';
import { buildAnthropicChatRequest } from './build-anthropic-request.js';

const endpoint: EndpointConfig = { providerId: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test' };
const city = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const asked = (schema: JsonSchema): ChatRequest => ({
  model: 'claude-haiku-4-5-20251001',
  messages: [{ role: 'user', content: 'Which city?' }],
  responseFormat: { type: 'json_schema', name: 'answer', schema, strict: true },
});

function bodyOf(request: ChatRequest, options: Partial<Parameters<typeof buildAnthropicChatRequest>[1]> = {}): Record<string, unknown> {
  return JSON.parse(buildAnthropicChatRequest(request, { endpoint, stream: false, ...options }).body ?? 'null') as Record<string, unknown>;
}

function refusalOf(request: ChatRequest, options: Partial<Parameters<typeof buildAnthropicChatRequest>[1]> = {}): InvalidArgumentError {
  try {
    bodyOf(request, options);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('The request was not refused');
}

describe('structured output on the Anthropic wire', () => {
  it('sends a JSON Schema as output_config.format, the schema as given', () => {
    expect(bodyOf(asked(city)).output_config).toEqual({ format: { type: 'json_schema', schema: city } });
  });

  it("keeps an adaptive thinker's effort beside the format", () => {
    const body = bodyOf({ ...asked(city), reasoningEffort: 'low' }, { anthropicThinking: 'adaptive', reasoningModel: true });
    expect(body.output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema: city } });
    expect(body.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
  });

  it('closes an object that does not say additionalProperties, at every depth, without changing the caller schema', () => {
    const schema = { type: 'object', properties: { trip: { type: 'object', properties: { stops: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } } } } };
    const before = JSON.stringify(schema);
    expect(bodyOf(asked(schema)).output_config).toEqual({
      format: {
        type: 'json_schema',
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: {
            trip: { type: 'object', additionalProperties: false, properties: { stops: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } } } } },
          },
        },
      },
    });
    expect(JSON.stringify(schema)).toBe(before);
  });

  it.each([
    ['a number bound', { type: 'object', properties: { age: { type: 'integer', minimum: 0 } } }, /schema\.properties\.age has minimum/],
    ['a string length', { type: 'object', properties: { code: { type: 'string', maxLength: 3 } } }, /maxLength/],
    ['minItems past 1', { type: 'array', items: { type: 'string' }, minItems: 2 }, /minItems 2/],
    ['an open object', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true }, /allows additional properties/],
    ['a map', { type: 'object', additionalProperties: { type: 'string' } }, /allows additional properties/],
    ['an object of any properties', { type: 'object' }, /object of any properties/],
    ['a bound inside anyOf', { anyOf: [{ type: 'number', multipleOf: 5 }, { type: 'null' }] }, /anyOf\[0\] has multipleOf/],
  ])('refuses %s before sending (Anthropic answers it with a 400)', (_name, schema, message) => {
    const refusal = refusalOf(asked(schema));
    expect(refusal.argument).toBe('responseFormat');
    expect(refusal.message).toMatch(message);
  });

  it('refuses a model marked structuredOutput: refused, and a prefill with a format', () => {
    expect(refusalOf(asked(city), { structuredOutput: 'refused' }).message).toMatch(/claude-haiku-4-5-20251001 takes no structured output/);
    const prefill: ChatRequest = { ...asked(city), messages: [...asked(city).messages, { role: 'assistant', content: '{"city":' }] };
    expect(refusalOf(prefill).message).toMatch(/prefill/);
  });

  it('sends json_object and text as before: no output_config (Anthropic has no schema for any object)', () => {
    for (const responseFormat of [{ type: 'json_object' }, { type: 'text' }] as const) {
      expect(bodyOf({ ...asked(city), responseFormat })).not.toHaveProperty('output_config');
      expect(bodyOf({ ...asked(city), responseFormat }, { structuredOutput: 'refused' })).not.toHaveProperty('output_config');
    }
  });
});
