import type { JsonSchema } from '../../types.js';
import type { GeminiStruct } from './gemini-api-types.js';
import { isRecord } from '../../json-value.js';

/** Keywords Gemini's `Schema` (an OpenAPI 3.0 subset) accepts. Any other keyword is a 400 "Unknown name". */
const copiedKeywords = [
  'title',
  'description',
  'required',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'default',
  'example',
  'propertyOrdering',
  'nullable',
] as const;

/** The formats Gemini accepts, by type; others (`email`, `uri`) are refused. */
const supportedFormats: Readonly<Record<string, readonly string[]>> = {
  string: ['enum', 'date-time'],
  integer: ['int32', 'int64'],
  number: ['float', 'double'],
};

/**
 * A JSON Schema as Gemini's schema: unsupported keywords (`additionalProperties`, `$schema`, `$ref`, ...)
 * are dropped, `["string", "null"]` and `anyOf` with a null branch become `nullable`, `oneOf` becomes
 * `anyOf`, `const` becomes a one-value `enum`. Lossy on purpose: Gemini refuses the whole request otherwise.
 */
export function convertJsonSchemaToGeminiSchema(schema: JsonSchema): GeminiStruct {
  // A lone `allOf` member (how some generators wrap a `$ref`) is the base the other keywords refine.
  const allOf = schema['allOf'];
  const result: Record<string, unknown> =
    Array.isArray(allOf) && allOf.length === 1 ? { ...convertNested(allOf[0]) } : {};
  for (const keyword of copiedKeywords) {
    if (schema[keyword] !== undefined) result[keyword] = schema[keyword];
  }

  const types = (Array.isArray(schema['type']) ? schema['type'] : [schema['type']]).filter(
    (type): type is string => typeof type === 'string',
  );
  const nonNullTypes = types.filter((type) => type !== 'null');
  if (types.includes('null')) result['nullable'] = true;
  if (nonNullTypes.length === 1) result['type'] = nonNullTypes[0];
  if (nonNullTypes.length > 1) result['anyOf'] = nonNullTypes.map((type) => ({ type }));

  // An own-property look-up: a caller's schema may name any type (`constructor`, `toString`), and one that
  // reached Object.prototype's methods threw, which the router took for the provider failing.
  const format = schema['format'];
  const type = String(result['type']);
  if (typeof format === 'string' && Object.hasOwn(supportedFormats, type) && supportedFormats[type]!.includes(format)) result['format'] = format;

  if (Array.isArray(schema['enum'])) result['enum'] = schema['enum'];
  else if (schema['const'] !== undefined) result['enum'] = [schema['const']];

  const properties = schema['properties'];
  if (isRecord(properties)) {
    result['properties'] = Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, convertNested(property)]),
    );
  }
  const items = Array.isArray(schema['items']) ? schema['items'][0] : schema['items'];
  if (isRecord(items)) result['items'] = convertJsonSchemaToGeminiSchema(items);

  const alternatives = [schema['anyOf'], schema['oneOf']].find(Array.isArray);
  if (alternatives !== undefined) mergeAlternatives(result, alternatives);
  return result;
}

/** True for `{type: 'object'}` without properties: Gemini refuses such function parameters, so they are left out. */
export function isEmptyObjectSchema(schema: JsonSchema): boolean {
  const properties = schema['properties'];
  return schema['type'] === 'object' && (!isRecord(properties) || Object.keys(properties).length === 0);
}

function convertNested(schema: unknown): GeminiStruct {
  return isRecord(schema) ? convertJsonSchemaToGeminiSchema(schema) : {};
}

function mergeAlternatives(result: Record<string, unknown>, alternatives: readonly unknown[]): void {
  const isNullBranch = (branch: unknown) => isRecord(branch) && branch['type'] === 'null';
  const branches = alternatives.filter((branch) => !isNullBranch(branch));
  if (branches.length < alternatives.length) result['nullable'] = true;
  if (branches.length === 1) {
    // `anyOf: [X, null]` is X, nullable; the outer keywords (a description) win over X's.
    for (const [keyword, value] of Object.entries(convertNested(branches[0]))) {
      if (!(keyword in result)) result[keyword] = value;
    }
  } else if (branches.length > 1) result['anyOf'] = branches.map(convertNested);
}
