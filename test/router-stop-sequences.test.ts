/**
 * Stop sequences past a provider's limit (`ProviderDefinition.stopSequencesMaxCount`): OpenAI takes 4, Gemini and
 * Moonshot 5, Anthropic more. Continue's autocomplete sends 9 (continuedev/continue#2461): such a call is not sent to a provider
 * that would refuse it but fails over, before anything leaves, to one that takes it; when none does, the router's
 * error names `stop`. The provider test server replays each provider's recorded traffic over real HTTP.
 */
import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, InvalidArgumentError, ProviderError } from '../src/index.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });

/** Continue's autocomplete stop sequences, as many as it sends (9), none whitespace only. */
const nine = ['/src/', '#- coding: utf-8', '```', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<|endoftext|>', '<file_sep>', '</code>'];
const openAI = { provider: 'openai', model: 'gpt-4o-mini' };
const anthropic = { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' };
const google = { provider: 'google', model: 'gemini-3.5-flash-lite' };
const moonshot = { provider: 'moonshot', model: 'kimi-k3.1-pro' };

describe('a call with more stop sequences than a provider takes', () => {
  it('skips OpenAI, before anything is sent to it, and is answered by Anthropic with every sequence', async () => {
    const result = await harness.makeRouter().complete('def add(a, b):', { route: [openAI, anthropic], stop: nine });
    expect(result.provider).toBe('anthropic');
    expect(result.content.length).toBeGreaterThan(0);
    expect(harness.server.requests.map((request) => request.provider)).toEqual(['anthropic']);
    expect((harness.server.requests[0]?.body as { stop_sequences: string[] }).stop_sequences).toEqual(nine);
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'failure', reason: 'generation_failed' });
  });

  it('streams from Anthropic too', async () => {
    const stream = harness.makeRouter().stream('def add(a, b):', { route: [openAI, anthropic], stop: nine });
    let text = '';
    for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.text;
    expect(text.length).toBeGreaterThan(0);
    expect((await stream.result).provider).toBe('anthropic');
    expect(harness.server.requests.map((request) => request.provider)).toEqual(['anthropic']);
  });

  it('goes to Gemini with 5, which OpenAI refuses and Gemini takes', async () => {
    const result = await harness.makeRouter().complete('def add(a, b):', { route: [openAI, google], stop: nine.slice(0, 5) });
    expect(result.provider).toBe('google');
    expect(harness.server.requests.map((request) => request.provider)).toEqual(['google']);
    expect((harness.server.requests[0]?.body as { generationConfig: { stopSequences: string[] } }).generationConfig.stopSequences).toEqual(nine.slice(0, 5));
  });

  it("skips Moonshot with 9, past the 5 its API reference allows, and is answered by Anthropic", async () => {
    const result = await harness.makeRouter().complete('def add(a, b):', { route: [moonshot, anthropic], stop: nine });
    expect(result.provider).toBe('anthropic');
    expect(harness.server.requests.map((request) => request.provider)).toEqual(['anthropic']);
    expect(result.attempts[0]).toMatchObject({ provider: 'moonshot', outcome: 'failure', reason: 'generation_failed' });
  });

  it('goes to Moonshot with 5, which OpenAI refuses, every sequence sent', async () => {
    const result = await harness.makeRouter().complete('def add(a, b):', { route: [openAI, moonshot], stop: nine.slice(0, 5) });
    expect(result.provider).toBe('moonshot');
    expect(harness.server.requests.map((request) => request.provider)).toEqual(['moonshot']);
    expect((harness.server.requests[0]?.body as { stop: string[] }).stop).toEqual(nine.slice(0, 5));
  });

  it('fails naming stop when no candidate takes them, nothing sent', async () => {
    const error = await harness.makeRouter().complete('def add(a, b):', { route: [openAI, google], stop: nine }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    const causes = (error as AllProvidersFailedError).errors.map((each) => (ProviderError.isInstance(each) ? each.cause : undefined));
    expect(causes).toEqual([expect.any(InvalidArgumentError), expect.any(InvalidArgumentError)]);
    expect(causes.map((cause) => (cause as InvalidArgumentError).argument)).toEqual(['stop', 'stop']);
    expect((error as AllProvidersFailedError).errors.map((each) => each.message)).toEqual([
      expect.stringContaining('9 stop sequences were given; this provider takes at most 4'),
      expect.stringContaining('9 stop sequences were given; this provider takes at most 5'),
    ]);
    expect(harness.server.requests).toHaveLength(0);
  });
});
