import type { WireProtocol } from '../wire-protocol.js';
import { buildGeminiEmbeddingsRequest, geminiMaxEmbeddingInputsPerRequest } from './build-gemini-embeddings-request.js';
import { buildGeminiChatRequest, buildGeminiModelsListRequest } from './build-gemini-request.js';
import { parseGeminiError } from './gemini-error.js';
import { createGeminiStreamDecoder } from './gemini-stream-decoder.js';
import { parseGeminiEmbeddingsResponse } from './parse-gemini-embeddings-response.js';
import { parseGeminiResponse } from './parse-gemini-response.js';

/** Google Gemini `generateContent` and `batchEmbedContents` (v1beta), as pure converters. */
export const geminiProtocol: WireProtocol = {
  id: 'gemini',
  buildChatRequest: buildGeminiChatRequest,
  parseChatResponse: parseGeminiResponse,
  parseError: parseGeminiError,
  createStreamDecoder: createGeminiStreamDecoder,
  buildModelsListRequest: buildGeminiModelsListRequest,
  buildEmbeddingsRequest: buildGeminiEmbeddingsRequest,
  parseEmbeddingsResponse: parseGeminiEmbeddingsResponse,
  maxEmbeddingInputsPerRequest: geminiMaxEmbeddingInputsPerRequest,
};
