/**
 * Test support: Anthropic's recorded answers to a call with its web search server tool, kept in this repository
 * (test/fixtures/anthropic; provenance in test/fixtures/SOURCES.md) as the shared fixtures hold none:
 * claude-sonnet-4-20250514 searching twice, its `server_tool_use` and `web_search_tool_result` blocks among cited text
 * (not streamed), and searching once, streamed (the call's input as `input_json_delta`s, the result whole, then
 * cited text). Replayed as Anthropic sends them (anthropic-recording-replay.test-support.ts). Not shipped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { anthropicRecordingReplay } from './anthropic-recording-replay.test-support.js';
import { frameTypedJsonLinesAsSse } from './sse-events.js';
import type { StatusBehavior } from './provider-behavior.js';

/** The answer not streamed (a JSON body), and the stream's events as recorded (one JSON payload a line). */
export type AnthropicWebSearchRecording = 'message-web-search.json' | 'messages-stream-web-search.chunks.txt';

const anthropicFixturesDirectory = fileURLToPath(new URL('../../test/fixtures/anthropic/', import.meta.url));

export function readAnthropicWebSearchRecording(name: AnthropicWebSearchRecording): string {
  return readFileSync(`${anthropicFixturesDirectory}${name}`, 'utf8');
}

export interface WebSearchReplayOptions {
  /**
   * The stop reason to answer in place of the recorded `end_turn`, in the place Anthropic writes it (the body's
   * `stop_reason`, the stream's `message_delta`): `pause_turn`, which no recording holds (see test/fixtures/SOURCES.md).
   */
  readonly stopReason?: 'pause_turn';
}

/** The recording as the provider test server replays it, with the headers of Anthropic's recorded answer of its kind. */
export function anthropicWebSearchReplay(name: AnthropicWebSearchRecording, options: WebSearchReplayOptions = {}): StatusBehavior {
  const recorded = readAnthropicWebSearchRecording(name);
  const text = options.stopReason === undefined ? recorded : recorded.replace(/("stop_reason": ?)"end_turn"/, `$1"${options.stopReason}"`);
  const stream = name.endsWith('.chunks.txt');
  return anthropicRecordingReplay({ stream, body: stream ? frameTypedJsonLinesAsSse(text).join('') : text });
}

/** The recorded answer's content blocks as Anthropic wrote them. */
export interface RecordedContentBlock {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The content blocks of the recorded answer not streamed. */
export function recordedWebSearchContent(): readonly RecordedContentBlock[] {
  return (JSON.parse(readAnthropicWebSearchRecording('message-web-search.json')) as { content: RecordedContentBlock[] }).content;
}
