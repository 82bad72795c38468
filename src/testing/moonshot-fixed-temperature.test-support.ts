/**
 * Test support: Moonshot's thinking models as they answer a temperature. kimi-k2.5 and K2.6 with thinking on (their
 * default), and K3 and K3.1 Pro, which always think, take temperature 1 only and refuse any other with a 400
 * invalid_request_error (test/fixtures/moonshot; provenance in test/fixtures/SOURCES.md); without a temperature
 * they answer as always. The provider test server picks a behaviour before it reads what was asked, so this
 * enqueues the refusal the moment a request asking another temperature is seen (the server tells its listeners
 * before it picks). Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';

const refusalPath = fileURLToPath(new URL('../../test/fixtures/moonshot/error-400-invalid-temperature.json', import.meta.url));

/** The 400 Moonshot answers those models asked another temperature than 1, as quoted in the issues SOURCES.md names. */
export function moonshotTemperatureRefusal(): StatusBehavior {
  return { kind: 'status', status: 400, contentType: 'application/json; charset=utf-8', body: readFileSync(refusalPath, 'utf8') };
}

/**
 * The models Moonshot documents with a temperature that cannot be modified (kimi-k2.5, K2.6), and those reported
 * refusing any other (K3 and K3.1 Pro: see the Moonshot entry of src/catalog.ts).
 */
const fixedTemperatureModels: ReadonlySet<unknown> = new Set(['kimi-k2.5', 'kimi-k2.6', 'kimi-k3', 'kimi-k3.1-pro', 'kimi-k3.1-pro-highspeed']);

/** The body asks one of those models another temperature than 1 (thinking on, the default). */
function asksAnotherTemperature(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { model, temperature } = body as { model?: unknown; temperature?: unknown };
  return fixedTemperatureModels.has(model) && temperature !== undefined && temperature !== 1;
}

/**
 * From now on the server's `moonshot` refuses every chat request that asks one of those models a temperature
 * other than 1, and answers the others (other models, no temperature) with its default behaviour (the recorded success). Returns the function that stops it.
 */
export function refuseMoonshotTemperaturesButOne(server: ProviderTestServer): () => void {
  const refusal = moonshotTemperatureRefusal();
  return server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.provider !== 'moonshot' || request.route !== 'chat') return;
    if (asksAnotherTemperature(request.body)) server.enqueue('moonshot', refusal);
  });
}
