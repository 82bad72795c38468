import { describe, expect, it } from 'vitest';
import type { AssistantMessage, ChatRequest } from '../../types.js';
import type { EndpointConfig } from '../wire-protocol.js';
import type { GeminiContent } from './gemini-api-types.js';
import { buildGeminiChatRequest, buildGeminiModelsListRequest, requiresThoughtSignatures } from './build-gemini-request.js';
import { readFixtureJson, readFixtureRequestHeaders } from './gemini-fixtures.test-support.js';
import { parseGeminiResponse } from './parse-gemini-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const apiKey = 'AIzaSyTestKey0123456789abcdefghijklmno';
const endpoint: EndpointConfig = { providerId: 'google', baseUrl: 'https://generativelanguage.googleapis.com', apiKey };

const crewSystem =
  'You are Research Assistant. You are a helpful research assistant.\nYour personal goal is: Find information about the capital of COUNTRY\nTo give my best complete final answer to the task respond using the exact following format:\n\nThought: I now can give a great answer\nFinal Answer: Your final answer must be the great and the most complete as possible, it must be outcome described.\n\nI MUST use these formats, my job depends on it!';
const crewTask =
  '\nCurrent Task: What is the capital of COUNTRY?\n\nThis is the expected criteria for your final answer: The capital of COUNTRY\nyou MUST return the actual complete content as the final answer, not a summary.\n\nBegin! This is VERY important to you, use the tools available and give your best Final Answer, your job depends on it!\n\nThought:';

function crewRequest(model: string, country: string): ChatRequest {
  return {
    model,
    messages: [
      { role: 'system', content: crewSystem.replaceAll('COUNTRY', country) },
      { role: 'user', content: crewTask.replaceAll('COUNTRY', country) },
    ],
    stop: ['\nObservation:'],
  };
}

/** Recorded schemas use Gemini's upper-case type names; the API takes either case, we send lower case. */
function lowerCaseTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerCaseTypes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === 'type' && typeof inner === 'string' ? inner.toLowerCase() : lowerCaseTypes(inner)]),
  );
}

/** Our request for each recorded one, and how the recorded body differs from ours on purpose. */
const recordedRequests: { name: string; stream: boolean; request: ChatRequest; expected?: (recorded: unknown) => unknown }[] = [
  {
    name: 'generateContent',
    stream: false,
    request: {
      model: 'gemini-3-pro-preview',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'What is 2+2?' },
      ],
    },
  },
  {
    name: 'generateContent-function-call',
    stream: false,
    request: {
      model: 'gemini-2.5-flash',
      messages: [
        {
          role: 'system',
          content: 'You are Math Assistant. You are a helpful math assistant.\nYour personal goal is: Help users with mathematical calculations',
        },
        {
          role: 'user',
          content:
            '\nCurrent Task: Calculate what is 15 * 8\n\nThis is the expected criteria for your final answer: The result of the calculation\nyou MUST return the actual complete content as the final answer, not a summary.',
        },
      ],
      stop: ['\nObservation:'],
      tools: [
        {
          name: 'calculator',
          description: 'Perform mathematical calculations. Use this for any math operations.',
          parameters: {
            properties: { expression: { description: 'Mathematical expression to evaluate', title: 'Expression', type: 'string' } },
            required: ['expression'],
            type: 'object',
            additionalProperties: false,
          },
        },
      ],
    },
    // The SDK sent the newer `parameters_json_schema` (full JSON Schema); we send `parameters`, Gemini's
    // OpenAPI subset, which has no `additionalProperties`.
    expected: (recorded) => {
      const body = recorded as { tools: { functionDeclarations: Record<string, unknown>[] }[] };
      return {
        ...body,
        tools: [
          {
            functionDeclarations: body.tools[0]?.functionDeclarations.map(({ parameters_json_schema: _schema, ...rest }) => ({
              ...rest,
              parameters: {
                properties: { expression: { description: 'Mathematical expression to evaluate', title: 'Expression', type: 'string' } },
                required: ['expression'],
                type: 'object',
              },
            })),
          },
        ],
      };
    },
  },
  { name: 'streamGenerateContent-sse', stream: true, request: crewRequest('gemini-2.0-flash-exp', 'Canada') },
  { name: 'error-400-api-key-invalid-stream', stream: true, request: crewRequest('gemini-2.0-flash-exp', 'Japan') },
  {
    name: 'streamGenerateContent-sse-3chunks',
    stream: true,
    request: {
      model: 'gemini-2.0-flash-exp',
      messages: [
        { role: 'system', content: 'You are a helpful chatbot.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      temperature: 0,
    },
  },
  {
    name: 'streamGenerateContent-sse-function-call',
    stream: true,
    request: {
      model: 'gemini-2.0-flash',
      messages: [{ role: 'user', content: 'What is the temperature in San Francisco?' }],
      tools: [
        {
          name: 'get_current_temperature',
          description: 'Get the current temperature in a city.',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', description: 'The name of the city to get the temperature for.' } },
            required: ['city'],
          },
        },
      ],
    },
    expected: lowerCaseTypes,
  },
];

function bodyOf(request: ChatRequest, stream = false): Record<string, unknown> {
  return JSON.parse(buildGeminiChatRequest(request, { endpoint, stream }).body ?? 'null') as Record<string, unknown>;
}

describe('buildGeminiChatRequest against the recorded requests', () => {
  for (const { name, stream, request, expected } of recordedRequests) {
    it(`builds the body of ${name}.request.json`, () => {
      const recorded = readFixtureJson(`${name}.request.json`);
      expect(bodyOf(request, stream)).toEqual(expected === undefined ? recorded : expected(recorded));
    });

    it(`sends to the URL, with the headers, of ${name}.request-headers.txt, and the key only in a header`, () => {
      const recorded = readFixtureRequestHeaders(`${name}.request-headers.txt`);
      const spec = buildGeminiChatRequest(request, { endpoint, stream });
      expect(spec.method).toBe(recorded.method);
      expect(spec.url).toBe(recorded.url);
      expect(spec.url).not.toContain(apiKey);
      expect(spec.url).not.toMatch(/[?&]key=/);
      expect(spec.headers['content-type']).toBe(recorded.headers['content-type']);
      expect(spec.headers['x-goog-api-key']).toBe(apiKey);
      for (const header of Object.keys(spec.headers)) {
        expect([...Object.keys(recorded.headers), 'x-goog-api-key']).toContain(header);
      }
    });
  }
});

describe('buildGeminiChatRequest', () => {
  const base: ChatRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };
  const tool = {
    name: 'lookup',
    description: 'Look up',
    parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  };

  it('maps the generation settings', () => {
    expect(bodyOf({ ...base, temperature: 1.4, maxTokens: 256, topP: 0.9, stop: ['END'] })['generationConfig']).toEqual({
      temperature: 1.4,
      maxOutputTokens: 256,
      topP: 0.9,
      stopSequences: ['END'],
    });
  });

  it('passes the seed and the penalties in the generation config', () => {
    expect(bodyOf({ ...base, seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.25 })['generationConfig']).toEqual({
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.25,
    });
  });

  it("gives a thinking model the effort's budget, within a maxOutputTokens grown by it", () => {
    const thinker = { endpoint, stream: false, reasoningModel: true, maxOutputTokens: 65_536 } as const;
    const config = (request: ChatRequest, options: Parameters<typeof buildGeminiChatRequest>[1] = thinker) =>
      (JSON.parse(buildGeminiChatRequest(request, options).body ?? 'null') as { generationConfig: Record<string, unknown> }).generationConfig;
    expect(config({ ...base, reasoningEffort: 'low' })).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
    expect(config({ ...base, reasoningEffort: 'medium', maxTokens: 500 })).toEqual({ maxOutputTokens: 8692, thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
    expect(config({ ...base, reasoningEffort: 'high', maxTokens: 60_000 })).toEqual({ maxOutputTokens: 65_536, thinkingConfig: { thinkingBudget: 24_576, includeThoughts: true } });
    // A stream is asked for the thought summaries too.
    expect(config({ ...base, reasoningEffort: 'low' }, { ...thinker, stream: true })).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
    // A model that does not reason is asked as always.
    expect(config({ ...base, reasoningEffort: 'high', maxTokens: 500 }, { endpoint, stream: false })).toEqual({ maxOutputTokens: 500 });
  });

  it('gives a model that thinks by level (Gemini 3) the level of the effort, and no budget, within a bound grown as for a budget', () => {
    const levels = { endpoint, stream: false, reasoningModel: true, maxOutputTokens: 65_536, thinkingLevels: ['low', 'medium', 'high'] } as const;
    const config = (request: ChatRequest, options: Parameters<typeof buildGeminiChatRequest>[1] = levels) =>
      (JSON.parse(buildGeminiChatRequest(request, options).body ?? 'null') as { generationConfig: Record<string, unknown> }).generationConfig;
    expect(config({ ...base, reasoningEffort: 'low' })).toEqual({ thinkingConfig: { thinkingLevel: 'low', includeThoughts: true } });
    expect(config({ ...base, reasoningEffort: 'medium', maxTokens: 500 })).toEqual({ maxOutputTokens: 8692, thinkingConfig: { thinkingLevel: 'medium', includeThoughts: true } });
    expect(config({ ...base, reasoningEffort: 'high', maxTokens: 60_000 })).toEqual({ maxOutputTokens: 65_536, thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
    // Where the model's limit leaves no room, the level is still asked, within the caller's bound.
    expect(config({ ...base, reasoningEffort: 'high', maxTokens: 65_536 })).toEqual({ maxOutputTokens: 65_536, thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
    // An effort the model has no level of is asked as the nearest it has, the higher of two as near.
    expect(config({ ...base, reasoningEffort: 'medium' }, { ...levels, thinkingLevels: ['low', 'high'] })).toEqual({ thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
    expect(config({ ...base, reasoningEffort: 'low' }, { ...levels, thinkingLevels: ['medium', 'high'] })).toEqual({ thinkingConfig: { thinkingLevel: 'medium', includeThoughts: true } });
    expect(config({ ...base, reasoningEffort: 'high' }, { ...levels, stream: true })).toEqual({ thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
    // No thinking (`none`), which no level asks: the least level the model takes, `minimal` where it is listed, its
    // thoughts not asked for, the bound grown by the room of `low`; a budget model is asked nothing.
    expect(config({ ...base, reasoningEffort: 'none', maxTokens: 64 }, { ...levels, thinkingLevels: ['minimal', 'low', 'medium', 'high'] })).toEqual({
      maxOutputTokens: 64 + 1024,
      thinkingConfig: { thinkingLevel: 'minimal' },
    });
    expect(config({ ...base, reasoningEffort: 'none', maxTokens: 64 })).toEqual({ maxOutputTokens: 64 + 1024, thinkingConfig: { thinkingLevel: 'low' } });
    expect(config({ ...base, reasoningEffort: 'none', maxTokens: 64 }, { endpoint, stream: false, reasoningModel: true })).toEqual({ maxOutputTokens: 64 });
    // No effort, or a model that does not reason: no thinking asked.
    expect(config({ ...base, maxTokens: 500 })).toEqual({ maxOutputTokens: 500 });
    expect(config({ ...base, reasoningEffort: 'high', maxTokens: 500 }, { ...levels, reasoningModel: false })).toEqual({ maxOutputTokens: 500 });
  });

  it('asks for JSON, with the schema in Gemini form, for JSON response formats', () => {
    expect(bodyOf({ ...base, responseFormat: { type: 'json_object' } })['generationConfig']).toEqual({
      responseMimeType: 'application/json',
    });
    const config = bodyOf({
      ...base,
      responseFormat: {
        type: 'json_schema',
        name: 'answer',
        strict: true,
        schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false },
      },
    })['generationConfig'];
    expect(config).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
    });
    expect(bodyOf({ ...base, responseFormat: { type: 'text' } })['generationConfig']).toEqual({});
  });

  it('maps each tool choice to a function calling mode', () => {
    const configOf = (toolChoice: ChatRequest['toolChoice']) =>
      bodyOf({ ...base, tools: [tool], ...(toolChoice === undefined ? {} : { toolChoice }) })['toolConfig'];
    expect(configOf(undefined)).toBeUndefined();
    expect(configOf('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(configOf('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(configOf('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(configOf({ name: 'lookup' })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } });
  });

  it('leaves out the parameters of a function that takes none (Gemini refuses an empty object schema)', () => {
    const body = bodyOf({ ...base, tools: [{ name: 'now', parameters: { type: 'object', properties: {} } }] });
    expect(body['tools']).toEqual([{ functionDeclarations: [{ name: 'now' }] }]);
  });

  it('sends no tools or tool config for an empty tool list', () => {
    const body = bodyOf({ ...base, tools: [], toolChoice: 'auto' });
    expect(Object.keys(body).sort()).toEqual(['contents', 'generationConfig']);
  });

  it('escapes the model in the path and accepts the models/ prefix', () => {
    const url = (model: string) => buildGeminiChatRequest({ ...base, model }, { endpoint, stream: false }).url;
    expect(url('models/gemini-2.5-flash')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(url('tuned/../x?y')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/tuned%2F..%2Fx%3Fy:generateContent',
    );
  });

  it('sends a recorded call back with its signature in the next turn, and asks Gemini 3 to skip the check for a call it never made', () => {
    const answer = parseGeminiResponse(readFixtureJson('generateContent-function-call.json'), { providerId: 'google', headers: noResponseHeaders });
    const signed = answer.toolCalls[0];
    if (signed?.thoughtSignature === undefined) throw new Error('the recording has a signed call');
    const nextTurn = (model: string, assistant: AssistantMessage): GeminiContent[] =>
      bodyOf({
        model,
        messages: [
          { role: 'user', content: 'What is 15 * 8?' },
          assistant,
          { role: 'tool', toolCallId: 'call_0', toolName: 'calculator', content: '120' },
        ],
      }).contents as GeminiContent[];
    const replayed = nextTurn('gemini-2.5-flash', { role: 'assistant', content: '', toolCalls: [signed] });
    expect(replayed[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'calculator', args: { expression: '15 * 8' } }, thoughtSignature: signed.thoughtSignature }],
    });
    // The same call made by another provider: no signature of Gemini's exists.
    const foreign = { id: 'call_0', name: 'calculator', arguments: '{"expression":"15 * 8"}' };
    const toGemini3 = nextTurn('gemini-3-pro-preview', { role: 'assistant', content: '', toolCalls: [foreign] });
    expect(toGemini3[1]?.parts[0]).toEqual({
      functionCall: { name: 'calculator', args: { expression: '15 * 8' } },
      thoughtSignature: 'skip_thought_signature_validator',
    });
    expect(JSON.stringify(nextTurn('gemini-2.5-flash', { role: 'assistant', content: '', toolCalls: [foreign] }))).not.toContain(
      'thoughtSignature',
    );
  });

  it('knows which models require thought signatures from the version in the id', () => {
    expect(requiresThoughtSignatures('gemini-3-pro-preview')).toBe(true);
    expect(requiresThoughtSignatures('models/gemini-3.1-flash-lite-preview')).toBe(true);
    expect(requiresThoughtSignatures('gemini-10-ultra')).toBe(true);
    expect(requiresThoughtSignatures('gemini-2.5-flash')).toBe(false);
    expect(requiresThoughtSignatures('models/gemini-1.5-pro')).toBe(false);
    expect(requiresThoughtSignatures('learnlm-2.0-flash-experimental')).toBe(false);
    expect(requiresThoughtSignatures('tuned/gemini-3-x')).toBe(false);
  });

  it('sends no key header when the endpoint takes no key', () => {
    const spec = buildGeminiChatRequest(base, { endpoint: { ...endpoint, apiKey: '' }, stream: true });
    expect(spec.headers).toEqual({ 'content-type': 'application/json' });
    expect(spec.url.endsWith(':streamGenerateContent?alt=sse')).toBe(true);
  });
});

describe('buildGeminiModelsListRequest', () => {
  it('lists models with the key in the header only', () => {
    expect(buildGeminiModelsListRequest(endpoint)).toEqual({
      method: 'GET',
      url: 'https://generativelanguage.googleapis.com/v1beta/models',
      headers: { 'x-goog-api-key': apiKey },
    });
  });
});
