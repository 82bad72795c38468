import { randomUUID } from 'node:crypto';

/**
 * An id for a tool call whose provider gave none (Gemini outside Vertex, some OpenAI-compatible servers).
 * Unique, not positional: clients match each tool result to its call by id across a whole conversation,
 * and `call_0` in every turn would pair an answer with the wrong call.
 */
export function generatedToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/**
 * A provider's id for a tool call, or one made up when it gave none: absent, not a string, or empty (LM Studio and
 * Gemini's OpenAI-compatible endpoint send `"id": ""`), as the router's stream treats a call's first delta
 * (ToolCallIds). An empty id cannot be answered: a tool result names its call by it.
 */
export function toolCallIdOf(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : generatedToolCallId();
}
