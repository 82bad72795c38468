/**
 * Test support: Moonshot no longer serving the models it retired (the kimi-k2 preview, turbo and thinking models on
 * 2026-05-25, kimi-k2.5 on 2026-08-31), and serving its others. It answers them 404 resource_not_found_error "Not
 * found the model <id> or Permission denied" (test/fixtures/moonshot; provenance in test/fixtures/SOURCES.md), the
 * id being the one asked. The provider test server picks a behaviour before it reads what was asked, so this
 * enqueues the 404 the moment a chat request for one of them is seen (the server tells its listeners before it
 * picks); every other request gets the default behaviour, the recorded success. Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requestedModel } from './missing-model.test-support.js';
import type { StatusBehavior } from './provider-behavior.js';
import type { ProviderTestServer } from './provider-test-server.js';

const refusalPath = fileURLToPath(new URL('../../test/fixtures/moonshot/error-404-model-not-found.json', import.meta.url));
/** The id the recorded body names, replaced by the one asked. */
const recordedModel = 'kimi-k2.5';

/** The 404 Moonshot answers a chat request for `model`, which it no longer serves. */
export function moonshotModelNotFound(model: string): StatusBehavior {
  const body = readFileSync(refusalPath, 'utf8').replace(`model ${recordedModel} or`, `model ${model} or`);
  return { kind: 'status', status: 404, contentType: 'application/json; charset=utf-8', body };
}

/** From now on the server's `moonshot` answers every chat request for one of `models` with its 404. Returns the function that stops it. */
export function retireMoonshotModels(server: ProviderTestServer, models: readonly string[]): () => void {
  const retired = new Set(models);
  return server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.provider !== 'moonshot' || request.route !== 'chat') return;
    const model = requestedModel(request);
    if (model !== undefined && retired.has(model)) server.enqueue('moonshot', moonshotModelNotFound(model));
  });
}
