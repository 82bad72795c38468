/**
 * `GET /v1/responses/{id}` and `DELETE /v1/responses/{id}`: a response the gateway kept (stored-responses.ts), read back
 * as it was answered, or forgotten with its items before its time to live (a user asking that a conversation be
 * forgotten). Under the caller's scope, as a reference resolves: another key's, an unknown or an expired id is OpenAI's
 * 404. Without `stored` (storedResponses.enabled: false) nothing is kept, and every id is that 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from '../http-responses.js';
import type { GatewayRoute } from '../route-table.js';
import { responseNotFound } from './stored-response-errors.js';
import type { StoredResponses } from './stored-responses.js';

const routePath = '/v1/responses/';

/** The path's response id, percent-decoded; undefined when it is not valid (bad escapes, a further segment). */
function responseIdOf(request: IncomingMessage): string | undefined {
  const segment = (request.url ?? '').split('?', 1)[0]!.slice(routePath.length);
  try {
    const id = decodeURIComponent(segment);
    return id.includes('/') ? undefined : id;
  } catch {
    return undefined;
  }
}

async function answer(response: ServerResponse, produce: () => Promise<string>): Promise<void> {
  try {
    sendJson(response, 200, await produce());
  } catch (error) {
    sendError(response, error);
  }
}

export function storedResponseRoutes(stored: StoredResponses | undefined): GatewayRoute[] {
  const kept = (request: IncomingMessage, use: (stored: StoredResponses, id: string) => Promise<string>): Promise<string> => {
    const id = responseIdOf(request) ?? '';
    return stored === undefined ? Promise.reject(responseNotFound(id, undefined)) : use(stored, id);
  };
  return [
    {
      method: 'GET',
      path: routePath,
      prefix: true,
      metricsName: 'responses_retrieve',
      // OpenAI's query (`include`, `stream` for a background response's events) has nothing to add: the response is
      // given back whole, as it was answered.
      handle: (request, response, context) => answer(response, () => kept(request, (store, id) => store.retrieve(context.caller.cacheScope, id))),
    },
    {
      method: 'DELETE',
      path: routePath,
      prefix: true,
      metricsName: 'responses_delete',
      // OpenAI's answer, as its API reference shows it (developers.openai.com/api/reference/resources/beta/subresources/
      // responses/methods/delete, the same example as the endpoint's own page): its id, `object: "response"`, `deleted:
      // true`. openai-node's `responses.delete` reads no body (it resolves to void, Accept: */*), so any client takes it.
      handle: (request, response, context) =>
        answer(response, () =>
          kept(request, async (store, id) => {
            await store.delete(context.caller.cacheScope, id);
            return JSON.stringify({ id, object: 'response', deleted: true });
          }),
        ),
    },
  ];
}
