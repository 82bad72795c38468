/**
 * What this gateway keeps of its Responses answers, so that a later request of the same key may name it as OpenAI's
 * stored responses are named: of each answer whose request did not say `store: false`, each output item (messages,
 * function and free-form calls, reasoning, with the ids the answer gave them) and the conversation it ends (its input
 * and output), as JSON under the caller's scope, for `ttlSeconds`. Before a request is read, its `item_reference`s are
 * replaced by those items (item-references.ts), and its `previous_response_id`'s conversation put before its input;
 * one not kept, expired, evicted or another key's is OpenAI's error naming it. Nothing but the conversation's own
 * content is kept: no key, header or address.
 */
import { redactSecrets } from '../../errors.js';
import { isRecord } from '../../json-value.js';
import type { ResponseStore, ResponseStoreEntry } from '../../response-store/response-store.js';
import { GatewayHttpError } from '../gateway-http-error.js';
import { itemNotFound, itemReferenceIdOf, itemReferenceIdsOf, withReferencedItems } from './item-references.js';

export interface StoredResponsesOptions {
  readonly store: ResponseStore;
  /** How long an answer's items are kept. */
  readonly ttlSeconds: number;
  /** An item whose JSON is larger is not kept. */
  readonly maxEntryBytes: number;
  /**
   * The most bytes the items and conversation a request names may add to it (the gateway's `limits.maxBodyBytes`): a
   * body of a few KB naming one kept item a thousand times would otherwise be made, past the body limit, into a request
   * of a thousand copies, held in memory and sent upstream.
   */
  readonly maxResolvedBytes: number;
}

/** One answer to keep: its id and output items, as the client was given them, and the conversation it answered. */
export interface KeptAnswer {
  readonly id: string;
  readonly output: readonly unknown[];
  /** The input items it answered, references resolved and a previous response's conversation before them. */
  readonly input: readonly unknown[];
}

/** A response's conversation, as kept for `previous_response_id`. */
interface KeptConversation {
  readonly input: readonly unknown[];
  readonly output: readonly unknown[];
}

const itemName = (id: string): string => `item:${id}`;
const responseName = (id: string): string => `response:${id}`;

export class StoredResponses {
  readonly #store: ResponseStore;
  readonly #ttlSeconds: number;
  readonly #maxEntryBytes: number;
  readonly #maxResolvedBytes: number;

  constructor(options: StoredResponsesOptions) {
    this.#store = options.store;
    this.#ttlSeconds = options.ttlSeconds;
    this.#maxEntryBytes = options.maxEntryBytes;
    this.#maxResolvedBytes = options.maxResolvedBytes;
  }

  /** Keep an answer's output items, and its conversation, under `scope`. Never rejects. */
  keep(scope: string, answer: KeptAnswer): Promise<void> {
    const entries: ResponseStoreEntry[] = [];
    const add = (name: string, value: unknown): void => {
      const text = JSON.stringify(value);
      if (Buffer.byteLength(text, 'utf8') <= this.#maxEntryBytes) entries.push({ name, text });
    };
    for (const item of answer.output) {
      if (isRecord(item) && typeof item.id === 'string') add(itemName(item.id), item);
    }
    const conversation: KeptConversation = { input: answer.input, output: answer.output };
    add(responseName(answer.id), conversation);
    if (entries.length === 0) return Promise.resolve();
    return this.#store.set(scope, entries, this.#ttlSeconds).catch(() => undefined);
  }

  /**
   * `body` with the items its `input` refers to in their places, and the conversation of the response its
   * `previous_response_id` names before them; `body` itself when it names none.
   */
  async resolve(body: unknown, scope: string): Promise<unknown> {
    if (!isRecord(body)) return body;
    const ids = Array.isArray(body.input) ? itemReferenceIdsOf(body.input) : undefined;
    const previousId = typeof body.previous_response_id === 'string' && body.previous_response_id !== '' ? body.previous_response_id : undefined;
    if (ids === undefined && previousId === undefined) return body;
    const names = (ids ?? []).map(itemName);
    if (previousId !== undefined) names.push(responseName(previousId));
    const texts = names.length === 0 ? [] : await this.#store.get(scope, names);
    if (texts === undefined) throw storeUnreadable();
    this.#checkResolvedSize(body.input, ids ?? [], texts);
    let input: unknown = body.input;
    if (ids !== undefined && Array.isArray(input)) {
      const items = new Map<string, unknown>();
      ids.forEach((id, index) => {
        const text = texts[index];
        if (text !== undefined) items.set(id, JSON.parse(text) as unknown);
      });
      input = withReferencedItems(input, items, (id) => itemNotFound(id, this.#ttlSeconds));
    }
    if (previousId !== undefined) {
      const text = texts[names.length - 1];
      if (text === undefined) throw previousResponseNotFound(previousId, this.#ttlSeconds);
      const previous = JSON.parse(text) as KeptConversation;
      // OpenAI's order: the previous response's input and output, then this request's input.
      const added = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
      input = [...previous.input, ...previous.output, ...added];
    }
    return { ...body, input };
  }

  /** A 413 when the texts the request names, each as often as it names it, pass `maxResolvedBytes`. */
  #checkResolvedSize(input: unknown, ids: readonly string[], texts: readonly (string | undefined)[]): void {
    const bytesById = new Map<string, number>();
    ids.forEach((id, index) => bytesById.set(id, Buffer.byteLength(texts[index] ?? '', 'utf8')));
    let bytes = ids.length < texts.length ? Buffer.byteLength(texts[texts.length - 1] ?? '', 'utf8') : 0;
    if (Array.isArray(input)) {
      for (const item of input) {
        const id = itemReferenceIdOf(item);
        if (id !== undefined) bytes += bytesById.get(id) ?? 0;
      }
    }
    if (bytes > this.#maxResolvedBytes) throw resolvedTooLarge(this.#maxResolvedBytes);
  }
}

/** The 413 of a body past the limit (request-body.ts), for the items and conversation a request names. */
function resolvedTooLarge(maxBytes: number): GatewayHttpError {
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
function previousResponseNotFound(id: string, ttlSeconds: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 400,
    param: 'previous_response_id',
    code: 'previous_response_not_found',
    message:
      `Previous response with id '${redactSecrets(id).slice(0, 100)}' not found. This gateway keeps the responses it answered for ${ttlSeconds} s, ` +
      'for the key that asked, unless the request said store: false (and as memory allows); send the whole conversation as input instead.',
  });
}

/** The store did not answer (shared state on Redis away or too slow): the request may be sent again. */
function storeUnreadable(): GatewayHttpError {
  return new GatewayHttpError({
    status: 503,
    type: 'api_error',
    code: 'stored_items_unavailable',
    message: 'The stored items or response this request names could not be read: the store of answered responses (shared state) did not answer in time. Try again.',
    retryAfterMs: 1_000,
  });
}
