/**
 * Test support: Mistral's recorded answers, kept in this repository (test/fixtures/mistral; provenance in
 * test/fixtures/SOURCES.md) as the shared fixtures hold no Mistral traffic. Mistral's reasoning models answer with
 * `content` as a list of chunks instead of a string: a thinking chunk (`{"type":"thinking","thinking":[{"type":
 * "text","text":...}]}`), then text chunks, and stream the thinking as such lists before the text as strings.
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatusBehavior } from './provider-behavior.js';
import { parseRecordedHeaders } from './recorded-headers.js';

/** magistral-medium-latest's answer not streamed, and its stream (pydantic/pydantic-ai's recordings). */
export type MistralRecording = 'chat-completion-thinking.json' | 'chat-stream-thinking.sse';

const mistralFixturesDirectory = fileURLToPath(new URL('../../test/fixtures/mistral/', import.meta.url));

export function readMistralRecording(name: MistralRecording): string {
  return readFileSync(`${mistralFixturesDirectory}${name}`, 'utf8');
}

/** The recording as the provider test server replays it: its status, recorded headers (framing dropped) and body. */
export function mistralReplay(name: MistralRecording): StatusBehavior {
  const head = parseRecordedHeaders(readFileSync(`${mistralFixturesDirectory}${name.replace(/\.(json|sse)$/, '.headers.txt')}`, 'utf8'));
  return { kind: 'status', status: head.status, headers: Object.fromEntries(head.headers), body: readMistralRecording(name) };
}

/** What a recording says, read off its bytes here rather than by the code under test. */
export interface RecordedMistralAnswer {
  /** Every text chunk's text, and every string content, in order. */
  readonly text: string;
  /** Every thinking chunk's inner texts, in order. */
  readonly reasoning: string;
}

interface Chunk {
  readonly type: string;
  readonly text?: string;
  readonly thinking?: readonly { readonly text: string }[];
}

function addContent(answer: { text: string; reasoning: string }, content: string | readonly Chunk[]): void {
  if (typeof content === 'string') {
    answer.text += content;
    return;
  }
  for (const chunk of content) {
    if (chunk.type === 'text') answer.text += chunk.text;
    if (chunk.type === 'thinking') answer.reasoning += (chunk.thinking ?? []).map((inner) => inner.text).join('');
  }
}

export function recordedMistralAnswer(name: MistralRecording): RecordedMistralAnswer {
  const answer = { text: '', reasoning: '' };
  const body = readMistralRecording(name);
  if (name.endsWith('.json')) {
    addContent(answer, (JSON.parse(body) as { choices: { message: { content: readonly Chunk[] } }[] }).choices[0]?.message.content ?? []);
    return answer;
  }
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const payload = JSON.parse(line.slice('data: '.length)) as { choices: { delta: { content?: string | readonly Chunk[] } }[] };
    addContent(answer, payload.choices[0]?.delta.content ?? '');
  }
  return answer;
}
