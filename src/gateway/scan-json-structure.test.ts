import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJsonStructure } from './scan-json-structure.js';

const scan = (text: string, maxDepth = 64) => scanJsonStructure(Buffer.from(text, 'utf8'), maxDepth);

describe('scanJsonStructure', () => {
  it('accepts an ordinary chat body', () => {
    const body = JSON.stringify({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say {[hello]} "quoted" \\ backslash' }],
      tools: [{ type: 'function', function: { name: 'get', parameters: { type: 'object', properties: { url: { type: 'string' } } } } }],
    });
    expect(scan(body)).toBeUndefined();
  });

  it('refuses 10,000 levels of nesting without recursing', () => {
    expect(scan('['.repeat(10_000) + ']'.repeat(10_000))).toEqual({ kind: 'too-deep', maxDepth: 64 });
    expect(scan(`{"a":${'{"a":'.repeat(9_999)}1${'}'.repeat(10_000)}`)).toEqual({ kind: 'too-deep', maxDepth: 64 });
  });

  it('counts depth exactly at the limit', () => {
    expect(scan('[[[1]]]', 3)).toBeUndefined();
    expect(scan('[[[[1]]]]', 3)).toEqual({ kind: 'too-deep', maxDepth: 3 });
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(scan(`{"text":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`, 2)).toBeUndefined();
  });

  it('finds __proto__ keys, also spelled with escapes', () => {
    expect(scan('{"a":{"__proto__":{"polluted":true}}}')).toEqual({ kind: 'forbidden-key', key: '__proto__' });
    expect(scan('{"\\u005f_proto__":1}')).toEqual({ kind: 'forbidden-key', key: '__proto__' });
  });

  it('allows __proto__ as a value and inside longer keys, and constructor as any key', () => {
    expect(scan('{"content":"__proto__","my__proto__":1,"list":["constructor"]}')).toBeUndefined();
    expect(scan('{"properties":{"constructor":{"type":"string"}},"required":["constructor"]}')).toBeUndefined();
    expect(scan('{"constructor" : {"prototype":{}}}')).toBeUndefined();
  });

  it('agrees with JSON.parse on depth for any JSON value', () => {
    const depthOf = (value: unknown): number =>
      typeof value === 'object' && value !== null
        ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 8 }), (value, maxDepth) => {
        const text = JSON.stringify(value);
        const tooDeep = scan(text, maxDepth)?.kind === 'too-deep';
        const hasForbidden = /"__proto__":/.test(text);
        if (!hasForbidden) expect(tooDeep).toBe(depthOf(value) > maxDepth);
      }),
    );
  });
});
