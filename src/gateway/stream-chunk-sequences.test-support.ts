/**
 * Test support: arbitrary router streams for the encoders' property tests, and the gateway's way of relaying
 * one through an encoder. A stream is an answer's reasoning, text and tool calls (each call's arguments valid
 * JSON or not), each cut into pieces at arbitrary points and the pieces of all of them interleaved in any order
 * that keeps each one's own; with an optional usage first (Anthropic's input count), an optional usage and
 * finish (any reason) at the end, optionally a failure after any chunk, and the gateway's keep-alives between
 * chunks. Not shipped: only tests import it.
 */
import fc from 'fast-check';
import { StreamInterruptedError } from '../errors.js';
import type { FailureReason } from '../errors/failure-reason.js';
import type { StreamResult } from '../routing/router-options.js';
import { StreamAccumulator } from '../routing/stream-accumulator.js';
import { ToolCallIds } from '../routing/tool-call-ids.js';
import type { FinishReason, StreamChunk, Usage } from '../types.js';
import { toErrorResponse } from './error-response.js';
import type { StreamEventEncoder } from './gateway-dialect.js';

type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;

/** One tool call as the provider streamed it: what a client must end with. */
export interface ScriptedCall {
  readonly index: number;
  /** Absent when the provider named no id (the gateway makes one up). */
  readonly id: string | undefined;
  readonly name: string;
  readonly arguments: string;
  /**
   * The whole JSON object or array the arguments begin with, when they begin with one: all of them, or all but
   * text after it (two objects run together). Undefined for arguments cut short, empty, or not JSON.
   */
  readonly leadingJson: string | undefined;
}

export interface ScriptedStream {
  /** Every chunk the router yields, in order (the failure, if any, comes after `failAfter` of them). */
  readonly chunks: readonly StreamChunk[];
  /** The answer's text, reasoning and calls, the calls in the order their first delta came. */
  readonly text: string;
  readonly reasoning: string;
  readonly calls: readonly ScriptedCall[];
  /** The stream fails after this many chunks, or ends normally when undefined. */
  readonly failAfter: number | undefined;
  readonly failureReason: FailureReason;
  /** The gateway's keep-alives go out after these chunks (a silent provider), between two writes. */
  readonly keepAlivesAfter?: readonly number[];
}

/** Text with what breaks naive encoders: quotes, backslashes, line breaks (SSE's separator), `data:`, emoji. */
const trickyText = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\n', '\r', '\r\n', '\n\n', 'data: ', 'event: ', '[DONE]', '\u2028', '\u0000', '😀', '{', '}') },
  ),
  maxLength: 40,
});

/** A tool call's arguments: an object (or array) as JSON, cut short, not JSON at all, or empty. */
const argumentsText: fc.Arbitrary<{ text: string; leadingJson: string | undefined }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .dictionary(trickyText, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
      .chain((object) => fc.constantFrom(JSON.stringify(object), JSON.stringify(object, null, 2)))
      .map((text) => ({ text, leadingJson: text })),
  },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }).map((array) => ({ text: JSON.stringify(array), leadingJson: JSON.stringify(array) })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ object: fc.dictionary(trickyText, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 3 }), cut: fc.nat() })
      .map(({ object, cut }) => {
        const whole = JSON.stringify(object);
        return { text: whole.slice(0, 1 + (cut % (whole.length - 1))), leadingJson: undefined };
      }),
  },
  { weight: 1, arbitrary: trickyText.filter((text) => !/^\s*[[{]/.test(text)).map((text) => ({ text, leadingJson: undefined })) },
  { weight: 1, arbitrary: objectNotJsonInside() },
  { weight: 1, arbitrary: fc.constant({ text: '', leadingJson: undefined }) },
);

/**
 * An object that is not JSON inside, as a model may write one (`{city: Paris}`, a line break inside a string, a stray
 * letter): a whole object with a character put in where JSON allows it nowhere, a letter or a quote mark outside its
 * strings, a control character inside one. Never a double quote or a bracket: its brackets still balance at its end,
 * though, read by JSON's grammar, it never closes.
 */
function objectNotJsonInside(): fc.Arbitrary<{ text: string; leadingJson: undefined }> {
  return fc
    .record({
      object: fc.dictionary(trickyText, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 3 }),
      at: fc.nat(),
      outside: fc.constantFrom('x', "'", 'T', ';'),
      inside: fc.constantFrom('\n', '\t', '\u0001'),
    })
    .map(({ object, at, outside, inside }) => {
      const whole = JSON.stringify(object);
      // After the opening brace, before the closing one.
      let position = 1 + (at % (whole.length - 1));
      const place = placeIn(whole, position);
      // Not between a backslash and the character it escapes, which would then end the string.
      if (place === 'escape') position -= 1;
      return { text: whole.slice(0, position) + (place === 'outside' ? outside : inside) + whole.slice(position), leadingJson: undefined };
    });
}

/** Whether a character put in `json` before `position` would be inside a string, right after its backslash, or outside. */
function placeIn(json: string, position: number): 'inside' | 'escape' | 'outside' {
  let inString = false;
  let escaped = false;
  for (let index = 0; index < position; index += 1) {
    const character = json[index];
    if (!inString) inString = character === '"';
    else if (escaped) escaped = false;
    else if (character === '\\') escaped = true;
    else if (character === '"') inString = false;
  }
  return escaped ? 'escape' : inString ? 'inside' : 'outside';
}

/** Arguments that are a JSON value followed by more text (two objects run together, a stray brace): rare, but models write them. */
export const argumentsWithTrailingText = fc
  .tuple(fc.dictionary(trickyText, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), fc.constantFrom('}', ' {"b":2}', '{}', 'x', ' '))
  .map(([object, after]) => ({ text: JSON.stringify(object) + after, leadingJson: JSON.stringify(object) }));

/** `text` cut at arbitrary code-point positions (a provider's decoder never splits a character). */
function cutInto(text: string, cuts: readonly number[]): string[] {
  const characters = Array.from(text);
  const positions = [...new Set(cuts.map((cut) => cut % (characters.length + 1)))].sort((left, right) => left - right);
  const pieces: string[] = [];
  let start = 0;
  for (const position of [...positions, characters.length]) {
    if (position <= start) continue;
    pieces.push(characters.slice(start, position).join(''));
    start = position;
  }
  return pieces;
}

const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 6 });
/** How long each piece comes after the one before it in its own sequence; merged by time, the sequences interleave. */
const gaps = fc.array(fc.nat({ max: 6 }), { minLength: 12, maxLength: 12 });

const usage: fc.Arbitrary<Usage> = fc
  .record({ inputTokens: fc.nat({ max: 5000 }), outputTokens: fc.nat({ max: 5000 }), cachedInputTokens: fc.option(fc.nat({ max: 100 }), { nil: undefined }) })
  .map(({ inputTokens, outputTokens, cachedInputTokens }) => ({
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    ...(cachedInputTokens === undefined ? {} : { cachedInputTokens: Math.min(cachedInputTokens, inputTokens) }),
  }));

const finishReasons: readonly FinishReason[] = ['stop', 'length', 'tool_calls', 'content_filter', 'error', 'other'];
const failureReasons: readonly FailureReason[] = ['overloaded', 'rate_limit', 'server_error', 'timeout', 'network'];

const callScript = (options: { readonly trailingText: boolean }) =>
  fc.record({
    id: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/), { nil: undefined, freq: 5 }),
    name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_-]{0,20}$/),
    arguments: options.trailingText ? fc.oneof(argumentsText, argumentsWithTrailingText) : argumentsText,
    cuts,
    /** Anthropic opens a call with its id and name and no arguments yet. */
    emptyFirstDelta: fc.boolean(),
    gaps,
  });

/**
 * Arbitrary router streams. `trailingText`: let calls' arguments be JSON with text after it; `failures`:
 * let the stream break after any chunk.
 */
export function scriptedStreams(options: { readonly trailingText?: boolean; readonly failures?: boolean } = {}): fc.Arbitrary<ScriptedStream> {
  return fc
    .record({
      reasoning: fc.record({ text: trickyText, cuts, gaps }),
      text: fc.record({ text: trickyText, cuts, gaps }),
      calls: fc.array(callScript({ trailingText: options.trailingText ?? false }), { maxLength: 3 }),
      /** Call indexes need not start at 0 nor follow each other (an AI SDK model numbers them its own way). */
      indexes: fc.uniqueArray(fc.nat({ max: 5 }), { minLength: 3, maxLength: 3 }),
      leadingUsage: fc.option(usage, { nil: undefined }),
      endingUsage: fc.option(usage, { nil: undefined }),
      finish: fc.option(fc.record({ finishReason: fc.constantFrom(...finishReasons), stopSequence: fc.option(fc.constantFrom('END', '\n\n'), { nil: undefined }) }), { nil: undefined }),
      usageAfterFinish: fc.boolean(),
      failAfter: options.failures === true ? fc.option(fc.nat({ max: 60 }), { nil: undefined, freq: 2 }) : fc.constant(undefined),
      failureReason: fc.constantFrom(...failureReasons),
      keepAlivesAfter: fc.array(fc.nat({ max: 30 }), { maxLength: 3 }),
    })
    .map((script) => {
      const timed: { at: number; order: number; chunk: StreamChunk }[] = [];
      let order = 0;
      const schedule = (pieces: readonly StreamChunk[], pieceGaps: readonly number[]): void => {
        let at = 0;
        pieces.forEach((chunk, position) => {
          at += pieceGaps[position % pieceGaps.length] ?? 0;
          timed.push({ at, order: order++, chunk });
        });
      };
      schedule(cutInto(script.reasoning.text, script.reasoning.cuts).map((text) => ({ type: 'reasoning-delta', text })), script.reasoning.gaps);
      schedule(cutInto(script.text.text, script.text.cuts).map((text) => ({ type: 'text-delta', text })), script.text.gaps);
      script.calls.forEach((call, position) => {
        const index = script.indexes[position] ?? position;
        const pieces = cutInto(call.arguments.text, call.cuts);
        if (call.emptyFirstDelta || pieces.length === 0) pieces.unshift('');
        const id = idOf(call.id, position);
        const deltas = pieces.map((argumentsDelta, piece): ToolCallDelta =>
          piece === 0 ? { type: 'tool-call-delta', index, ...(id === undefined ? {} : { id }), name: call.name, argumentsDelta } : { type: 'tool-call-delta', index, argumentsDelta },
        );
        schedule(deltas, call.gaps);
      });
      timed.sort((left, right) => left.at - right.at || left.order - right.order);
      const content = timed.map((entry) => entry.chunk);
      const firstSeen = new Map<number, number>();
      content.forEach((chunk, position) => {
        if (chunk.type === 'tool-call-delta' && !firstSeen.has(chunk.index)) firstSeen.set(chunk.index, position);
      });
      const calls = script.calls
        .map((call, position): ScriptedCall => ({ index: script.indexes[position] ?? position, id: idOf(call.id, position), name: call.name, arguments: call.arguments.text, leadingJson: call.arguments.leadingJson }))
        .sort((left, right) => (firstSeen.get(left.index) ?? 0) - (firstSeen.get(right.index) ?? 0));
      const ending: StreamChunk[] = [];
      const finish: StreamChunk | undefined =
        script.finish === undefined
          ? undefined
          : { type: 'finish', finishReason: script.finish.finishReason, ...(script.finish.stopSequence === undefined ? {} : { stopSequence: script.finish.stopSequence }) };
      const endingUsage: StreamChunk | undefined = script.endingUsage === undefined ? undefined : { type: 'usage', usage: script.endingUsage };
      for (const chunk of script.usageAfterFinish ? [finish, endingUsage] : [endingUsage, finish]) if (chunk !== undefined) ending.push(chunk);
      const chunks: StreamChunk[] = [...(script.leadingUsage === undefined ? [] : [{ type: 'usage' as const, usage: script.leadingUsage }]), ...content, ...ending];
      // A failure comes after the first chunk at the earliest: before it, the gateway answers with an HTTP error, not an event.
      const failAfter = script.failAfter === undefined || chunks.length === 0 ? undefined : 1 + (script.failAfter % chunks.length);
      return {
        chunks,
        text: script.text.text,
        reasoning: script.reasoning.text,
        calls,
        failAfter,
        failureReason: script.failureReason,
        keepAlivesAfter: script.keepAlivesAfter,
      };
    });
}

/** A stream written out by hand (a counterexample kept as a plain test), with what a client must end with. */
export function streamOf(chunks: readonly StreamChunk[], failAfter?: number): ScriptedStream {
  const calls = new Map<number, { index: number; id: string | undefined; name: string; arguments: string }>();
  let text = '';
  let reasoning = '';
  for (const chunk of chunks) {
    if (chunk.type === 'text-delta') text += chunk.text;
    if (chunk.type === 'reasoning-delta') reasoning += chunk.text;
    if (chunk.type !== 'tool-call-delta') continue;
    const call = calls.get(chunk.index) ?? { index: chunk.index, id: chunk.id, name: chunk.name ?? '', arguments: '' };
    call.arguments += chunk.argumentsDelta;
    calls.set(chunk.index, call);
  }
  return {
    chunks,
    text,
    reasoning,
    calls: [...calls.values()].map((call) => ({ ...call, leadingJson: leadingJsonOf(call.arguments) })),
    failAfter,
    failureReason: 'overloaded',
  };
}

/** The shortest start of `text` that is a whole JSON object or array, if any. */
function leadingJsonOf(text: string): string | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  for (let end = 1; end <= text.length; end += 1) {
    if (text[end - 1] !== '}' && text[end - 1] !== ']') continue;
    try {
      JSON.parse(text.slice(0, end));
      return text.slice(0, end);
    } catch {
      // Not whole yet.
    }
  }
  return undefined;
}

/** A provider's ids are unique in an answer: the arbitrary's are made so by the call's place. */
function idOf(id: string | undefined, position: number): string | undefined {
  return id === undefined ? undefined : `${id}${position}`;
}

/**
 * A scripted stream through an encoder, as relayStream drives it: the usage told before the first content opens
 * the stream, then each chunk's events, then the end with the router's result (its answer put together as the
 * router does), or the error event of the failure.
 */
export function relay(encoder: StreamEventEncoder, stream: ScriptedStream): string {
  const chunks = routed(stream.chunks);
  const delivered = stream.failAfter === undefined ? chunks : chunks.slice(0, stream.failAfter);
  let position = 0;
  let toldUsage: Usage | undefined;
  while (delivered[position]?.type === 'usage') {
    toldUsage = (delivered[position] as Extract<StreamChunk, { type: 'usage' }>).usage;
    position += 1;
  }
  let sseText = encoder.start(toldUsage);
  for (; position < delivered.length; position += 1) {
    sseText += encoder.chunk(delivered[position]!) ?? '';
    if (stream.keepAlivesAfter?.includes(position) === true) sseText += encoder.keepAlive();
  }
  if (stream.failAfter !== undefined) {
    const accumulated = new StreamAccumulator();
    for (const chunk of delivered) accumulated.add(chunk);
    const failure = new StreamInterruptedError({ provider: 'test', reason: stream.failureReason, message: 'the connection broke', partialText: accumulated.text });
    return sseText + encoder.error(toErrorResponse(failure));
  }
  return sseText + encoder.end(streamResult(stream.chunks));
}

const routedChunks = new WeakMap<readonly StreamChunk[], readonly StreamChunk[]>();

/**
 * The chunks as the router yields them, each tool call's id given on its first delta (made up when the scripted
 * provider named none); the same for the same chunks, so that relay and streamResult name a call alike.
 */
function routed(chunks: readonly StreamChunk[]): readonly StreamChunk[] {
  let labelled = routedChunks.get(chunks);
  if (labelled === undefined) {
    const ids = new ToolCallIds();
    labelled = chunks.map((chunk) => ids.label(chunk));
    routedChunks.set(chunks, labelled);
  }
  return labelled;
}

/** The router's result of a stream that ended: its answer put together by the router's own accumulator. */
export function streamResult(chunks: readonly StreamChunk[]): StreamResult {
  const accumulator = new StreamAccumulator();
  for (const chunk of routed(chunks)) accumulator.add(chunk);
  return {
    ...accumulator.finish(),
    provider: 'test',
    model: 'test-model',
    latencyMs: 1,
    timeToFirstTokenMs: 1,
    costUsd: 0,
    cached: false,
    attempts: [],
    requestId: undefined,
  };
}
