/**
 * A JSON Schema `responseFormat` as Anthropic's structured output (`output_config.format: {type: 'json_schema',
 * schema}`, GA; the beta's `output_format` and header `structured-outputs-2025-11-13` are not needed), and the
 * requests Anthropic would answer with a 400, refused here before anything leaves so that the call fails over. Pure.
 *
 * Evidence: https://platform.claude.com/docs/en/build-with-claude/structured-outputs ("JSON Schema limitations": not
 * supported are numerical constraints, `minLength`/`maxLength`, array constraints beyond `minItems` 0 or 1, and
 * `additionalProperties` other than `false`, "If you use an unsupported feature, you'll receive a 400 error"; prefill is
 * incompatible). Anthropic's 400s: "For 'object' type, 'additionalProperties' must be explicitly set to false"
 * (ax-llm/ax#458, veryfront/veryfront-code#3918 on `output_config.format`), "'additionalProperties: true' is not
 * supported" (BerriAI/litellm#35808), "For 'integer' type, property 'minimum' is not supported" (agentjido/req_llm#302).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { ChatRequest, JsonSchema } from '../../types.js';
import type { BuildChatRequestOptions } from '../wire-protocol.js';
import type { AnthropicMessage, AnthropicOutputFormat } from './anthropic-api-types.js';

/** Keywords Anthropic refuses in a structured output's schema (its "Not supported" list). */
const refusedKeywords: readonly string[] = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'maxItems',
  'uniqueItems',
];

/** Keywords whose value is one schema, or a map or list of schemas, walked for the checks above. */
const subschemaKeywords: readonly string[] = ['items', 'not', 'if', 'then', 'else', 'contains'];
const subschemaMapKeywords: readonly string[] = ['properties', '$defs', 'definitions', 'patternProperties'];
const subschemaListKeywords: readonly string[] = ['anyOf', 'allOf', 'oneOf', 'prefixItems'];

/**
 * The structured output to send for a call's `responseFormat`, or undefined for none. `json_object` (no schema) is
 * sent none, as before: Anthropic has no JSON mode, and the only schema for "any object" is one it refuses (an object
 * must be closed, `additionalProperties: false`, which would allow only `{}`), so the prompt asks for JSON, as OpenAI's
 * JSON mode requires it to. A `json_schema` is refused (InvalidArgumentError, which fails over) for a model marked
 * `structuredOutput: 'refused'`, after a prefill, or when its schema holds what Anthropic refuses; an object that does
 * not say `additionalProperties` is closed as Anthropic's own SDKs close it (every answer still matches the caller's
 * schema), one that says anything but `false`, or names no properties, is refused (closing it would allow only `{}`).
 */
export function anthropicOutputFormatOf(
  request: Pick<ChatRequest, 'model' | 'responseFormat'>,
  sent: { readonly messages: readonly AnthropicMessage[] },
  options: Pick<BuildChatRequestOptions, 'structuredOutput'>,
): AnthropicOutputFormat | undefined {
  const format = request.responseFormat;
  if (format === undefined || format.type !== 'json_schema') return undefined;
  if (options.structuredOutput === 'refused') throw refusal(`${request.model} takes no structured output (output_config.format)`);
  if (sent.messages.at(-1)?.role === 'assistant') {
    throw refusal(`${request.model} takes no structured output after a conversation that ends on an assistant turn (a prefill)`);
  }
  return { type: 'json_schema', schema: closedSchema(format.schema, 'schema') };
}

function refusal(reason: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: 'responseFormat', message: `${reason}: Anthropic refuses it with a 400, so the call goes to another model.` });
}

function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of the schema with every object closed; throws on what Anthropic refuses. The caller's schema is not changed. */
function closedSchema(schema: JsonSchema, path: string): JsonSchema {
  const copy: Record<string, unknown> = { ...schema };
  for (const keyword of refusedKeywords) {
    if (copy[keyword] !== undefined) throw refusal(`responseFormat.${path} has ${keyword}, which Anthropic's structured output does not take`);
  }
  const minItems = copy.minItems;
  if (minItems !== undefined && minItems !== 0 && minItems !== 1) throw refusal(`responseFormat.${path} has minItems ${String(minItems)} (Anthropic takes 0 or 1 only)`);
  if (isObjectSchema(copy)) closeObject(copy, path);
  for (const keyword of subschemaKeywords) {
    const value = copy[keyword];
    if (isSchemaObject(value)) copy[keyword] = closedSchema(value, `${path}.${keyword}`);
  }
  for (const keyword of subschemaMapKeywords) {
    const value = copy[keyword];
    if (!isSchemaObject(value)) continue;
    const map: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(value)) map[name] = isSchemaObject(entry) ? closedSchema(entry, `${path}.${keyword}.${name}`) : entry;
    copy[keyword] = map;
  }
  for (const keyword of subschemaListKeywords) {
    const value = copy[keyword];
    if (Array.isArray(value)) copy[keyword] = value.map((entry: unknown, index) => (isSchemaObject(entry) ? closedSchema(entry, `${path}.${keyword}[${index}]`) : entry));
  }
  return copy;
}

function isObjectSchema(schema: Readonly<Record<string, unknown>>): boolean {
  const type = schema.type;
  return type === 'object' || (Array.isArray(type) && type.includes('object'));
}

function closeObject(schema: Record<string, unknown>, path: string): void {
  const additional = schema.additionalProperties;
  if (additional === false) return;
  if (additional !== undefined) throw refusal(`responseFormat.${path} allows additional properties, which Anthropic's structured output does not take (additionalProperties must be false)`);
  if (!isSchemaObject(schema.properties) || Object.keys(schema.properties).length === 0) {
    throw refusal(`responseFormat.${path} is an object of any properties, which Anthropic's structured output does not take (an object must be closed)`);
  }
  schema.additionalProperties = false;
}
