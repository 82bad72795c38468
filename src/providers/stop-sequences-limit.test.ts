import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { ChatRequest } from '../types.js';
import { buildAnthropicChatRequest } from './anthropic/build-anthropic-request.js';
import { buildGeminiChatRequest } from './gemini/build-gemini-request.js';
import { buildOpenAIChatRequest } from './openai-compatible/build-openai-chat-request.js';
import type { BuildChatRequestOptions } from './wire-protocol.js';
import { refuseBeyondProviderLimits } from './provider-request-limits.js';

/** The 9 stop sequences of a Continue autocomplete call (continuedev/continue#2461), none of them whitespace only. */
const nine = ['/src/', '#- coding: utf-8', '```', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<|endoftext|>', '<file_sep>', '</code>'];
const request = (stop: readonly string[]): ChatRequest => ({ model: 'a-model', messages: [{ role: 'user', content: 'def add(a, b):' }], stop });
const options = (providerId: string): BuildChatRequestOptions => ({
  endpoint: { providerId, baseUrl: 'http://127.0.0.1:1', apiKey: 'test-key-0123456789' },
  stream: false,
});
const builders = [
  ['OpenAI', buildOpenAIChatRequest],
  ['Gemini', buildGeminiChatRequest],
  ['Anthropic', buildAnthropicChatRequest],
] as const;

function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('more stop sequences than a provider takes', () => {
  it('are refused, for a provider that sets a limit, as an invalid argument naming stop, before the request is built', () => {
    const caught = thrownBy(() => refuseBeyondProviderLimits(request(nine), { stopSequencesMaxCount: 4 }));
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ argument: 'stop' });
    expect(String((caught as Error).message)).toBe('9 stop sequences were given; this provider takes at most 4');
    expect(thrownBy(() => refuseBeyondProviderLimits(request(nine.slice(0, 4)), { stopSequencesMaxCount: 4 }))).toBeUndefined();
  });

  it.each(builders)('go as they are through the %s builder, all of them to a provider that sets none (a server of one\'s own)', (_, build) => {
    expect(String(build(request(nine.slice(0, 4)), options('limited')).body)).toContain(JSON.stringify(nine.slice(0, 4)));
    expect(String(build(request(nine), options('own-server')).body)).toContain(JSON.stringify(nine));
  });
});

describe('a stop sequence of whitespace alone', () => {
  it('is refused by the Anthropic builder, naming it, so the call fails over rather than meeting Anthropic\'s 400', () => {
    const caught = thrownBy(() => buildAnthropicChatRequest(request(['```', '\n\n']), options('anthropic')));
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ argument: 'stop[1]' });
  });

  it('goes as it is to the OpenAI wire, which takes it', () => {
    expect(String(buildOpenAIChatRequest(request(['```', '\n\n']), options('openai')).body)).toContain(JSON.stringify(['```', '\n\n']));
  });
});
