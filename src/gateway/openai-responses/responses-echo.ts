/**
 * The request parameters a Responses answer repeats. OpenAI's response object echoes what its request asked
 * (`instructions`, `tools`, `tool_choice`, `text`, sampling, `reasoning`, `user`, `metadata`...), with the
 * API's defaults for what the request left out, in `response.created`, `response.in_progress` and the final
 * response alike; clients and tracers (the Agents SDK's spans) read the call's settings there. Pure.
 *
 * Shapes and defaults are those of OpenAI's recorded answers (pydantic-ai's `test_openai_responses` cassettes,
 * vercel/ai's `responses/__fixtures__`): a function tool comes back as `type`, `description` (null when
 * empty), `name`, `parameters`, `strict`; temperature and top_p default to 1, `text.verbosity` to medium,
 * truncation to disabled. Two fields say what this gateway did rather than OpenAI's default: `store` is
 * true only when it keeps the answer (stored-responses.ts) and a function tool sent without `strict` is echoed `strict: false`, as it
 * reaches the upstream without it (OpenAI's own default would be strict).
 */
import { isRecord } from '../../json-value.js';
import { invalidRequest } from '../gateway-http-error.js';
import type { JsonObject } from '../request-fields.js';

export interface ResponsesEcho {
  readonly instructions: string | null;
  readonly maxOutputTokens: number | null;
  readonly parallelToolCalls: boolean;
  readonly reasoning: { readonly effort: string | null; readonly summary: string | null };
  readonly temperature: number;
  readonly text: Readonly<Record<string, unknown>>;
  readonly toolChoice: unknown;
  readonly tools: readonly unknown[];
  readonly topP: number;
  readonly truncation: string;
  readonly user: string | null;
  readonly metadata: JsonObject;
  /** Whether the answer is kept for later requests to name (stored-responses.ts). */
  readonly store: boolean;
  /** The response whose conversation this one continues. */
  readonly previousResponseId: string | null;
}

/** What a response repeats of a request that set nothing. */
export const defaultResponsesEcho: ResponsesEcho = {
  instructions: null,
  maxOutputTokens: null,
  parallelToolCalls: true,
  reasoning: { effort: null, summary: null },
  temperature: 1,
  text: { format: { type: 'text' }, verbosity: 'medium' },
  toolChoice: 'auto',
  tools: [],
  topP: 1,
  truncation: 'disabled',
  user: null,
  metadata: {},
  store: false,
  previousResponseId: null,
};

const summaryNames: ReadonlySet<unknown> = new Set(['auto', 'concise', 'detailed']);
const verbosityNames: ReadonlySet<unknown> = new Set(['low', 'medium', 'high']);
const truncationNames: ReadonlySet<unknown> = new Set(['auto', 'disabled']);

/** A function tool in the order and form OpenAI echoes it; any other tool as the request gave it. */
function echoedTool(tool: unknown): unknown {
  if (!isRecord(tool) || tool.type !== 'function') return tool;
  return {
    type: 'function',
    description: typeof tool.description === 'string' && tool.description !== '' ? tool.description : null,
    name: tool.name,
    parameters: tool.parameters ?? null,
    strict: tool.strict === true,
  };
}

function reasoningOf(value: unknown): ResponsesEcho['reasoning'] {
  if (!isRecord(value)) return defaultResponsesEcho.reasoning;
  const summary = value.summary ?? null;
  if (summary !== null && !summaryNames.has(summary)) throw invalidRequest('reasoning.summary must be auto, concise or detailed.', 'reasoning.summary');
  return { effort: typeof value.effort === 'string' ? value.effort : null, summary: summary as string | null };
}

function textOf(value: unknown): ResponsesEcho['text'] {
  if (!isRecord(value)) return defaultResponsesEcho.text;
  const verbosity = value.verbosity ?? 'medium';
  if (!verbosityNames.has(verbosity)) throw invalidRequest('text.verbosity must be low, medium or high.', 'text.verbosity');
  return { format: value.format ?? { type: 'text' }, verbosity };
}

/**
 * The echo of a request whose other fields (`instructions`, `max_output_tokens`, `tools`, `tool_choice`,
 * `text.format`, `reasoning.effort`, the numbers) were already checked by the request's parse; this checks
 * the fields only an answer reads (`reasoning.summary`, `text.verbosity`, `truncation`, `user`, `metadata`).
 */
export function responsesEchoOf(
  body: JsonObject,
  options: { readonly store: boolean; readonly previousResponseId: string | null } = { store: false, previousResponseId: null },
): ResponsesEcho {
  const truncation = body.truncation ?? 'disabled';
  if (!truncationNames.has(truncation)) throw invalidRequest('truncation must be auto or disabled.', 'truncation');
  const user = body.user ?? null;
  if (user !== null && typeof user !== 'string') throw invalidRequest('user must be a string.', 'user');
  const metadata = body.metadata ?? {};
  if (!isRecord(metadata)) throw invalidRequest('metadata must be an object of string keys and values.', 'metadata');
  return {
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    maxOutputTokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    parallelToolCalls: body.parallel_tool_calls !== false,
    reasoning: reasoningOf(body.reasoning),
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: textOf(body.text),
    toolChoice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools.map(echoedTool) : [],
    topP: typeof body.top_p === 'number' ? body.top_p : 1,
    truncation: truncation as string,
    user: user as string | null,
    metadata,
    store: options.store,
    previousResponseId: options.previousResponseId,
  };
}
