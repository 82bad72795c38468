import { readString, type JsonRecord } from '../../json-value.js';
import type { StreamChunk } from '../../types.js';
import { toolCallIdOf } from '../generated-tool-call-id.js';

type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;

interface OpenCall {
  readonly index: number;
  /** Whether any of its arguments went out yet (a delta, or its whole arguments). */
  argumentsSent: boolean;
}

/**
 * The function calls of one Responses stream, by their item id. A call begins with `response.output_item.added`
 * (its `call_id` and `name`: the first chunk carries them), its arguments come as
 * `response.function_call_arguments.delta` events naming the item, and `...arguments.done` repeats them whole:
 * sent only when no delta was (vercel/ai's `issue-19493-gpt-5.1-tool-call.chunks.txt` records the sequence). A
 * call seen first whole, in `response.output_item.done`, goes out whole. Calls are numbered 0, 1, 2... as they begin.
 */
export class ResponsesFunctionCalls {
  private readonly calls = new Map<string, OpenCall>();

  /** Whether the stream called a tool: its answer then finished for its tool calls. */
  get calledTools(): boolean {
    return this.calls.size > 0;
  }

  begin(item: JsonRecord): ToolCallDelta | undefined {
    const itemId = readString(item.id) ?? `call ${this.calls.size}`;
    if (this.calls.has(itemId)) return undefined;
    const call: OpenCall = { index: this.calls.size, argumentsSent: false };
    this.calls.set(itemId, call);
    const argumentsText = readString(item.arguments) ?? '';
    if (argumentsText !== '') call.argumentsSent = true;
    return { type: 'tool-call-delta', index: call.index, id: toolCallIdOf(item.call_id), name: readString(item.name) ?? '', argumentsDelta: argumentsText };
  }

  argumentsDelta(payload: JsonRecord): ToolCallDelta | undefined {
    const call = this.calls.get(readString(payload.item_id) ?? '');
    const delta = readString(payload.delta);
    if (call === undefined || delta === undefined || delta === '') return undefined;
    call.argumentsSent = true;
    return { type: 'tool-call-delta', index: call.index, argumentsDelta: delta };
  }

  /** `...arguments.done`, or the item's `output_item.done`: the whole arguments, when none went out yet. */
  argumentsDone(itemId: string | undefined, argumentsText: string | undefined): ToolCallDelta | undefined {
    const call = this.calls.get(itemId ?? '');
    if (call === undefined || call.argumentsSent || argumentsText === undefined || argumentsText === '') return undefined;
    call.argumentsSent = true;
    return { type: 'tool-call-delta', index: call.index, argumentsDelta: argumentsText };
  }

  /** A function call item whole (`response.output_item.done`): begun here if no `added` event announced it. */
  done(item: JsonRecord): ToolCallDelta[] {
    const itemId = readString(item.id);
    const chunks: ToolCallDelta[] = [];
    if (itemId === undefined || !this.calls.has(itemId)) {
      const begun = this.begin(item);
      if (begun !== undefined) chunks.push(begun);
      return chunks;
    }
    const rest = this.argumentsDone(itemId, readString(item.arguments));
    if (rest !== undefined) chunks.push(rest);
    return chunks;
  }
}
