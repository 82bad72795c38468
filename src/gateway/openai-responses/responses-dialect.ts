/**
 * OpenAI's Responses API as a gateway dialect: POST /v1/responses. With `stored` (the configuration's `storedResponses`),
 * the items it answers and their turns are kept under the caller's scope, and a later request's
 * `item_reference`s and `previous_response_id` are resolved (stored-responses.ts); without, every request is whole in itself.
 */
import { randomUUID } from 'node:crypto';
import type { GatewayDialect } from '../gateway-dialect.js';
import { parseResponsesRequest } from './parse-responses-request.js';
import { toResponse } from './responses-output.js';
import { ResponsesStreamEvents } from './responses-stream-events.js';
import { isRecord } from '../../json-value.js';
import type { RequestTurn } from './kept-turn.js';
import type { KeptAnswer, StoredResponses } from './stored-responses.js';

export function createOpenAIResponsesDialect(stored: StoredResponses | undefined): GatewayDialect {
  const dialect: GatewayDialect = {
    logMessage: 'responses',
    newAnswerId: () => `resp_${randomUUID().replaceAll('-', '')}`,
    parseRequest: (body, resolver) => parseResponsesRequest(body, resolver, { storing: stored !== undefined }),
    answerBody: (result, context, call) => JSON.stringify(toResponse(result, context, call)),
    streamEncoder: (context, call) => new ResponsesStreamEvents(context, call),
    // The same error shape as chat completions: { error: { message, type, param, code } }.
    errorBody: (error) => error.body,
  };
  if (stored === undefined) return dialect;
  // What resolving a body found of its request's own turn, for the parse of that same body (the call's keepAnswer).
  const turns = new WeakMap<object, RequestTurn>();
  return {
    ...dialect,
    resolveBody: async (body, caller) => {
      const resolved = await stored.resolve(body, caller.cacheScope);
      if (resolved.turn !== undefined && isRecord(resolved.body)) turns.set(resolved.body, resolved.turn);
      return resolved.body;
    },
    parseRequest: (body, resolver) => {
      const turn = isRecord(body) ? turns.get(body) : undefined;
      return parseResponsesRequest(body, resolver, turn === undefined ? { storing: true } : { storing: true, turn });
    },
    keepAnswer: ({ caller, call, id, createdSeconds, result, encoder }) => {
      if (call.keepAnswer === undefined) return Promise.resolve();
      // The response as the client was given it: the stream's last event's, or the whole answer's (made again: the same ids).
      const response =
        encoder instanceof ResponsesStreamEvents && encoder.endedResponse !== undefined ? encoder.endedResponse : toResponse(result, { id, createdSeconds }, call);
      return stored.keep(caller.cacheScope, { response: response as KeptAnswer['response'], turn: call.keepAnswer });
    },
  };
}

