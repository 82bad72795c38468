import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseTooLargeError } from '../errors.js';
import { LineSplitter } from './line-splitter.js';
import { parseSseStream, SseParser } from './sse-parser.js';
import type { SseEvent } from './types.js';
import { sharedFixturesDirectory } from '../testing/shared-fixtures.test-support.js';

const fixturesDirectory = sharedFixturesDirectory();
const fixtureNames = readdirSync(fixturesDirectory, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.sse'))
  .sort();
const readFixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${fixturesDirectory}/${name}`));

/** Parse `pieces` in order with one parser; the events plus the unterminated rest. */
function parsePieces(pieces: readonly Uint8Array[]): { events: SseEvent[]; rest: SseEvent | undefined } {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const piece of pieces) events.push(...parser.push(piece));
  return { events, rest: parser.end() };
}

const parseWhole = (bytes: Uint8Array): SseEvent[] => parsePieces([bytes]).events;

/**
 * Offsets where an event starts: right after a blank line. There the parser holds no state at all (no
 * partial line, character or event), so parsing from one of them is parsing from the start.
 */
function eventStartOffsets(bytes: Uint8Array): number[] {
  const offsets = [0];
  let lineIsEmpty = true;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (byte !== 10 && byte !== 13) {
      lineIsEmpty = false;
      continue;
    }
    if (byte === 13 && bytes[index + 1] === 10) index++;
    if (lineIsEmpty) offsets.push(index + 1);
    lineIsEmpty = true;
  }
  if (offsets[offsets.length - 1] !== bytes.length) offsets.push(bytes.length);
  return offsets;
}

const toCrLf = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
const toCr = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r?\n/g, '\r'), 'latin1'));

describe('SseParser on every recorded stream', () => {
  it('finds the recorded streams', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(11);
  });

  for (const name of fixtureNames) {
    describe(name, () => {
      const bytes = readFixture(name);
      const whole = parsePieces([bytes]);
      const expected = whole.events;

      it('gives one event per data block, each ending cleanly', () => {
        const text = Buffer.from(bytes).toString('utf8');
        const unterminated = whole.rest === undefined ? 0 : 1;
        expect(expected.length + unterminated).toBe((text.match(/^data:/gm) ?? []).length);
        expect(expected.length).toBeGreaterThan(0);
        // The Moonshot docs example ends with `data: [DONE]` and one newline: reported, not dispatched.
        expect(whole.rest).toEqual(name.startsWith('moonshot') ? { data: '[DONE]' } : undefined);
        for (const event of expected) expect(event.data).not.toMatch(/^data:|\r|\n$/);
      });

      it('gives the same events when split in two at every byte boundary', () => {
        // Splitting at k changes only the parse of the event around k. Each split is checked by parsing
        // that event's bytes in two pieces from an event start (where the parser holds no state), which
        // is what parsing the whole file split at k does, in linear rather than quadratic time.
        const starts = eventStartOffsets(bytes);
        let eventIndex = 0;
        let splitsChecked = 0;
        for (let window = 0; window + 1 < starts.length; window++) {
          const from = starts[window] ?? 0;
          const to = starts[window + 1] ?? bytes.length;
          const windowBytes = bytes.subarray(from, to);
          const windowWhole = parsePieces([windowBytes]);
          const windowEvents = windowWhole.events;
          expect(windowEvents).toEqual(expected.slice(eventIndex, eventIndex + windowEvents.length));
          const windowJson = JSON.stringify(windowWhole);
          for (let split = 1; split < windowBytes.length; split++) {
            const result = parsePieces([windowBytes.subarray(0, split), windowBytes.subarray(split)]);
            // Compared as JSON text (the events are plain data) so 280,000 splits stay fast; on a
            // difference, the assertion shows the split and both sides.
            if (JSON.stringify(result) !== windowJson) {
              expect({ split: from + split, ...result }).toEqual({ split: from + split, ...windowWhole });
            }
            splitsChecked++;
          }
          eventIndex += windowEvents.length;
        }
        expect(eventIndex).toBe(expected.length);
        // Every byte boundary except the event starts, where a split changes nothing to check.
        expect(splitsChecked).toBe(bytes.length - (starts.length - 1));
      }, 120_000); // 280,000 splits for the largest recording: slow on a busy 2-core machine

      it('gives the same events when split at random boundaries', () => {
        fc.assert(
          fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
            const sorted = [...cuts].sort((a, b) => a - b);
            const pieces: Uint8Array[] = [];
            let previous = 0;
            for (const cut of [...sorted, bytes.length]) {
              pieces.push(bytes.subarray(previous, cut));
              previous = cut;
            }
            expect(parsePieces(pieces)).toEqual(whole);
          }),
          { numRuns: bytes.length > 100_000 ? 15 : 60 },
        );
      });

      it('gives the same events with CRLF and with CR line endings, split anywhere', () => {
        for (const variant of [toCrLf(bytes), toCr(bytes)]) {
          expect(parsePieces([variant])).toEqual(whole);
          fc.assert(
            fc.property(fc.integer({ min: 1, max: variant.length - 1 }), (cut) => {
              expect(parsePieces([variant.subarray(0, cut), variant.subarray(cut)])).toEqual(whole);
            }),
            { numRuns: 30 },
          );
        }
      });
    });
  }

  it('splits every CRLF of a recorded stream between two reads', () => {
    const bytes = toCrLf(readFixture('openai/chat-stream-tool-call.sse'));
    const pieces: Uint8Array[] = [];
    let previous = 0;
    for (let index = 0; index < bytes.length; index++) {
      if (bytes[index] === 13) {
        pieces.push(bytes.subarray(previous, index + 1));
        previous = index + 1;
      }
    }
    pieces.push(bytes.subarray(previous));
    expect(parsePieces(pieces).events).toEqual(parseWhole(readFixture('openai/chat-stream-tool-call.sse')));
  });
});

describe('SseParser limit: a line or an event that grows without end', () => {
  const limitOf = (bytes: number) => ({ limit: { bytes, setting: 'maxProviderResponseBytes' } });
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  const refusal = (work: () => void): unknown => {
    try {
      work();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('reads every recorded stream as before at a limit of its longest event, and refuses it one character under', () => {
    for (const name of fixtureNames) {
      const bytes = readFixture(name);
      const whole = parsePieces([bytes]);
      // An event's data, each line counted with the newline that joins it.
      const longest = Math.max(...[...whole.events, ...(whole.rest ? [whole.rest] : [])].map((event) => event.data.length + 1));
      const atLimit = new SseParser(limitOf(longest));
      expect(atLimit.push(bytes), name).toEqual(whole.events);
      const error = refusal(() => new SseParser(limitOf(longest - 1)).push(bytes));
      expect(ResponseTooLargeError.isInstance(error), name).toBe(true);
    }
  });

  it('refuses one line without end, arriving in pieces, once the line passes the limit', () => {
    const parser = new SseParser(limitOf(1000));
    expect(parser.push(encode('data: {"id":1}\n\ndata: '))).toEqual([{ data: '{"id":1}' }]);
    for (let piece = 0; piece < 9; piece += 1) parser.push(encode(' '.repeat(100)));
    const error = refusal(() => parser.push(encode(' '.repeat(100))));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ part: 'event', limitBytes: 1000, setting: 'maxProviderResponseBytes' });
    expect((error as Error).message).toBe('one line or event of the stream passed 1000 bytes (maxProviderResponseBytes); the request was ended');
  });

  it('refuses one event of data lines without the blank line that ends it, empty lines counted', () => {
    const parser = new SseParser(limitOf(1000));
    parser.push(encode('data: {"id":1}\n'));
    const error = refusal(() => parser.push(encode('data:\n'.repeat(1000))));
    expect(error).toMatchObject({ part: 'event', limitBytes: 1000 });
  });
});

describe('SseParser framing rules', () => {
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('joins data lines with a newline and reads event and id', () => {
    const { events } = parsePieces([encode('event: error\nid: 7\ndata: {"a":\ndata:1}\n\n')]);
    expect(events).toEqual([{ event: 'error', id: '7', data: '{"a":\n1}' }]);
  });

  it('ignores comments, drops one leading space only, and does not dispatch an event without data', () => {
    const { events } = parsePieces([encode(': ping\n\nevent: ping\n\ndata:  two spaces\n\n')]);
    expect(events).toEqual([{ data: ' two spaces' }]);
  });

  it('keeps a character split across reads whole', () => {
    const bytes = encode('data: 你好\n\n');
    for (let split = 1; split < bytes.length; split++) {
      expect(parsePieces([bytes.subarray(0, split), bytes.subarray(split)]).events).toEqual([{ data: '你好' }]);
    }
  });

  it('reports an event that the input ended without a blank line after, instead of dispatching it', () => {
    expect(parsePieces([encode('data: {"a":1}\n\ndata: {"b"')])).toEqual({
      events: [{ data: '{"a":1}' }],
      rest: { data: '{"b"' },
    });
    expect(parsePieces([encode('data: [DONE]\n')]).rest).toEqual({ data: '[DONE]' });
    expect(parsePieces([encode('data: x\n\n: trailing comment')]).rest).toBeUndefined();
  });

  it('parseSseStream yields events as bytes arrive and reports the unterminated rest', async () => {
    async function* body(): AsyncGenerator<Uint8Array> {
      yield encode('data: one\r');
      yield encode('\n\r\ndata: tw');
      yield encode('o\n\ndata: three');
    }
    const events: SseEvent[] = [];
    const rests: SseEvent[] = [];
    for await (const event of parseSseStream(body(), { onUnterminatedEvent: (rest) => rests.push(rest) })) {
      events.push(event);
    }
    expect(events).toEqual([{ data: 'one' }, { data: 'two' }]);
    expect(rests).toEqual([{ data: 'three' }]);
  });
});

describe('LineSplitter', () => {
  it('ends lines at CR, LF and CRLF, including a CRLF split across pieces', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter();
    for (const piece of ['a\r', '\nb\n', '\r', 'c\r\r\nd', 'e']) splitter.push(piece, (line) => lines.push(line));
    expect(lines).toEqual(['a', 'b', '', 'c', '']);
    expect(splitter.end()).toBe('de');
  });
});
