/**
 * The six providers the test server speaks, as data: where each one lives under the server's URL, which
 * fixture folder holds its recordings, and which recordings it answers with by default.
 */
import { join } from 'node:path';
import { defaultCatalog, Provider, type ProviderDefinition } from '../catalog.js';
import { InvalidArgumentError } from '../errors.js';
import type { WireProtocolName } from '../providers/wire-protocol.js';
import type { WireProtocolId } from '../types.js';
import { moduleDirectory } from './fixtures-directory.js';

export interface TestProviderSpec {
  readonly id: Provider;
  readonly protocol: WireProtocolId;
  /** The wire of its recordings, when not the provider's protocol: OpenAI's Responses API. */
  readonly wire?: 'openai-responses';
  /** Folder under the fixtures directory, or an absolute path (recordings shipped beside this module). */
  readonly fixtureFolder: string;
  /** Where its error recordings are, when not in `fixtureFolder`. */
  readonly errorFixtureFolder?: string;
  /** OpenAI's Responses API (`POST <basePath>/responses`), answered from its own recordings. */
  readonly responsesEndpoint?: TestProviderSpec;
  /** Path under the server URL that plays the provider's base URL (what `baseUrlFor` returns). */
  readonly basePath: string;
  /** Fixture base names served when a behaviour names none. */
  readonly defaultFixtures: {
    readonly body: string;
    readonly stream: string;
    /** Answer to a request without a key. */
    readonly unauthorized: string;
    readonly unauthorizedStream: string;
    /** Error recording for a mid-stream error: the event's data where no event was recorded, the answer to a plain request. */
    readonly streamError: string;
    /**
     * Answer to an embeddings request (`POST {base}/embeddings` on OpenAI-compatible providers, Gemini's
     * `:batchEmbedContents`). The shared fixtures hold none yet: tests replay this repository's recordings with a
     * `status` behaviour (`src/testing/openai-embeddings-recordings.test-support.ts`,
     * `src/testing/gemini-recordings.test-support.ts`), and every fault serves this route as any other.
     */
    readonly embeddings: string;
  };
  readonly definition: ProviderDefinition;
}

function definitionOf(id: Provider): ProviderDefinition {
  const definition = defaultCatalog.find((candidate) => candidate.id === id);
  if (!definition) throw new Error(`catalog has no provider ${id}`);
  return definition;
}

const openAiCompatibleDefaults = {
  body: 'chat-completion',
  stream: 'chat-stream',
  unauthorized: 'error-401-invalid-api-key',
  unauthorizedStream: 'error-401-invalid-api-key',
  embeddings: 'embeddings',
} as const;

/** The wire a spec's recordings speak. */
export function wireOf(spec: TestProviderSpec): WireProtocolName {
  return spec.wire ?? (spec.protocol as WireProtocolName);
}

/**
 * OpenAI's Responses API recordings, kept in this repository and shipped with the package (`recordings/` beside
 * this module; provenance in test/fixtures/SOURCES.md), as the shared fixtures hold none. Its errors are OpenAI's
 * recorded error bodies, the same on both endpoints.
 */
const openAIResponsesEndpoint: TestProviderSpec = {
  id: Provider.OPENAI,
  protocol: 'openai-compatible',
  wire: 'openai-responses',
  fixtureFolder: join(moduleDirectory(), 'recordings', 'openai-responses'),
  errorFixtureFolder: 'openai',
  basePath: '/openai/v1',
  defaultFixtures: {
    ...openAiCompatibleDefaults,
    body: 'responses',
    stream: 'responses-stream',
    // The event itself is the recorded `error` event (responses-stream-error-event.chunks.txt); this is the plain-request answer.
    streamError: 'error-500-server-error',
  },
  definition: definitionOf(Provider.OPENAI),
};

export const testProviders: readonly TestProviderSpec[] = [
  {
    id: Provider.OPENAI,
    protocol: 'openai-compatible',
    fixtureFolder: 'openai',
    basePath: '/openai/v1',
    defaultFixtures: { ...openAiCompatibleDefaults, stream: 'chat-stream-include-usage', streamError: 'error-500-server-error' },
    definition: definitionOf(Provider.OPENAI),
    responsesEndpoint: openAIResponsesEndpoint,
  },
  {
    id: Provider.GROQ,
    protocol: 'openai-compatible',
    fixtureFolder: 'groq',
    basePath: '/groq/openai/v1',
    // A mid-stream error event is Groq's recorded one (chat-stream-error-tool-use-failed.sse) unless one is named.
    defaultFixtures: { ...openAiCompatibleDefaults, streamError: 'error-429-rate-limit-tpm' },
    definition: definitionOf(Provider.GROQ),
  },
  {
    id: Provider.TOGETHER,
    protocol: 'openai-compatible',
    fixtureFolder: 'together',
    basePath: '/together/v1',
    defaultFixtures: { ...openAiCompatibleDefaults, streamError: 'error-429-rate-limit' },
    definition: definitionOf(Provider.TOGETHER),
  },
  {
    id: Provider.MOONSHOT,
    protocol: 'openai-compatible',
    fixtureFolder: 'moonshot',
    basePath: '/moonshot/v1',
    defaultFixtures: {
      ...openAiCompatibleDefaults,
      unauthorized: 'error-401-invalid-authentication',
      unauthorizedStream: 'error-401-invalid-authentication',
      streamError: 'error-429-engine-overloaded',
    },
    definition: definitionOf(Provider.MOONSHOT),
  },
  {
    id: Provider.ANTHROPIC,
    protocol: 'anthropic',
    fixtureFolder: 'anthropic',
    basePath: '/anthropic',
    defaultFixtures: {
      body: 'message',
      stream: 'messages-stream',
      unauthorized: 'error-401-authentication',
      unauthorizedStream: 'error-401-authentication',
      // The event itself is the recorded stream-error-event-data.json; this is the plain-request answer.
      streamError: 'error-529-overloaded',
      // Anthropic serves no embeddings: never routed here (see matchTestRoute).
      embeddings: 'embeddings',
    },
    definition: definitionOf(Provider.ANTHROPIC),
  },
  {
    id: Provider.GOOGLE,
    protocol: 'gemini',
    fixtureFolder: 'gemini',
    basePath: '/google',
    defaultFixtures: {
      body: 'generateContent',
      stream: 'streamGenerateContent-sse',
      unauthorized: 'error-400-api-key-invalid',
      unauthorizedStream: 'error-400-api-key-invalid-stream',
      streamError: 'error-503-unavailable-overloaded',
      // `POST .../models/{model}:batchEmbedContents`: none in the shared fixtures either; tests replay
      // test/fixtures/gemini's (src/testing/gemini-recordings.test-support.ts).
      embeddings: 'embeddings',
    },
    definition: definitionOf(Provider.GOOGLE),
  },
];

export function testProviderSpec(providerId: string): TestProviderSpec {
  const spec = testProviders.find((candidate) => candidate.id === providerId);
  if (!spec) {
    throw new InvalidArgumentError({
      argument: 'providerId',
      message: `the provider test server speaks ${testProviders.map((candidate) => candidate.id).join(', ')}; got "${providerId}"`,
    });
  }
  return spec;
}

export type TestRoute =
  | { readonly kind: 'chat'; readonly provider: TestProviderSpec; readonly streamPath: boolean }
  | { readonly kind: 'models'; readonly provider: TestProviderSpec }
  | { readonly kind: 'embeddings'; readonly provider: TestProviderSpec }
  | { readonly kind: 'unknown'; readonly provider?: TestProviderSpec };

/** Which provider endpoint a request path names. Paths are matched exactly; the query string is not part of `pathname`. */
export function matchTestRoute(method: string, pathname: string): TestRoute {
  const provider = testProviders.find(
    (candidate) => pathname === candidate.basePath || pathname.startsWith(`${candidate.basePath}/`),
  );
  if (!provider) return { kind: 'unknown' };
  const rest = pathname.slice(provider.basePath.length);
  if (provider.protocol === 'openai-compatible') {
    if (method === 'POST' && rest === '/chat/completions') return { kind: 'chat', provider, streamPath: false };
    if (method === 'POST' && rest === '/responses' && provider.responsesEndpoint !== undefined) {
      return { kind: 'chat', provider: provider.responsesEndpoint, streamPath: false };
    }
    if (method === 'GET' && rest === '/models') return { kind: 'models', provider };
    if (method === 'POST' && rest === '/embeddings') return { kind: 'embeddings', provider };
  } else if (provider.protocol === 'anthropic') {
    if (method === 'POST' && rest === '/v1/messages') return { kind: 'chat', provider, streamPath: false };
    if (method === 'GET' && rest === '/v1/models') return { kind: 'models', provider };
  } else {
    if (method === 'GET' && rest === '/v1beta/models') return { kind: 'models', provider };
    const generate = /^\/v1beta\/models\/[^/:]+:(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(rest);
    if (method === 'POST' && generate?.[1] === 'batchEmbedContents') return { kind: 'embeddings', provider };
    if (method === 'POST' && generate) {
      return { kind: 'chat', provider, streamPath: generate[1] === 'streamGenerateContent' };
    }
  }
  return { kind: 'unknown', provider };
}

/** True when the request carries the key the provider expects, in the header the provider reads it from. */
export function hasApiKey(options: {
  readonly protocol: WireProtocolId;
  readonly headers: Readonly<Record<string, string>>;
  readonly keyInUrl: boolean;
}): boolean {
  const { headers } = options;
  if (options.protocol === 'anthropic') return (headers['x-api-key'] ?? '').trim() !== '';
  if (options.protocol === 'gemini') return (headers['x-goog-api-key'] ?? '').trim() !== '' || options.keyInUrl;
  return /^Bearer\s+\S+/i.test(headers.authorization ?? '');
}
