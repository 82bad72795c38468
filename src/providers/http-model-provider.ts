/**
 * A ModelProvider that calls a provider's HTTP API: the catalog entry says which wire protocol, which
 * environment variable holds the key and which the base URL; both are read at call time, so a key set or
 * rotated after start-up is used by the next call. The key is trimmed (a key read from a file ends with a
 * newline); one that is empty once trimmed is no key, and one holding characters an HTTP header cannot carry
 * fails as a bad key does, with an `authentication` ProviderError that names its variable, never the key.
 * The base URL is held to one rule (parse-base-url.ts) when the provider is made, where a bad one throws an
 * InvalidArgumentError naming its variable, and at each call, where one changed to a bad value since fails
 * this provider with a `configuration` ProviderError naming it; neither quotes the value.
 */
import { findModel, type ModelInfo, type ProviderDefinition } from '../catalog.js';
import { systemClock, type Clock } from '../clock.js';
import { BackupModelsError, InvalidArgumentError, ProviderError, ResponseTooLargeError, registerSecret } from '../errors.js';
import { baseUrlRequirement } from '../http/parse-base-url.js';
import { type Cancellation, cancellationOf } from '../cancellation.js';
import type { HttpClient } from '../http/http-client.js';
import type { BufferedHttpResponse } from '../http/buffered-request.js';
import { defaultResponseSizeLimit, responseTooLargeFailure, type ResponseSizeLimit } from '../http/response-size-limit.js';
import { SseParser } from '../http/sse-parser.js';
import type { StreamedHttpResponse } from '../http/streamed-request.js';
import type { HttpRequestSpec, ResponseHeaders, SseEvent } from '../http/types.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamChunk } from '../types.js';
import type { ModelProvider, ProviderCallOptions, StreamStartListener } from './model-provider.js';
import { type BatchSentListener, embedInBatches } from './embed-in-batches.js';
import { environmentVariable } from './environment-variable.js';
import { providerBaseUrlOf } from './provider-base-url.js';
import { refuseBeyondProviderLimits } from './provider-request-limits.js';
import { wireProtocols } from './protocols.js';
import { requestIdOf } from './request-id.js';
import { withoutSamplingParameters } from './without-sampling-parameters.js';
import { parseJsonOrUndefined } from '../json-value.js';
import type { EndpointConfig, StreamDecoder, WireProtocol, WireProtocolName } from './wire-protocol.js';

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
  const embeddingLimitFor = (inputCount: number): ResponseSizeLimit => {
    const bytes = Math.ceil(inputCount * (options.maxEmbeddingResponseBytesPerText ?? 0));
    return bytes <= answerLimit.bytes ? answerLimit : { bytes, setting: `maxProviderEmbeddingResponseBytes, the share of ${inputCount} texts` };
  };
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

  // Trimmed: a key read from a file or pasted into a .env often ends with a newline or a space.
  const readApiKey = (): string => (definition.apiKeyEnv === '' ? '' : (environmentVariable(env, definition.apiKeyEnv) ?? '').trim());

  // Checked now, so that a bad one stops the router (and the gateway) from starting, and again at each call.
  const initialBaseUrl = providerBaseUrlOf(definition, env);
  if (initialBaseUrl.problem !== undefined) {
    const source = initialBaseUrl.variable ?? 'baseUrl';
    throw new InvalidArgumentError({
      argument: initialBaseUrl.variable ?? 'definition.baseUrl',
      message: `${providerId}: ${source} ${baseUrlRequirement}; it ${initialBaseUrl.problem}.`,
    });
  }

  let lastEndpoint: EndpointConfig | undefined;
  let lastOverride: string | undefined;
  const endpoint = (): EndpointConfig => {
    const apiKey = readApiKey();
    if (definition.apiKeyEnv !== '' && apiKey === '') {
      throw new ProviderError({
        provider: providerId,
        reason: 'authentication',
        message: `no API key: set ${definition.apiKeyEnv}`,
      });
    }
    const override = definition.baseUrlEnv === undefined ? undefined : environmentVariable(env, definition.baseUrlEnv);
    // Both variables are read on every call, but the endpoint is only rebuilt when one of them changed.
    if (lastEndpoint === undefined || lastEndpoint.apiKey !== apiKey || lastOverride !== override) {
      if (!isValidHeaderValue(apiKey)) {
        // A bad key, as a rejected one is (the provider is kept out, the call fails over), never quoted.
        throw new ProviderError({
          provider: providerId,
          reason: 'authentication',
          message: `${definition.apiKeyEnv} holds characters a header cannot carry (a line break or a control character inside the key?)`,
        });
      }
      // Read again at each call, as the key is: one changed to a bad value since fails this provider, never quoted.
      const current = providerBaseUrlOf(definition, env);
      if (current.problem !== undefined) {
        throw new ProviderError({
          provider: providerId,
          reason: 'configuration',
          message: `${current.variable ?? 'baseUrl'} ${baseUrlRequirement}; it ${current.problem}`,
        });
      }
      registerSecret(apiKey);
      lastEndpoint = { providerId, baseUrl: current.baseUrl, apiKey };
      lastOverride = override;
    }
    return lastEndpoint;
  };

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
      if (!isSuccess(response.statusCode)) throw errorOf(wire, response, response.text());
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

  /**
   * The request as this provider is sent it, and the protocol's options, from one look-up of the model in
   * the catalog. `maxTokens` is a bound, so one above what the model can write is lowered to its limit
   * instead of being refused (400) by the provider: a client asking 32,000 of a route that fails over to a
   * model with a 16,384 limit still gets its answer. Models without a known limit get the number as is. A
   * model that fixes its sampling (`fixedSampling`) is sent none of the caller's: it refuses any other value. The
   * wire is the model's (`openAIWire`), else the provider's.
   */
  const toolCallsNeedReasoningContent = definition.toolCallsNeedReasoningContent === true;
  const reasoningSummaries = definition.reasoningSummaries === true;
  const prepare = (request: ChatRequest, stream: boolean): PreparedRequest => {
    const model = findModel(definition, request.model);
    const limit = model?.maxOutputTokens;
    const bounded = limit !== undefined && request.maxTokens !== undefined && request.maxTokens > limit ? { ...request, maxTokens: limit } : request;
    const fitted = model?.fixedSampling === true ? withoutSamplingParameters(bounded) : bounded;
    return {
      request: fitted,
      protocol: protocolOf(model),
      options: {
        endpoint: endpoint(),
        stream,
        reasoningModel: model?.reasoning === true,
        maxOutputTokens: limit,
        thinkingLevels: model?.thinkingLevels,
        toolCallsNeedReasoningContent,
        reasoningSummaries,
        chatCompletionsTools: model?.chatCompletionsTools,
        anthropicThinking: model?.anthropicThinking,
        forcedToolChoice: model?.forcedToolChoice,
        disabledThinking: model?.disabledThinking,
        leastReasoningEffort: model?.leastReasoningEffort,
        structuredOutput: model?.structuredOutput,
      },
    };
  };

  /**
   * The HTTP request, built by the protocol's converters. One of them throwing on a caller's content (a bug
   * a request can reach, or a refusal of ours: Gemini's converter refuses tool-call arguments that are not a
   * JSON object with an InvalidArgumentError) is no sign of the provider's health: it fails as
   * `generation_failed`, which fails over and counts nothing against the circuit, rather than as the `network`
   * failure the router makes of any error that is not a ProviderError, with which any caller could open a
   * provider's circuit for every other.
   */
  const buildRequest = (prepared: PreparedRequest): HttpRequestSpec => {
    try {
      refuseBeyondProviderLimits(prepared.request, definition);
      return prepared.protocol.buildChatRequest(prepared.request, prepared.options);
    } catch (error) {
      if (ProviderError.isInstance(error)) throw error;
      // Our own refusal says what is wrong (its text is ours, naming the field); a bug's text may not be.
      const why = BackupModelsError.isInstance(error) ? `: ${error.message}` : '';
      throw new ProviderError({
        provider: providerId,
        reason: 'generation_failed',
        message: `the request could not be converted to its wire format${why}`,
        cause: error,
      });
    }
  };

  const { buildEmbeddingsRequest, parseEmbeddingsResponse, maxEmbeddingInputsPerRequest } = protocol;
  const embedBatch =
    buildEmbeddingsRequest === undefined || parseEmbeddingsResponse === undefined
      ? undefined
      : async (request: EmbeddingRequest, callOptions: ProviderCallOptions, sentListener: BatchSentListener | undefined): Promise<EmbeddingResponse> => {
          const response = await httpClient.request(buildEmbeddingsRequest(request, endpoint()), {
            providerId,
            cancellation: cancellationOfCall(callOptions),
            headersTimeoutMs: callOptions.headersTimeoutMs,
            idleTimeoutMs: callOptions.idleTimeoutMs,
            sentListener,
            responseSizeLimit: embeddingLimitFor(request.inputs.length),
          });
          if (!isSuccess(response.statusCode)) throw errorOf(protocol, response, response.text());
          const parseOptions = { providerId, headers: response.headers, inputCount: request.inputs.length, model: request.model };
          return parseEmbeddingsResponse(response.json(), parseOptions);
        };
  // A wire that takes fewer texts a request than a call may hold (Gemini's) is sent them in consecutive batches.
  const embed =
    embedBatch === undefined
      ? undefined
      : maxEmbeddingInputsPerRequest === undefined
        ? (request: EmbeddingRequest, callOptions: ProviderCallOptions): Promise<EmbeddingResponse> => embedBatch(request, callOptions, callOptions)
        : (request: EmbeddingRequest, callOptions: ProviderCallOptions): Promise<EmbeddingResponse> =>
            embedInBatches(request, {
              batchSize: maxEmbeddingInputsPerRequest,
              embedBatch: (batch, sentListener) => embedBatch(batch, callOptions, sentListener),
              // Told as each batch leaves and is answered: a cancel amid them is billed the texts sent, a failure
              // those answered.
              progress: callOptions,
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
      if (!isSuccess(response.statusCode)) throw errorOf(protocol, response, response.text());
    },
  };
}

interface StreamChatContext {
  readonly request: ChatRequest;
  readonly callOptions: ProviderCallOptions & StreamStartListener;
  readonly providerId: string;
  readonly openStream: (
    spec: HttpRequestSpec,
    callOptions: ProviderCallOptions,
    cancellation: Cancellation,
  ) => Promise<StreamedHttpResponse>;
  readonly responseError: (wire: WireProtocol, response: UnreadResponse, cancelled: AbortState) => Promise<ProviderError>;
  readonly prepare: (request: ChatRequest, stream: boolean) => PreparedRequest;
  readonly buildRequest: (prepared: PreparedRequest) => HttpRequestSpec;
  /** Also the bound of one line or event of the stream: past it, the provider's fault, as a whole answer past it is. */
  readonly answerLimit: ResponseSizeLimit;
}

/** A request as one provider is sent it, the wire it goes on, and the options that wire builds it with. */
interface PreparedRequest {
  readonly request: ChatRequest;
  readonly protocol: WireProtocol;
  readonly options: Parameters<WireProtocol['buildChatRequest']>[1];
}

/**
 * One streamed call, cancelled by the caller's cancellation (its reason comes out as is). A consumer that
 * stops early (`break`) stops reading the body, which cancels the upstream request.
 */
async function* streamChat(context: StreamChatContext): AsyncGenerator<StreamChunk, void, undefined> {
  const { callOptions, providerId } = context;
  const cancellation = cancellationOfCall(callOptions);
  cancellation.throwIfAborted();
  const prepared = context.prepare(context.request, true);
  const { protocol } = prepared;
  const spec = context.buildRequest(prepared);
  const response = await context.openStream(spec, callOptions, cancellation);
  if (!isSuccess(response.statusCode)) throw await context.responseError(protocol, response, cancellation);
  if (isJson(response.headers['content-type'])) {
    // A JSON body where a stream was asked for is an error body, whatever its status.
    throw await context.responseError(protocol, response, cancellation);
  }
  callOptions.onResponseStart?.({ requestId: requestIdOf(response.headers) });
  const parser = new SseParser({ limit: context.answerLimit });
  const decoder = protocol.createStreamDecoder({ providerId, headers: response.headers });
  let responseIdTold = callOptions.onResponseId === undefined;
  try {
    for await (const bytes of response.body) {
      for (const event of parser.push(bytes)) {
        const chunks = decoder.decode(event);
        if (!responseIdTold && decoder.responseId !== undefined) {
          responseIdTold = true;
          callOptions.onResponseId?.(decoder.responseId);
        }
        // Not `yield*`: over an array, an async generator's `yield*` wraps it in an async iterator, a promise per chunk.
        for (const chunk of chunks) yield chunk;
      }
    }
  } catch (error) {
    // Once the end marker arrived the answer is whole: a connection dropped afterwards changes nothing.
    if (!decoder.done || cancellation.aborted) throw ResponseTooLargeError.isInstance(error) ? responseTooLargeFailure(providerId, error) : error;
  }
  const unterminated = parser.end();
  if (unterminated !== undefined && !decoder.done) yield* decodeLastEvent(decoder, unterminated, providerId);
  if (!decoder.done) throw truncatedStreamError(providerId);
}

/** The router passes a Cancellation; another caller may pass only the AbortSignal. */
function cancellationOfCall(callOptions: ProviderCallOptions): Cancellation {
  return callOptions.cancellation ?? cancellationOf(callOptions.signal);
}

/** A response whose body is still to be read. */
interface UnreadResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  text(): Promise<string>;
}

/** An AbortSignal or a Cancellation: whether, and why, the call was cancelled. */
type AbortState = Pick<Cancellation, 'aborted' | 'reason'>;

/**
 * The event the body ended in without its blank line. Whole JSON is decoded (Moonshot ends on `data: [DONE]`
 * and one newline, and an error payload must still be reported); cut-off JSON means the stream was truncated.
 */
function decodeLastEvent(decoder: StreamDecoder, event: SseEvent, providerId: string): StreamChunk[] {
  try {
    return decoder.decode(event);
  } catch (error) {
    if (parseJsonOrUndefined(event.data) !== undefined) throw error;
    throw truncatedStreamError(providerId, error);
  }
}

function truncatedStreamError(providerId: string, cause?: unknown): ProviderError {
  return new ProviderError({
    provider: providerId,
    reason: 'network',
    message: 'stream ended before its end marker (truncated)',
    cause,
  });
}

/** What an HTTP header value may hold: tab, visible ASCII, space and Latin-1 (undici refuses the rest). */
const isValidHeaderValue = (value: string): boolean => !/[^\t\x20-\x7e\x80-\xff]/.test(value);
const isSuccess = (statusCode: number): boolean => statusCode >= 200 && statusCode < 300;
const isJson = (contentType: string | undefined): boolean => contentType?.includes('application/json') === true;
