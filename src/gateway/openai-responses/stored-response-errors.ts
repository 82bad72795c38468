/**
 * The gateway's answers about what it keeps of its Responses answers (stored-responses.ts): OpenAI's errors where OpenAI
 * has one (a previous response or a response it does not hold), each followed by what this gateway keeps and for how long.
 */
import { redactSecrets } from '../../errors.js';
import { GatewayHttpError } from '../gateway-http-error.js';

const quotedId = (id: string): string => `'${redactSecrets(id).slice(0, 100)}'`;

const keptFor = (ttlSeconds: number): string =>
  `This gateway keeps the responses it answered for ${ttlSeconds} s, for the key that asked, unless the request said store: false (and as memory allows)`;

/** The 413 of a body past the limit (request-body.ts), for the items and conversation a request names. */
export function resolvedTooLarge(maxBytes: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 413,
    param: 'input',
    code: 'request_too_large',
    message:
      `The items and previous response this request names add more than the limit of ${maxBytes} bytes a body may have ` +
      '(limits.maxBodyBytes): name each item once, or send a shorter conversation.',
  });
}

/**
 * OpenAI's answer to a previous response it does not hold: 400, `param: "previous_response_id"`, code
 * `previous_response_not_found`, "Previous response with id 'resp_...' not found." (as quoted in maximhq/bifrost#2441
 * and bigduu/Bamboo-agent#513), followed by what this gateway keeps and for how long.
 */
export function previousResponseNotFound(id: string, ttlSeconds: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 400,
    param: 'previous_response_id',
    code: 'previous_response_not_found',
    message: `Previous response with id ${quotedId(id)} not found. ${keptFor(ttlSeconds)}; send the whole conversation as input instead.`,
  });
}

/** A kept response whose conversation lacks a response or item before it: what the two errors below name. */
interface MissingFromConversation {
  readonly id: string;
  readonly missing: 'response' | 'item';
  readonly missingId: string;
  readonly ttlSeconds: number;
}

/**
 * The previous response is kept, but not all of the conversation it ends: a response before it, or an item its
 * conversation refers to, was deleted, or is no longer kept. The same 400 and code as a previous response not found
 * (a client that handles that one, by sending the whole conversation, handles this one), its message naming what is missing.
 */
export function previousConversationIncomplete(options: MissingFromConversation): GatewayHttpError {
  const { id, missing, missingId, ttlSeconds } = options;
  const what = missing === 'response' ? `the response ${quotedId(missingId)} before it` : `the item ${quotedId(missingId)} its conversation refers to`;
  return new GatewayHttpError({
    status: 400,
    param: 'previous_response_id',
    code: 'previous_response_not_found',
    message:
      `Previous response with id ${quotedId(id)} cannot be continued: ${what} was deleted or is no longer kept. ` +
      `${keptFor(ttlSeconds)}; send the whole conversation as input instead.`,
  });
}

/**
 * A conversation longer than the gateway follows (`storedResponses.maxChainLength`): a 400 on `previous_response_id`
 * (or a listing's 400), never a 5xx. OpenAI documents no such limit, so the code is the gateway's own.
 */
export function conversationTooLong(options: { readonly id: string; readonly maxLength: number; readonly listing: boolean }): GatewayHttpError {
  const { id, maxLength, listing } = options;
  const subject = listing ? `The input items of response ${quotedId(id)} cannot be listed` : `Previous response with id ${quotedId(id)} cannot be continued`;
  return new GatewayHttpError({
    status: 400,
    ...(listing ? {} : { param: 'previous_response_id' }),
    code: 'conversation_too_long',
    message:
      `${subject}: its conversation has more than the ${maxLength} responses this gateway follows (storedResponses.maxChainLength). ` +
      (listing ? 'List the input items of an earlier response.' : 'Send the conversation as input instead, or start a new one.'),
  });
}

/** A listing past what a request could have been made of (three times `limits.maxBodyBytes`): a 400, never a 5xx. */
export function inputItemsTooLarge(id: string, maxBytes: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 400,
    code: 'conversation_too_long',
    message: `The input items of response ${quotedId(id)} cannot be listed: its conversation is larger than the ${maxBytes} bytes this gateway reads to list one.`,
  });
}

/**
 * OpenAI's answer to a response it does not hold, on GET and DELETE /v1/responses/{id}: 404, "Response with id
 * 'resp_...' not found." (the message vLLM's compatible server gives, vllm-project/vllm#22137; type
 * invalid_request_error, no param or code, as item-references.ts's 404), followed by what this gateway keeps and for how long.
 */
export function responseNotFound(id: string, ttlSeconds: number | undefined): GatewayHttpError {
  const kept =
    ttlSeconds === undefined ? 'This gateway keeps no responses (storedResponses.enabled is false in its configuration).' : `${keptFor(ttlSeconds)}.`;
  return new GatewayHttpError({ status: 404, message: `Response with id ${quotedId(id)} not found. ${kept}` });
}

/** The response is kept, but not all of the conversation that made it (as previousConversationIncomplete): a 404. */
export function inputItemsIncomplete(options: MissingFromConversation): GatewayHttpError {
  const { id, missing, missingId, ttlSeconds } = options;
  const what = missing === 'response' ? `the response ${quotedId(missingId)} before it` : `the item ${quotedId(missingId)} its input refers to`;
  return new GatewayHttpError({
    status: 404,
    message: `The input items of response ${quotedId(id)} are not all kept: ${what} was deleted or is no longer kept. ${keptFor(ttlSeconds)}.`,
  });
}

/** The store did not answer (shared state on Redis away or too slow): the request may be sent again. */
export function storeUnreachable(what: 'read' | 'deleted'): GatewayHttpError {
  const subject = what === 'read' ? 'The stored items or response this request names could not be read' : 'The response could not be deleted';
  return new GatewayHttpError({
    status: 503,
    type: 'api_error',
    code: 'stored_items_unavailable',
    message: `${subject}: the store of answered responses (shared state) did not answer in time. Try again.`,
    retryAfterMs: 1_000,
  });
}

/**
 * More distinct item references than a request may name, refused before the store is read: OpenAI's 400 of an array
 * past its limit (`array_above_max_length`, "Invalid 'messages[2].tool_calls': array too long. Expected an array with
 * maximum length 128, but got an array with length 200 instead.", openai/openai-dotnet#317), naming the references.
 */
export function tooManyReferences(count: number, maxReferences: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 400,
    param: 'input',
    code: 'array_above_max_length',
    message:
      `Invalid 'input': too many item references. Expected at most ${maxReferences} distinct item references, but got ${count} instead: ` +
      'send the items themselves (store: false), or a previous_response_id and the new input.',
  });
}
