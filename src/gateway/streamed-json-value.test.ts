import { describe, expect, it } from 'vitest';
import { StreamedJsonValue } from './streamed-json-value.js';

/** Whether the value has closed after each piece. */
function closedAfter(pieces: readonly string[]): boolean[] {
  const value = new StreamedJsonValue();
  return pieces.map((piece) => {
    value.append(piece);
    return value.closed;
  });
}

describe('streamed JSON arguments', () => {
  it.each([
    '{"country":"UK"}',
    ' \n{"city": "San Francisco"}',
    '{}',
    '[1,[2,{"a":[]}]]',
    '{"text":"a } and a ] in a string, \\"quoted\\" {"}',
    '{"path":"C:\\\\"}',
    '{"nested":{"deep":{"deeper":[{}]}}}',
  ])('close at their last character, however they are cut: %s', (json) => {
    JSON.parse(json);
    for (let cut = 0; cut <= json.length; cut += 1) {
      expect(closedAfter([json.slice(0, cut), json.slice(cut)])).toEqual([cut === json.length, true]);
    }
    expect(closedAfter([...json])).toEqual([...json].map((_character, index) => index === json.length - 1));
  });

  it.each(['', '{"country":', '{"a":"}"', '{"a":"\\"}"', '[{}'])('stay open while unfinished: %s', (json) => {
    expect(closedAfter([json])).toEqual([false]);
  });

  it.each(['"a string"', '42', 'null', 'not json {}'])('never close when they are not an object or an array: %s', (text) => {
    expect(closedAfter([text, '{}'])).toEqual([false, false]);
  });

  it('tells how many characters of each piece belong to the value: none after it closes', () => {
    const value = new StreamedJsonValue();
    expect([value.append(' {"a":'), value.append('"}"}{"b"'), value.append(':2}')]).toEqual([6, 4, 0]);
    const text = new StreamedJsonValue();
    expect([text.append('not json'), text.append(' {}')]).toEqual([8, 3]);
  });
});
