/**
 * OpenAI's embeddings request (`POST /v1/embeddings`, what `client.embeddings.create` sends) read into the router's
 * `embed` call. Pure: the body and the resolver in, the call out, a 400 (GatewayHttpError) for what is wrong with it.
 * The texts themselves are checked by the router (empty, too many: an InvalidArgumentError naming `input`).
 */
import { embeddingInputTypeWords, embeddingTaskTypeOf, embeddingTaskTypes } from '../../embedding-task-types.js';
import { isRecord } from '../../json-value.js';
import type { EmbedOptions } from '../../routing/embedding-options.js';
import type { EmbeddingTaskType, Mutable } from '../../types.js';
import { invalidRequest } from '../gateway-http-error.js';
import type { ModelResolver } from '../model-resolver.js';
import { refuseUpstreamSelectors } from '../request-fields.js';

/** How the client wants its vectors: numbers, or base64 float32 (what the OpenAI SDKs ask by default). */
export type EmbeddingEncodingFormat = 'float' | 'base64';

export interface EmbeddingsGatewayCall {
  /** The `model` the client sent: for the key's allowlist, the log line and the answer. */
  readonly requested: string;
  /** The body's `input`, a string or a list of strings (the router checks them). */
  readonly input: string | readonly string[];
  /** Everything but the signal, cache scope and attempt log, which the handler adds: a new object per request. */
  readonly options: Mutable<EmbedOptions>;
  readonly encodingFormat: EmbeddingEncodingFormat;
}

/** The fields read; the rest (`user`, a client's extras) may not name an upstream, as in the chat APIs' bodies. */
const interpretedFields: ReadonlySet<string> = new Set(['model', 'input', 'encoding_format', 'dimensions']);

export function parseEmbeddingsRequest(body: unknown, resolver: ModelResolver): EmbeddingsGatewayCall {
  if (!isRecord(body)) throw invalidRequest('The body must be a JSON object with `model` and `input`.');
  refuseUpstreamSelectors(body, interpretedFields);
  const { model, input, encoding_format: encodingFormat, dimensions } = body;
  if (typeof model !== 'string' || model === '') throw invalidRequest('`model` must name the embedding model.', 'model');
  if (typeof input !== 'string' && !Array.isArray(input)) throw invalidRequest('`input` must be a string or an array of strings.', 'input');
  if (Array.isArray(input) && input.some((item) => typeof item === 'number' || Array.isArray(item))) {
    // Token ids are one model's tokenizer's: a provider of another tokenizer would embed other text.
    throw invalidRequest('`input` as token ids is not accepted here: send the text.', 'input', 'unsupported_value');
  }
  if (encodingFormat !== undefined && encodingFormat !== 'float' && encodingFormat !== 'base64') {
    throw invalidRequest("`encoding_format` must be 'float' or 'base64'.", 'encoding_format');
  }
  if (dimensions !== undefined && typeof dimensions !== 'number') throw invalidRequest('`dimensions` must be an integer.', 'dimensions');
  const options: Mutable<EmbedOptions> = { model };
  const resolved = resolver.resolveEmbeddingModel(model);
  if (resolved.kind === 'tier') {
    throw invalidRequest(`'${model}' is a tier of chat models: name the embedding model (text-embedding-3-small, provider/model or a route).`, 'model');
  }
  if (resolved.kind === 'route') {
    const models = new Set(resolved.targets.map((target) => target.model));
    if (models.size > 1) {
      throw invalidRequest(
        `The route '${model}' lists several models (${[...models].join(', ')}): an embedding call asks one model, whose providers alone ` +
          'may stand in for each other, as vectors of two models are not comparable.',
        'model',
      );
    }
    options.model = resolved.targets[0]!.model;
    options.provider = resolved.targets.map((target) => target.provider);
  }
  if (dimensions !== undefined) options.dimensions = dimensions;
  const taskType = taskTypeOf(body);
  if (taskType !== undefined) options.taskType = taskType;
  return { requested: model, input: input as string | readonly string[], options, encodingFormat: encodingFormat ?? 'float' };
}

/**
 * The task type, from either field clients send it in (OpenAI's API has neither): `task_type`, LiteLLM's, which it
 * passes to Gemini as `taskType` (BerriAI/litellm `litellm/llms/vertex_ai/gemini_embeddings/
 * batch_embed_content_transformation.py`), or `input_type`, the field of NVIDIA NIM's OpenAI API (`query`,
 * `passage`), of Voyage's and Cohere's APIs (`query`, `document`; `search_query`, `search_document`), and which
 * LiteLLM passes to Vertex as its task type (`litellm/llms/vertex_ai/vertex_embeddings/transformation.py`). Each takes
 * Google's words in either case and those `input_type` words (embedding-task-types.ts); null is none, as Voyage's
 * `input_type: null`. Both given must agree.
 */
function taskTypeOf(body: Readonly<Record<string, unknown>>): EmbeddingTaskType | undefined {
  const fromTaskType = taskTypeField(body, 'task_type');
  const fromInputType = taskTypeField(body, 'input_type');
  if (fromTaskType !== undefined && fromInputType !== undefined && fromTaskType !== fromInputType) {
    throw invalidRequest(`\`task_type\` asks ${fromTaskType} and \`input_type\` asks ${fromInputType}: send one of them.`, 'input_type');
  }
  return fromTaskType ?? fromInputType;
}

function taskTypeField(body: Readonly<Record<string, unknown>>, field: 'task_type' | 'input_type'): EmbeddingTaskType | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const taskType = embeddingTaskTypeOf(value);
  if (taskType !== undefined) return taskType;
  throw invalidRequest(
    `\`${field}\` must be one of Google's task types (${embeddingTaskTypes.join(', ')}) or ${embeddingInputTypeWords.join(', ')}, ` +
      `not ${JSON.stringify(value).slice(0, 80)}.`,
    field,
  );
}
