import type { EmbeddingRequest, EmbeddingResponse, Mutable } from '../types.js';
import type { ProviderCallOptions } from './model-provider.js';

/**
 * One provider's answer to more texts than its wire takes in one request (Gemini's 100): consecutive requests of at
 * most `batchSize` texts, one after another (never more of the provider's rate limit at once than one request), their
 * vectors joined in the texts' order. A batch's failure is the whole call's (the call fails over); the batches
 * already answered are billed all the same, so each answered batch's size is told to `answeredListener` (the
 * attempt's call options), for the router to price them on the failed attempt. The usage is the batches' sum when
 * every one counted it, else absent; the request id is the last batch's.
 */
export async function embedInBatches(
  request: EmbeddingRequest,
  options: {
    readonly batchSize: number;
    readonly embedBatch: (batch: EmbeddingRequest) => Promise<EmbeddingResponse>;
    readonly answeredListener?: Pick<ProviderCallOptions, 'onInputsAnswered'>;
  },
): Promise<EmbeddingResponse> {
  const { batchSize, embedBatch, answeredListener } = options;
  if (request.inputs.length <= batchSize) return embedBatch(request);
  const embeddings: (readonly number[])[] = [];
  let model: string | undefined;
  let inputTokens: number | undefined = 0;
  let requestId: string | undefined;
  for (let start = 0; start < request.inputs.length; start += batchSize) {
    const answer = await embedBatch({ ...request, inputs: request.inputs.slice(start, start + batchSize) });
    answeredListener?.onInputsAnswered?.(answer.embeddings.length);
    for (const vector of answer.embeddings) embeddings.push(vector);
    model ??= answer.model;
    inputTokens = inputTokens === undefined || answer.usage === undefined ? undefined : inputTokens + answer.usage.inputTokens;
    requestId = answer.requestId ?? requestId;
  }
  const response: Mutable<EmbeddingResponse> = { embeddings, model: model ?? request.model };
  if (inputTokens !== undefined) response.usage = { inputTokens };
  if (requestId !== undefined) response.requestId = requestId;
  return response;
}
