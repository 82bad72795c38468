/**
 * Test support: Gemini's recorded answers kept in this repository (test/fixtures/gemini; provenance in
 * test/fixtures/SOURCES.md) as the shared fixtures hold none with thought parts: gemini-3-pro-preview asked
 * `includeThoughts`, answering a thought summary (`{"text": ..., "thought": true}`) before the answer's text part.
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatusBehavior } from './provider-behavior.js';
import { parseRecordedHeaders } from './recorded-headers.js';

/** gemini-3-pro-preview's answer, not streamed, with a thought part (pydantic/pydantic-ai's recording). */
export type GeminiRecording = 'generateContent-thought-parts.json';

const geminiFixturesDirectory = fileURLToPath(new URL('../../test/fixtures/gemini/', import.meta.url));

export function readGeminiRecording(name: GeminiRecording): string {
  return readFileSync(`${geminiFixturesDirectory}${name}`, 'utf8');
}

/** The recording as the provider test server replays it: its status, recorded headers (framing dropped) and body. */
export function geminiReplay(name: GeminiRecording): StatusBehavior {
  const head = parseRecordedHeaders(readFileSync(`${geminiFixturesDirectory}${name.replace(/\.json$/, '.headers.txt')}`, 'utf8'));
  return { kind: 'status', status: head.status, headers: Object.fromEntries(head.headers), body: readGeminiRecording(name) };
}

/** What a recording says, read off its parts here rather than by the code under test. */
export function recordedGeminiAnswer(name: GeminiRecording): { readonly text: string; readonly thoughts: string } {
  const body = JSON.parse(readGeminiRecording(name)) as { candidates: { content: { parts: { text?: string; thought?: boolean }[] } }[] };
  const parts = body.candidates[0]?.content.parts ?? [];
  return {
    text: parts.filter((part) => part.thought !== true).map((part) => part.text ?? '').join(''),
    thoughts: parts.filter((part) => part.thought === true).map((part) => part.text ?? '').join(''),
  };
}
