import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFixturesDirectory } from './fixtures-directory.js';
import { eventJson, frameJsonLinesAsSse, parseRawEvent, splitSseEvents, withCutEventData, withEventData } from './sse-events.js';

const fixturesDirectory = resolveFixturesDirectory();
const sseFiles = readdirSync(fixturesDirectory, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.sse'));

describe('splitSseEvents', () => {
  it.each(sseFiles)('cuts %s into events that join back into the recorded bytes', (name) => {
    const bytes = readFileSync(join(fixturesDirectory, name));
    const events = splitSseEvents(bytes.toString('utf8'));
    expect(Buffer.from(events.join(''), 'utf8').equals(bytes)).toBe(true);
    // Every recorded event carries data: no event was cut in two, none glued to the next.
    expect(events.every((raw) => parseRawEvent(raw).data !== undefined && raw.split(/^data:/m).length === 2)).toBe(true);
  });

  it('keeps Gemini CRLF framing inside each event', () => {
    const events = splitSseEvents('data: {"a":1}\r\n\r\ndata: {"a":2}\r\n\r\n');
    expect(events).toEqual(['data: {"a":1}\r\n\r\n', 'data: {"a":2}\r\n\r\n']);
  });

  it('keeps a last event that no blank line closes (the Moonshot docs stream)', () => {
    const text = readFileSync(join(fixturesDirectory, 'moonshot', 'chat-stream.docs.sse'), 'utf8');
    const events = splitSseEvents(text);
    expect(events.at(-1)).toBe('data: [DONE]\n');
    expect(events).toHaveLength(5);
  });

  it('counts the recorded Anthropic events one by one, ping included', () => {
    const text = readFileSync(join(fixturesDirectory, 'anthropic', 'messages-stream.sse'), 'utf8');
    const names = splitSseEvents(text).map((raw) => parseRawEvent(raw).event);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });
});

describe('frameJsonLinesAsSse', () => {
  it('frames each recorded payload line as one data event and ends with [DONE]', () => {
    const text = readFileSync(join(fixturesDirectory, 'together', 'chat-stream.sdk-parsed.chunks.jsonl'), 'utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    const events = frameJsonLinesAsSse(text);
    expect(events).toHaveLength(lines.length + 1);
    expect(events[0]).toBe(`data: ${lines[0]}\n\n`);
    expect(events.at(-1)).toBe('data: [DONE]\n\n');
  });
});

describe('event data helpers', () => {
  it('rewrites the data of an event and keeps its name and line endings', () => {
    expect(withEventData('event: error\r\ndata: {}\r\n\r\n', '{"x":1}')).toBe('event: error\r\ndata: {"x":1}\r\n\r\n');
  });

  it('cuts the JSON so it no longer parses', () => {
    const cut = withCutEventData('data: {"type":"message_stop"}\n\n');
    expect(cut).toBe('data: {"type":"me\n\n');
    expect(eventJson(cut)).toBeUndefined();
  });

  it('reads no JSON from [DONE] or a comment', () => {
    expect(eventJson('data: [DONE]\n\n')).toBeUndefined();
    expect(eventJson(': ping\n\n')).toBeUndefined();
  });
});
