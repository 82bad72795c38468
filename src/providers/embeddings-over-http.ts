/**
 * An HTTP provider's embeddings call, when its wire serves embeddings: one request, or, for a wire that takes
 * fewer texts a request than a call may hold (Gemini's), consecutive batches (embed-in-batches.ts).
 */
import type { ProviderError } from '../errors.js';
import type { BufferedHttpResponse } from '../http/buffered-request.js';
import type { HttpClient } from '../http/http-client.js';
import type { ResponseSizeLimit } from '../http/response-size-limit.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../types.js';
import { cancellationOfCall } from './cancellation-of-call.js';
import { type BatchSentListener, embedInBatches } from './embed-in-batches.js';
import { isSuccessStatus } from './is-success-status.js';
import type { ModelProvider, ProviderCallOptions } from './model-provider.js';
import type { EndpointConfig, WireProtocol } from './wire-protocol.js';

export interface EmbeddingsOverHttpOptions {
  readonly httpClient: HttpClient;
  readonly providerId: string;
  /** The provider's wire: its embeddings converters, if it has them, and its error parser. */
  readonly protocol: WireProtocol;
  /** Where the call is sent, read at each call (ProviderEndpointReader). */
  readonly endpoint: () => EndpointConfig;
  /** The typed error of a failed response, as the wire it was asked on reads it. */
  readonly errorOf: (wire: WireProtocol, response: Pick<BufferedHttpResponse, 'statusCode' | 'headers'>, bodyText: string) => ProviderError;
  /** The most bytes of any answer held. */
  readonly answerLimit: ResponseSizeLimit;
  /** The most bytes of an embeddings answer held, per text asked, when that is more than `answerLimit`. */
  readonly maxEmbeddingResponseBytesPerText: number | undefined;
}

/** The provider's `embed`, or undefined when its wire serves no embeddings. */
export function createEmbeddingsOverHttp(options: EmbeddingsOverHttpOptions): ModelProvider['embed'] {
  const { httpClient, providerId, protocol, endpoint, errorOf, answerLimit, maxEmbeddingResponseBytesPerText } = options;
  const embeddingLimitFor = (inputCount: number): ResponseSizeLimit => {
    const bytes = Math.ceil(inputCount * (maxEmbeddingResponseBytesPerText ?? 0));
    return bytes <= answerLimit.bytes ? answerLimit : { bytes, setting: `maxProviderEmbeddingResponseBytes, the share of ${inputCount} texts` };
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
          if (!isSuccessStatus(response.statusCode)) throw errorOf(protocol, response, response.text());
          const parseOptions = { providerId, headers: response.headers, inputCount: request.inputs.length, model: request.model };
          return parseEmbeddingsResponse(response.json(), parseOptions);
        };
  // A wire that takes fewer texts a request than a call may hold (Gemini's) is sent them in consecutive batches.
  return embedBatch === undefined
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
}
