import { describe, expect, it } from 'vitest';
import { StreamedToolInput } from './streamed-tool-input.js';

/** What a Messages stream writes of arguments arriving in `pieces`: each piece's part, then what goes before the stop. */
function written(pieces: readonly string[]): string[] {
  const input = new StreamedToolInput();
  return [...pieces.map((piece) => input.append(piece)), input.end()];
}

describe("a tool call's arguments as input_json_delta text", () => {
  it('writes an object as it comes, leading whitespace held until it begins', () => {
    expect(written(['', ' \n', '{"city":', '"Paris"}'])).toEqual(['', '', ' \n{"city":', '"Paris"}', '']);
  });

  it('writes an object cut short as it came: a client reads it with its partial-JSON parser', () => {
    expect(written(['{"city":"Pa'])).toEqual(['{"city":"Pa', '']);
  });

  it('ends with the object: a second one run on, or any text after it, is not written', () => {
    expect(written(['{"a":1}{"b"', ':2}', ' '])).toEqual(['{"a":1}', '', '', '']);
  });

  it('holds arguments that are not an object, and writes them whole as { arguments } at the end', () => {
    expect(written(['Lon', 'don'])).toEqual(['', '', '{"arguments":"London"}']);
    expect(written([' [1,', '2]'])).toEqual(['', '', '{"arguments":" [1,2]"}']);
  });

  it('writes nothing for arguments of whitespace, which a client reads as no input', () => {
    expect(written(['', ' ', '\n'])).toEqual(['', '', '', '']);
  });
});
