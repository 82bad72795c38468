/**
 * Recorded responses carrying another assistant text, for simulated providers in demos and benchmarks. Every
 * shape is a recorded one: the body keeps its fields, a stream keeps its recorded opening events, its recorded
 * delta event (repeated, one per piece of text) and its recorded closing events. Pure functions.
 */
import { InvalidArgumentError } from '../errors.js';
import type { WireProtocolName } from '../providers/wire-protocol.js';
import { eventJson, withEventData } from './sse-events.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstOf(value: unknown): JsonObject | undefined {
  return Array.isArray(value) && isObject(value[0]) ? value[0] : undefined;
}

function noText(what: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: 'text', message: `cannot put text into ${what}: the recording carries no text to replace` });
}

/** Splits `text` at word boundaries into at most `pieceCount` pieces that join back into `text`. */
export function splitTextIntoPieces(text: string, pieceCount: number): string[] {
  const words = text.split(/(?<=\s)(?=\S)/);
  const count = Math.max(1, Math.min(Math.floor(pieceCount), words.length));
  const pieces: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = Math.floor((index * words.length) / count);
    const end = Math.floor(((index + 1) * words.length) / count);
    pieces.push(words.slice(start, end).join(''));
  }
  return pieces;
}

/** A recorded JSON body with the assistant text replaced, indented as the recording was. */
export function replaceBodyText(options: { readonly protocol: WireProtocolName; readonly body: string; readonly text: string }): string {
  const parsed = JSON.parse(options.body) as unknown;
  if (!isObject(parsed)) throw noText('a body that is not an object');
  const { text } = options;
  if (options.protocol === 'openai-responses') {
    // The first message's first output_text part: the rest of the recording as it was.
    const message = Array.isArray(parsed.output) ? parsed.output.find((item) => isObject(item) && item.type === 'message') : undefined;
    const part = isObject(message) && Array.isArray(message.content) ? message.content.find((item) => isObject(item) && item.type === 'output_text') : undefined;
    if (!isObject(part)) throw noText('this Responses answer');
    part.text = text;
  } else if (options.protocol === 'openai-compatible') {
    const message = firstOf(parsed.choices)?.message;
    if (!isObject(message)) throw noText('this chat completion');
    message.content = text;
  } else if (options.protocol === 'anthropic') {
    const block = Array.isArray(parsed.content) ? parsed.content.find((item) => isObject(item) && item.type === 'text') : undefined;
    if (!isObject(block)) throw noText('this message');
    parsed.content = [{ ...block, text }];
  } else {
    const content = firstOf(parsed.candidates)?.content;
    const part = isObject(content) && Array.isArray(content.parts) ? content.parts.find((item) => isObject(item) && typeof item.text === 'string') : undefined;
    if (!isObject(content) || !isObject(part)) throw noText('this generateContent response');
    content.parts = [{ ...part, text }];
  }
  const indent = /^\{\r?\n( +)/.exec(options.body)?.[1]?.length ?? 0;
  return JSON.stringify(parsed, null, indent) + (options.body.endsWith('\n') ? '\n' : '');
}

/** A recorded stream whose text deltas are replaced by `pieces`, one delta event each. */
export function replaceStreamText(options: {
  readonly protocol: WireProtocolName;
  readonly events: readonly string[];
  readonly pieces: readonly string[];
}): string[] {
  const payloads = options.events.map(eventJson);
  if (options.protocol === 'gemini') return replaceGeminiStreamText(options.events, payloads, options.pieces);
  if (options.protocol === 'openai-responses') return replaceResponsesStreamText(options.events, payloads, options.pieces);
  const isTextDelta =
    options.protocol === 'anthropic'
      ? (payload: unknown) => isObject(payload) && payload.type === 'content_block_delta' && isObject(payload.delta) && payload.delta.type === 'text_delta'
      : (payload: unknown) => {
          const delta = firstOf(isObject(payload) ? payload.choices : undefined)?.delta;
          return isObject(delta) && typeof delta.content === 'string' && delta.content !== '';
        };
  const isClosing =
    options.protocol === 'anthropic'
      ? (payload: unknown) => isObject(payload) && payload.type === 'content_block_stop'
      : (payload: unknown, raw: string) => {
          if (payload === undefined) return /data: ?\[DONE\]/.test(raw);
          const choices = isObject(payload) ? payload.choices : undefined;
          const choice = firstOf(choices);
          return (Array.isArray(choices) && choices.length === 0) || (choice !== undefined && choice.finish_reason != null);
        };
  const firstDelta = payloads.findIndex(isTextDelta);
  if (firstDelta < 0 && options.protocol === 'openai-compatible') {
    const afterReasoning = textAfterReasoning(options.events, payloads, options.pieces);
    if (afterReasoning !== undefined) return afterReasoning;
  }
  const template = payloads[firstDelta];
  const templateRaw = options.events[firstDelta];
  if (firstDelta < 0 || templateRaw === undefined) throw noText(`this ${options.protocol} stream`);
  const closingOffset = options.events.slice(firstDelta + 1).findIndex((raw, offset) => isClosing(payloads[firstDelta + 1 + offset], raw));
  const closing = closingOffset < 0 ? [] : options.events.slice(firstDelta + 1 + closingOffset);
  const deltas = options.pieces.map((piece) => {
    const payload = structuredClone(template) as JsonObject;
    if (options.protocol === 'anthropic') {
      (payload.delta as JsonObject).text = piece;
    } else {
      const choice = firstOf(payload.choices) as JsonObject;
      (choice.delta as JsonObject).content = piece;
      if (typeof choice.text === 'string') choice.text = piece; // Together repeats the delta as choices[].text
    }
    return withEventData(templateRaw, JSON.stringify(payload));
  });
  return [...options.events.slice(0, firstDelta), ...deltas, ...closing];
}

/**
 * A stream that shows only reasoning (Groq's recorded gpt-oss stream): the pieces follow its last reasoning
 * delta, in that delta's recorded event with `content` in place of the reasoning, and the recording goes on
 * as it did after it. Undefined when the stream shows no reasoning either.
 */
function textAfterReasoning(events: readonly string[], payloads: readonly unknown[], pieces: readonly string[]): string[] | undefined {
  const reasoningField = (payload: unknown): string | undefined => {
    const delta = firstOf(isObject(payload) ? payload.choices : undefined)?.delta;
    if (!isObject(delta)) return undefined;
    return ['reasoning', 'reasoning_content'].find((field) => typeof delta[field] === 'string');
  };
  let last = -1;
  payloads.forEach((payload, index) => {
    if (reasoningField(payload) !== undefined) last = index;
  });
  const templateRaw = events[last];
  if (last < 0 || templateRaw === undefined) return undefined;
  const deltas = pieces.map((piece) => {
    const payload = structuredClone(payloads[last]) as JsonObject;
    const delta = (firstOf(payload.choices) as JsonObject).delta as JsonObject;
    delete delta[reasoningField(payloads[last]) ?? 'reasoning'];
    delete delta.channel;
    delta.content = piece;
    return withEventData(templateRaw, JSON.stringify(payload));
  });
  return [...events.slice(0, last + 1), ...deltas, ...events.slice(last + 1)];
}

/**
 * A Responses stream: its recorded `response.output_text.delta` event, one per piece, in place of the recorded
 * deltas; the events that repeat the whole text after them (`output_text.done`, `content_part.done`,
 * `output_item.done`, the `response.completed` output) keep the recorded text, which no stream reader takes as text.
 */
function replaceResponsesStreamText(events: readonly string[], payloads: readonly unknown[], pieces: readonly string[]): string[] {
  const isTextDelta = (payload: unknown): boolean => isObject(payload) && payload.type === 'response.output_text.delta';
  const firstDelta = payloads.findIndex(isTextDelta);
  const templateRaw = events[firstDelta];
  if (firstDelta < 0 || templateRaw === undefined) throw noText('this Responses stream');
  const deltas = pieces.map((piece) => withEventData(templateRaw, JSON.stringify({ ...(payloads[firstDelta] as JsonObject), delta: piece })));
  const rest = events.slice(firstDelta + 1).filter((_raw, offset) => !isTextDelta(payloads[firstDelta + 1 + offset]));
  return [...events.slice(0, firstDelta), ...deltas, ...rest];
}

/** Gemini streams carry whole candidates: pieces go into the first event's shape, the last into the final event. */
function replaceGeminiStreamText(events: readonly string[], payloads: readonly unknown[], pieces: readonly string[]): string[] {
  const withText = (index: number, piece: string): string => {
    const payload = structuredClone(payloads[index]);
    const content = isObject(payload) ? firstOf(payload.candidates)?.content : undefined;
    const part = isObject(content) && Array.isArray(content.parts) ? content.parts.find((item) => isObject(item) && typeof item.text === 'string') : undefined;
    if (!isObject(content) || !isObject(part)) throw noText('this Gemini stream');
    content.parts = [{ ...part, text: piece }];
    return withEventData(events[index] ?? '', JSON.stringify(payload));
  };
  const lastIndex = payloads.length - 1;
  if (lastIndex < 0) throw noText('an empty Gemini stream');
  const opening = pieces.slice(0, -1).map((piece) => withText(0, piece));
  return [...opening, withText(lastIndex, pieces.at(-1) ?? '')];
}
