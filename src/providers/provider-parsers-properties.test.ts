/**
 * Property tests of what reads a provider's answers: whatever a body or a stream event holds, each protocol's
 * response parse gives an answer or throws a ProviderError, its error parse returns a ProviderError (it never
 * throws), and its stream decoder gives chunks or throws a ProviderError; the SSE parser takes any bytes.
 * An untyped exception there would reach the router as a `network` failure and count against the provider's
 * circuit. Bodies and events start from the recorded fixtures, mutated one field at a time, or are any JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { isRecord } from '../json-value.js';
import type { StreamChunk, Usage } from '../types.js';
import { SseParser } from '../http/sse-parser.js';
import type { SseEvent } from '../http/types.js';
import { nearValidBody } from '../gateway/near-valid-bodies.test-support.js';
import { readOpenAIResponsesEvents, readOpenAIResponsesJson } from '../testing/openai-responses-recordings.test-support.js';
import { recordedFixtures } from '../testing/shared-fixtures.test-support.js';
import { wireProtocols } from './protocols.js';
import type { WireProtocol } from './wire-protocol.js';
import { noResponseHeaders, responseHeadersFrom } from '../http/response-headers.js';

const numRuns = 300;

interface ProtocolCase {
  readonly protocol: WireProtocol;
  readonly responseBodies: readonly Record<string, unknown>[];
  readonly errorBodies: readonly Record<string, unknown>[];
  readonly recordedStreams: readonly SseEvent[][];
}

/** A protocol's recordings in the shared fixtures. */
function sharedCase(recorded: {
  readonly protocol: WireProtocol;
  readonly folder: string;
  readonly responses: readonly string[];
  readonly errors: readonly string[];
  readonly streams: readonly string[];
}): ProtocolCase {
  const fixtures = recordedFixtures(recorded.folder);
  return {
    protocol: recorded.protocol,
    responseBodies: recorded.responses.map((name) => fixtures.readFixtureJson(name) as Record<string, unknown>),
    errorBodies: recorded.errors.map((name) => fixtures.readFixtureJson(name) as Record<string, unknown>),
    recordedStreams: recorded.streams.map((name) => fixtures.readFixtureSseEvents(name)),
  };
}

const sharedCases = [
  {
    protocol: wireProtocols['openai-compatible'],
    folder: 'openai',
    responses: ['chat-completion.json', 'chat-completion-tool-call.json', 'chat-completion-max_completion_tokens-o3-mini.json'],
    errors: ['error-401-invalid-api-key.json', 'error-429-rate-limit-rpm.json', 'error-429-insufficient-quota.json', 'error-503-model-overloaded.json'],
    streams: ['chat-stream-include-usage.sse', 'chat-stream-tool-call.sse'],
  },
  {
    protocol: wireProtocols.anthropic,
    folder: 'anthropic',
    responses: ['message.json', 'message-tool-use.json'],
    errors: ['error-400-invalid-request.json', 'error-429-rate-limit.json', 'error-529-overloaded.json', 'stream-error-event-data.json'],
    streams: ['messages-stream.sse', 'messages-stream-tool-use.sse'],
  },
  {
    protocol: wireProtocols.gemini,
    folder: 'gemini',
    responses: ['generateContent.json', 'generateContent-function-call.json'],
    errors: ['error-400-api-key-invalid.json', 'error-429-quota-failure-details.json', 'error-429-quota-retry-info.json', 'error-503-unavailable-overloaded.json'],
    streams: ['streamGenerateContent-sse.sse', 'streamGenerateContent-sse-function-call.sse'],
  },
];

const cases: readonly ProtocolCase[] = [
  ...sharedCases.map(sharedCase),
  // OpenAI's Responses API: its recordings kept in this repository, OpenAI's error bodies shared with chat completions.
  {
    protocol: wireProtocols['openai-responses'],
    responseBodies: (['responses.json', 'responses-function-call.json', 'responses-reasoning-summary.json'] as const).map(
      (name) => readOpenAIResponsesJson(name) as Record<string, unknown>,
    ),
    errorBodies: [
      readOpenAIResponsesJson('error-400-temperature-unsupported.json') as Record<string, unknown>,
      ...['error-429-rate-limit-rpm.json', 'error-503-model-overloaded.json'].map((name) => recordedFixtures('openai').readFixtureJson(name) as Record<string, unknown>),
    ],
    recordedStreams: (
      ['responses-stream.chunks.txt', 'responses-stream-reasoning-function-call.chunks.txt', 'responses-stream-error-event.chunks.txt'] as const
    ).map((name) => readOpenAIResponsesEvents(name)),
  },
];

const options = { providerId: 'test', headers: noResponseHeaders };

/** Runs `read`; a ProviderError is a typed outcome, anything else thrown fails the property. */
function typedOutcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    if (ProviderError.isInstance(error)) return error;
    throw error;
  }
}

/** The objects a wire counts its tokens in: every number inside them is a count. */
const usageKeys: ReadonlySet<string> = new Set(['usage', 'usageMetadata']);

/** `value` with each number inside a usage object replaced by the next of `counts`, in turn. */
function withUsageCounts(value: unknown, counts: readonly number[], inUsage = false, next = { index: 0 }): unknown {
  if (typeof value === 'number' && inUsage) return counts[next.index++ % counts.length];
  if (Array.isArray(value)) return value.map((item: unknown) => withUsageCounts(item, counts, inUsage, next));
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withUsageCounts(item, counts, inUsage || usageKeys.has(key), next)]));
}

/** Counts no real answer has beside real ones: negative, huge, fractional, and those JSON reads as Infinity. */
const oddCounts = fc.array(fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double({ noNaN: true }), fc.constantFrom(-0, 1e308, -1e308)), {
  minLength: 1,
  maxLength: 12,
});

/** Every count of a usage read: a finite number, none negative. */
function expectUsableCounts(usage: Usage | undefined): void {
  for (const [name, count] of Object.entries(usage ?? {})) {
    if (typeof count === 'number') expect({ name, usable: Number.isFinite(count) && count >= 0 }).toEqual({ name, usable: true });
  }
}

/** A JSON value as an error body: as is, or its text cut anywhere (a body lost on the way). */
const bodyText = (values: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    values.map((value) => JSON.stringify(value) ?? ''),
    fc.tuple(values, fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value) ?? '';
      return text.slice(0, cut % (text.length + 1));
    }),
    fc.string({ maxLength: 40 }),
  );

for (const { protocol, responseBodies, errorBodies, recordedStreams } of cases) {
  const eventBodies = recordedStreams.flat().flatMap((event) => {
    const data: unknown = event.data === '[DONE]' ? undefined : JSON.parse(event.data);
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? [{ event: event.event, data: data as Record<string, unknown> }] : [];
  });

  describe(`the ${protocol.id} protocol's readers, on any answer`, () => {
    it('parse a 200 body of any JSON into an answer or a ProviderError', () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), nearValidBody(responseBodies).map(({ body }) => body)), (body) => {
          typedOutcome(() => protocol.parseChatResponse(body, options));
        }),
        { numRuns },
      );
    });

    it("read any counts in a 200 body's or a stream's usage as finite counts, none negative", () => {
      fc.assert(
        fc.property(fc.constantFrom(...responseBodies), oddCounts, (body, counts) => {
          const answer = typedOutcome(() => protocol.parseChatResponse(withUsageCounts(body, counts), options));
          if (!(answer instanceof ProviderError)) expectUsableCounts((answer as { usage?: Usage }).usage);
        }),
        { numRuns },
      );
      fc.assert(
        fc.property(fc.constantFrom(...recordedStreams), oddCounts, (events, counts) => {
          const decoder = protocol.createStreamDecoder(options);
          for (const event of events) {
            const data: unknown = event.data === '[DONE]' ? undefined : JSON.parse(event.data);
            const odd = data === undefined ? event : { ...event, data: JSON.stringify(withUsageCounts(data, counts)) };
            const chunks = typedOutcome(() => decoder.decode(odd));
            if (chunks instanceof ProviderError) return;
            for (const chunk of chunks as StreamChunk[]) if (chunk.type === 'usage') expectUsableCounts(chunk.usage);
          }
        }),
        { numRuns },
      );
    });

    it('make a ProviderError of any error response, never throwing', () => {
      const errorBody = bodyText(fc.oneof(fc.jsonValue({ maxDepth: 5 }), nearValidBody(errorBodies).map(({ body }) => body)));
      fc.assert(
        fc.property(errorBody, fc.integer({ min: 100, max: 599 }), fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), (text, statusCode, retryAfter) => {
          const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
          const error = protocol.parseError({ providerId: 'test', statusCode, headers: responseHeadersFrom(headers), bodyText: text, nowMs: 0 });
          expect(ProviderError.isInstance(error)).toBe(true);
        }),
        { numRuns },
      );
    });

    it('decode a recorded stream with one event replaced by any data into chunks or a ProviderError', () => {
      const oddEvent: fc.Arbitrary<SseEvent> = fc.oneof(
        nearValidBody(eventBodies.map((event) => event.data)).map(({ body }) => ({ data: JSON.stringify(body) })),
        fc.jsonValue({ maxDepth: 4 }).map((value) => ({ data: JSON.stringify(value) })),
        fc.string({ maxLength: 30 }).map((data) => ({ data })),
      );
      // Anthropic names its events: the odd data may come under any of the names.
      const names = [...new Set(recordedStreams.flat().flatMap((event) => (event.event ? [event.event] : [])))];
      const eventName = names.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...names), { nil: undefined });
      fc.assert(
        fc.property(fc.constantFrom(...recordedStreams), fc.nat(), oddEvent, eventName, (events, at, odd, name) => {
          const decoder = protocol.createStreamDecoder(options);
          const replaced = events.map((event, index) => (index === at % events.length ? { ...odd, ...(name !== undefined ? { event: name } : {}) } : event));
          for (const event of replaced) {
            if (typedOutcome(() => decoder.decode(event)) instanceof ProviderError) return;
          }
        }),
        { numRuns },
      );
    });
  });
}

describe('the SSE parser, on any bytes', () => {
  it('gives events for any bytes in any pieces, never throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (pieces) => {
        const parser = new SseParser();
        for (const piece of pieces) for (const event of parser.push(piece)) expect(typeof event.data).toBe('string');
        parser.end();
      }),
      { numRuns },
    );
  });
});
