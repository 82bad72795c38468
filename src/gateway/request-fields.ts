/**
 * What every dialect's request parse shares: the refusal of anything that would choose an upstream (a body
 * field or an `x-` header named like `base_url`, `api_base`, `upstream`...), the model's resolution, and
 * readers of plain fields that answer a 400 naming the field. Pure.
 */
import { isRecord } from '../json-value.js';
import type { CompleteOptions } from '../routing/router-options.js';
import type { CacheBreakpoint, Mutable, ToolDefinition } from '../types.js';
import { cacheBreakpointFor, isCacheTtl } from '../cache-breakpoint.js';
import { redactSecrets } from '../errors.js';
import { GatewayHttpError, invalidRequest } from './gateway-http-error.js';
import type { ModelResolver, ResolvedModel } from './model-resolver.js';

export type JsonObject = Readonly<Record<string, unknown>>;

/** Names that select where a request goes. No field of ours has such a name. */
const upstreamSelectorPattern =
  /(base[-_]?url|api[-_]?base|api[-_]?host|upstream|endpoint|server[-_]?url|target[-_]?url|^url$|^host$|^hostname$)/i;

/**
 * A header that names an upstream, as some proxies accept. The gateway reads none of them and refuses them all.
 * Read from the request's headers as Node gives them (lower-case names), on every model call: no list of names made.
 */
export function findUpstreamSelectorHeader(headers: Readonly<Record<string, unknown>>): string | undefined {
  for (const name in headers) if (name.startsWith('x-') && upstreamSelectorPattern.test(name.slice(2))) return name;
  return undefined;
}

/**
 * Free-form tags the caller keeps for itself (`metadata` in all three APIs: OpenAI's key-value pairs,
 * Anthropic's `user_id`). The gateway never reads them nor passes them on, so no key in them can choose an
 * upstream, and `endpoint` or `url` is an ordinary tag name there.
 */
const callerTagFields: ReadonlySet<string> = new Set(['metadata']);

/**
 * Refuse a body with a key, at any depth of the top-level fields the dialect does not interpret, that names
 * an upstream. The interpreted fields' contents (messages, tool schemas) may hold any key: a tool may well
 * take a `url`; so may the caller's own tags (`metadata`), which are ignored.
 */
export function refuseUpstreamSelectors(body: JsonObject, interpretedFields: ReadonlySet<string>): void {
  const selector = findUpstreamSelector(body, '', 0, interpretedFields);
  if (selector) {
    throw invalidRequest(
      `The field ${selector} is not accepted: the upstream is chosen by the gateway's configuration only.`,
      selector,
      'unsupported_parameter',
    );
  }
}

function findUpstreamSelector(value: unknown, path: string, depth: number, interpretedFields: ReadonlySet<string>): string | undefined {
  if (depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findUpstreamSelector(value[index], `${path}[${index}]`, depth + 1, interpretedFields);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (depth === 0 && (interpretedFields.has(key) || callerTagFields.has(key))) continue;
    const keyPath = path ? `${path}.${key}` : key;
    if (upstreamSelectorPattern.test(key)) return keyPath;
    const found = findUpstreamSelector(value[key], keyPath, depth + 1, interpretedFields);
    if (found) return found;
  }
  return undefined;
}

/**
 * What stands in the text for media a turn cannot carry (a document; an image in a tool's output): a line
 * that tells the model it is missing. A 400 instead would stay in the client's history and refuse every
 * later turn of the conversation.
 */
export function omittedMediaNote(kind: string): string {
  return `[${kind} omitted: this gateway does not carry it here]`;
}

/**
 * A value of the client's quoted in a 400 (a `type` this gateway does not know), cut to 40 characters; any
 * other value than a string by its kind: `String()` of an object whose keys shadow Object.prototype's
 * (`{"toString":1}`) throws a TypeError, which would answer a bad body with a 500. A string is redacted
 * before it is cut: a key cut short would no longer be found whole by the redaction of the error answer.
 */
export function quotedValueOf(value: unknown): string {
  if (typeof value === 'string') return redactSecrets(value).slice(0, 40);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

export function modelNotFound(model: string): GatewayHttpError {
  return new GatewayHttpError({
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
    message:
      `The model '${model.slice(0, 200)}' does not exist here. Use provider/model (openai/gpt-6-luna), a model ` +
      'id of the catalog (gpt-6-luna), a tier alias (tier-1, tier-2, tier-3) or a configured route name; GET /v1/models lists them.',
  });
}

/** The body's `model`, resolved to a tier, a route or one provider's model. */
export function resolveModelField(body: JsonObject, resolver: ModelResolver): ResolvedModel {
  if (typeof body.model !== 'string' || body.model.length === 0) throw invalidRequest('model is required.', 'model');
  const model = resolver.resolve(body.model);
  if (!model) throw modelNotFound(body.model);
  return model;
}

/** `tools`: absent, or an array whose entries `toToolDefinition` reads (undefined: a tool not passed on). */
export function toolsField(
  value: unknown,
  toToolDefinition: (tool: unknown, index: number) => ToolDefinition | undefined,
): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidRequest('tools must be an array.', 'tools');
  const tools: ToolDefinition[] = [];
  value.forEach((tool: unknown, index) => {
    const definition = toToolDefinition(tool, index);
    if (definition !== undefined) tools.push(definition);
  });
  return tools;
}

/**
 * A tool's name (1 to 128 letters, digits, `_` or `-`: Anthropic takes 128, OpenAI and Gemini 64, and a call
 * with a longer name goes to the providers that take it, providers/tool-name-limit.ts), description and JSON
 * Schema, checked; `path` names the tool in errors (`tools[0].function`), `schemaName` its schema's field.
 * Without a schema (where the API allows it) the tool takes no arguments.
 */
export function toolDefinitionOf(
  fields: { readonly name: unknown; readonly description: unknown; readonly schema: unknown; readonly strict?: unknown },
  path: string,
  options: { readonly schemaName: string; readonly schemaRequired: boolean },
): ToolDefinition {
  const { name, description, schema } = fields;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(name)) {
    throw invalidRequest(`${path}.name must be 1 to 128 letters, digits, _ or -.`, 'tools');
  }
  if (description !== undefined && typeof description !== 'string') throw invalidRequest(`${path}.description must be a string.`, 'tools');
  if ((schema !== undefined || options.schemaRequired) && !isRecord(schema)) {
    throw invalidRequest(`${path}.${options.schemaName} must be a JSON Schema object.`, 'tools');
  }
  const definition: Mutable<ToolDefinition> = { name, parameters: isRecord(schema) ? schema : { type: 'object', properties: {} } };
  if (description !== undefined) definition.description = description;
  const strict = fields.strict ?? undefined;
  if (strict !== undefined && typeof strict !== 'boolean') throw invalidRequest(`${path}.strict must be true or false.`, 'tools');
  if (strict !== undefined) definition.strict = strict;
  return definition;
}

/**
 * A new options object with the model's routing (a route, a tier, the route's own strategy); the parse
 * adds the request's fields to it by assignment (cheaper than conditional spreads on every request).
 */
export function routingOptionsOf(model: ResolvedModel): Mutable<CompleteOptions> {
  const options: Mutable<CompleteOptions> = {};
  if (model.route !== undefined) options.route = model.route;
  if (model.tier !== undefined) options.tier = model.tier;
  if (model.parallelAttempts !== undefined) options.parallelAttempts = model.parallelAttempts;
  if (model.hedge !== undefined) options.hedge = model.hedge;
  return options;
}

export function numberField(body: JsonObject, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${name} must be a number.`, name);
  return value;
}

export function booleanField(body: JsonObject, name: string): boolean {
  return optionalBooleanField(body, name) ?? false;
}

/** A boolean the caller may leave out (undefined: the default applies). */
export function optionalBooleanField(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`${name} must be true or false.`, name);
  return value;
}

/**
 * The most stop sequences a request may carry here: a bound against abuse, not any provider's limit. Each
 * provider's own (OpenAI's 4, Gemini's 5) is held by the provider (`ProviderDefinition.stopSequencesMaxCount`),
 * so a call with more goes to a provider that takes them; Continue's autocomplete sends 9 (continuedev/continue#2461).
 */
export const maxStopSequences = 64;

/** Stop sequences: a string or up to `maxStopSequences` non-empty strings. */
export function stopSequencesField(body: JsonObject, name: string, options: { readonly allowString: boolean }): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  const list = options.allowString && typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((entry) => typeof entry !== 'string' || entry.length === 0)) {
    throw invalidRequest(`${name} must be ${options.allowString ? 'a string or an array of non-empty strings' : 'an array of non-empty strings'}.`, name);
  }
  if (list.length > maxStopSequences) {
    // OpenAI's own code for a list past its bound (continuedev/continue#2461).
    throw invalidRequest(`${name} has ${list.length} sequences; this gateway takes at most ${maxStopSequences}.`, name, 'array_above_max_length');
  }
  return list as string[];
}

/**
 * The prompt-cache breakpoint a block (or part, or tool) marks with `cache_control`, with its lifetime
 * (`ttl`: "5m", the default, or "1h"); undefined when it marks none. `param` names the field in a 400, and
 * `path` and `index` the holder (`system`, 2: `system[2]`), joined only for that 400: this runs on every block.
 */
export function cacheBreakpointOf(holder: unknown, param: string, path: string, index?: number): CacheBreakpoint | undefined {
  if (!isRecord(holder) || !isRecord(holder.cache_control)) return undefined;
  const ttl = holder.cache_control.ttl;
  if (ttl === undefined || ttl === null) return true;
  if (!isCacheTtl(ttl)) {
    throw invalidRequest(`${index === undefined ? path : `${path}[${index}]`}.cache_control.ttl must be "5m" or "1h".`, param);
  }
  return cacheBreakpointFor(ttl);
}
