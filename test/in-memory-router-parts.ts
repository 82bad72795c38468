/**
 * Router parts that need no network, for tests of the router's options: a provider that is no HTTP provider of
 * the catalog (as an AI SDK model or a simulator is), answering with its own id, and a state sync that shares
 * nothing and grants every probe and health-check turn.
 */
import { defaultCatalog, type ModelProvider, Provider, type ProviderStateSync } from '../src/index.js';

const groq = defaultCatalog.find((definition) => definition.id === Provider.GROQ)!;

export function echoProvider(id: string): ModelProvider {
  return {
    id,
    definition: { ...groq, id, displayName: id, protocol: 'custom', apiKeyEnv: '' },
    isConfigured: () => true,
    complete: async (request) => ({ content: `echo from ${id}`, toolCalls: [], finishReason: 'stop', model: request.model, usage: undefined, requestId: undefined }),
    // eslint-disable-next-line require-yield
    stream: async function* () {
      throw new Error('not streamed here');
    },
    checkHealth: async () => undefined,
  };
}

export const sharingNothingSync: ProviderStateSync = {
  publish: () => undefined,
  subscribe: () => () => undefined,
  acquireProbe: async () => true,
  acquireHealthCheckTurn: async () => true,
};
