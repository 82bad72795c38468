import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { ChatRequest } from '../types.js';
import { buildGeminiChatRequest } from './gemini/build-gemini-request.js';
import { buildOpenAIChatRequest } from './openai-compatible/build-openai-chat-request.js';
import { refuseBeyondProviderLimits } from './provider-request-limits.js';

/** A Claude Code plugin's MCP tool, 65 characters (anthropics/claude-code#23149). */
const longName = 'mcp__plugin_atlassian_atlassian__getJiraProjectIssueTypesMetadata';
const request = (name: string): ChatRequest => ({
  model: 'a-model',
  messages: [{ role: 'user', content: 'List the issue types.' }],
  tools: [
    { name: 'Read', parameters: { type: 'object', properties: {} } },
    { name, parameters: { type: 'object', properties: {} } },
  ],
});
const options = (providerId: string) => ({ endpoint: { providerId, baseUrl: 'http://127.0.0.1:1', apiKey: 'test-key-0123456789' }, stream: false });

describe('tool names longer than a wire format takes', () => {
  it('are refused, for a provider that takes 64 (the built-in OpenAI and Google), as an invalid argument naming the tool, before the request is built', () => {
    expect(longName).toHaveLength(65);
    let caught: unknown;
    try {
      refuseBeyondProviderLimits(request(longName), { toolNameMaxLength: 64 });
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ argument: 'tools[1].name' });
    expect(String((caught as Error).message)).toContain('at most 64');
    expect(() => refuseBeyondProviderLimits(request('a'.repeat(64)), { toolNameMaxLength: 64 })).not.toThrow();
  });

  it('go as they are to a provider that sets no limit (an OpenAI-compatible server of one\'s own, such as vLLM)', () => {
    const openAIBody = JSON.parse(String(buildOpenAIChatRequest(request(longName), options('vllm')).body)) as { tools: { function: { name: string } }[] };
    expect(openAIBody.tools[1]!.function.name).toBe(longName);
    const geminiBody = JSON.parse(String(buildGeminiChatRequest(request(longName), options('gemini-proxy')).body)) as { tools: { functionDeclarations: { name: string }[] }[] };
    expect(geminiBody.tools[0]!.functionDeclarations[1]!.name).toBe(longName);
  });
});
