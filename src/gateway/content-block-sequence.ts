/**
 * The order in which a streamed answer's blocks are written, for the dialects whose streams build the answer a
 * block at a time: Anthropic Messages' content blocks, the Responses API's output items. A block is the answer's
 * text, its shown reasoning, or one tool call (the chunks of one index). A block once closed cannot be reopened
 * in either dialect, but a provider may send parallel calls' deltas alternating, or cut a call's deltas with text.
 *
 * What is chosen: one block open at a time, in the order blocks first arrive. Text and reasoning are whole at
 * any point; a tool call is whole once its arguments are one JSON object and it has closed, read by JSON's
 * grammar (StreamedJsonObject): arguments that stop being JSON (`{'a': '}'}`, whose brackets balance before its
 * end) never close, rather than close early and lose the rest. When a delta for another block arrives and the
 * open one is whole, the open one is closed and the new one opened at once: deltas that come together, as every
 * provider we speak sends them, are written the moment they arrive, as before.
 * When the open block is a call whose arguments have not closed, it stays open and the other blocks' deltas
 * wait, buffered in order of arrival, until it closes (each waiting block is then written, its buffered text as
 * one delta) or the stream ends.
 *
 * Why not open several blocks at once, as the events' indexes would allow: Anthropic's and OpenAI's own streams
 * never do, and clients written against them may append every delta to the last block opened. Why not close the
 * call when another block arrives: its remaining deltas would have nowhere to go.
 */
import type { StreamChunk } from '../types.js';
import { StreamedJsonObject } from './streamed-json-object.js';

export interface ContentBlock {
  /** The answer's text, its shown reasoning, or the tool call of that chunk index. */
  readonly key: 'text' | 'reasoning' | number;
  /** A tool call's id and name, from the first of its deltas to carry them. */
  readonly id: string | undefined;
  readonly name: string | undefined;
  /**
   * A tool call's arguments as read by JSON's grammar, every delta the writer is given read first (undefined for
   * text and reasoning): a writer that needs the grammar's reading too (Messages' tool input) reads it here
   * rather than scanning the arguments a second time.
   */
  readonly json: StreamedJsonObject | undefined;
}

/** A dialect's events for the blocks, called one block at a time: open, its deltas, close. */
export interface ContentBlockWriter<Ending> {
  open(block: ContentBlock): string;
  append(block: ContentBlock, delta: string): string;
  /** `ending` is `finish`'s when the stream's end closes the block, undefined when the next block does. */
  close(block: ContentBlock, ending: Ending | undefined): string;
}

interface SequencedBlock {
  readonly key: ContentBlock['key'];
  id: string | undefined;
  name: string | undefined;
  /** A tool call's arguments so far, to tell when they have closed (ContentBlock's `json`). */
  readonly json: StreamedJsonObject | undefined;
  state: 'waiting' | 'open' | 'closed';
  /** What arrived while the block waited. */
  pending: string;
}

type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;

export class ContentBlockSequence<Ending> {
  readonly #writer: ContentBlockWriter<Ending>;
  #open: SequencedBlock | undefined;
  /** Blocks that arrived while a call whose arguments have not closed was open, in order of arrival. */
  readonly #waiting: SequencedBlock[] = [];
  /** Every tool call seen, by its chunk index: open, waiting or closed. */
  #calls: Map<number, SequencedBlock> | undefined;

  constructor(writer: ContentBlockWriter<Ending>) {
    this.#writer = writer;
  }

  /** The events of a text or reasoning delta ('' when it has none yet). */
  text(key: 'text' | 'reasoning', text: string): string {
    if (text.length === 0) return '';
    const open = this.#open;
    if (open?.key === key) return this.#writer.append(open, text);
    const last = this.#waiting.at(-1);
    if (last?.key === key) {
      last.pending += text;
      return '';
    }
    return this.#arrive({ key, id: undefined, name: undefined, json: undefined, state: 'waiting', pending: '' }, text);
  }

  /** The events of a tool-call delta ('' when it has none yet). */
  toolCall(chunk: ToolCallDelta): string {
    const open = this.#open;
    const delta = chunk.argumentsDelta;
    if (open?.key === chunk.index) return this.#appendToOpen(open, delta);
    const calls = (this.#calls ??= new Map());
    const block = calls.get(chunk.index);
    if (block === undefined) {
      const created: SequencedBlock = { key: chunk.index, id: chunk.id, name: chunk.name, json: new StreamedJsonObject(), state: 'waiting', pending: '' };
      calls.set(chunk.index, created);
      return this.#arrive(created, delta);
    }
    if (block.state === 'waiting') {
      block.id ??= chunk.id;
      block.name ??= chunk.name;
      block.pending += delta;
      block.json?.append(delta);
      return '';
    }
    // Closed, so its arguments had closed: valid JSON takes nothing more but whitespace, and an empty delta
    // carries only what neither dialect writes (Gemini's thought signature, sent by an AI SDK model at the end).
    return '';
  }

  /** Closes the open block, then writes and closes each waiting one, in order. */
  finish(ending: Ending): string {
    let events = this.#open === undefined ? '' : this.#close(this.#open, ending);
    for (const block of this.#waiting) events += this.#write(block) + this.#close(block, ending);
    this.#waiting.length = 0;
    return events;
  }

  /** A block's first delta: opened now if the open block is whole and none wait, else it waits. */
  #arrive(block: SequencedBlock, delta: string): string {
    block.json?.append(delta);
    block.pending = delta;
    const open = this.#open;
    if (open === undefined || (this.#waiting.length === 0 && isWhole(open))) {
      const closing = open === undefined ? '' : this.#close(open, undefined);
      return closing + this.#write(block);
    }
    this.#waiting.push(block);
    return '';
  }

  #appendToOpen(open: SequencedBlock, delta: string): string {
    if (delta.length === 0) return '';
    open.json?.append(delta);
    const events = this.#writer.append(open, delta);
    if (this.#waiting.length === 0 || !isWhole(open)) return events;
    return events + this.#close(open, undefined) + this.#releaseWaiting();
  }

  /** Opens the waiting blocks in order, each closed in turn while it is whole and others wait behind it. */
  #releaseWaiting(): string {
    let events = '';
    let block = this.#waiting.shift();
    while (block !== undefined) {
      events += this.#write(block);
      if (this.#waiting.length === 0 || !isWhole(block)) break;
      events += this.#close(block, undefined);
      block = this.#waiting.shift();
    }
    return events;
  }

  /** Opens the block with what it holds so far. */
  #write(block: SequencedBlock): string {
    block.state = 'open';
    this.#open = block;
    const events = this.#writer.open(block);
    const pending = block.pending;
    block.pending = '';
    return pending.length === 0 ? events : events + this.#writer.append(block, pending);
  }

  #close(block: SequencedBlock, ending: Ending | undefined): string {
    block.state = 'closed';
    if (this.#open === block) this.#open = undefined;
    return this.#writer.close(block, ending);
  }
}

function isWhole(block: SequencedBlock): boolean {
  return block.json === undefined || block.json.closed;
}
