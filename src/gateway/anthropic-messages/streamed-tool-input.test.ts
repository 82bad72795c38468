import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toolInputOf } from './messages-response.js';
import { StreamedJsonObject } from '../streamed-json-object.js';
import { StreamedToolInput } from './streamed-tool-input.js';

/** What a Messages stream writes of arguments arriving in `pieces`: each piece's part, then what goes before the stop. */
function written(pieces: readonly string[]): string[] {
  // The stream's ContentBlockSequence reads each piece by JSON's grammar before the input is given it.
  const json = new StreamedJsonObject();
  const input = new StreamedToolInput(json);
  return [
    ...pieces.map((piece) => {
      json.append(piece);
      return input.append(piece);
    }),
    input.end(),
  ];
}

/** The input a client parses at the block's stop. */
function inputOf(pieces: readonly string[]): unknown {
  const text = written(pieces).join('');
  return text === '' ? {} : JSON.parse(text);
}

describe("a tool call's arguments as input_json_delta text", () => {
  it('writes an object as it comes, leading whitespace held until it begins, its closing brace at the stop', () => {
    expect(written(['', ' \n', '{"city":', '"Paris"}'])).toEqual(['', '', ' \n{"city":', '"Paris"', '}']);
  });

  it('writes a number, a literal or a comma once what follows tells it is whole', () => {
    expect(written(['{"n":1', '2', ',"ok":tr', 'ue', ',"s":"x"}'])).toEqual(['{"n":', '', '12,"ok":', 'true', ',"s":"x"', '}']);
  });

  it("gives arguments that are not JSON from their first key as the answer not streamed does: { arguments: text }", () => {
    expect(written(['{city: ', 'Paris}'])).toEqual(['{', '', '"arguments":"{city: Paris}"}']);
    expect(inputOf(["{'city': 'Paris'}"])).toEqual({ arguments: "{'city': 'Paris'}" });
    expect(inputOf(['{city: Paris}'])).toEqual(toolInputOf({ arguments: '{city: Paris}' }));
  });

  it('keeps the members whole before a later fault, the one it fell in null, and the whole text in arguments', () => {
    expect(inputOf(['{"a":1,"b":[2,', '3],"c":"x', '\ny"}'])).toEqual({ a: 1, b: [2, 3], c: null, arguments: '{"a":1,"b":[2,3],"c":"x\ny"}' });
    expect(inputOf(['{"a":{"b":1,', ' c:2}}'])).toEqual({ a: null, arguments: '{"a":{"b":1, c:2}}' });
    expect(inputOf(['{"a":1,}'])).toEqual({ a: 1, arguments: '{"a":1,}' });
    expect(inputOf(['{"a":True}'])).toEqual({ a: null, arguments: '{"a":True}' });
  });

  it('gives an object cut short its members whole so far (the one cut null) and the text in arguments, as the answer not streamed keeps it', () => {
    expect(written(['{"city":"Pa'])).toEqual(['{"city":"Pa', '","city":null,"arguments":"{\\"city\\":\\"Pa"}']);
    expect(inputOf(['{"a":1,"b":2'])).toEqual({ a: 1, b: null, arguments: '{"a":1,"b":2' });
    expect(inputOf(['{'])).toEqual({ arguments: '{' });
  });

  it('keeps text run on after the object, in arguments', () => {
    expect(written(['{"a":1}{"b"', ':2}', ' '])).toEqual(['{"a":1', '', '', ',"arguments":"{\\"a\\":1}{\\"b\\":2} "}']);
    expect(written(['{"a":1} ', '\n'])).toEqual(['{"a":1', '', '} \n']);
  });

  it('holds arguments that are not an object, and writes them whole as { arguments } at the end', () => {
    expect(written(['Lon', 'don'])).toEqual(['', '', '{"arguments":"London"}']);
    expect(written([' [1,', '2]'])).toEqual(['', '', '{"arguments":" [1,2]"}']);
  });

  it("writes a long input's small deltas in one pass (it was quadratic: 800 KB, a file a coding agent writes, held the event loop for 26 s)", () => {
    const text = JSON.stringify({ path: 'notes.md', content: 'x'.repeat(1_000_000) });
    const pieces = Array.from({ length: Math.ceil(text.length / 8) }, (_, position) => text.slice(position * 8, position * 8 + 8));
    expect(written(pieces).join('')).toBe(text);
  });

  it('writes nothing for arguments of whitespace, which a client reads as no input', () => {
    expect(written(['', ' ', '\n'])).toEqual(['', '', '', '']);
  });

  it('always ends with one JSON object: the arguments when they are one, else one whose arguments are the whole text', () => {
    const objectText = fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).chain((value) => fc.constantFrom(JSON.stringify(value), JSON.stringify(value, null, 2)));
    const nearlyObject = fc.tuple(objectText, fc.nat(), fc.constantFrom('', 'x', '"', ',', '}', '{', '\n', '\\', '0', "'")).map(([text, at, put]) => {
      const position = at % text.length;
      return put === '' ? text.slice(0, position) + text.slice(position + 1) : text.slice(0, position) + put + text.slice(position);
    });
    const cutShort = fc.tuple(objectText, fc.nat()).map(([text, at]) => text.slice(0, at % text.length));
    fc.assert(
      fc.property(fc.oneof(objectText, nearlyObject, cutShort, fc.string({ maxLength: 12 })), fc.array(fc.nat(), { maxLength: 5 }), (text, cuts) => {
        const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((left, right) => left - right);
        const pieces = [...positions, text.length].map((end, position) => text.slice(position === 0 ? 0 : positions[position - 1], end));
        const parts = written(pieces);
        const streamed = parts.slice(0, -1).join('');
        const whole = parts.join('');
        // What went out as the pieces came is the arguments' own text.
        expect(text.startsWith(streamed)).toBe(true);
        if (text.trim() === '') {
          expect(whole).toBe('');
          return;
        }
        const input = JSON.parse(whole) as Record<string, unknown>;
        expect(input).toBeTypeOf('object');
        expect(Array.isArray(input)).toBe(false);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
          expect(whole).toBe(text);
          return;
        }
        expect(input.arguments).toBe(text);
        if (streamed.trim() === '{' || streamed === '') expect(input).toEqual(toolInputOf({ arguments: text }));
      }),
      { numRuns: 2000 },
    );
  });
});
