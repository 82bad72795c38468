/**
 * How a response the gateway answered is kept (stored-responses.ts), as JSON texts under the caller's scope, each once:
 * - `item:<id>`: each output item, for a later `item_reference` to it;
 * - `turn:<id>`: the response's own turn, a link in its conversation: the input items its request sent (references left
 *   as references, an id given to each item without one), its output items, the response it continued
 *   (`previous_response_id`) and the ids of a few more before that, so that a reader fetches them in one go;
 * - `response-object:<id>`: the response object as answered, for `GET /v1/responses/{id}`, its output in its turn.
 * A conversation is rebuilt by following the turns back (response-chain.ts), so what is kept grows with each turn's own
 * size, not with the conversation it ends. An earlier version kept `response:<id>`, the whole conversation with the
 * response object ({ input, response }, or { input, output } before that); those are still read until they expire.
 * Pure.
 */
import { randomUUID } from 'node:crypto';
import { isRecord } from '../../json-value.js';
import { itemReferenceIdOf } from './item-references.js';

/** How many ids of the responses before it a turn names (its previous first): one read fetches that many. */
export const ancestorLinks = 32;

export interface KeptTurn {
  /** The response it continued (`previous_response_id`); absent at the start of a conversation. */
  readonly previous?: string;
  /** Up to `ancestorLinks` ids of the responses before it, nearest first (`previous` first); empty at the start. */
  readonly ancestors: readonly string[];
  /** The input items its request sent, as sent, with an id given to each that had none; references stay references. */
  readonly input: readonly unknown[];
  /** Its output items, as answered. */
  readonly output: readonly unknown[];
}

/** The whole conversation an earlier version kept with a response: its input (the chain before it included) and output. */
export interface LegacyConversation {
  readonly input: readonly unknown[];
  readonly output: readonly unknown[];
  /** The response object, absent from the oldest entries. */
  readonly response?: Record<string, unknown>;
}

export const itemName = (id: string): string => `item:${id}`;
export const turnName = (id: string): string => `turn:${id}`;
export const responseObjectName = (id: string): string => `response-object:${id}`;
/** The earlier version's entry: read and deleted, never written. */
export const legacyResponseName = (id: string): string => `response:${id}`;

export function parseTurn(text: string): KeptTurn | undefined {
  const value = JSON.parse(text) as unknown;
  if (!isRecord(value) || !Array.isArray(value.input) || !Array.isArray(value.output) || !Array.isArray(value.ancestors)) return undefined;
  return value as unknown as KeptTurn;
}

export function parseLegacyConversation(text: string): LegacyConversation | undefined {
  const value = JSON.parse(text) as unknown;
  if (!isRecord(value) || !Array.isArray(value.input)) return undefined;
  if (isRecord(value.response) && Array.isArray(value.response.output)) {
    return { input: value.input, output: value.response.output as unknown[], response: value.response };
  }
  return Array.isArray(value.output) ? { input: value.input, output: value.output } : undefined;
}

/** The ids of the output items (every item this gateway answers has one). */
export function outputItemIds(output: readonly unknown[]): string[] {
  const ids: string[] = [];
  for (const item of output) if (isRecord(item) && typeof item.id === 'string') ids.push(item.id);
  return ids;
}

/** The prefix of a new input item id, as OpenAI's (`msg_` for a message); the gateway's own for the others. */
function idPrefixOf(item: Readonly<Record<string, unknown>>): string {
  if (item.type === 'message' || (item.type === undefined && typeof item.role === 'string')) return 'msg';
  if (item.type === 'function_call_output') return 'fco';
  if (item.type === 'custom_tool_call_output') return 'ctco';
  return 'item';
}

/**
 * The input items as kept: each item of its own without an id is given one (`GET .../input_items` lists items by
 * id, and pages by it), the rest as sent. The gateway reads no item's `id` when it converts an input, so a rebuilt
 * conversation goes upstream as it was sent.
 */
export function withItemIds(input: readonly unknown[]): unknown[] {
  return input.map((item) => {
    if (!isRecord(item) || typeof item.id === 'string' || itemReferenceIdOf(item) !== undefined) return item;
    return { ...item, id: `${idPrefixOf(item)}_${randomUUID().replaceAll('-', '')}` };
  });
}

/**
 * What the keeping of an answer needs from its request (`GatewayCall.keepAnswer`): its own input, and the conversation
 * it continued, as stored-responses.ts read it before the request went on.
 */
export interface RequestTurn {
  /** The input items as the request sent them (a string as one user message), its references not resolved. */
  readonly input: readonly unknown[];
  /** The ids of the responses its `previous_response_id` continued, that one first; absent at the start of a conversation. */
  readonly previousIds?: readonly string[];
  /** The conversation an earlier version kept whole with the previous response: kept before the input, having no turn to link to. */
  readonly inheritedInput?: readonly unknown[];
  /** The entries its conversation was read from (turns, responses, items): their time to live starts again with it. */
  readonly names: readonly string[];
}

/** A request's `input` as items: a string is one user message. */
export function requestInputItems(input: unknown): readonly unknown[] {
  return Array.isArray(input) ? input : [{ role: 'user', content: input }];
}
