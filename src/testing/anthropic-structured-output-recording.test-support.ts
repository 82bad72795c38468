/**
 * Test support: Anthropic's recorded answer to a call with structured output (`output_config.format`), kept in this
 * repository (test/fixtures/anthropic/message-json-output-format.json; provenance in test/fixtures/SOURCES.md) as the
 * shared fixtures hold none: claude-sonnet-4-5-20250929 answering one text block that is the schema's JSON (a recipe),
 * not streamed. Replayed as Anthropic sends it (anthropic-recording-replay.test-support.ts). Not shipped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { anthropicRecordingReplay } from './anthropic-recording-replay.test-support.js';
import type { StatusBehavior } from './provider-behavior.js';

const recordingPath = fileURLToPath(new URL('../../test/fixtures/anthropic/message-json-output-format.json', import.meta.url));

/** The recorded answer as the provider test server replays it. */
export function anthropicStructuredOutputReplay(): StatusBehavior {
  return anthropicRecordingReplay({ stream: false, body: readFileSync(recordingPath, 'utf8') });
}

/** The recorded answer's text: the JSON the schema asked for. */
export function recordedStructuredOutputText(): string {
  return (JSON.parse(readFileSync(recordingPath, 'utf8')) as { content: { text: string }[] }).content[0]!.text;
}

/** A schema the recorded answer matches (a recipe: a name, ingredients and steps); its objects left open, as callers write them. */
export const recordedRecipeSchema = {
  type: 'object',
  properties: {
    recipe: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        ingredients: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, amount: { type: 'string' } }, required: ['name', 'amount'] } },
        steps: { type: 'array', items: { type: 'string' } },
      },
      required: ['name', 'ingredients', 'steps'],
    },
  },
  required: ['recipe'],
} as const;
