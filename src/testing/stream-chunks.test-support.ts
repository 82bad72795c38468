/** Test support: what a client builds from stream chunks. Not shipped: only tests import it. */
import type { FinishReason, StreamChunk, Usage } from '../types.js';

/** The text, the tool calls by index (id, name, arguments joined), the last usage and every finish reason. */
export function assembleStreamChunks(chunks: readonly StreamChunk[]) {
  let text = '';
  const toolCalls: { id?: string; name?: string; arguments: string }[] = [];
  let usage: Usage | undefined;
  const finishReasons: FinishReason[] = [];
  for (const chunk of chunks) {
    if (chunk.type === 'text-delta') text += chunk.text;
    if (chunk.type === 'usage') usage = chunk.usage;
    if (chunk.type === 'finish') finishReasons.push(chunk.finishReason);
    if (chunk.type === 'tool-call-delta') {
      const call = (toolCalls[chunk.index] ??= { arguments: '' });
      if (chunk.id !== undefined) call.id = chunk.id;
      if (chunk.name !== undefined) call.name = chunk.name;
      call.arguments += chunk.argumentsDelta;
    }
  }
  return { text, toolCalls, usage, finishReasons };
}
