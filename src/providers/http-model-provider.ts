/**
 * A ModelProvider that calls a provider's HTTP API: the catalog entry says which wire protocol, which
 * environment variable holds the key and which the base URL; both are read at call time
 * (provider-endpoint-reader.ts). A request is fitted to its model and built by the wire's converters
 * (chat-request-preparer.ts); a stream is read in stream-chat.ts, embeddings are asked in embeddings-over-http.ts.
 */
import type { ModelInfo, ProviderDefinition } from '../catalog.js';
import { systemClock, type Clock } from '../clock.js';
import { InvalidArgumentError, type ProviderError } from '../errors.js';
import { type Cancellation, cancellationOf } from '../cancellation.js';
import type { HttpClient } from '../http/http-client.js';
import type { BufferedHttpResponse } from '../http/buffered-request.js';
import { defaultResponseSizeLimit, type ResponseSizeLimit } from '../http/response-size-limit.js';
import type { HttpRequestSpec } from '../http/types.js';
import type { ChatRequest, ChatResponse, StreamChunk } from '../types.js';
import { cancellationOfCall } from './cancellation-of-call.js';
import { createChatRequestPreparer } from './chat-request-preparer.js';
import { createEmbeddingsOverHttp } from './embeddings-over-http.js';
import { isSuccessStatus } from './is-success-status.js';
import type { ModelProvider, ProviderCallOptions, StreamStartListener } from './model-provider.js';
import { createProviderEndpointReader } from './provider-endpoint-reader.js';
import { providerBaseUrlOf } from './provider-base-url.js';
import { wireProtocols } from './protocols.js';
import { type AbortState, streamChat, type UnreadResponse } from './stream-chat.js';
import type { WireProtocol, WireProtocolName } from './wire-protocol.js';

export interface HttpModelProviderOptions {
  readonly httpClient: HttpClient;
  /** Where the key and base URL variables are read, at each call. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Gives `nowMs` to Retry-After dates. Default the system clock. */
  readonly clock?: Clock;
  /** The protocols by name. Default the built-in ones. */
  readonly protocols?: Readonly<Partial<Record<WireProtocolName, WireProtocol>>>;
  /** The most bytes of a whole answer, and of one line or event of a stream, held (the router's `maxProviderResponseBytes`). Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * The most bytes of an embeddings answer held, per text asked (the router's `maxProviderEmbeddingResponseBytes`
   * shared among the 2,048 texts a call may hold); never less than `maxResponseBytes`. Default none beyond that.
   */
  readonly maxEmbeddingResponseBytesPerText?: number;
}

export function createHttpModelProvider(
  definition: ProviderDefinition,
  options: HttpModelProviderOptions,
): ModelProvider {
  const { httpClient } = options;
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const protocols: Readonly<Partial<Record<WireProtocolName, WireProtocol>>> = options.protocols ?? wireProtocols;
  const providerId = definition.id;
  const answerLimit: ResponseSizeLimit =
    options.maxResponseBytes === undefined ? defaultResponseSizeLimit : { ...defaultResponseSizeLimit, bytes: options.maxResponseBytes };
  const protocolNamed = (name: WireProtocolName, argument: string): WireProtocol => {
    const found = protocols[name];
    if (found === undefined) throw new InvalidArgumentError({ argument, message: `${providerId}: no wire protocol named ${name}` });
    return found;
  };
  const protocol = protocolNamed(definition.protocol as WireProtocolName, 'definition.protocol');
  // A model of an OpenAI-wire provider marked `openAIWire: 'responses'` is asked on OpenAI's Responses API.
  const responsesModels = definition.protocol === 'openai-compatible' ? definition.models.filter((model) => model.openAIWire === 'responses') : [];
  const responsesProtocol = responsesModels.length > 0 ? protocolNamed('openai-responses', 'definition.models') : undefined;
  const protocolOf = (model: ModelInfo | undefined): WireProtocol =>
    responsesProtocol !== undefined && model?.openAIWire === 'responses' ? responsesProtocol : protocol;

  const { readApiKey, endpoint } = createProviderEndpointReader(definition, env);

  /** The typed error of a failed response, as the wire it was asked on reads it. */
  const errorOf = (wire: WireProtocol, response: Pick<BufferedHttpResponse, 'statusCode' | 'headers'>, bodyText: string): ProviderError =>
    wire.parseError({ providerId, statusCode: response.statusCode, headers: response.headers, bodyText, nowMs: clock.now() });

  /** The typed error of a failed response still being read, its body read once. */
  const responseError = async (wire: WireProtocol, response: UnreadResponse, cancelled: AbortState): Promise<ProviderError> => {
    let bodyText = '';
    try {
      bodyText = await response.text();
    } catch {
      if (cancelled.aborted) throw cancelled.reason;
      // The status still tells what happened; the body was lost on the way.
    }
    return errorOf(wire, response, bodyText);
  };

  /** A whole answer read on `wire`: its typed error, or the parsed answer. */
  const answerReaderOf =
    (wire: WireProtocol) =>
    (response: BufferedHttpResponse): ChatResponse => {
      if (!isSuccessStatus(response.statusCode)) throw errorOf(wire, response, response.text());
      return wire.parseChatResponse(response.json(), { providerId, headers: response.headers });
    };
  // Made once, not per call: one for each wire a model of the provider may be asked on.
  const readAnswer = answerReaderOf(protocol);
  const readResponsesAnswer = responsesProtocol === undefined ? readAnswer : answerReaderOf(responsesProtocol);

  const openStream = (spec: HttpRequestSpec, callOptions: ProviderCallOptions, cancellation: Cancellation) =>
    httpClient.stream(spec, {
      providerId,
      cancellation,
      headersTimeoutMs: callOptions.headersTimeoutMs,
      idleTimeoutMs: callOptions.idleTimeoutMs,
      sentListener: callOptions,
    });

  const { prepare, buildRequest } = createChatRequestPreparer({ definition, protocolOf, endpoint });

  const embed = createEmbeddingsOverHttp({
    httpClient,
    providerId,
    protocol,
    endpoint,
    errorOf,
    answerLimit,
    maxEmbeddingResponseBytesPerText: options.maxEmbeddingResponseBytesPerText,
  });

  return {
    id: providerId,
    definition,
    // The HTTP client ends the request and rethrows the reason the moment the cancellation aborts.
    settlesOnAbort: true,
    embed,

    isConfigured: () => definition.apiKeyEnv === '' || readApiKey() !== '',

    // Not async: one promise from the request to the parsed answer (HttpClient.requestAndRead), none of its own.
    complete(request: ChatRequest, callOptions: ProviderCallOptions): Promise<ChatResponse> {
      try {
        const prepared = prepare(request, false);
        const spec = buildRequest(prepared);
        return httpClient.requestAndRead(
          spec,
          {
            providerId,
            cancellation: cancellationOfCall(callOptions),
            headersTimeoutMs: callOptions.headersTimeoutMs,
            idleTimeoutMs: callOptions.idleTimeoutMs,
            // Told when the request is written: a cancel after that is billed (ProviderCallOptions.onRequestSent).
            sentListener: callOptions,
            responseSizeLimit: answerLimit,
          },
          prepared.protocol === protocol ? readAnswer : readResponsesAnswer,
        );
      } catch (error) {
        // As an async function would: what preparing the request throws is the call's rejection.
        return Promise.reject(error);
      }
    },

    stream(request: ChatRequest, callOptions: ProviderCallOptions & StreamStartListener): AsyncIterable<StreamChunk> {
      return streamChat({ request, callOptions, providerId, openStream, responseError, prepare, buildRequest, answerLimit });
    },

    async checkHealth(callOptions: { readonly signal: AbortSignal }): Promise<void> {
      const response = await httpClient.request(protocol.buildModelsListRequest(endpoint()), {
        providerId,
        cancellation: cancellationOf(callOptions.signal),
        responseSizeLimit: answerLimit,
      });
      if (!isSuccessStatus(response.statusCode)) throw errorOf(protocol, response, response.text());
    },

    // The base URL in effect now, as a call reads it; a bad one changed since start has no proxy to show.
    outboundProxy(): string | undefined {
      const { baseUrl } = providerBaseUrlOf(definition, env);
      return baseUrl === undefined ? undefined : httpClient.outboundProxyOf(baseUrl);
    },
  };
}
