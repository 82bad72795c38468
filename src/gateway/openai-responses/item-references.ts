/**
 * A Responses input's `item_reference`s (`{ "type": "item_reference", "id": ... }`, or an item of an `id` alone, as the
 * API's types allow) and their replacement by the items they name. Pure. The AI SDK's OpenAI Responses model sends every
 * earlier answer of a conversation so unless given `store: false`: an assistant's text, its reasoning, and its calls of
 * free-form and OpenAI's own tools, each by the item id the answer gave it (its function calls are sent whole, their
 * outputs naming them by `call_id`; vercel/ai, packages/openai/src/responses/convert-to-openai-responses-input.ts).
 */
import { redactSecrets } from '../../errors.js';
import { isRecord } from '../../json-value.js';
import { GatewayHttpError, invalidRequest } from '../gateway-http-error.js';

/** Longer than any id this gateway makes (`ctc_<32 hex>_<n>`): never looked up, so never found. */
const maxItemIdLength = 256;

/** The id an input item refers to, or undefined when it is an item of its own. */
export function itemReferenceIdOf(item: unknown): string | undefined {
  if (!isRecord(item) || typeof item.id !== 'string') return undefined;
  if (item.type === 'item_reference' || (item.type === undefined && item.role === undefined)) return item.id;
  return undefined;
}

/**
 * The ids `input` refers to, each once, in order, leaving out those no item could have (empty, too long); undefined when
 * it refers to none. A reference whose id is not a string is a 400 naming it.
 */
export function itemReferenceIdsOf(input: readonly unknown[]): string[] | undefined {
  let ids: Set<string> | undefined;
  input.forEach((item, index) => {
    if (isRecord(item) && item.type === 'item_reference' && typeof item.id !== 'string') {
      throw invalidRequest(`input[${index}].id must be a string, the id of an item an earlier answer gave.`, 'input');
    }
    const id = itemReferenceIdOf(item);
    if (id === undefined) return;
    ids ??= new Set();
    if (id !== '' && id.length <= maxItemIdLength) ids.add(id);
  });
  return ids === undefined ? undefined : [...ids];
}

/** `input` with each reference replaced by the item it names; the first named in `items` by nothing is a 404. */
export function withReferencedItems(input: readonly unknown[], items: ReadonlyMap<string, unknown>, notFound: (id: string) => GatewayHttpError): unknown[] {
  return input.map((item) => {
    const id = itemReferenceIdOf(item);
    if (id === undefined) return item;
    const found = items.get(id);
    if (found === undefined) throw notFound(id);
    return found;
  });
}

/**
 * OpenAI's answer to a reference it does not hold, 404 with `param: "input"` and no code ("Item with id 'rs_...' not
 * found.", as the AI SDK's APICallError quotes it in vercel/ai#10290), followed by what this gateway keeps and for how long.
 */
export function itemNotFound(id: string, ttlSeconds: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 404,
    param: 'input',
    message:
      `Item with id '${redactSecrets(id).slice(0, 100)}' not found. This gateway keeps the items it answered for ${ttlSeconds} s, for the key ` +
      'that asked, unless the request said store: false (and as memory allows); send the item itself instead of its reference.',
  });
}
