import { describe, expect, it } from 'vitest';
import { convertJsonSchemaToGeminiSchema, isEmptyObjectSchema } from './convert-json-schema-to-gemini-schema.js';

describe('convertJsonSchemaToGeminiSchema', () => {
  it('drops the keywords Gemini refuses, recursively', () => {
    expect(
      convertJsonSchemaToGeminiSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        additionalProperties: false,
        properties: {
          tags: { type: 'array', items: { type: 'string', format: 'email', additionalProperties: false }, uniqueItems: true },
          when: { type: 'string', format: 'date-time' },
        },
        required: ['tags'],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' } },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['tags'],
    });
  });

  it('turns null in a type list or an anyOf into nullable', () => {
    expect(convertJsonSchemaToGeminiSchema({ type: ['string', 'null'], description: 'd' })).toEqual({
      type: 'string',
      nullable: true,
      description: 'd',
    });
    expect(
      convertJsonSchemaToGeminiSchema({ description: 'outer', anyOf: [{ type: 'integer', description: 'inner' }, { type: 'null' }] }),
    ).toEqual({ description: 'outer', nullable: true, type: 'integer' });
  });

  it('keeps real alternatives as anyOf, turns oneOf into anyOf and const into enum', () => {
    expect(convertJsonSchemaToGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
    expect(convertJsonSchemaToGeminiSchema({ type: 'string', const: 'fixed' })).toEqual({ type: 'string', enum: ['fixed'] });
  });

  it('unwraps a lone allOf', () => {
    expect(convertJsonSchemaToGeminiSchema({ allOf: [{ type: 'string', description: 'inner' }], description: 'outer' })).toEqual({
      type: 'string',
      description: 'outer',
    });
  });

  it("takes a type named like Object.prototype's members as an unknown type, without throwing", () => {
    for (const type of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expect(convertJsonSchemaToGeminiSchema({ type, format: 'date-time' })).toEqual({ type });
    }
  });
});

describe('isEmptyObjectSchema', () => {
  it('is true for an object schema without properties only', () => {
    expect(isEmptyObjectSchema({ type: 'object' })).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object', properties: {} })).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object', properties: { a: { type: 'string' } } })).toBe(false);
  });
});
