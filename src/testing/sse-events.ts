/**
 * Recorded event streams, cut into events without changing a byte: joining the events gives the file back.
 * Pure functions.
 */

/**
 * The raw events of an SSE body, each with its own line endings and the blank line that closes it. A tail
 * that no blank line closes (the Moonshot docs stream ends `data: [DONE]\n`) is kept as the last event.
 */
export function splitSseEvents(text: string): string[] {
  const events: string[] = [];
  let eventStart = 0;
  let lineStart = 0;
  let index = 0;
  while (index < text.length) {
    const character = text[index];
    if (character !== '\n' && character !== '\r') {
      index += 1;
      continue;
    }
    const terminatorLength = character === '\r' && text[index + 1] === '\n' ? 2 : 1;
    const lineIsBlank = index === lineStart;
    index += terminatorLength;
    lineStart = index;
    if (lineIsBlank) {
      events.push(text.slice(eventStart, index));
      eventStart = index;
    }
  }
  if (eventStart < text.length) events.push(text.slice(eventStart));
  return events;
}

/**
 * SSE events framed around recorded stream payloads whose recorder kept only the JSON (one payload per line):
 * `data: <line>\n\n` each, then `data: [DONE]\n\n`, the OpenAI-style framing. The framing is ours.
 */
export function frameJsonLinesAsSse(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return [...lines.map((line) => `data: ${line}\n\n`), 'data: [DONE]\n\n'];
}

/**
 * SSE events framed around recorded payloads that name their own type (one JSON payload per line, as vercel/ai
 * records OpenAI's Responses and Anthropic's Messages streams): `event: <type>\ndata: <line>\n\n` each, the
 * framing both APIs send. The framing is ours; the payloads are the recorded ones.
 */
export function frameTypedJsonLinesAsSse(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const type = (JSON.parse(line) as { type?: unknown }).type;
    return `${typeof type === 'string' ? `event: ${type}\n` : ''}data: ${line}\n\n`;
  });
}

/** The parts of one raw event: its `event:` name, its joined `data:` value, and the line ending it uses. */
export interface ParsedRawEvent {
  readonly event?: string;
  readonly data?: string;
  readonly lineEnding: string;
}

export function parseRawEvent(raw: string): ParsedRawEvent {
  const lineEnding = /\r\n|\n|\r/.exec(raw)?.[0] ?? '\n';
  let event: string | undefined;
  const dataLines: string[] = [];
  for (const line of raw.split(/\r\n|\n|\r/)) {
    const match = /^([^:]+):? ?(.*)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'event') event = match[2];
    if (match[1] === 'data') dataLines.push(match[2] ?? '');
  }
  return { event, data: dataLines.length > 0 ? dataLines.join('\n') : undefined, lineEnding };
}

/** The JSON an event's data carries, or undefined for `[DONE]`, comments and anything else. */
export function eventJson(raw: string): unknown {
  const { data } = parseRawEvent(raw);
  if (data === undefined) return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/** The same event (same `event:` line, same line endings) carrying `data` instead of what it carried. */
export function withEventData(raw: string, data: string): string {
  const { event, lineEnding } = parseRawEvent(raw);
  const eventLine = event === undefined ? '' : `event: ${event}${lineEnding}`;
  return `${eventLine}data: ${data}${lineEnding}${lineEnding}`;
}

/** The event with its JSON data cut in half: what a body cut mid-write looks like to a parser. */
export function withCutEventData(raw: string): string {
  const { data } = parseRawEvent(raw);
  const text = data ?? '';
  return withEventData(raw, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
}

/** The line ending the stream's events use (`\r\n` for Gemini, `\n` elsewhere). */
export function streamLineEnding(events: readonly string[]): string {
  const first = events[0];
  return first === undefined ? '\n' : parseRawEvent(first).lineEnding;
}
