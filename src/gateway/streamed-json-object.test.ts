import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamedJsonObject } from './streamed-json-object.js';

function scanned(pieces: readonly string[]): StreamedJsonObject {
  const json = new StreamedJsonObject();
  for (const piece of pieces) json.append(piece);
  return json;
}

/** The text up to its last clean cut, closed: what a Messages stream would end a faulted or cut input with. */
function closedAtCleanCut(text: string): string {
  const prefix = text.slice(0, scanned([text]).cleanLength);
  const json = scanned([prefix]);
  json.endText();
  return `${prefix}${json.closing()}}`;
}

const isPlainObject = (value: unknown): boolean => value !== null && typeof value === 'object' && !Array.isArray(value);

function parsesAsObject(text: string): boolean {
  try {
    return isPlainObject(JSON.parse(text));
  } catch {
    return false;
  }
}

const objects = [
  '{}',
  ' \n{"country":"UK"}',
  '{"a":[1,-2.5e+3,0,{"b":null}],"c":true,"d":false,"e":"\\u00e9\\n\\"}"}',
  '{"text":"a } and a ] in a string, \\"quoted\\" {"}',
  '{\n  "nested": {\n    "deep": [[], {}]\n  },\n  "n": -0.0E1\n}',
];

describe('a JSON object checked as it streams', () => {
  it.each(objects)('takes a whole object however it is cut, and closes at its end: %j', (json) => {
    for (let cut = 0; cut <= json.length; cut += 1) {
      const pieces = scanned([json.slice(0, cut), json.slice(cut)]);
      expect(pieces.faulted).toBe(false);
      expect(pieces.closed).toBe(true);
    }
    const byCharacter = scanned([...json]);
    expect(byCharacter.closed).toBe(true);
    // The closing brace waits for what follows it.
    expect(byCharacter.cleanLength).toBe(json.lastIndexOf('}'));
  });

  it.each(objects)('can be closed at every clean cut on the way: %j', (json) => {
    for (let end = 0; end < json.length; end += 1) {
      const text = json.slice(0, end);
      if (scanned([text]).cleanLength === 0) continue;
      expect(JSON.parse(closedAtCleanCut(text))).toBeTypeOf('object');
    }
  });

  it.each([
    ['{city: Paris}', 1],
    ["{'city': 'Paris'}", 1],
    ['{"a":1,}', 7],
    ['{"a":True}', 5],
    ['{"a":"x\ny"}', 7],
    ['{"a":"\\q"}', 7],
    ['{"a":01}', 6],
    ['{"a":1.}', 7],
    ['{"a":NaN}', 5],
    ['{"a":1}{"b":2}', 7],
    ['[1]', 0],
    ['"x"', 0],
  ])('finds where %j stops being JSON', (text, at) => {
    expect(scanned([text.slice(0, at)]).faulted).toBe(false);
    expect(scanned([text.slice(0, at + 1)]).faulted).toBe(true);
  });

  it('holds a number, a literal, a comma and an escape until what follows tells they are whole', () => {
    expect(scanned(['{"a":12']).cleanLength).toBe('{"a":'.length);
    expect(scanned(['{"a":12,']).cleanLength).toBe('{"a":12'.length);
    expect(scanned(['{"a":12, "b"']).cleanLength).toBe('{"a":12, "b"'.length);
    expect(scanned(['{"a":tru']).cleanLength).toBe('{"a":'.length);
    expect(scanned(['{"a":true']).cleanLength).toBe('{"a":true'.length);
    expect(scanned(['{"a":"x\\u00']).cleanLength).toBe('{"a":"x'.length);
    expect(scanned(['{"a":[1,']).cleanLength).toBe('{"a":[1'.length);
  });

  it('closes from a clean cut with a key given null and every open bracket closed', () => {
    expect(closedAtCleanCut('{"a":[{"b":"x')).toBe('{"a":[{"b":"x"}]}');
    expect(closedAtCleanCut('{"a":{"b"')).toBe('{"a":{"b":null}}');
    expect(closedAtCleanCut('{"a":{"b":')).toBe('{"a":{"b":null}}');
    expect(closedAtCleanCut('{"a":{"ke')).toBe('{"a":{"ke":null}}');
    expect(closedAtCleanCut('{"a":12}')).toBe('{"a":12}');
  });

  it('tells the top-level member being written, from its key until its value ends', () => {
    expect(scanned(['{"a":1, "key":"val']).openMember).toEqual({ keyStart: '{"a":1, "'.length, keyEnd: '{"a":1, "key'.length, valueBegun: true });
    expect(scanned(['{"key":']).openMember).toMatchObject({ valueBegun: false });
    expect(scanned(['{"key":{"b":2}']).openMember).toBeUndefined();
    expect(scanned(['{"a":{"key":"x']).openMember).toMatchObject({ keyStart: 2, keyEnd: 3, valueBegun: true });
    expect(scanned(['{']).hasMember).toBe(false);
  });

  it('agrees with JSON.parse on any text: whole and not faulted exactly when it is one object', () => {
    const jsonish = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '\\', 'u', '0', '1', '-', '.', 'e', 't', 'r', 'n', 'a', 'x', '\n'), maxLength: 30 });
    const objectText = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map((value) => JSON.stringify(value));
    /** A whole object with one character put in, taken out or replaced somewhere. */
    const nearlyObject = fc.tuple(objectText, fc.nat(), fc.constantFrom('', 'x', '"', ',', '}', ']', '\n', '\\', '0', ':')).map(([text, at, put]) => {
      const position = at % text.length;
      return put === '' ? text.slice(0, position) + text.slice(position + 1) : text.slice(0, position) + put + text.slice(position);
    });
    fc.assert(
      fc.property(fc.oneof(jsonish, objectText, nearlyObject), fc.array(fc.nat(), { maxLength: 4 }), (text, cuts) => {
        const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((left, right) => left - right);
        const pieces = [...positions, text.length].map((end, position) => text.slice(position === 0 ? 0 : positions[position - 1], end));
        const json = scanned(pieces);
        expect(json.closed && !json.faulted).toBe(parsesAsObject(text));
        if (json.cleanLength > 0) expect(parsesAsObject(closedAtCleanCut(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
