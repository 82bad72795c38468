import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { FixtureStore } from './fixture-store.js';
import { resolveFixturesDirectory } from './fixtures-directory.js';
import { replaceBodyText, replaceStreamText, splitTextIntoPieces } from './replace-assistant-text.js';
import { eventJson } from './sse-events.js';
import { testProviders, testProviderSpec, wireOf, type TestProviderSpec } from './test-providers.js';

const store = new FixtureStore(resolveFixturesDirectory());
const text = 'The backup model answered this one, calmly.';

/** The value at `keys` inside parsed JSON, or undefined. */
function at(value: unknown, ...keys: (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The assistant text a stream carries, read the way each protocol's client reads it. */
function streamedText(protocol: string, events: readonly string[]): string {
  return events
    .map(eventJson)
    .map((payload) => {
      let piece: unknown;
      if (protocol === 'anthropic') piece = at(payload, 'type') === 'content_block_delta' ? at(payload, 'delta', 'text') : '';
      else if (protocol === 'openai-responses') piece = at(payload, 'type') === 'response.output_text.delta' ? at(payload, 'delta') : '';
      else if (protocol === 'gemini') piece = at(payload, 'candidates', 0, 'content', 'parts', 0, 'text');
      else piece = at(payload, 'choices', 0, 'delta', 'content');
      return typeof piece === 'string' ? piece : '';
    })
    .join('');
}

describe('splitTextIntoPieces', () => {
  it('cuts at word boundaries into pieces that join back', () => {
    const pieces = splitTextIntoPieces(text, 4);
    expect(pieces).toHaveLength(4);
    expect(pieces.join('')).toBe(text);
    expect(pieces.every((piece) => piece !== '' && !/^\s/.test(piece))).toBe(true);
  });

  it('gives fewer pieces than asked when there are fewer words, and one empty piece for no text', () => {
    expect(splitTextIntoPieces('Hi there', 4)).toEqual(['Hi ', 'there']);
    expect(splitTextIntoPieces('', 4)).toEqual(['']);
  });
});

/** Every provider's recordings, and those of the endpoints it has besides (OpenAI's Responses API). */
const recordedWires: [string, TestProviderSpec][] = testProviders.flatMap((provider) => [
  [provider.id, provider] as [string, TestProviderSpec],
  ...(provider.responsesEndpoint === undefined ? [] : [[`${provider.id} responses`, provider.responsesEndpoint] as [string, TestProviderSpec]]),
]);

describe.each(recordedWires)('%s recorded shapes with another text', (_id, provider) => {
  it('puts the text into the recorded body and keeps every other field', () => {
    const plan = store.successPlan(provider, { stream: false });
    if (plan.type !== 'body') throw new Error('expected a body recording');
    const original = JSON.parse(plan.body.toString('utf8')) as Record<string, unknown>;
    const replaced = JSON.parse(replaceBodyText({ protocol: wireOf(provider), body: plan.body.toString('utf8'), text })) as Record<string, unknown>;
    expect(Object.keys(replaced)).toEqual(Object.keys(original));
    expect(replaced.id ?? replaced.responseId).toEqual(original.id ?? original.responseId);
    expect(JSON.stringify(replaced)).toContain(JSON.stringify(text));
    expect(replaced.usage ?? replaced.usageMetadata).toEqual(original.usage ?? original.usageMetadata);
  });

  it('streams the text as recorded delta events between the recorded opening and closing events', () => {
    const plan = store.successPlan(provider, { stream: true });
    if (plan.type !== 'events') throw new Error('expected a stream recording');
    const events = replaceStreamText({ protocol: wireOf(provider), events: plan.events, pieces: splitTextIntoPieces(text, 3) });
    expect(streamedText(wireOf(provider), events)).toBe(text);
    if (provider.protocol === 'gemini') {
      // Gemini events are whole candidates: the last keeps the recorded finishReason and usage.
      expect(at(eventJson(events.at(-1) ?? ''), 'candidates', 0, 'finishReason')).toBe('STOP');
      expect(at(eventJson(events.at(-1) ?? ''), 'usageMetadata')).toEqual(at(eventJson(plan.events.at(-1) ?? ''), 'usageMetadata'));
      return;
    }
    // Every event that carries no text is a recorded event, unchanged, and the stream ends as recorded.
    const withoutText = events.filter((raw) => streamedText(wireOf(provider), [raw]) === '');
    expect(withoutText.every((raw) => plan.events.includes(raw))).toBe(true);
    expect(events.at(-1)).toBe(plan.events.at(-1));
  });
});

describe('a recording that shows only reasoning', () => {
  it("puts the text after Groq's recorded reasoning, in its delta event, and keeps what followed (its error event)", () => {
    const events = store.events(testProviderSpec('groq'), 'chat-stream-error-tool-use-failed.sse');
    const replaced = replaceStreamText({ protocol: 'openai-compatible', events, pieces: ['The backup ', 'model.'] });
    expect(replaced).toHaveLength(events.length + 2);
    expect(streamedText('openai-compatible', replaced)).toBe('The backup model.');
    const payloads = replaced.map(eventJson);
    const firstText = payloads.findIndex((payload) => at(payload, 'choices', 0, 'delta', 'content') === 'The backup ');
    // Every reasoning delta comes before the text, the recorded error event after it.
    expect(payloads.slice(firstText).some((payload) => at(payload, 'choices', 0, 'delta', 'reasoning') !== undefined)).toBe(false);
    expect(at(payloads[firstText], 'choices', 0, 'delta')).toEqual({ content: 'The backup ' });
    expect(replaced.at(-1)).toBe(events.at(-1));
  });
});

describe('refusing recordings without text', () => {
  it('throws a typed error for a tool-call body', () => {
    const body = readFileSync(join(store.directory, 'anthropic', 'message-tool-use.json'), 'utf8');
    const withoutText = JSON.stringify({ ...JSON.parse(body), content: [] });
    expect(() => replaceBodyText({ protocol: 'anthropic', body: withoutText, text })).toThrow(InvalidArgumentError);
  });

  it('throws a typed error for a tool-call stream', () => {
    const provider = testProviderSpec('openai');
    const events = store.events(provider, 'chat-stream-tool-call.sse');
    expect(() => replaceStreamText({ protocol: 'openai-compatible', events, pieces: ['x'] })).toThrow(InvalidArgumentError);
  });
});
