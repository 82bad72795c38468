/**
 * Test support: OpenAI's GPT-6 reasoning models (the catalog's tiers: gpt-6-luna, gpt-6.1-terra, gpt-6.2-sol) as they
 * answer the chat completions wire, with OpenAI's 400 invalid_request_errors as quoted in public reports
 * (test/fixtures/openai; provenance in test/fixtures/SOURCES.md):
 * - a temperature other than 1 is refused (`unsupported_value`) unless the request also says `reasoning_effort:
 *   "none"` (reported for gpt-5.6-luna in anomalyco/models.dev#6639; gpt-6.2-sol has no such effort);
 * - function tools are refused unless the request says `reasoning_effort: "none"`, also when it gives no effort
 *   (BerriAI/litellm#34569); gpt-6.2-sol, which has no `none`, refuses them always (as gpt-6-astra: bolna-ai/bolna#1019).
 * On the Responses API (`POST /responses`, where the catalog asks them), function tools are taken at every effort and
 * only a temperature is refused, with the Responses 400 vercel/ai recorded (`reasoning-model-temperature-error.json`,
 * in src/testing/recordings/openai-responses).
 * Any other request is answered as always. The provider test server picks a behaviour before it reads what was
 * asked, so this enqueues the refusal the moment such a request is seen (the server tells its listeners before it
 * picks). Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';

const fixturesDirectory = new URL('../../test/fixtures/openai/', import.meta.url);
const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(name, fixturesDirectory)), 'utf8');
const responsesRecording = (name: string): string => readFileSync(fileURLToPath(new URL(`./recordings/openai-responses/${name}`, import.meta.url)), 'utf8');

/** The quoted refusals name the temperature (0.5) and the model (gpt-5.6-terra) they were asked: the ones asked take their place. */
const quotedTemperature = 'does not support 0.5 with this model';
const quotedModel = 'not supported for gpt-5.6-terra in';

/** The 400 OpenAI answers a GPT-5 or GPT-6 reasoning model asked `temperature`, naming the value asked. */
export function openAITemperatureRefusal(temperature: number): StatusBehavior {
  const body = fixture('error-400-temperature-unsupported-value.json').replace(quotedTemperature, `does not support ${temperature} with this model`);
  return { kind: 'status', status: 400, contentType: 'application/json', body };
}

/** The 400 OpenAI answers a gpt-5.6 or GPT-6 model asked function tools with a reasoning effort (or none given). */
export function openAIFunctionToolsRefusal(model: string): StatusBehavior {
  const body = fixture('error-400-function-tools-with-reasoning-effort.json').replace(quotedModel, `not supported for ${model} in`);
  return { kind: 'status', status: 400, contentType: 'application/json', body };
}

/** The models of the built-in catalog's OpenAI tiers; the last has no effort `none`. */
const gpt6Models: ReadonlySet<unknown> = new Set(['gpt-6-luna', 'gpt-6.1-terra', 'gpt-6.2-sol']);
const withoutEffortNone: ReadonlySet<unknown> = new Set(['gpt-6.2-sol']);

/** The 400 the Responses API answers a reasoning model asked a temperature. */
export function openAIResponsesTemperatureRefusal(): StatusBehavior {
  return { kind: 'status', status: 400, contentType: 'application/json', body: responsesRecording('error-400-temperature-unsupported.json') };
}

/** The Responses API's refusal of the body, when it would refuse it; otherwise undefined. */
function responsesRefusalOf(body: unknown): StatusBehavior | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { model, temperature, top_p: topP } = body as { model?: unknown; temperature?: unknown; top_p?: unknown };
  if (!gpt6Models.has(model)) return undefined;
  return temperature !== undefined || topP !== undefined ? openAIResponsesTemperatureRefusal() : undefined;
}

/** OpenAI's refusal of the chat completions body, when it would refuse it; otherwise undefined. */
function refusalOf(body: unknown): StatusBehavior | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { model, temperature, tools, reasoning_effort: effort } = body as { model?: unknown; temperature?: unknown; tools?: unknown; reasoning_effort?: unknown };
  if (!gpt6Models.has(model)) return undefined;
  const reasoningOff = effort === 'none' && !withoutEffortNone.has(model);
  if (Array.isArray(tools) && tools.length > 0 && !reasoningOff) return openAIFunctionToolsRefusal(model as string);
  if (typeof temperature === 'number' && temperature !== 1 && !reasoningOff) return openAITemperatureRefusal(temperature);
  return undefined;
}

/**
 * From now on the server's `openai` refuses every request that OpenAI refuses those models (above), and answers
 * the others with its default behaviour (the recorded success). Returns the function that stops it.
 */
export function refuseAsOpenAIReasoningModels(server: ProviderTestServer): () => void {
  return server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.provider !== 'openai') return;
    const refusal = request.path.endsWith('/responses') ? responsesRefusalOf(request.body) : refusalOf(request.body);
    if (refusal !== undefined) server.enqueue('openai', refusal);
  });
}
