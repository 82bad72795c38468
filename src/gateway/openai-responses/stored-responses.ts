/**
 * What this gateway keeps of its Responses answers, so that a later request of the same key may name it as OpenAI's
 * stored responses are named: of each answer whose request did not say `store: false`, each output item (messages,
 * function and free-form calls, reasoning, with the ids the answer gave them) and the conversation it ends (its input
 * and output), as JSON under the caller's scope, for `ttlSeconds`. Before a request is read, its `item_reference`s are
 * replaced by those items (item-references.ts), and its `previous_response_id`'s conversation put before its input;
 * one not kept, expired, evicted or another key's is OpenAI's error naming it. The response object as answered is kept
 * with its conversation, for `GET /v1/responses/{id}`; `DELETE /v1/responses/{id}` forgets it and its items, so that
 * neither resolves again. Nothing but the conversation's own content is kept: no key, header or address.
 */
import { redactSecrets } from '../../errors.js';
import { isRecord } from '../../json-value.js';
import type { ResponseStore, ResponseStoreEntry } from '../../response-store/response-store.js';
import { GatewayHttpError, invalidRequest } from '../gateway-http-error.js';
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

/** One answer to keep: the response object as the client was given it, and the conversation it answered. */
export interface KeptAnswer {
  /** The whole response object (`object: "response"`), its `id` and `output` items as answered. */
  readonly response: { readonly id: string; readonly output: readonly unknown[] };
  /** The input items it answered, references resolved and a previous response's conversation before them. */
  readonly input: readonly unknown[];
}

/**
 * A response's conversation, as kept for `previous_response_id` and `GET /v1/responses/{id}`. One kept by an earlier
 * version of the gateway (on a Redis it shares, within the time to live) has `output` and no `response`.
 */
type KeptConversation =
  | { readonly input: readonly unknown[]; readonly response: { readonly id: string; readonly output: readonly unknown[] } }
  | { readonly input: readonly unknown[]; readonly output: readonly unknown[]; readonly response?: undefined };

const outputOf = (kept: KeptConversation): readonly unknown[] => (kept.response === undefined ? kept.output : kept.response.output);

/**
 * The most distinct items one request may name. Each is a lookup in the store, on Redis a GET of its own, all sent at
 * once: a body of a few MB naming 300,000 ids held the gateway's event loop for seconds (15 s on Redis, measured on 2
 * busy cores) and answered a 503 that asked to try again. A conversation names one item per earlier output item
 * (the AI SDK's OpenAI Responses model references each assistant text, reasoning and tool call), far fewer.
 */
export const maxItemReferences = 4096;

/** Longer than any id this gateway gives a response (`resp_<32 hex>`): never looked up, so never found. */
const maxResponseIdLength = 256;

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
    const { response } = answer;
    for (const item of response.output) {
      if (isRecord(item) && typeof item.id === 'string') add(itemName(item.id), item);
    }
    const conversation: KeptConversation = { input: answer.input, response };
    add(responseName(response.id), conversation);
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
    if (ids !== undefined && ids.length > maxItemReferences) throw tooManyReferences(ids.length);
    // The conversation goes before the input as a list: an input that is neither a string nor a list would be dropped
    // from it, and the request answered without it, where alone it is the parse's 400 (convert-responses-input.ts).
    if (previousId !== undefined && body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) {
      throw invalidRequest('input must be a string or a non-empty array of items.', 'input');
    }
    const names = (ids ?? []).map(itemName);
    if (previousId !== undefined) names.push(responseName(previousId));
    const texts = names.length === 0 ? [] : await this.#store.get(scope, names);
    if (texts === undefined) throw storeUnreachable('read');
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
      input = [...previous.input, ...outputOf(previous), ...added];
    }
    return { ...body, input };
  }

  /** The response object kept under `scope` as `id`, as JSON text: OpenAI's 404 when none is (another key's, expired). */
  async retrieve(scope: string, id: string): Promise<string> {
    const kept = await this.#kept(scope, id);
    // One kept before responses were (by an earlier version) has no object to give back.
    if (kept.response === undefined) throw responseNotFound(id, this.#ttlSeconds);
    return JSON.stringify(kept.response);
  }

  /**
   * Forget the response kept under `scope` as `id`, and its output items: as OpenAI deletes a response with its content
   * ("Removes the specified response and its stored content", ai.azure.com/api-reference/llm/responses/delete-response;
   * a chain through a deleted response no longer carries it, community.openai.com/t/1149127), neither
   * `previous_response_id` nor an `item_reference` finds them afterwards. OpenAI's 404 when none is kept.
   */
  async delete(scope: string, id: string): Promise<void> {
    const kept = await this.#kept(scope, id);
    const names = [responseName(id)];
    for (const item of outputOf(kept)) {
      if (isRecord(item) && typeof item.id === 'string') names.push(itemName(item.id));
    }
    if ((await this.#store.delete(scope, names)) === undefined) throw storeUnreachable('deleted');
  }

  async #kept(scope: string, id: string): Promise<KeptConversation> {
    if (id === '' || id.length > maxResponseIdLength) throw responseNotFound(id, this.#ttlSeconds);
    const texts = await this.#store.get(scope, [responseName(id)]);
    if (texts === undefined) throw storeUnreachable('read');
    const text = texts[0];
    if (text === undefined) throw responseNotFound(id, this.#ttlSeconds);
    return JSON.parse(text) as KeptConversation;
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
 * More distinct item references than `maxItemReferences`, refused before the store is read: OpenAI's 400 of an array
 * past its limit (`array_above_max_length`, "Invalid 'messages[2].tool_calls': array too long. Expected an array with
 * maximum length 128, but got an array with length 200 instead.", openai/openai-dotnet#317), naming the references.
 */
function tooManyReferences(count: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 400,
    param: 'input',
    code: 'array_above_max_length',
    message:
      `Invalid 'input': too many item references. Expected at most ${maxItemReferences} distinct item references, but got ${count} instead: ` +
      'send the items themselves (store: false), or a previous_response_id and the new input.',
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

/**
 * OpenAI's answer to a response it does not hold, on GET and DELETE /v1/responses/{id}: 404, "Response with id
 * 'resp_...' not found." (the message vLLM's compatible server gives, vllm-project/vllm#22137; type
 * invalid_request_error, no param or code, as item-references.ts's 404), followed by what this gateway keeps and for how long.
 */
export function responseNotFound(id: string, ttlSeconds: number | undefined): GatewayHttpError {
  const kept =
    ttlSeconds === undefined
      ? 'This gateway keeps no responses (storedResponses.enabled is false in its configuration).'
      : `This gateway keeps the responses it answered for ${ttlSeconds} s, for the key that asked, unless the request said store: false (and as memory allows).`;
  return new GatewayHttpError({ status: 404, message: `Response with id '${redactSecrets(id).slice(0, 100)}' not found. ${kept}` });
}

/** The store did not answer (shared state on Redis away or too slow): the request may be sent again. */
function storeUnreachable(what: 'read' | 'deleted'): GatewayHttpError {
  const subject = what === 'read' ? 'The stored items or response this request names could not be read' : 'The response could not be deleted';
  return new GatewayHttpError({
    status: 503,
    type: 'api_error',
    code: 'stored_items_unavailable',
    message: `${subject}: the store of answered responses (shared state) did not answer in time. Try again.`,
    retryAfterMs: 1_000,
  });
}
