/**
 * A message's or a delta's `content` given as a list of parts instead of a string, as Mistral's reasoning models
 * answer (magistral-*, and models asked a `reasoning_effort`): text parts (`{"type":"text","text":"4"}`) are the
 * answer's text; thinking parts (`{"type":"thinking","thinking":[{"type":"text","text":"..."}]}`, the inner list's
 * text parts joined, or `thinking` as a string) are the reasoning shown before it. Parts of any other type
 * (references, images) and anything malformed are skipped. Pure; never throws.
 */
import type { StreamChunk } from '../../types.js';
import { asArray, asRecord, readString } from '../../json-value.js';

export interface OpenAIContentParts {
  /** The text parts' texts, joined in order; empty when there were none. */
  readonly text: string;
  /** The thinking parts' texts, joined in order; empty when there were none. */
  readonly reasoning: string;
}

/** The answer's text and the reasoning in a list of content parts (a message not streamed). */
export function readOpenAIContentParts(parts: readonly unknown[]): OpenAIContentParts {
  let text = '';
  let reasoning = '';
  for (const entry of parts) {
    const part = asRecord(entry);
    if (part === undefined) continue;
    if (part.type === 'text') text += readString(part.text) ?? '';
    else if (part.type === 'thinking') reasoning += readThinking(part.thinking);
  }
  return { text, reasoning };
}

/** The deltas of a list of content parts (a streamed delta), in the parts' order: reasoning and text as they come. */
export function pushContentPartDeltas(parts: readonly unknown[], chunks: StreamChunk[]): void {
  for (const entry of parts) {
    const part = asRecord(entry);
    if (part === undefined) continue;
    if (part.type === 'text') {
      const text = readString(part.text);
      if (text !== undefined && text !== '') chunks.push({ type: 'text-delta', text });
    } else if (part.type === 'thinking') {
      const reasoning = readThinking(part.thinking);
      if (reasoning !== '') chunks.push({ type: 'reasoning-delta', text: reasoning });
    }
  }
}

/** A thinking part's `thinking`: its text parts joined (Mistral's ThinkChunk), or a string as it is. */
function readThinking(value: unknown): string {
  if (typeof value === 'string') return value;
  const inner = asArray(value);
  if (inner === undefined) return '';
  let text = '';
  for (const entry of inner) {
    const part = asRecord(entry);
    if (part !== undefined && part.type === 'text') text += readString(part.text) ?? '';
  }
  return text;
}
