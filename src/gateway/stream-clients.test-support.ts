/**
 * Test support: what a Messages client builds from a stream's SSE text, and every way the events break its
 * dialect's grammar. Not shipped: only tests import it.
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
