import type { EmbeddingRequest, EmbeddingResponse, Mutable } from '../types.js';
import type { ProviderCallOptions } from './model-provider.js';

/** Told when one request has left for the provider (the HTTP client's `sentListener`). */
export interface BatchSentListener {
  onRequestSent?(): void;
}

/**
 * One provider's answer to more texts than its wire takes in one request (Gemini's 100): consecutive requests of at
 * most `batchSize` texts, one after another (never more of the provider's rate limit at once than one request), their
 * vectors joined in the texts' order. The provider bills each request it was sent, so the attempt's call options
 * (`progress`) are told as each one leaves (`onRequestSent`, and `onInputsSent` with its count of texts) and as each
 * is answered (`onInputsAnswered`): an attempt cancelled amid them is priced the texts sent, not its whole input, and
 * one failed by a later batch is priced the texts answered before. A batch's failure is the whole call's (the call
 * fails over). The usage is the batches' sum when every one counted it, else absent; the request id is the last
 * batch's. A call of one batch is sent as it is, `progress` its sent listener.
 */
export async function embedInBatches(
  request: EmbeddingRequest,
  options: {
    readonly batchSize: number;
    /** Sends one batch; `sentListener` is told when its request has left (an HTTP provider's `sentListener`). */
    readonly embedBatch: (batch: EmbeddingRequest, sentListener: BatchSentListener | undefined) => Promise<EmbeddingResponse>;
    readonly progress?: Pick<ProviderCallOptions, 'onRequestSent' | 'onInputsSent' | 'onInputsAnswered'>;
  },
): Promise<EmbeddingResponse> {
  const { batchSize, embedBatch, progress } = options;
  if (request.inputs.length <= batchSize) return embedBatch(request, progress);
  const embeddings: (readonly number[])[] = [];
  let model: string | undefined;
  let inputTokens: number | undefined = 0;
  let requestId: string | undefined;
  for (let start = 0; start < request.inputs.length; start += batchSize) {
    const inputs = request.inputs.slice(start, start + batchSize);
    const answer = await embedBatch({ ...request, inputs }, progress === undefined ? undefined : batchSentListener(progress, inputs.length));
    progress?.onInputsAnswered?.(answer.embeddings.length);
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

/** The listener of one batch of `inputCount` texts: the attempt told its request left, and how many texts it carries. */
function batchSentListener(progress: Pick<ProviderCallOptions, 'onRequestSent' | 'onInputsSent'>, inputCount: number): BatchSentListener {
  return {
    onRequestSent: () => {
      progress.onRequestSent?.();
      progress.onInputsSent?.(inputCount);
    },
  };
}
