/**
 * Test support: what a Messages client and a Responses client build from a stream's SSE text, and every way
 * the events break their dialect's grammar. Not shipped: only tests import it.
 */
import { SseParser } from '../http/sse-parser.js';

export interface ClientView {
  readonly text: string;
  readonly reasoning: string;
  readonly toolCalls: { id: string; name: string; arguments: string }[];
  /** Each block's or item's status at its close, in order (Responses only; a Messages block has none). */
  readonly statuses: string[];
  /** Each grammar rule broken, in words; empty for a valid stream. */
  readonly problems: string[];
}

type EventData = Record<string, unknown>;

function parseEvents(sseText: string): { name: string | undefined; data: EventData }[] {
  const parser = new SseParser();
  const events = [...parser.push(new TextEncoder().encode(sseText))];
  if (parser.end() !== undefined) throw new Error('the stream ends inside an event');
  return events.filter((event) => event.data !== '').map((event) => ({ name: event.event, data: JSON.parse(event.data) as EventData }));
}

/** A Messages stream: blocks started at the next index, one open at a time, its deltas, stopped once. */
export function readMessagesStream(sseText: string): ClientView {
  const problems: string[] = [];
  const blocks: { type: string; id: string; name: string; content: string }[] = [];
  let open: number | undefined;
  const events = parseEvents(sseText);
  if (events[0]?.name !== 'message_start') problems.push('the stream does not begin with message_start');
  if (events.at(-1)?.name !== 'message_stop' || events.at(-2)?.name !== 'message_delta') problems.push('the stream does not end with message_delta, message_stop');
  for (const { name, data } of events) {
    if (name !== data.type) problems.push(`event ${name} carries type ${String(data.type)}`);
    const index = data.index as number;
    if (name === 'content_block_start') {
      if (open !== undefined) problems.push(`block ${index} started while block ${open} is open`);
      if (index !== blocks.length) problems.push(`block ${index} started at index ${blocks.length}`);
      const block = data.content_block as { type: string; id?: string; name?: string };
      blocks.push({ type: block.type, id: block.id ?? '', name: block.name ?? '', content: '' });
      open = index;
    } else if (name === 'content_block_delta') {
      if (index !== open) problems.push(`a delta to block ${index}, which is not open`);
      const delta = data.delta as { text?: string; partial_json?: string };
      const block = blocks[index];
      if (block !== undefined) block.content += delta.text ?? delta.partial_json ?? '';
    } else if (name === 'content_block_stop') {
      if (index !== open) problems.push(`block ${index} stopped when not open`);
      open = undefined;
    }
  }
  if (open !== undefined) problems.push(`block ${open} never stopped`);
  return {
    text: blocks.flatMap((block) => (block.type === 'text' ? [block.content] : [])).join(''),
    reasoning: '',
    toolCalls: blocks.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: block.content }] : [])),
    statuses: [],
    problems,
  };
}

const itemDeltaEvents = new Set(['response.output_text.delta', 'response.reasoning_text.delta', 'response.function_call_arguments.delta']);

/**
 * A Responses stream: numbered in order, items added at the next output index, one in progress at a time, their
 * deltas naming their item, done once, and the final response's output the items done.
 */
export function readResponsesStream(sseText: string): ClientView {
  const problems: string[] = [];
  const streamed: { id: string; content: string }[] = [];
  const done: EventData[] = [];
  let open: number | undefined;
  let final: EventData | undefined;
  parseEvents(sseText).forEach(({ name, data }, position) => {
    if (name !== data.type) problems.push(`event ${name} carries type ${String(data.type)}`);
    if (data.sequence_number !== position) problems.push(`event ${position} numbered ${String(data.sequence_number)}`);
    const outputIndex = data.output_index as number;
    if (name === 'response.output_item.added') {
      if (open !== undefined) problems.push(`item ${outputIndex} added while item ${open} is in progress`);
      if (outputIndex !== streamed.length) problems.push(`item added at ${outputIndex}, the next being ${streamed.length}`);
      streamed.push({ id: (data.item as { id: string }).id, content: '' });
      open = outputIndex;
    } else if (name !== undefined && itemDeltaEvents.has(name)) {
      if (outputIndex !== open || data.item_id !== streamed[outputIndex]?.id) problems.push(`a delta to item ${outputIndex}, which is not in progress`);
      const item = streamed[outputIndex];
      if (item !== undefined) item.content += data.delta as string;
    } else if (name === 'response.function_call_arguments.done') {
      if (data.arguments !== streamed[outputIndex]?.content) problems.push(`item ${outputIndex}'s arguments are not its deltas`);
    } else if (name === 'response.output_item.done') {
      const item = data.item as EventData;
      if (outputIndex !== open || item.id !== streamed[outputIndex]?.id) problems.push(`item ${outputIndex} done when not in progress`);
      done.push(item);
      open = undefined;
    } else if (name === 'response.completed' || name === 'response.incomplete' || name === 'response.failed') {
      final = data.response as EventData;
    }
  });
  if (open !== undefined) problems.push(`item ${open} never done`);
  if (final === undefined) problems.push('no closing response');
  else if (JSON.stringify(final.output) !== JSON.stringify(done)) problems.push("the closing response's output is not the items done");
  const contentText = (item: EventData) => (item.content as { text: string }[]).map((part) => part.text).join('');
  return {
    text: done.flatMap((item) => (item.type === 'message' ? [contentText(item)] : [])).join(''),
    reasoning: done.flatMap((item) => (item.type === 'reasoning' ? [contentText(item)] : [])).join(''),
    toolCalls: done.flatMap((item) =>
      item.type === 'function_call' ? [{ id: item.call_id as string, name: item.name as string, arguments: item.arguments as string }] : [],
    ),
    statuses: done.map((item) => item.status as string),
    problems,
  };
}
