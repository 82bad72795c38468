/**
 * A response's conversation rebuilt from the turns kept of it and of the responses before it (kept-turn.ts), oldest
 * first: each turn's input items, its references replaced by the items they name, then its output items. What a later
 * `previous_response_id` continues, and what `GET /v1/responses/{id}/input_items` lists.
 *
 * Few round trips, whatever the store: each turn names up to `ancestorLinks` responses before it, all read at once (one
 * round trip per 32 turns, the first read with the request's other entries by the caller), then the items the turns
 * refer to, at once. Bounded: past `maxLength` responses or `maxBytes` of kept JSON read, it stops reading and says so.
 * A response or item the conversation needs that is not kept (deleted, expired, evicted) is a gap, never skipped: the
 * conversation is never sent on with a turn missing from its middle.
 */
import type { ResponseStore } from '../../response-store/response-store.js';
import { itemReferenceIdOf } from './item-references.js';
import {
  type KeptTurn,
  itemName,
  legacyResponseName,
  outputItemIds,
  parseLegacyConversation,
  parseTurn,
  responseObjectName,
  turnName,
} from './kept-turn.js';

export interface ReadResponseChainOptions {
  readonly store: ResponseStore;
  readonly scope: string;
  /** The response whose conversation it is, and the texts of its `turn:` and earlier `response:` entries, already read. */
  readonly start: { readonly id: string; readonly turnText: string | undefined; readonly legacyText: string | undefined };
  /** The most responses the conversation may have, the one named included. */
  readonly maxLength: number;
  /** The most bytes of kept JSON it may read, each item counted as often as the conversation names it. */
  readonly maxBytes: number;
  /** The texts of items already read (the request's own references), by id: not read again. */
  readonly knownItems?: ReadonlyMap<string, string>;
}

export interface ResponseChain {
  /** The conversation, oldest first, through the named response's output. */
  readonly items: readonly unknown[];
  /** How many of `items`, at the end, are the named response's output. */
  readonly outputCount: number;
  /** The responses of the conversation, the one named first. */
  readonly ids: readonly string[];
  /** Every entry the conversation needs (turns, response objects, output items, items referred to), to keep alive together. */
  readonly names: readonly string[];
  /** The named response was kept whole by an earlier version: its conversation is one entry, with no turn to link to. */
  readonly legacy: boolean;
}

export type ChainRead =
  | { readonly kind: 'found'; readonly chain: ResponseChain; readonly bytes: number }
  /** The named response is not kept. */
  | { readonly kind: 'not-found' }
  /** A response before it, or an item its conversation refers to, is not kept. */
  | { readonly kind: 'gap'; readonly missing: 'response' | 'item'; readonly id: string }
  | { readonly kind: 'too-long' }
  | { readonly kind: 'too-large' }
  /** The store did not answer in time. */
  | { readonly kind: 'unreachable' };

const notFound: ChainRead = { kind: 'not-found' };
const tooLong: ChainRead = { kind: 'too-long' };
const tooLarge: ChainRead = { kind: 'too-large' };
const unreachable: ChainRead = { kind: 'unreachable' };

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

export async function readResponseChain(options: ReadResponseChainOptions): Promise<ChainRead> {
  const { store, scope, start, maxLength, maxBytes } = options;
  if (start.turnText === undefined) return start.legacyText === undefined ? notFound : legacyChain(start.id, start.legacyText, maxBytes);
  const first = parseTurn(start.turnText);
  if (first === undefined) return notFound;
  const turns: { readonly id: string; readonly turn: KeptTurn }[] = [{ id: start.id, turn: first }];
  let bytes = byteLength(start.turnText);
  if (bytes > maxBytes) return tooLarge;
  for (let last = first; last.previous !== undefined; last = turns[turns.length - 1]!.turn) {
    if (turns.length >= maxLength) return tooLong;
    const ids = (last.ancestors.length > 0 ? last.ancestors : [last.previous]).slice(0, maxLength - turns.length);
    const texts = await store.get(scope, ids.map(turnName));
    if (texts === undefined) return unreachable;
    for (const [index, id] of ids.entries()) {
      const text = texts[index];
      const turn = text === undefined ? undefined : parseTurn(text);
      if (text === undefined || turn === undefined) return { kind: 'gap', missing: 'response', id };
      bytes += byteLength(text);
      if (bytes > maxBytes) return tooLarge;
      turns.push({ id, turn });
      if (turn.previous === undefined) break;
    }
  }
  turns.reverse();
  const items = await referredItems(options, turns, maxBytes - bytes);
  if (!(items instanceof Map)) return items;
  const names: string[] = [];
  const conversation: unknown[] = [];
  for (const { id, turn } of turns) {
    names.push(turnName(id), responseObjectName(id), ...outputItemIds(turn.output).map(itemName));
    for (const item of turn.input) {
      const referred = itemReferenceIdOf(item);
      conversation.push(referred === undefined ? item : items.get(referred)!.item);
    }
    conversation.push(...turn.output);
  }
  for (const id of items.keys()) names.push(itemName(id));
  const chain = { items: conversation, outputCount: first.output.length, ids: turns.map((entry) => entry.id).reverse(), names, legacy: false };
  let itemBytes = 0;
  for (const { bytes: counted } of items.values()) itemBytes += counted;
  return { kind: 'found', chain, bytes: bytes + itemBytes };
}

/** The items the turns' inputs refer to, by id, each with the bytes it adds (as often as it is named); or why not. */
async function referredItems(
  options: ReadResponseChainOptions,
  turns: readonly { readonly turn: KeptTurn }[],
  bytesLeft: number,
): Promise<Map<string, { item: unknown; bytes: number }> | ChainRead> {
  const counts = new Map<string, number>();
  for (const { turn } of turns) {
    for (const item of turn.input) {
      const id = itemReferenceIdOf(item);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  const found = new Map<string, { item: unknown; bytes: number }>();
  if (counts.size === 0) return found;
  const known = options.knownItems ?? new Map<string, string>();
  const unread = [...counts.keys()].filter((id) => !known.has(id));
  const texts = unread.length === 0 ? [] : await options.store.get(options.scope, unread.map(itemName));
  if (texts === undefined) return unreachable;
  const read = new Map(known);
  unread.forEach((id, index) => {
    const text = texts[index];
    if (text !== undefined) read.set(id, text);
  });
  let bytes = 0;
  for (const [id, count] of counts) {
    const text = read.get(id);
    if (text === undefined) return { kind: 'gap', missing: 'item', id };
    const added = byteLength(text) * count;
    bytes += added;
    if (bytes > bytesLeft) return tooLarge;
    found.set(id, { item: JSON.parse(text) as unknown, bytes: added });
  }
  return found;
}

/** A conversation an earlier version kept whole with its response (`response:<id>`): the end of the walk. */
function legacyChain(id: string, text: string, maxBytes: number): ChainRead {
  const legacy = parseLegacyConversation(text);
  if (legacy === undefined) return notFound;
  const bytes = byteLength(text);
  if (bytes > maxBytes) return tooLarge;
  const names = [legacyResponseName(id), ...outputItemIds(legacy.output).map(itemName)];
  const chain = { items: [...legacy.input, ...legacy.output], outputCount: legacy.output.length, ids: [id], names, legacy: true };
  return { kind: 'found', chain, bytes };
}
