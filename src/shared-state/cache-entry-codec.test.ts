import { describe, expect, it } from 'vitest';
import { type CachedCompletion, type CachedEmbeddings, isCachedCompletion } from '../cache/cache-backend.js';
import { decodeCacheEntry, encodeCacheEntry } from './cache-entry-codec.js';

const entry: CachedCompletion = {
  provider: 'openai',
  storedAtMs: 1_700_000_000_123,
  response: {
    content: '',
    toolCalls: [{ id: 'call_abc123', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    finishReason: 'tool_calls',
    usage: { inputTokens: 82, outputTokens: 41, totalTokens: 123 },
    model: 'gpt-4o-mini-2024-07-18',
    requestId: 'req_0123456789abcdef',
  },
};

describe('cache entry codec', () => {
  it('writes a versioned value and reads it back', () => {
    const text = encodeCacheEntry(entry);
    expect(JSON.parse(text)).toMatchObject({ v: 1, entry: { provider: 'openai' } });
    expect(decodeCacheEntry(text)).toEqual(entry);
  });

  it('reads a value of another version, or of the wrong shape, as a miss', () => {
    expect(decodeCacheEntry(JSON.stringify({ v: 2, entry }))).toBeUndefined();
    expect(decodeCacheEntry(JSON.stringify(entry))).toBeUndefined();
    expect(decodeCacheEntry('not json')).toBeUndefined();
    expect(decodeCacheEntry('null')).toBeUndefined();
    const withoutModel = { ...entry, response: { ...entry.response, model: undefined } };
    expect(decodeCacheEntry(JSON.stringify({ v: 1, entry: withoutModel }))).toBeUndefined();
    const badToolCall = { ...entry, response: { ...entry.response, toolCalls: [{ id: 1 }] } };
    expect(decodeCacheEntry(JSON.stringify({ v: 1, entry: badToolCall }))).toBeUndefined();
    const badSignature = { ...entry, response: { ...entry.response, toolCalls: [{ ...entry.response.toolCalls[0], thoughtSignature: 7 }] } };
    expect(decodeCacheEntry(JSON.stringify({ v: 1, entry: badSignature }))).toBeUndefined();
  });

  it("keeps a cached answer's reasoning, and reads reasoning of the wrong type as a miss", () => {
    const reasoned: CachedCompletion = { ...entry, response: { ...entry.response, reasoning: 'Check the weather first.' } };
    expect(decodeCacheEntry(encodeCacheEntry(reasoned))).toEqual(reasoned);
    const badReasoning = { ...entry, response: { ...entry.response, reasoning: 42 } };
    expect(decodeCacheEntry(JSON.stringify({ v: 1, entry: badReasoning }))).toBeUndefined();
  });

  it("keeps Gemini's thought signature of a cached tool call", () => {
    const signed: CachedCompletion = {
      ...entry,
      provider: 'google',
      response: { ...entry.response, toolCalls: [{ id: 'call_0', name: 'calculator', arguments: '{}', thoughtSignature: 'Cp8DAb4+sig==' }] },
    };
    expect(decodeCacheEntry(encodeCacheEntry(signed))).toEqual(signed);
  });

  it("keeps Anthropic's signed thinking blocks of a cached answer, and reads blocks of the wrong shape as a miss", () => {
    const blocks = [
      { type: 'thinking' as const, thinking: 'The user wants me to call checkSandboxErrors immediately.', signature: 'Eq4CCpIBCBIYAipAM+SG' },
      { type: 'redacted_thinking' as const, data: 'EooCCpsBCBIYAipAH9yM' },
    ];
    const signed: CachedCompletion = { ...entry, provider: 'anthropic', response: { ...entry.response, signedReasoning: { provider: 'anthropic', blocks } } };
    expect(decodeCacheEntry(encodeCacheEntry(signed))).toEqual(signed);
    const unsigned = { ...signed, response: { ...signed.response, signedReasoning: { provider: 'anthropic', blocks: [{ type: 'thinking', thinking: 'x' }] } } };
    expect(decodeCacheEntry(JSON.stringify({ v: 1, entry: unsigned }))).toBeUndefined();
  });
});

describe('cache entry codec: embeddings', () => {
  const embeddings: CachedEmbeddings = {
    provider: 'openai',
    storedAtMs: 1_700_000_000_123,
    embeddings: { embeddings: [[0.25, -0.5], [1, 0]], model: 'text-embedding-3-small', usage: { inputTokens: 4 }, requestId: 'req_embeddings' },
  };

  it('writes embeddings and reads them back as embeddings, never as a completion', () => {
    const decoded = decodeCacheEntry(encodeCacheEntry(embeddings));
    expect(decoded).toEqual(embeddings);
    expect(decoded !== undefined && isCachedCompletion(decoded)).toBe(false);
  });

  it('reads vectors of the wrong shape as a miss', () => {
    for (const vectors of [[['0.25']], [0.25], 'vectors']) {
      const bad = { ...embeddings, embeddings: { ...embeddings.embeddings, embeddings: vectors } };
      expect(decodeCacheEntry(JSON.stringify({ v: 1, entry: bad }))).toBeUndefined();
    }
    const badUsage = { ...embeddings, embeddings: { ...embeddings.embeddings, usage: { inputTokens: '4' } } };
    expect(decodeCacheEntry(JSON.stringify({ v: 1, entry: badUsage }))).toBeUndefined();
  });
});
