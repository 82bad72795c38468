/**
 * `GET /v1/responses/{id}/input_items`: its query, and one page of a response's input items in OpenAI's list shape.
 * Pure. The shape is openai-node's `ResponseItemList` (src/resources/responses/input-items.ts: `object: "list"`, `data`
 * of `ResponseItem`s, `first_id`, `last_id`, `has_more`) and its query `InputItemListParams` (`limit` 1 to 100, default
 * 20; `order` `asc` or `desc`, default `desc`; `after`, an item id; `include`), as OpenAI's API reference gives them
 * (developers.openai.com/api/reference/cli/resources/responses/subresources/input_items/methods/list). The client's
 * `CursorPage` asks the next page with `after` set to the last item's id while `has_more` is true.
 *
 * The items are those "used to generate this response": the conversation its `previous_response_id` continued, then the
 * input it was sent, references replaced by the items they named (as ogx-ai/ogx#2300 keeps them for its compatible API).
 * Each is a `ResponseItem`, with an id: a message given as `{ role, content }` reads as OpenAI's input message item
 * (`type: "message"`, its text as an `input_text` part, or an assistant's as `output_text`), the others as they were kept.
 */
import { isRecord } from '../../json-value.js';
import { invalidRequest } from '../gateway-http-error.js';

export interface InputItemsQuery {
  readonly limit: number;
  readonly order: 'asc' | 'desc';
  readonly after: string | undefined;
}

/** The query of a list request; `include` (and anything else) is taken and ignored. A 400 for a bad limit or order. */
export function inputItemsQueryOf(search: URLSearchParams): InputItemsQuery {
  const limitText = search.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 100)) throw invalidRequest('limit must be an integer from 1 to 100.', 'limit');
  const order = search.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalidRequest("order must be 'asc' or 'desc'.", 'order');
  const after = search.get('after');
  return { limit, order, after: after === null || after === '' ? undefined : after };
}

function contentPartsOf(role: unknown, content: unknown): unknown {
  if (typeof content !== 'string') return content;
  return role === 'assistant' ? [{ type: 'output_text', text: content, annotations: [] }] : [{ type: 'input_text', text: content }];
}

/** One kept input item as a `ResponseItem`. */
export function inputItemResource(item: unknown): unknown {
  if (!isRecord(item)) return item;
  if (item.type !== undefined && item.type !== 'message') return item;
  return { ...item, type: 'message', content: contentPartsOf(item.role, item.content), status: item.status ?? 'completed' };
}

const idOf = (item: unknown): string | null => (isRecord(item) && typeof item.id === 'string' ? item.id : null);

/** The page of `items` (oldest first) the query asks for, as the list's JSON object. A 400 for an `after` not among them. */
export function inputItemsPage(items: readonly unknown[], query: InputItemsQuery): Record<string, unknown> {
  const ordered = query.order === 'asc' ? items : [...items].reverse();
  let from = 0;
  if (query.after !== undefined) {
    const index = ordered.findIndex((item) => idOf(item) === query.after);
    if (index < 0) throw invalidRequest("after must be the id of one of this response's input items, as a page's last_id gives it.", 'after');
    from = index + 1;
  }
  const data = ordered.slice(from, from + query.limit).map(inputItemResource);
  return {
    object: 'list',
    data,
    first_id: data.length === 0 ? null : idOf(data[0]),
    last_id: data.length === 0 ? null : idOf(data[data.length - 1]),
    has_more: from + query.limit < ordered.length,
  };
}
