/**
 * What this gateway keeps of its Responses answers, so that a later request of the same key may name them as OpenAI's
 * stored responses are named: of each answer whose request did not say `store: false`, its output items (for
 * `item_reference`), its own turn (the input its request sent and its output, linked to the response it continued) and
 * the response object, as JSON under the caller's scope, for `ttlSeconds` (kept-turn.ts has the layout). Each answer is
 * kept once: a conversation is rebuilt from its turns when it is named (response-chain.ts), so what is kept grows with
 * the conversation, not with its square. Keeping a turn gives the entries of the conversation it continues their time
 * to live again, so a conversation still going keeps its start.
 *
 * Before a request is read, its `item_reference`s are replaced by those items (item-references.ts), and its
 * `previous_response_id`'s conversation put before its input; one not kept, expired, evicted or another key's is
 * OpenAI's error naming it. `GET /v1/responses/{id}` gives the response object back, `GET .../input_items` the
 * conversation that made it, and `DELETE /v1/responses/{id}` forgets its turn, object and output items (not the
 * responses before it, each deleted by its own id). Nothing but the conversation's own content is kept: no key,
 * header or address.
 */
import { isRecord } from '../../json-value.js';
import type { ResponseStore, ResponseStoreEntry } from '../../response-store/response-store.js';
import { type GatewayHttpError, invalidRequest } from '../gateway-http-error.js';
import { inputItemsPage, type InputItemsQuery } from './input-items-list.js';
import { itemNotFound, itemReferenceIdOf, itemReferenceIdsOf, withReferencedItems } from './item-references.js';
import {
  ancestorLinks,
  type KeptTurn,
  itemName,
  legacyResponseName,
  outputItemIds,
  parseLegacyConversation,
  parseTurn,
  type RequestTurn,
  requestInputItems,
  responseObjectName,
  turnName,
  withItemIds,
} from './kept-turn.js';
import { type ChainRead, readResponseChain, type ResponseChain } from './response-chain.js';
import {
  conversationTooLong,
  inputItemsIncomplete,
  inputItemsTooLarge,
  previousConversationIncomplete,
  previousResponseNotFound,
  resolvedTooLarge,
  responseNotFound,
  storeUnreachable,
  tooManyReferences,
} from './stored-response-errors.js';

export interface StoredResponsesOptions {
  readonly store: ResponseStore;
  /** How long an answer's entries are kept (and those of the conversation it continues, again). */
  readonly ttlSeconds: number;
  /** An entry (an item, a turn) whose JSON is larger is not kept. */
  readonly maxEntryBytes: number;
  /**
   * The most bytes the items and conversation a request names may add to it (the gateway's `limits.maxBodyBytes`): a
   * body of a few KB naming one kept item a thousand times would otherwise be made, past the body limit, into a request
   * of a thousand copies, held in memory and sent upstream.
   */
  readonly maxResolvedBytes: number;
  /** The most responses a conversation named by `previous_response_id` may have (the one named included). */
  readonly maxChainLength: number;
}

/** One answer to keep: the response object as the client was given it, and its request's turn. */
export interface KeptAnswer {
  /** The whole response object (`object: "response"`), its `id` and `output` items as answered. */
  readonly response: { readonly id: string; readonly output: readonly unknown[] };
  readonly turn: RequestTurn;
}

/** A request body with its references and previous conversation in place, and what keeping its answer needs of it. */
export interface ResolvedRequest {
  readonly body: unknown;
  /** Absent when the body names nothing kept: its own input is all there is. */
  readonly turn?: RequestTurn;
}

/**
 * The most distinct items one request may name. Each is a lookup in the store, on Redis a GET of its own, all sent at
 * once: a body of a few MB naming 300,000 ids held the gateway's event loop for seconds (15 s on Redis, measured on 2
 * busy cores) and answered a 503 that asked to try again. A conversation names one item per earlier output item
 * (the AI SDK's OpenAI Responses model references each assistant text, reasoning and tool call), far fewer.
 */
export const maxItemReferences = 4096;

/** Longer than any id this gateway gives a response (`resp_<32 hex>`): never looked up, so never found. */
const maxResponseIdLength = 256;
const isResponseId = (id: string): boolean => id !== '' && id.length <= maxResponseIdLength;

export class StoredResponses {
  readonly #store: ResponseStore;
  readonly #ttlSeconds: number;
  readonly #maxEntryBytes: number;
  readonly #maxResolvedBytes: number;
  readonly #maxChainLength: number;

  constructor(options: StoredResponsesOptions) {
    this.#store = options.store;
    this.#ttlSeconds = options.ttlSeconds;
    this.#maxEntryBytes = options.maxEntryBytes;
    this.#maxResolvedBytes = options.maxResolvedBytes;
    this.#maxChainLength = options.maxChainLength;
  }

  /** Keep an answer's output items, turn and response object under `scope`, and its conversation's entries alive. Never rejects. */
  keep(scope: string, answer: KeptAnswer): Promise<void> {
    const entries: ResponseStoreEntry[] = [];
    const add = (name: string, value: unknown): boolean => {
      const text = JSON.stringify(value);
      if (Buffer.byteLength(text, 'utf8') > this.#maxEntryBytes) return false;
      entries.push({ name, text });
      return true;
    };
    const { response, turn } = answer;
    for (const item of response.output) {
      if (isRecord(item) && typeof item.id === 'string') add(itemName(item.id), item);
    }
    const previousIds = turn.previousIds ?? [];
    const kept: KeptTurn = {
      ...(previousIds.length > 0 ? { previous: previousIds[0] } : {}),
      ancestors: previousIds.slice(0, ancestorLinks),
      input: withItemIds(turn.inheritedInput === undefined ? turn.input : [...turn.inheritedInput, ...turn.input]),
      output: response.output,
    };
    // The object without its output, which its turn holds (given back in its place by `retrieve`).
    if (add(turnName(response.id), kept)) add(responseObjectName(response.id), { ...response, output: [] });
    const writes: Promise<void>[] = [];
    if (entries.length > 0) writes.push(this.#store.set(scope, entries, this.#ttlSeconds));
    if (turn.names.length > 0) writes.push(this.#store.touch(scope, turn.names, this.#ttlSeconds));
    return Promise.all(writes).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * `body` with the items its `input` refers to in their places, and the conversation of the response its
   * `previous_response_id` names before them; `body` itself when it names none.
   */
  async resolve(body: unknown, scope: string): Promise<ResolvedRequest> {
    if (!isRecord(body)) return { body };
    const ids = Array.isArray(body.input) ? itemReferenceIdsOf(body.input) : undefined;
    const previousId = typeof body.previous_response_id === 'string' && body.previous_response_id !== '' ? body.previous_response_id : undefined;
    if (ids === undefined && previousId === undefined) return { body };
    if (ids !== undefined && ids.length > maxItemReferences) throw tooManyReferences(ids.length, maxItemReferences);
    // The conversation goes before the input as a list: an input that is neither a string nor a list would be dropped
    // from it, and the request answered without it, where alone it is the parse's 400 (convert-responses-input.ts).
    if (previousId !== undefined && body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) {
      throw invalidRequest('input must be a string or a non-empty array of items.', 'input');
    }
    if (previousId !== undefined && !isResponseId(previousId)) throw previousResponseNotFound(previousId, this.#ttlSeconds);
    const names = (ids ?? []).map(itemName);
    if (previousId !== undefined) names.push(turnName(previousId), legacyResponseName(previousId));
    const texts = names.length === 0 ? [] : await this.#store.get(scope, names);
    if (texts === undefined) throw storeUnreachable('read');
    const known = new Map<string, string>();
    (ids ?? []).forEach((id, index) => {
      const text = texts[index];
      if (text !== undefined) known.set(id, text);
    });
    const ownBytes = referredBytes(body.input, known);
    if (ownBytes > this.#maxResolvedBytes) throw resolvedTooLarge(this.#maxResolvedBytes);
    let input: unknown = body.input;
    if (ids !== undefined && Array.isArray(input)) {
      const items = new Map<string, unknown>();
      for (const [id, text] of known) items.set(id, JSON.parse(text) as unknown);
      input = withReferencedItems(input, items, (id) => itemNotFound(id, this.#ttlSeconds));
    }
    const ownInput = requestInputItems(body.input);
    const referredNames = [...known.keys()].map(itemName);
    if (previousId === undefined) return { body: { ...body, input }, turn: { input: ownInput, names: referredNames } };

    const read = await readResponseChain({
      store: this.#store,
      scope,
      start: { id: previousId, turnText: texts[names.length - 2], legacyText: texts[names.length - 1] },
      maxLength: this.#maxChainLength,
      maxBytes: this.#maxResolvedBytes - ownBytes,
      knownItems: known,
    });
    const chain = this.#chainOf(read, previousId, 'continue');
    // OpenAI's order: the previous response's conversation (its input and output), then this request's input.
    const added = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
    const turn: RequestTurn = chain.legacy
      ? { input: ownInput, inheritedInput: chain.items, names: [...referredNames, ...chain.names] }
      : { input: ownInput, previousIds: chain.ids, names: [...referredNames, ...chain.names] };
    return { body: { ...body, input: [...chain.items, ...added] }, turn };
  }

  /** The response object kept under `scope` as `id`, as JSON text: OpenAI's 404 when none is (another key's, expired). */
  async retrieve(scope: string, id: string): Promise<string> {
    if (!isResponseId(id)) throw responseNotFound(id, this.#ttlSeconds);
    const [objectText, turnText, legacyText] = await this.#read(scope, [responseObjectName(id), turnName(id), legacyResponseName(id)]);
    const turn = turnText === undefined ? undefined : parseTurn(turnText);
    if (objectText !== undefined && turn !== undefined) {
      return JSON.stringify({ ...(JSON.parse(objectText) as Record<string, unknown>), output: turn.output });
    }
    // One kept by an earlier version has its object with its conversation (the oldest, none to give back).
    const legacy = legacyText === undefined ? undefined : parseLegacyConversation(legacyText);
    if (legacy?.response !== undefined) return JSON.stringify(legacy.response);
    throw responseNotFound(id, this.#ttlSeconds);
  }

  /**
   * One page of the input items of the response kept under `scope` as `id` (input-items-list.ts), as JSON text: the
   * conversation it continued, then its own input. OpenAI's 404 when it is not kept; a 404 naming what is missing when a
   * response before it, or an item it refers to, is not kept any more.
   */
  async listInputItems(scope: string, id: string, query: InputItemsQuery): Promise<string> {
    if (!isResponseId(id)) throw responseNotFound(id, this.#ttlSeconds);
    const [turnText, legacyText] = await this.#read(scope, [turnName(id), legacyResponseName(id)]);
    // Its own turn on top of a conversation a request could name: past neither bound unless that one was.
    const read = await readResponseChain({
      store: this.#store,
      scope,
      start: { id, turnText, legacyText },
      maxLength: this.#maxChainLength + 1,
      maxBytes: 3 * this.#maxResolvedBytes,
    });
    const chain = this.#chainOf(read, id, 'list');
    return JSON.stringify(inputItemsPage(chain.items.slice(0, chain.items.length - chain.outputCount), query));
  }

  /**
   * Forget the response kept under `scope` as `id`: its turn (its input and output), its object and its output items, so
   * that neither `previous_response_id`, `GET` nor an `item_reference` finds them again, as OpenAI deletes a response
   * with its content ("Removes the specified response and its stored content", ai.azure.com/api-reference/llm/
   * responses/delete-response). The responses before it are kept, each deleted by its own id. A later response whose
   * conversation went through it is still given back by `GET`, but can no longer be continued or have its input items
   * listed: its conversation would be sent on without the deleted turn, or with it after it was asked to be forgotten
   * (OpenAI does not document which it does; this is the reading that neither resends deleted content nor silently
   * drops part of a conversation). OpenAI's 404 when none is kept.
   */
  async delete(scope: string, id: string): Promise<void> {
    if (!isResponseId(id)) throw responseNotFound(id, this.#ttlSeconds);
    const names = [turnName(id), responseObjectName(id), legacyResponseName(id)];
    const [turnText, objectText, legacyText] = await this.#read(scope, names);
    if (turnText === undefined && objectText === undefined && legacyText === undefined) throw responseNotFound(id, this.#ttlSeconds);
    const output = (turnText === undefined ? undefined : parseTurn(turnText))?.output ?? (legacyText === undefined ? undefined : parseLegacyConversation(legacyText))?.output ?? [];
    names.push(...outputItemIds(output).map(itemName));
    if ((await this.#store.delete(scope, names)) === undefined) throw storeUnreachable('deleted');
  }

  async #read(scope: string, names: readonly string[]): Promise<readonly (string | undefined)[]> {
    const texts = await this.#store.get(scope, names);
    if (texts === undefined) throw storeUnreachable('read');
    return texts;
  }

  /** The chain read, or the error that says why not: continuing it (`previous_response_id`), or listing its input items. */
  #chainOf(read: ChainRead, id: string, use: 'continue' | 'list'): ResponseChain {
    const ttlSeconds = this.#ttlSeconds;
    let error: GatewayHttpError;
    switch (read.kind) {
      case 'found':
        return read.chain;
      case 'not-found':
        error = use === 'continue' ? previousResponseNotFound(id, ttlSeconds) : responseNotFound(id, ttlSeconds);
        break;
      case 'gap': {
        const gap = { id, missing: read.missing, missingId: read.id, ttlSeconds };
        error = use === 'continue' ? previousConversationIncomplete(gap) : inputItemsIncomplete(gap);
        break;
      }
      case 'too-long':
        error = conversationTooLong({ id, maxLength: this.#maxChainLength, listing: use === 'list' });
        break;
      case 'too-large':
        // Listing reads at most what a request could have been made of; past it is the limit a request would have met.
        error = use === 'continue' ? resolvedTooLarge(this.#maxResolvedBytes) : inputItemsTooLarge(id, 3 * this.#maxResolvedBytes);
        break;
      case 'unreachable':
        error = storeUnreachable('read');
        break;
    }
    throw error;
  }
}

/** The bytes the references of `input` add to it, each as often as it is named: the texts of the items they name. */
function referredBytes(input: unknown, texts: ReadonlyMap<string, string>): number {
  if (!Array.isArray(input)) return 0;
  let bytes = 0;
  for (const item of input) {
    const id = itemReferenceIdOf(item);
    const text = id === undefined ? undefined : texts.get(id);
    if (text !== undefined) bytes += Buffer.byteLength(text, 'utf8');
  }
  return bytes;
}
