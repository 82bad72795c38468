/** Anthropic's Messages API as a gateway dialect: POST /v1/messages, for Anthropic's SDKs and the tools built on them. */
import { randomUUID } from 'node:crypto';
import type { GatewayDialect } from '../gateway-dialect.js';
import { estimatedPromptTokens } from '../../routing/unfinished-answer-cost.js';
import { toAnthropicErrorBody, toAnthropicMessage } from './messages-response.js';
import { MessagesStreamEvents } from './messages-stream-events.js';
import { parseMessagesRequest } from './parse-messages-request.js';

export const anthropicMessagesDialect: GatewayDialect = {
  logMessage: 'messages',
  // The SDKs read it as the message's request id (`_request_id`), for support tickets.
  requestIdHeader: 'request-id',
  newAnswerId: () => `msg_${randomUUID().replaceAll('-', '')}`,
  parseRequest: parseMessagesRequest,
  // The answer names the model as the client asked it, whole and streamed, never the one that served it: Claude Code
  // sends back an earlier answer's thinking blocks (Anthropic's signed ones, and OpenAI's reasoning items as ours) only
  // when that answer's `model` equals the model it asks now (tolerating a `[1m]`/`[2m]` suffix), and strips every one
  // otherwise (musistudio/claude-code-router#1629, both ways captured; farion1231/cc-switch#5578). Who served it is in
  // the `x-backup-models-provider` and `x-backup-models-model` headers, and on the call's log line.
  answerBody: (result, context, call) => JSON.stringify(toAnthropicMessage(result, { id: context.id, createdSeconds: context.createdSeconds, model: call.model.requested })),
  // message_start carries the input's count, which Anthropic's clients read there. When the provider told
  // none before its first token, four characters a token (as a broken-off stream is priced): count_tokens'
  // BPE estimate would hold the first token for as long as it takes to tokenize the prompt (and 0.3 s to
  // load the tokenizer the first time), and message_delta carries the provider's count at the end anyway.
  estimateInputTokens: (call) => estimatedPromptTokens(call.messages),
  streamEncoder: (context, call) => new MessagesStreamEvents({ id: context.id, createdSeconds: context.createdSeconds, model: call.model.requested }),
  errorBody: toAnthropicErrorBody,
};
