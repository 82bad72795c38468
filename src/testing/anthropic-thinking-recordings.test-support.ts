/**
 * Test support: Anthropic's recorded answers with signed thinking blocks, kept in this repository
 * (test/fixtures/anthropic; provenance in test/fixtures/SOURCES.md) as the shared fixtures hold none. Claude
 * Sonnet 4.6 thinking before a tool call, not streamed; Claude Sonnet 4.5 streaming its thinking (`thinking_delta`,
 * then its `signature_delta`) before its text. And Anthropic's 400 to a thinking call whose last assistant turn
 * called tools without its thinking block first, served as Anthropic decides it, by the body.
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { anthropicRecordingReplay } from './anthropic-recording-replay.test-support.js';
import type { ProviderBehavior, StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';
import { frameTypedJsonLinesAsSse } from './sse-events.js';

/** The answer not streamed (a JSON body), and the stream's events as recorded (one JSON payload a line). */
export type AnthropicThinkingRecording = 'message-thinking-tool-use.json' | 'messages-stream-thinking.chunks.txt';

const anthropicFixturesDirectory = fileURLToPath(new URL('../../test/fixtures/anthropic/', import.meta.url));

export function readAnthropicThinkingRecording(name: AnthropicThinkingRecording | 'error-400-thinking-block-missing.json'): string {
  return readFileSync(`${anthropicFixturesDirectory}${name}`, 'utf8');
}

/** The recorded stream's payloads, one a line, in order. */
export function anthropicThinkingStreamPayloads(): string[] {
  return readAnthropicThinkingRecording('messages-stream-thinking.chunks.txt').split('\n');
}

/**
 * The recorded stream as Anthropic writes it: each recorded payload as one event named after its type; with
 * `events`, only the first that many, as a stream cut off there (the server's `truncate-after-events`).
 */
export function anthropicThinkingStreamBody(options: { readonly events?: number } = {}): string {
  return frameTypedJsonLinesAsSse(readAnthropicThinkingRecording('messages-stream-thinking.chunks.txt')).slice(0, options.events).join('');
}

/**
 * The recording as the provider test server replays it: its body, with the headers of Anthropic's recorded answer of
 * the same kind in the shared fixtures (the source recorded none; framing dropped). `events` cuts the stream short.
 */
export function anthropicThinkingReplay(name: AnthropicThinkingRecording, options: { readonly events?: number } = {}): StatusBehavior {
  const stream = name.endsWith('.chunks.txt');
  return anthropicRecordingReplay({ stream, body: stream ? anthropicThinkingStreamBody(options) : readAnthropicThinkingRecording(name) });
}

/** The recorded message's words that name the rule, for tests to check the error a caller gets. */
export const thinkingBlockMissingMessage = 'a final `assistant` message must start with a thinking block';

interface WireMessage {
  readonly role?: unknown;
  readonly content?: unknown;
}

/**
 * Where a thinking call's body breaks Anthropic's rule: the index of its last assistant turn when that turn calls
 * tools and does not start with a thinking or redacted_thinking block, and the type it starts with; undefined when
 * the call does not think or keeps the rule.
 */
export function missingThinkingBlock(body: unknown): { readonly index: number; readonly found: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { thinking, messages } = body as { thinking?: { type?: unknown }; messages?: unknown };
  if (thinking?.type !== 'enabled' || !Array.isArray(messages)) return undefined;
  const index = messages.findLastIndex((message: WireMessage) => message.role === 'assistant');
  const content = (messages[index] as WireMessage | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  const types = content.map((block: { type?: unknown }) => String(block.type));
  if (!types.includes('tool_use')) return undefined;
  const first = types[0] ?? '';
  return first === 'thinking' || first === 'redacted_thinking' ? undefined : { index, found: first };
}

/** Anthropic's recorded 400 for a body that breaks the rule at `index`, naming the index and the block found. */
export function thinkingBlockMissingError(at: { readonly index: number; readonly found: string }): StatusBehavior {
  const body = readAnthropicThinkingRecording('error-400-thinking-block-missing.json')
    .replace('messages.1.content.0.type', `messages.${at.index}.content.0.type`)
    .replace('but found `tool_use`', `but found \`${at.found}\``);
  return { kind: 'status', status: 400, headers: { 'content-type': 'application/json' }, body };
}

/**
 * From now on, each Anthropic chat request is answered by its body, as Anthropic does: the recorded 400 when a
 * thinking call's last tool-call turn lacks its thinking block, else the recorded answer (the stream when asked for
 * one). Every request the server sees is in its request log, body and all. Returns the unsubscribe function.
 */
export function answerAsThinkingClaude(server: ProviderTestServer): () => void {
  return server.onRequest((request) => {
    if (request.provider !== 'anthropic' || request.route !== 'chat' || request.outcome !== 'in-flight') return;
    const missing = missingThinkingBlock(request.body);
    const stream = (request.body as { stream?: unknown } | undefined)?.stream === true;
    const behavior: ProviderBehavior =
      missing !== undefined ? thinkingBlockMissingError(missing) : anthropicThinkingReplay(stream ? 'messages-stream-thinking.chunks.txt' : 'message-thinking-tool-use.json');
    server.enqueue('anthropic', behavior);
  });
}
