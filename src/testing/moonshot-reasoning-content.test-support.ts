/**
 * Test support: the provider test server answering Moonshot's chat requests as kimi-k2.5 does with thinking on
 * (its default): its recorded success when every assistant message with tool calls carries `reasoning_content`,
 * else its 400 `thinking is enabled but reasoning_content is missing in assistant tool call message at index N`
 * (test/fixtures/moonshot; provenance in test/fixtures/SOURCES.md), with the headers of Moonshot's recorded error.
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFixturesDirectory } from './fixtures-directory.js';
import type { ProviderBehavior, StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';
import { parseRecordedHeaders } from './recorded-headers.js';

const errorBodyPath = fileURLToPath(new URL('../../test/fixtures/moonshot/error-400-reasoning-content-missing.json', import.meta.url));

/** The recorded message, for tests to check the error a caller gets. */
export const missingReasoningContentMessage = 'thinking is enabled but reasoning_content is missing in assistant tool call message at index';

/** The index of the first assistant message with tool calls and no string `reasoning_content`, or -1. */
export function indexMissingReasoningContent(body: unknown): number {
  const messages = typeof body === 'object' && body !== null ? (body as { messages?: unknown }).messages : undefined;
  if (!Array.isArray(messages)) return -1;
  return messages.findIndex((message: unknown) => {
    if (typeof message !== 'object' || message === null) return false;
    const { role, tool_calls: toolCalls, reasoning_content: reasoningContent } = message as Record<string, unknown>;
    return role === 'assistant' && Array.isArray(toolCalls) && toolCalls.length > 0 && typeof reasoningContent !== 'string';
  });
}

/** Moonshot's 400 for a history whose message at `index` lacks `reasoning_content`, with its recorded error headers. */
export function missingReasoningContentError(index: number): StatusBehavior {
  const head = parseRecordedHeaders(readFileSync(join(resolveFixturesDirectory(), 'moonshot', 'error-429-engine-overloaded.headers.txt'), 'utf8'));
  const body = readFileSync(errorBodyPath, 'utf8').replace('at index 7', `at index ${index}`);
  return { kind: 'status', status: 400, headers: Object.fromEntries(head.headers), body };
}

/**
 * From now on, each Moonshot chat request is answered by its body, as kimi-k2.5 answers: the recorded success
 * (streamed or not, as asked), or the 400 when an assistant tool-call message lacks `reasoning_content`. The
 * behaviour is queued when the server sees the request, before it picks one. Returns the unsubscribe function.
 */
export function answerAsThinkingKimi(server: ProviderTestServer): () => void {
  return server.onRequest((request) => {
    if (request.provider !== 'moonshot' || request.route !== 'chat' || request.outcome !== 'in-flight') return;
    const index = indexMissingReasoningContent(request.body);
    const behavior: ProviderBehavior = index === -1 ? { kind: 'success' } : missingReasoningContentError(index);
    server.enqueue('moonshot', behavior);
  });
}
