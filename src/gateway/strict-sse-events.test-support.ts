/** Test support: a stream's text read strictly as server-sent events. Not shipped: only tests import it. */

export interface SseEventText {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * A stream's text read strictly as server-sent events: every event ends with a blank line, and holds an
 * `event:` line at most and exactly one `data:` line (what every encoder writes); comments (`: ping`) are
 * skipped. Throws on anything else, naming it.
 */
export function strictSseEvents(sseText: string): SseEventText[] {
  if (sseText.length > 0 && !sseText.endsWith('\n\n')) throw new Error(`the stream does not end with a blank line: ${JSON.stringify(sseText.slice(-40))}`);
  const events: SseEventText[] = [];
  for (const block of sseText.split('\n\n').slice(0, -1)) {
    const lines = block.split('\n');
    if (lines.every((line) => line.startsWith(':'))) continue;
    let event: string | undefined;
    let data: string | undefined;
    for (const line of lines) {
      if (line.includes('\r')) throw new Error(`a carriage return inside an event: ${JSON.stringify(block)}`);
      if (line.startsWith('event: ') && event === undefined && data === undefined) event = line.slice('event: '.length);
      else if (line.startsWith('data: ') && data === undefined) data = line.slice('data: '.length);
      else throw new Error(`an unexpected line ${JSON.stringify(line)} in event ${JSON.stringify(block)}`);
    }
    if (data === undefined) throw new Error(`an event without data: ${JSON.stringify(block)}`);
    events.push({ event, data });
  }
  return events;
}
