/**
 * What this gateway keeps of its Responses answers, so that a later request of the same key may name it as OpenAI's
 * stored responses are named: each output item of an answer whose request did not say `store: false` (messages,
 * function and free-form calls, reasoning, with the ids the answer gave them), as JSON under the caller's scope, for
 * `ttlSeconds`. Before a request is read, its `item_reference`s are replaced by those items (item-references.ts);
 * one not kept, expired, evicted or another key's is a 404 naming it. Nothing but the conversation's own content is
 * kept: no key, header or address.
 */
import { isRecord } from '../../json-value.js';
import type { ResponseStore, ResponseStoreEntry } from '../../response-store/response-store.js';
import { GatewayHttpError } from '../gateway-http-error.js';
import { itemNotFound, itemReferenceIdsOf, withReferencedItems } from './item-references.js';

export interface StoredResponsesOptions {
  readonly store: ResponseStore;
  /** How long an answer's items are kept. */
  readonly ttlSeconds: number;
  /** An item whose JSON is larger is not kept. */
  readonly maxItemBytes: number;
}

/** One answer to keep: its id and output items, as the client was given them. */
export interface KeptAnswer {
  readonly id: string;
  readonly output: readonly unknown[];
}

const itemName = (id: string): string => `item:${id}`;

export class StoredResponses {
  readonly #store: ResponseStore;
  readonly #ttlSeconds: number;
  readonly #maxItemBytes: number;

  constructor(options: StoredResponsesOptions) {
    this.#store = options.store;
    this.#ttlSeconds = options.ttlSeconds;
    this.#maxItemBytes = options.maxItemBytes;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  /** Keep an answer's output items under `scope`. Never rejects. */
  keep(scope: string, answer: KeptAnswer): Promise<void> {
    const entries: ResponseStoreEntry[] = [];
    for (const item of answer.output) {
      if (!isRecord(item) || typeof item.id !== 'string') continue;
      const text = JSON.stringify(item);
      if (Buffer.byteLength(text, 'utf8') <= this.#maxItemBytes) entries.push({ name: itemName(item.id), text });
    }
    if (entries.length === 0) return Promise.resolve();
    return this.#store.set(scope, entries, this.#ttlSeconds).catch(() => undefined);
  }

  /** `body` with the items its `input` refers to in their places; `body` itself when it refers to none. */
  async resolve(body: unknown, scope: string): Promise<unknown> {
    if (!isRecord(body) || !Array.isArray(body.input)) return body;
    const input: readonly unknown[] = body.input;
    const ids = itemReferenceIdsOf(input);
    if (ids === undefined) return body;
    const texts = ids.length === 0 ? [] : await this.#store.get(scope, ids.map(itemName));
    if (texts === undefined) throw storeUnreadable();
    const items = new Map<string, unknown>();
    ids.forEach((id, index) => {
      const text = texts[index];
      if (text !== undefined) items.set(id, JSON.parse(text) as unknown);
    });
    return { ...body, input: withReferencedItems(input, items, (id) => itemNotFound(id, this.#ttlSeconds)) };
  }
}

/** The store did not answer (shared state on Redis away or too slow): the request may be sent again. */
function storeUnreadable(): GatewayHttpError {
  return new GatewayHttpError({
    status: 503,
    type: 'api_error',
    code: 'stored_items_unavailable',
    param: 'input',
    message: 'The items this request refers to could not be read: the store of answered items (shared state) did not answer in time. Try again.',
    retryAfterMs: 1_000,
  });
}
