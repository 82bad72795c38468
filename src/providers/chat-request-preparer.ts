/**
 * A chat request as one provider is sent it: fitted to the model's catalog entry, then built into an HTTP request
 * by the converters of the wire the model is asked on.
 */
import { findModel, type ModelInfo, type ProviderDefinition } from '../catalog.js';
import { BackupModelsError, ProviderError } from '../errors.js';
import type { HttpRequestSpec } from '../http/types.js';
import type { ChatRequest } from '../types.js';
import { refuseBeyondProviderLimits } from './provider-request-limits.js';
import { withoutSamplingParameters } from './without-sampling-parameters.js';
import type { EndpointConfig, WireProtocol } from './wire-protocol.js';

/** A request as one provider is sent it, the wire it goes on, and the options that wire builds it with. */
export interface PreparedRequest {
  readonly request: ChatRequest;
  readonly protocol: WireProtocol;
  readonly options: Parameters<WireProtocol['buildChatRequest']>[1];
}

export interface ChatRequestPreparer {
  /** The request fitted to its model, the model's wire, and that wire's options; `stream` asks for a stream. */
  readonly prepare: (request: ChatRequest, stream: boolean) => PreparedRequest;
  /** The HTTP request of a prepared one; a converter's failure is a `generation_failed` ProviderError. */
  readonly buildRequest: (prepared: PreparedRequest) => HttpRequestSpec;
}

export interface ChatRequestPreparerOptions {
  readonly definition: ProviderDefinition;
  /** The wire a model is asked on (its `openAIWire`, else the provider's). */
  readonly protocolOf: (model: ModelInfo | undefined) => WireProtocol;
  /** Where the call is sent, read at each call (ProviderEndpointReader). */
  readonly endpoint: () => EndpointConfig;
}

export function createChatRequestPreparer(options: ChatRequestPreparerOptions): ChatRequestPreparer {
  const { definition, protocolOf, endpoint } = options;
  const providerId = definition.id;

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

  return { prepare, buildRequest };
}
