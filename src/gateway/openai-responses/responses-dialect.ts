/** OpenAI's Responses API as a gateway dialect: POST /v1/responses, stateless (the gateway stores no response). */
import { randomUUID } from 'node:crypto';
import type { GatewayDialect } from '../gateway-dialect.js';
import { parseResponsesRequest } from './parse-responses-request.js';
import { toResponse } from './responses-output.js';
import { ResponsesStreamEvents } from './responses-stream-events.js';

export const openAIResponsesDialect: GatewayDialect = {
  logMessage: 'responses',
  newAnswerId: () => `resp_${randomUUID().replaceAll('-', '')}`,
  parseRequest: parseResponsesRequest,
  answerBody: (result, context, call) => JSON.stringify(toResponse(result, context, call)),
  streamEncoder: (context, call) => new ResponsesStreamEvents(context, call),
  // The same error shape as chat completions: { error: { message, type, param, code } }.
  errorBody: (error) => error.body,
};
