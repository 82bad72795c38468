import { randomUUID } from 'node:crypto';

/**
 * An id for a tool call whose provider gave none (Gemini outside Vertex, some OpenAI-compatible servers).
 * Unique, not positional: clients match each tool result to its call by id across a whole conversation,
 * and `call_0` in every turn would pair an answer with the wrong call.
 */
export function generatedToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
