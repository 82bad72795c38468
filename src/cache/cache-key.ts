/**
 * Cache keys: a version, the caller's scope, and the sha256 of a stable JSON of everything that shapes
 * the answer. Object key order never matters (keys are sorted, undefined values dropped); content is
 * taken exactly as given (no trimming), and array order is kept (message order, stop sequences, tools).
 * The scope is hashed and also written in clear in the prefix, so different callers never share an entry
 * and a backend can clear one scope by prefix.
 */

import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import type { Message, ReasoningEffort, ResponseFormat, ServerTools, ToolChoice, ToolDefinition } from '../types.js';

/** Bump when the key's input changes meaning, so old entries are never read with a new meaning. */
export const cacheKeyVersion = 1;

/** What shapes an answer. `target` names what was asked for: a model id, 'tier-2', or provider/model. */
export interface CacheKeyRequest {
  readonly target: string;
  readonly messages: readonly Message[];
  readonly temperature?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly topP?: number | undefined;
  readonly seed?: number | undefined;
  readonly presencePenalty?: number | undefined;
  readonly frequencyPenalty?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly tools?: readonly ToolDefinition[] | undefined;
  readonly toolChoice?: ToolChoice | undefined;
  readonly parallelToolCalls?: boolean | undefined;
  readonly responseFormat?: ResponseFormat | undefined;
  readonly reasoningEffort?: ReasoningEffort | undefined;
  /** A web search asked is another question than the same words without one. */
  readonly serverTools?: ServerTools | undefined;
}

export interface CacheKeyOptions {
  /** Whose entry this is (an API key's id, a tenant). Non-empty. */
  scope: string;
  request: CacheKeyRequest;
}

/** `bm:v1:<scope, URI-encoded>:<sha256 hex>` */
export function createCacheKey(options: CacheKeyOptions): string {
  const { scope, request } = options;
  if (typeof scope !== 'string' || scope.length === 0) {
    throw new InvalidArgumentError({ argument: 'scope', message: 'The cache scope must be a non-empty string' });
  }
  // Only the fields that shape the answer: anything else a caller's object carries is ignored.
  const input = {
    version: cacheKeyVersion,
    scope,
    target: request.target,
    messages: request.messages,
    temperature: request.temperature,
    maxTokens: request.maxTokens,
    topP: request.topP,
    seed: request.seed,
    presencePenalty: request.presencePenalty,
    frequencyPenalty: request.frequencyPenalty,
    stop: request.stop,
    tools: request.tools,
    toolChoice: request.toolChoice,
    parallelToolCalls: request.parallelToolCalls,
    responseFormat: request.responseFormat,
    reasoningEffort: request.reasoningEffort,
    serverTools: request.serverTools,
  };
  const hash = createHash('sha256').update(stableStringify(input)).digest('hex');
  return `bm:v${cacheKeyVersion}:${encodeURIComponent(scope)}:${hash}`;
}

/**
 * What shapes an embedding call's vectors: the model, the texts in order, the vectors' length, the task type (a
 * query's vectors are not a document's). Absent fields are left out of the hash, so a call without a task type keeps
 * the key it had before task types were taken.
 */
export interface EmbeddingCacheKeyRequest {
  readonly model: string;
  readonly inputs: readonly string[];
  readonly dimensions?: number | undefined;
  readonly taskType?: string | undefined;
}

/**
 * `bm:v1:<scope, URI-encoded>:<sha256 hex>`, as a completion's key, of what an embedding call asks, marked as
 * embeddings so that no completion's key is ever the same. Not the provider: every provider of a call serves the
 * same model, whose vectors are the point of the cache (a second provider's would be the same model's).
 */
export function createEmbeddingCacheKey(options: { scope: string; request: EmbeddingCacheKeyRequest }): string {
  const { scope, request } = options;
  if (typeof scope !== 'string' || scope.length === 0) {
    throw new InvalidArgumentError({ argument: 'scope', message: 'The cache scope must be a non-empty string' });
  }
  const input = {
    version: cacheKeyVersion,
    scope,
    kind: 'embeddings',
    model: request.model,
    inputs: request.inputs,
    dimensions: request.dimensions,
    taskType: request.taskType,
  };
  const hash = createHash('sha256').update(stableStringify(input)).digest('hex');
  return `bm:v${cacheKeyVersion}:${encodeURIComponent(scope)}:${hash}`;
}

/**
 * JSON with object keys sorted at every depth. Like JSON.stringify otherwise: undefined, functions and
 * symbols are dropped from objects and become null in arrays; `toJSON` is honoured; non-finite numbers
 * become null. A bigint or a cycle is an `InvalidArgumentError`.
 */
export function stableStringify(value: unknown): string {
  return stringifyValue(value, new Set()) ?? 'null';
}

/** How many `toJSON` results in a row may have a `toJSON` of their own: one that returns itself is a cycle. */
const maxToJsonChain = 32;

function stringifyValue(value: unknown, ancestors: Set<object>, toJsonChain = 0): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new InvalidArgumentError({ argument: 'request', message: 'A cache key input cannot contain a bigint' });
  }
  const object = value as object;
  const withToJson = object as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    if (toJsonChain === maxToJsonChain) {
      throw new InvalidArgumentError({ argument: 'request', message: 'A cache key input cannot contain a cycle' });
    }
    return stringifyValue((withToJson.toJSON as () => unknown).call(object), ancestors, toJsonChain + 1);
  }
  if (ancestors.has(object)) {
    throw new InvalidArgumentError({ argument: 'request', message: 'A cache key input cannot contain a cycle' });
  }
  ancestors.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = `[${object.map((item: unknown) => stringifyValue(item, ancestors) ?? 'null').join(',')}]`;
  } else {
    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = stringifyValue(record[key], ancestors);
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
    }
    text = `{${parts.join(',')}}`;
  }
  ancestors.delete(object);
  return text;
}
