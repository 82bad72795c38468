import type { WireProtocol } from '../wire-protocol.js';
import { buildGeminiChatRequest, buildGeminiModelsListRequest } from './build-gemini-request.js';
import { parseGeminiError } from './gemini-error.js';
import { createGeminiStreamDecoder } from './gemini-stream-decoder.js';
import { parseGeminiResponse } from './parse-gemini-response.js';

/** Google Gemini `generateContent` (v1beta), as pure converters. */
export const geminiProtocol: WireProtocol = {
  id: 'gemini',
  buildChatRequest: buildGeminiChatRequest,
  parseChatResponse: parseGeminiResponse,
  parseError: parseGeminiError,
  createStreamDecoder: createGeminiStreamDecoder,
  buildModelsListRequest: buildGeminiModelsListRequest,
};
