/** Anthropic's Messages API as a gateway dialect: POST /v1/messages, for Anthropic's SDKs and the tools built on them. */
import { randomUUID } from 'node:crypto';
import type { GatewayDialect } from '../gateway-dialect.js';
import { estimateInputTokens } from './estimate-input-tokens.js';
import { toAnthropicErrorBody, toAnthropicMessage } from './messages-response.js';
import { MessagesStreamEvents } from './messages-stream-events.js';
import { parseMessagesRequest } from './parse-messages-request.js';

export const anthropicMessagesDialect: GatewayDialect = {
  logMessage: 'messages',
  // The SDKs read it as the message's request id (`_request_id`), for support tickets.
  requestIdHeader: 'request-id',
  newAnswerId: () => `msg_${randomUUID().replaceAll('-', '')}`,
  parseRequest: parseMessagesRequest,
  answerBody: (result, context) => JSON.stringify(toAnthropicMessage(result, context)),
  // message_start carries the input's count, which Anthropic's clients read there (count_tokens' estimate
  // when the provider told none before its first token).
  estimateInputTokens: (call) => estimateInputTokens({ model: call.model.requested, messages: call.messages, tools: call.options.tools }),
  streamEncoder: (context) => new MessagesStreamEvents(context),
  errorBody: toAnthropicErrorBody,
};
