/**
 * Test support: a provider that no longer serves one model (Gemini 1.5 since 2025, Claude 3 Haiku since April
 * 2026) and still serves its others. The provider test server picks a behaviour per provider before it reads
 * what was asked, so this enqueues the provider's recorded 404 model_not_found (`error-404-model-not-found`,
 * Gemini's `-stream` recording for a stream) the moment a chat request for that model is seen (the server tells
 * its listeners before it picks); every other request gets the default behaviour, the recorded success. Not
 * shipped: only tests import it.
 */
import type { RecordedRequest } from './request-log.js';
import type { ProviderTestServer } from './provider-test-server.js';

/** The model a chat request asks for: in the body (OpenAI, Anthropic shapes), or in Gemini's path. */
export function requestedModel(request: RecordedRequest): string | undefined {
  const body = request.body as { model?: unknown } | undefined;
  if (typeof body === 'object' && body !== null && typeof body.model === 'string') return body.model;
  const match = /\/models\/(.+):(?:generateContent|streamGenerateContent)$/.exec(request.path);
  return match?.[1];
}

/** From now on `provider` answers every chat request for `model` with its recorded 404. Returns the function that stops it. */
export function retireModel(server: ProviderTestServer, options: { readonly provider: string; readonly model: string }): () => void {
  return server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.provider !== options.provider || request.route !== 'chat') return;
    if (requestedModel(request) !== options.model) return;
    const streamed = request.stream && options.provider === 'google';
    server.enqueue(options.provider, { kind: 'error', fixture: streamed ? 'error-404-model-not-found-stream' : 'error-404-model-not-found' });
  });
}

/** The chat requests the server saw for `model` of `provider`. */
export function requestsFor(server: ProviderTestServer, options: { readonly provider: string; readonly model: string }): RecordedRequest[] {
  return server.requests.filter(
    (request) => request.provider === options.provider && request.route === 'chat' && requestedModel(request) === options.model,
  );
}
