/**
 * A small, real AI SDK embedding model (specification v3) over fetch to an OpenAI embeddings endpoint: it stands in
 * for a third-party AI SDK provider's (`@ai-sdk/mistral`'s `embedding(...)`, ...) in tests, pointed at the provider
 * test server. It asks base64 vectors and decodes them as openai-node does, and throws the AI SDK's own
 * APICallError on an error status, as every AI SDK provider does.
 */
import { APICallError, type EmbeddingModelV3 } from '@ai-sdk/provider';

interface OpenAiEmbeddingsBody {
  data?: { index: number; embedding: string | number[] }[];
  usage?: { prompt_tokens: number };
}

export function createOpenAiEmbeddingModel(options: {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly modelId: string;
  /** Default 2048, OpenAI's limit. */
  readonly maxEmbeddingsPerCall?: number;
}): EmbeddingModelV3 {
  const url = `${options.baseUrl}/embeddings`;
  return {
    specificationVersion: 'v3',
    provider: 'test-openai-embedding',
    modelId: options.modelId,
    maxEmbeddingsPerCall: options.maxEmbeddingsPerCall ?? 2048,
    supportsParallelCalls: true,
    async doEmbed({ values, abortSignal }) {
      const body = { model: options.modelId, input: values, encoding_format: 'base64' };
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
          body: JSON.stringify(body),
          ...(abortSignal ? { signal: abortSignal } : {}),
        });
      } catch (error) {
        if (abortSignal?.aborted) throw error;
        throw new APICallError({ message: 'Cannot connect to API', url, requestBodyValues: body, cause: error, isRetryable: true });
      }
      const headers = Object.fromEntries(response.headers);
      if (!response.ok) {
        const responseBody = await response.text();
        throw new APICallError({ message: response.statusText || `status ${response.status}`, url, requestBodyValues: body, statusCode: response.status, responseHeaders: headers, responseBody });
      }
      const answer = (await response.json()) as OpenAiEmbeddingsBody;
      const data = [...(answer.data ?? [])].sort((left, right) => left.index - right.index);
      return {
        embeddings: data.map((item) => (typeof item.embedding === 'string' ? float32Of(item.embedding) : item.embedding)),
        ...(answer.usage ? { usage: { tokens: answer.usage.prompt_tokens } } : {}),
        response: { headers },
        warnings: [],
      };
    },
  };
}

function float32Of(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
}
