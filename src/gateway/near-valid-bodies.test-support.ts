/**
 * Test support: generators of JSON bodies for property tests (requests, and the answers of providers). A
 * near-valid body is a valid one with one field mutated (a wrong type, null, a huge number, an empty or
 * NaN-like string, deep nesting, an object whose keys shadow Object.prototype's methods...). Bodies go through
 * JSON, as a request's body does. Not shipped.
 */
import fc from 'fast-check';

export type JsonPath = readonly (string | number)[];

/** Every path into a JSON value (the root excluded), objects' keys and arrays' indexes alike. */
export function pathsOf(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const paths: JsonPath[] = [];
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, index) => {
      paths.push([...prefix, index], ...pathsOf(entry, [...prefix, index]));
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) paths.push([...prefix, key], ...pathsOf(entry, [...prefix, key]));
  }
  return paths;
}

/** A copy of `value` with the value at `path` replaced, or removed when `replacement` is `removed`. */
export function withValueAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  let holder = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) holder = holder[step] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === removed) {
    if (Array.isArray(holder)) holder.splice(Number(last), 1);
    else delete holder[last];
  } else {
    holder[last] = replacement;
  }
  return copy;
}

export const removed = Symbol('removed');

const deeplyNested = (depth: number, inner: unknown): unknown => {
  let value = inner;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
};

/** Keys that name Object.prototype's members: a template or String() of an object holding them throws. */
const shadowingKeys = ['toString', 'valueOf', 'constructor', 'hasOwnProperty', 'toJSON', 'then', 'length', '0'];

/** Values a field should not hold, or holds only at its edges. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    -0,
    0.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    '',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'toString',
    'system',
    'function',
    'tool',
    'text',
    'image',
    'json_schema',
    'robot',
    'x'.repeat(10_000),
    '\u0000',
    '\ud800',
    [],
    {},
    [null],
    [[]],
    [{}],
    [''],
    { type: null },
    { type: 'text' },
    { type: 'text', text: null },
    { type: 'image_url', image_url: { url: 'ftp://x' } },
    { type: 'image_url', image_url: 'https://example.com/a.png' },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 7 } },
    { type: 'tool_use', id: 'x', name: 'y', input: [] },
    { type: 'tool_result', tool_use_id: '' },
    { type: 'function', function: null },
    { type: 'function', function: { name: 'f', parameters: [] } },
    { type: 'object', properties: { toString: { type: 'string' } }, required: 'yes' },
    { ttl: '2h' },
  ),
  fc.constantFrom(...shadowingKeys).map((key) => ({ [key]: 1 })),
  fc.constantFrom(...shadowingKeys).map((key) => ({ type: { [key]: 1 } })),
  fc.constantFrom(...shadowingKeys).map((key) => [{ type: { [key]: 1 } }]),
  fc.integer({ min: 40, max: 200 }).map((depth) => deeplyNested(depth, 1)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.string({ maxLength: 20 }),
  fc.double(),
);

/**
 * A valid body (one of `bases`) with one field mutated: replaced by an odd value, removed, or given an extra
 * key. The top-level key the mutation is under comes with it, for checking that a refusal names its field.
 */
export function nearValidBody(bases: readonly Readonly<Record<string, unknown>>[]): fc.Arbitrary<{ body: unknown; field: string }> {
  return fc
    .record({
      base: fc.constantFrom(...bases),
      pick: fc.nat(),
      mutation: fc.oneof(
        { weight: 6, arbitrary: oddValue.map((value) => ({ kind: 'replace' as const, value })) },
        { weight: 1, arbitrary: fc.constant({ kind: 'remove' as const }) },
        { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), oddValue).map(([key, value]) => ({ kind: 'add' as const, key, value })) },
      ),
    })
    .map(({ base, pick, mutation }) => {
      const paths = pathsOf(base);
      const path = paths[pick % paths.length]!;
      const field = String(path[0]);
      if (mutation.kind === 'replace') return { body: withValueAt(base, path, mutation.value), field };
      if (mutation.kind === 'remove') return { body: withValueAt(base, path, removed), field };
      // An extra key on the object at (or holding) the path.
      const holderPath = path.slice(0, -1);
      const holder = holderPath.reduce<unknown>((value, step) => (value as Record<string | number, unknown>)[step], base);
      const target = typeof holder === 'object' && holder !== null && !Array.isArray(holder) ? holderPath : [];
      const object = target.reduce<unknown>((value, step) => (value as Record<string | number, unknown>)[step], base) as Record<string, unknown>;
      const added = { ...object, [mutation.key]: mutation.value };
      return { body: target.length === 0 ? JSON.parse(JSON.stringify(added)) : withValueAt(base, target, added), field: target.length === 0 ? mutation.key : String(target[0]) };
    });
}
