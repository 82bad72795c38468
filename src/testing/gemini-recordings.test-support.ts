/**
 * Test support: Gemini's recorded answers kept in this repository (test/fixtures/gemini; provenance in
 * test/fixtures/SOURCES.md) as the shared fixtures hold none with thought parts (models asked `includeThoughts`,
 * answering thought summaries, `{"text": ..., "thought": true}`, before the answer's text parts), and none of
 * `batchEmbedContents` (gemini-embedding-001's answer at 768 dimensions, and its 404 for a model it does not have).
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SseParser } from '../http/sse-parser.js';
import type { SseEvent } from '../http/types.js';
import type { StatusBehavior } from './provider-behavior.js';
import { parseRecordedHeaders } from './recorded-headers.js';

/**
 * gemini-3-pro-preview's answer, not streamed, and gemini-2.5-pro's stream, each with thought parts
 * (pydantic/pydantic-ai's recordings).
 */
export type GeminiRecording =
  | 'generateContent-thought-parts.json'
  | 'streamGenerateContent-sse-thought-parts.sse'
  | GeminiEmbeddingsRecording;

/** gemini-embedding-001 asked one text at `outputDimensionality: 768`, and a model Google does not have (pydantic-ai's). */
export type GeminiEmbeddingsRecording = 'batchEmbedContents-dimensions-768.json' | 'error-404-batchEmbedContents-model-not-found.json';

const geminiFixturesDirectory = fileURLToPath(new URL('../../test/fixtures/gemini/', import.meta.url));

export function readGeminiRecording(name: GeminiRecording): string {
  return readFileSync(`${geminiFixturesDirectory}${name}`, 'utf8');
}

/** A recorded stream as the events our SSE parser reads from its bytes. */
export function readGeminiRecordingEvents(name: GeminiRecording): SseEvent[] {
  const parser = new SseParser();
  const events = [...parser.push(new Uint8Array(readFileSync(`${geminiFixturesDirectory}${name}`)))];
  const unterminated = parser.end();
  if (unterminated !== undefined) events.push(unterminated);
  return events;
}

/** The recording as the provider test server replays it: its status, recorded headers (framing dropped) and body. */
export function geminiReplay(name: GeminiRecording): StatusBehavior {
  const head = parseRecordedHeaders(readFileSync(`${geminiFixturesDirectory}${name.replace(/\.(json|sse)$/, '.headers.txt')}`, 'utf8'));
  return { kind: 'status', status: head.status, headers: Object.fromEntries(head.headers), body: readGeminiRecording(name) };
}

interface RecordedBody {
  readonly candidates: readonly { readonly content: { readonly parts: readonly { readonly text?: string; readonly thought?: boolean }[] } }[];
}

/** What a recording says, read off its parts here rather than by the code under test. */
export function recordedGeminiAnswer(name: GeminiRecording): { readonly text: string; readonly thoughts: string } {
  const text = readGeminiRecording(name);
  const bodies: RecordedBody[] = name.endsWith('.json')
    ? [JSON.parse(text) as RecordedBody]
    : text
        .split('\r\n\r\n')
        .filter((event) => event.startsWith('data: '))
        .map((event) => JSON.parse(event.slice('data: '.length)) as RecordedBody);
  const parts = bodies.flatMap((body) => body.candidates[0]?.content.parts ?? []);
  return {
    text: parts.filter((part) => part.thought !== true).map((part) => part.text ?? '').join(''),
    thoughts: parts.filter((part) => part.thought === true).map((part) => part.text ?? '').join(''),
  };
}

/** What the recorded embeddings answer holds, read off its JSON here rather than by the code under test. */
export function recordedGeminiEmbedding(): { readonly vector: readonly number[] } {
  const body = JSON.parse(readGeminiRecording('batchEmbedContents-dimensions-768.json')) as { embeddings: { values: number[] }[] };
  return { vector: body.embeddings[0]!.values };
}

/**
 * The recorded embeddings answer made into one of `count` vectors, as Google answers a batch (one `{ values }` each,
 * in the request's order): the recorded vector first, then copies each with its first value replaced by the copy's
 * number, so that a vector out of place shows. Built from the recording in Google's layout; no longer batch was
 * recorded small enough to keep (pydantic-ai's TestGoogle.test_documents is two 3,072-value vectors, 134,579 bytes).
 */
export function geminiEmbeddingsBatchReplay(count: number): StatusBehavior {
  const recorded = geminiReplay('batchEmbedContents-dimensions-768.json');
  const vectors = Array.from({ length: count }, (_, index) => numberedVector(index));
  return { ...recorded, body: JSON.stringify({ embeddings: vectors.map((values) => ({ values })) }, null, 2) + '\n' };
}

/** The recorded vector for index 0, and for any other index that vector with its first value the index. */
export function numberedVector(index: number): readonly number[] {
  const { vector } = recordedGeminiEmbedding();
  return index === 0 ? vector : [index, ...vector.slice(1)];
}
