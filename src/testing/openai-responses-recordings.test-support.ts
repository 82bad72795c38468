/**
 * Test support: OpenAI's Responses API recordings kept in this repository (src/testing/recordings/openai-responses;
 * provenance in test/fixtures/SOURCES.md), read as a client reads them. Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SseParser } from '../http/sse-parser.js';
import type { SseEvent } from '../http/types.js';
import { frameTypedJsonLinesAsSse } from './sse-events.js';

export type OpenAIResponsesRecording =
  | 'responses.json'
  | 'responses-function-call.json'
  | 'responses-reasoning-summary.json'
  | 'responses-reasoning-function-call.json'
  | 'responses-stream.chunks.txt'
  | 'responses-stream-function-call.chunks.txt'
  | 'responses-stream-reasoning-function-call.chunks.txt'
  | 'responses-stream-error-event.chunks.txt'
  | 'responses-stream-failed.chunks.txt'
  | 'error-400-temperature-unsupported.json';

const directory = new URL('./recordings/openai-responses/', import.meta.url);

export function readOpenAIResponsesRecording(name: OpenAIResponsesRecording): string {
  return readFileSync(fileURLToPath(new URL(name, directory)), 'utf8');
}

export function readOpenAIResponsesJson(name: OpenAIResponsesRecording): unknown {
  return JSON.parse(readOpenAIResponsesRecording(name)) as unknown;
}

/** A recorded stream as the events our SSE parser reads from the bytes the provider test server sends. */
export function readOpenAIResponsesEvents(name: OpenAIResponsesRecording): SseEvent[] {
  const parser = new SseParser();
  const bytes = new TextEncoder().encode(frameTypedJsonLinesAsSse(readOpenAIResponsesRecording(name)).join(''));
  return [...parser.push(bytes)];
}

/** The payloads of a recorded stream, one a line, for reading what the recording says apart from the code under test. */
export function recordedPayloads(name: OpenAIResponsesRecording): Record<string, unknown>[] {
  return readOpenAIResponsesRecording(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
