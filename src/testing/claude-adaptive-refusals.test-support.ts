/**
 * Test support: Claude Haiku 5.5 and Sonnet 5.5 (the catalog's Anthropic tiers) as they answer the Messages API, with
 * Anthropic's 400 invalid_request_errors as quoted in public reports (test/fixtures/anthropic; provenance in
 * test/fixtures/SOURCES.md) for what their migration guides say they refuse:
 * - a thinking budget (`thinking.type: "enabled"`): they think adaptively only;
 * - a temperature, top_p or top_k other than the default (a temperature of 1 is the default and taken);
 * - a conversation that ends on an assistant turn (a prefill);
 * - on Sonnet 5.5 only, `thinking: {type: "disabled"}` (Haiku 5.5's guide does not list it).
 * Sonnet 5.5's refusal of a forced tool choice is not played: no report quotes its words, and the router never sends
 * one (it fails over first). Any other request is answered with the server's default behaviour (the recorded success),
 * or, with `thinkingAnswers`, with Anthropic's recorded answer with a signed thinking block (the stream when asked for
 * one: anthropic-thinking-recordings.test-support.ts), as these models think unasked. No answer of these two models is
 * recorded: the recordings are older Claude models' (Sonnet 4.6, Sonnet 4.5), replayed under the new ids. The provider
 * test server picks a behaviour before it reads what was asked, so this enqueues it the moment a request is seen.
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { anthropicThinkingReplay } from './anthropic-thinking-recordings.test-support.js';
import type { ProviderBehavior, StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';

const fixturesDirectory = new URL('../../test/fixtures/anthropic/', import.meta.url);
const refusal = (name: string): StatusBehavior => ({
  kind: 'status',
  status: 400,
  contentType: 'application/json',
  body: readFileSync(fileURLToPath(new URL(name, fixturesDirectory)), 'utf8'),
});

/** The models the catalog marks `anthropicThinking: 'adaptive'`. */
export const adaptiveClaudeModels: ReadonlySet<unknown> = new Set(['claude-haiku-5-5', 'claude-sonnet-5-5']);

interface SentBody {
  readonly model?: unknown;
  readonly thinking?: { readonly type?: unknown };
  readonly temperature?: unknown;
  readonly top_p?: unknown;
  readonly top_k?: unknown;
  readonly messages?: readonly { readonly role?: unknown }[];
  readonly stream?: unknown;
}

/** Anthropic's refusal of the body for one of those models, when it would refuse it; otherwise undefined. */
function refusalOf(body: SentBody): StatusBehavior | undefined {
  if (body.thinking?.type === 'enabled') return refusal('error-400-thinking-type-enabled.json');
  if (body.thinking?.type === 'disabled' && body.model === 'claude-sonnet-5-5') return refusal('error-400-thinking-type-disabled.json');
  if ((body.temperature !== undefined && body.temperature !== 1) || body.top_p !== undefined || body.top_k !== undefined) {
    return refusal('error-400-temperature-deprecated.json');
  }
  if (Array.isArray(body.messages) && body.messages.at(-1)?.role === 'assistant') return refusal('error-400-prefill.json');
  return undefined;
}

/**
 * From now on the server's `anthropic` answers every chat request for Claude Haiku 5.5 or Sonnet 5.5 as they would
 * (above), and every other request with its default behaviour. Returns the function that stops it.
 */
export function answerAsAdaptiveClaude(server: ProviderTestServer, options: { readonly thinkingAnswers?: boolean } = {}): () => void {
  return server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.provider !== 'anthropic' || request.route !== 'chat') return;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as SentBody;
    if (!adaptiveClaudeModels.has(body.model)) return;
    const behavior: ProviderBehavior | undefined =
      refusalOf(body) ??
      (options.thinkingAnswers === true ? anthropicThinkingReplay(body.stream === true ? 'messages-stream-thinking.chunks.txt' : 'message-thinking-tool-use.json') : undefined);
    if (behavior !== undefined) server.enqueue('anthropic', behavior);
  });
}
