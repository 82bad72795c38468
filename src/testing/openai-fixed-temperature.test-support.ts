/**
 * Test support: OpenAI's GPT-6 reasoning models (the catalog's tiers: gpt-6-luna, gpt-6.1-terra, gpt-6.2-sol) as
 * they answer a temperature on the chat completions wire. They take the default (1) only and refuse any other with
 * a 400 invalid_request_error, code `unsupported_value` (test/fixtures/openai; provenance in test/fixtures/SOURCES.md),
 * unless the request also says `reasoning_effort: "none"` (reported for gpt-5.6-luna in anomalyco/models.dev#6639;
 * gpt-6.2-sol has no such effort). Without a temperature they answer as always. The provider test server picks a
 * behaviour before it reads what was asked, so this enqueues the refusal the moment such a request is seen (the
 * server tells its listeners before it picks). Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';

const refusalPath = fileURLToPath(new URL('../../test/fixtures/openai/error-400-temperature-unsupported-value.json', import.meta.url));

/** The quoted refusal names the temperature it was asked (0.5 there): the one asked here takes its place. */
const quotedTemperature = 'does not support 0.5 with this model';

/** The 400 OpenAI answers a GPT-5 or GPT-6 reasoning model asked `temperature`, naming the value asked. */
export function openAITemperatureRefusal(temperature: number): StatusBehavior {
  const body = readFileSync(refusalPath, 'utf8').replace(quotedTemperature, `does not support ${temperature} with this model`);
  return { kind: 'status', status: 400, contentType: 'application/json', body };
}

/** The models of the built-in catalog's OpenAI tiers. */
const fixedTemperatureModels: ReadonlySet<unknown> = new Set(['gpt-6-luna', 'gpt-6.1-terra', 'gpt-6.2-sol']);

/** The temperature the body asks one of those models, when OpenAI would refuse it; otherwise undefined. */
function refusedTemperature(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { model, temperature, reasoning_effort: reasoningEffort } = body as { model?: unknown; temperature?: unknown; reasoning_effort?: unknown };
  if (!fixedTemperatureModels.has(model) || typeof temperature !== 'number' || temperature === 1) return undefined;
  return model !== 'gpt-6.2-sol' && reasoningEffort === 'none' ? undefined : temperature;
}

/**
 * From now on the server's `openai` refuses every chat request that asks one of those models a temperature other
 * than 1 (and no `reasoning_effort: "none"`), and answers the others with its default behaviour (the recorded
 * success). Returns the function that stops it.
 */
export function refuseOpenAITemperaturesButOne(server: ProviderTestServer): () => void {
  return server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.provider !== 'openai' || request.route !== 'chat') return;
    const temperature = refusedTemperature(request.body);
    if (temperature !== undefined) server.enqueue('openai', openAITemperatureRefusal(temperature));
  });
}
