/**
 * Test support: Claude 4.x as it answers a request with both `temperature` and `top_p`. Anthropic refuses the pair
 * with a 400 invalid_request_error (test/fixtures/anthropic; provenance in test/fixtures/SOURCES.md) and answers
 * either alone as always. The provider test server picks a behaviour before it reads what was asked, so this
 * enqueues the refusal the moment such a request is seen (the server tells its listeners before it picks).
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';

const refusalPath = fileURLToPath(new URL('../../test/fixtures/anthropic/error-400-temperature-and-top-p.json', import.meta.url));

/** The 400 Anthropic answers a Claude 4.x model asked both a temperature and a top_p, as quoted in opencommit#520. */
export function anthropicSamplingPairRefusal(): StatusBehavior {
  return { kind: 'status', status: 400, contentType: 'application/json', body: readFileSync(refusalPath, 'utf8') };
}

function asksBoth(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { temperature, top_p: topP } = body as { temperature?: unknown; top_p?: unknown };
  return temperature !== undefined && topP !== undefined;
}

/**
 * From now on the server's `anthropic` refuses every chat request that holds both a temperature and a top_p, and
 * answers the others with its default behaviour (the recorded success). Returns the function that stops it.
 */
export function refuseAnthropicSamplingPairs(server: ProviderTestServer): () => void {
  const refusal = anthropicSamplingPairRefusal();
  return server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.provider !== 'anthropic' || request.route !== 'chat') return;
    if (asksBoth(request.body)) server.enqueue('anthropic', refusal);
  });
}
