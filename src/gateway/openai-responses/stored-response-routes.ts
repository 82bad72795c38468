/**
 * `GET /v1/responses/{id}`, `GET /v1/responses/{id}/input_items` and `DELETE /v1/responses/{id}`: a response the gateway
 * kept (stored-responses.ts), read back as it was answered, its input items listed a page at a time
 * (input-items-list.ts), or forgotten with its items before its time to live (a user asking that a conversation be
 * forgotten). Under the caller's scope, as a reference resolves: another key's, an unknown or an expired id is OpenAI's
 * 404. Without `stored` (storedResponses.enabled: false) nothing is kept, and every id is that 404.
 */
import type { IncomingMessage } from 'node:http';
import type { GatewayAnswer } from '../gateway-answer.js';
import { GatewayHttpError } from '../gateway-http-error.js';
import { sendError, sendJson } from '../http-responses.js';
import type { GatewayRoute } from '../route-table.js';
import { inputItemsQueryOf } from './input-items-list.js';
import { responseNotFound } from './stored-response-errors.js';
import type { StoredResponses } from './stored-responses.js';

const routePath = '/v1/responses/';
const inputItemsSegment = 'input_items';

/** The path after `/v1/responses/`: its response id, percent-decoded, and what of it is asked; undefined when not valid. */
function pathOf(request: IncomingMessage): { id: string; inputItems: boolean } | undefined {
  const segments = (request.url ?? '').split('?', 1)[0]!.slice(routePath.length).split('/');
  if (segments.length > 2 || (segments.length === 2 && segments[1] !== inputItemsSegment)) return undefined;
  try {
    return { id: decodeURIComponent(segments[0]!), inputItems: segments.length === 2 };
  } catch {
    return undefined;
  }
}

function searchOf(request: IncomingMessage): URLSearchParams {
  const url = request.url ?? '';
  const queryStart = url.indexOf('?');
  return new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
}

async function answer(gatewayAnswer: GatewayAnswer, produce: () => Promise<string>): Promise<void> {
  try {
    sendJson(gatewayAnswer.response, 200, await produce());
  } catch (error) {
    sendError(gatewayAnswer, error);
  }
}

export function storedResponseRoutes(stored: StoredResponses | undefined): GatewayRoute[] {
  const kept = (request: IncomingMessage, use: (stored: StoredResponses, id: string, inputItems: boolean) => Promise<string>): Promise<string> => {
    const path = pathOf(request);
    const id = path?.id ?? '';
    if (stored === undefined) return Promise.reject(responseNotFound(id, undefined));
    return use(stored, path === undefined || id.includes('/') ? '' : id, path?.inputItems ?? false);
  };
  return [
    {
      method: 'GET',
      path: routePath,
      prefix: true,
      metricsName: 'responses_retrieve',
      // OpenAI's query of a retrieve (`include`, `stream` for a background response's events) has nothing to add: the
      // response is given back whole, as it was answered. The list's (`limit`, `order`, `after`) is read; its `include` is not.
      handle: (request, _response, context) =>
        answer(context.answer, () =>
          kept(request, (store, id, inputItems) =>
            inputItems ? store.listInputItems(context.caller.cacheScope, id, inputItemsQueryOf(searchOf(request))) : store.retrieve(context.caller.cacheScope, id),
          ),
        ),
    },
    {
      method: 'DELETE',
      path: routePath,
      prefix: true,
      metricsName: 'responses_delete',
      // OpenAI's answer, as its API reference shows it (developers.openai.com/api/reference/resources/beta/subresources/
      // responses/methods/delete, the same example as the endpoint's own page): its id, `object: "response"`, `deleted:
      // true`. openai-node's `responses.delete` reads no body (it resolves to void, Accept: */*), so any client takes it.
      handle: (request, _response, context) =>
        answer(context.answer, () =>
          kept(request, async (store, id, inputItems) => {
            // A list is read, never deleted (OpenAI's API has no such method): the gateway's 405 for a path of another method.
            if (inputItems) throw new GatewayHttpError({ status: 405, message: 'DELETE is not allowed on /v1/responses/{id}/input_items.', code: 'method_not_allowed' });
            await store.delete(context.caller.cacheScope, id);
            return JSON.stringify({ id, object: 'response', deleted: true });
          }),
        ),
    },
  ];
}
