/**
 * Test support: an OpenAI-compatible stream of two parallel tool calls, numbered as OpenAI numbers them or as the
 * servers that number them wrong do. Not shipped: only tests import it.
 *
 * No recording has two parallel calls streamed. The stream is two recorded calls, each from its own recording, one
 * after the other, then the end of the first recording: OpenAI's call (`get_capital`: id and name on its first
 * delta, the arguments in fragments with neither) and Together's (`get_weather`: id and name with empty arguments,
 * then the whole arguments with `"id": null`, SDK-parsed payloads framed as `data: <line>\n\n`). Only the calls'
 * `index` fields are rewritten:
 * - `numbered`: 0 then 1, as OpenAI numbers a message's calls;
 * - `all-zero`: every call at 0, as Ollama (ollama/ollama#15457), SGLang (sgl-project/sglang#7117) and NVIDIA
 *   Dynamo (ai-dynamo/dynamo#4723) streamed parallel calls: the two recordings as they are;
 * - `absent`: no `index` at all, as Ollama before 0.4.7 (ollama/ollama#7881).
 */
import { recordedFixtures } from './shared-fixtures.test-support.js';

export type ToolCallNumbering = 'numbered' | 'all-zero' | 'absent';

/** The two calls as each recording has them (read off the recordings, not decoded by our code). */
export const recordedParallelCalls = [
  { id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', arguments: { country: 'UK' } },
  { id: 'call_jy63yt7kp8hfof3sy4pim94o', name: 'get_weather', arguments: { city: 'Tokyo' } },
] as const;

/** The tools a request offers for these calls. */
export const parallelCallTools = [
  { name: 'get_capital', parameters: { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] } },
  { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
] as const;

/** The recorded stream's events, each with its framing. */
function sseEvents(text: string): string[] {
  return text.split(/(?<=\n\n)/).filter((event) => event.trim() !== '');
}

/** The `data:` events of a recording whose framing the recorder stripped. */
function jsonlEvents(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `data: ${line}\n\n`);
}

const callOpening = '"tool_calls":[{"index":0,';

export interface ParallelToolCallStream {
  /** The first call's events. */
  readonly first: readonly string[];
  /** The second call's events. */
  readonly second: readonly string[];
  /** The end of the answer: finish reason, usage, `[DONE]`. */
  readonly end: readonly string[];
  /** The whole body, as a server sends it. */
  readonly body: string;
}

/** The two recorded calls, numbered as `numbering` says: each event is a recorded one, its calls' `index` rewritten. */
export function parallelToolCallStream(numbering: ToolCallNumbering): ParallelToolCallStream {
  const openai = sseEvents(recordedFixtures('openai').readFixtureText('chat-stream-tool-call.sse'));
  const together = jsonlEvents(recordedFixtures('together').readFixtureText('chat-stream-tool-call.sdk-parsed.chunks.jsonl'));
  const firstCall = openai.filter((event) => event.includes('"tool_calls":[{'));
  const secondCall = together.filter((event) => event.includes('"tool_calls":[{'));
  // Every call delta of both recordings opens with index 0 and has one call: the rewrite below touches that field only.
  for (const event of [...firstCall, ...secondCall]) {
    if (event.split('"tool_calls":[{').length !== 2 || !event.includes(callOpening)) throw new Error(`unexpected recorded call delta: ${event}`);
  }
  const renumber = (events: string[], index: number): string[] =>
    events.map((event) => event.replace(callOpening, numbering === 'absent' ? '"tool_calls":[{' : `"tool_calls":[{"index":${index},`));
  const first = renumber(firstCall, 0);
  const second = renumber(secondCall, numbering === 'numbered' ? 1 : 0);
  const end = openai.filter((event) => !event.includes('"tool_calls"'));
  return { first, second, end, body: [...first, ...second, ...end].join('') };
}
