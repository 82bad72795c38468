/**
 * `POST /v1/messages/count_tokens`, which Claude Code calls for its context accounting, through Anthropic's
 * own client: an estimate made here (no upstream call), checked against what Anthropic billed for the
 * recorded requests of the fixtures.
 */
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedFixturesDirectory } from '../src/testing/shared-fixtures.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let client: Anthropic;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: 'keys:\n  - { name: team, keyEnv: TEAM_KEY, models: [anthropic/*] }\n',
    env: { TEAM_KEY: 'team-key-0123456789abcdef' },
  });
  client = harness.anthropicClient;
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

/** A recorded Messages request and the input tokens Anthropic billed for it (its recorded answer's usage). */
function recorded(name: string): { request: Anthropic.MessageCountTokensParams; billed: number } {
  const directory = `${sharedFixturesDirectory()}/anthropic`;
  const { max_tokens: _maxTokens, stream: _stream, ...request } = JSON.parse(readFileSync(`${directory}/${name}.request.json`, 'utf8')) as Record<string, unknown>;
  const answer = readFileSync(`${directory}/${name}${name.startsWith('messages-stream') ? '.sse' : '.json'}`, 'utf8');
  const billed = Number(/"input_tokens":\s*(\d+)/.exec(answer)?.[1]);
  // As provider/model: the recordings name Anthropic's aliases, which the catalog does not list.
  return { request: { ...request, model: `anthropic/${String(request['model'])}` } as unknown as Anthropic.MessageCountTokensParams, billed };
}

describe('count_tokens', () => {
  it.each(['message', 'message-system-prompt', 'message-tool-use', 'messages-stream', 'messages-stream-tool-use'])(
    "counts the recorded request %s within a quarter of what Anthropic billed for it, without an upstream call",
    async (name) => {
      const { request, billed } = recorded(name);
      const counted = await client.messages.countTokens(request);
      expect(billed).toBeGreaterThan(0);
      expect(counted.input_tokens / billed).toBeGreaterThan(0.75);
      expect(counted.input_tokens / billed).toBeLessThan(1.25);
      expect(harness.providers.requests).toHaveLength(0);
    },
  );

  it('counts the system prompt, tools, images and a long conversation, as Claude Code sends them (?beta=true)', async () => {
    const model = 'anthropic/claude-sonnet-4-6';
    const question: Anthropic.MessageParam[] = [{ role: 'user', content: 'What does this repository do?' }];
    const count = async (params: Partial<Anthropic.MessageCountTokensParams>) =>
      (await client.beta.messages.countTokens({ model, messages: question, ...params } as Anthropic.Beta.MessageCountTokensParams)).input_tokens;
    const plain = await count({});
    expect(await count({ system: 'You are a careful engineer. '.repeat(100) })).toBeGreaterThan(plain + 400);
    const tools = [{ name: 'Read', description: 'Read a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } }];
    expect(await count({ tools })).toBeGreaterThan(plain + 346);
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const withImage: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'text', text: 'And this?' }] }];
    expect(await count({ messages: withImage })).toBeGreaterThan(1600);
    const long: Anthropic.MessageParam[] = Array.from({ length: 40 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: 'Tell me more about the router. '.repeat(20) }) as Anthropic.MessageParam);
    expect(await count({ messages: [...long, question[0]!] })).toBeGreaterThan(40 * 20 * 6);
  });

  it('counts hostile text (one unbroken 200,000-letter run, unpunctuated CJK) in pieces, and logs each count', async () => {
    const model = 'anthropic/claude-sonnet-4-6';
    const run = await client.messages.countTokens({ model, messages: [{ role: 'user', content: 'x'.repeat(200_000) }] });
    expect(run.input_tokens).toBeGreaterThan(200_000 / 10);
    expect(run.input_tokens).toBeLessThan(200_000 / 2);
    const cjk = await client.messages.countTokens({ model, messages: [{ role: 'user', content: '漢字'.repeat(20_000) }] });
    expect(cjk.input_tokens).toBeGreaterThan(20_000);
    expect(harness.logLines.at(-1)).toMatchObject({ msg: 'messages.count_tokens', status: 200, requestedModel: model, inputTokens: cjk.input_tokens });
    expect(JSON.stringify(harness.logLines.at(-1))).not.toContain('漢字');
  });

  it('refuses what a Messages request would refuse, in Anthropic error shapes, and a model the key may not call', async () => {
    const missing = await client.messages.countTokens({ model: 'anthropic/claude-sonnet-4-6' } as never).catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    const unknown = await client.messages.countTokens({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(unknown).toMatchObject({ status: 404 });
    const team = new Anthropic({ baseURL: harness.url, apiKey: 'team-key-0123456789abcdef', maxRetries: 0 });
    const refused = await team.messages.countTokens({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 403 });
    const allowed = await team.messages.countTokens({ model: 'anthropic/claude-haiku-4-5-20251001', messages: [{ role: 'user', content: 'Hi' }] });
    expect(allowed.input_tokens).toBeGreaterThan(0);
    const noKey = new Anthropic({ baseURL: harness.url, apiKey: 'wrong-key', maxRetries: 0 });
    expect(await noKey.messages.countTokens({ model: 'anthropic/claude-haiku-4-5-20251001', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught)).toMatchObject({ status: 401 });
    expect(harness.providers.requests).toHaveLength(0);
  });
});
