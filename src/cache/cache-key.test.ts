import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { cacheKeyVersion, createCacheKey, stableStringify, type CacheKeyRequest } from './cache-key.js';

const request: CacheKeyRequest = {
  target: 'tier-2',
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: 'What is the capital of France?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"France"}' }] },
    { role: 'tool', toolCallId: 'call_1', toolName: 'lookup', content: 'Paris' },
  ],
  temperature: 0.2,
  maxTokens: 256,
  tools: [{ name: 'lookup', description: 'Search', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
  toolChoice: 'auto',
  responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object', required: ['city'] }, strict: true },
};

function key(overrides: Partial<CacheKeyRequest> = {}, scope = 'tenant-a'): string {
  return createCacheKey({ scope, request: { ...request, ...overrides } });
}

describe('createCacheKey', () => {
  it('has the versioned, scoped shape and is stable across calls', () => {
    expect(key()).toMatch(/^bm:v1:tenant-a:[0-9a-f]{64}$/);
    expect(key()).toBe(key());
  });

  it('ignores object key order at every depth', () => {
    const reordered: CacheKeyRequest = {
      responseFormat: { strict: true, schema: { required: ['city'], type: 'object' }, name: 'answer', type: 'json_schema' },
      toolChoice: 'auto',
      tools: [{ parameters: { properties: { q: { type: 'string' } }, type: 'object' }, description: 'Search', name: 'lookup' }],
      maxTokens: 256,
      temperature: 0.2,
      messages: [
        { content: 'Answer briefly.', role: 'system' },
        { content: 'What is the capital of France?', role: 'user' },
        { toolCalls: [{ arguments: '{"q":"France"}', name: 'lookup', id: 'call_1' }], content: '', role: 'assistant' },
        { content: 'Paris', toolName: 'lookup', toolCallId: 'call_1', role: 'tool' },
      ],
      target: 'tier-2',
    };
    expect(createCacheKey({ scope: 'tenant-a', request: reordered })).toBe(key());
  });

  it('treats an undefined field like an absent one, and ignores fields that do not shape the answer', () => {
    expect(key({ topP: undefined, stop: undefined })).toBe(key());
    const withExtra = { ...request, signal: new AbortController().signal, callId: 7 } as CacheKeyRequest;
    expect(createCacheKey({ scope: 'tenant-a', request: withExtra })).toBe(key());
  });

  it('separates scopes, in the hash and in the prefix', () => {
    expect(key({}, 'tenant-b')).not.toBe(key());
    expect(key({}, 'tenant-b').split(':')[3]).not.toBe(key().split(':')[3]);
    expect(key({}, 'a:b/c')).toMatch(/^bm:v1:a%3Ab%2Fc:/);
    expect(() => key({}, '')).toThrow(InvalidArgumentError);
  });

  it('changes with every input that shapes the answer', () => {
    const base = key();
    const variants: Partial<CacheKeyRequest>[] = [
      { target: 'tier-3' },
      { target: 'groq/llama-3.1-8b-instant' },
      { temperature: 0.3 },
      { temperature: 0 },
      { maxTokens: 257 },
      { topP: 0.9 },
      { seed: 7 },
      { seed: 8 },
      { presencePenalty: 0.5 },
      { frequencyPenalty: 0.5 },
      { stop: ['\n'] },
      { tools: [] },
      { toolChoice: 'required' },
      { toolChoice: { name: 'lookup' } },
      { parallelToolCalls: false },
      { reasoningEffort: 'low' },
      { reasoningEffort: 'high' },
      { responseFormat: { type: 'json_object' } },
      { messages: [{ role: 'user', content: 'What is the capital of France?' }] },
      { messages: [{ role: 'user', content: 'What is the capital of France? ' }] }, // content is exact
      { messages: [...request.messages].reverse() }, // order is meaning
    ];
    const keys = variants.map((variant) => key(variant));
    for (const variantKey of keys) expect(variantKey).not.toBe(base);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('stableStringify', () => {
  it('sorts keys, drops undefined in objects, nulls it in arrays, like JSON otherwise', () => {
    expect(stableStringify({ b: 1, a: [undefined, 'x', Number.NaN], c: undefined, d: { z: true, y: null } })).toBe(
      '{"a":[null,"x",null],"b":1,"d":{"y":null,"z":true}}',
    );
    expect(stableStringify(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    expect(stableStringify(undefined)).toBe('null');
    expect(stableStringify('quote " and \n')).toBe(JSON.stringify('quote " and \n'));
  });

  it('rejects a bigint or a cycle with a typed error, but allows shared references', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => stableStringify({ n: 1n })).toThrow(InvalidArgumentError);
    expect(() => stableStringify(cyclic)).toThrow(InvalidArgumentError);
    const shared = { x: 1 };
    expect(stableStringify([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});

/** The sha256 hex of a text, as the key's last part is. */
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('cache keys across versions', () => {
  it('keeps the key a request had: sha256 of its stable JSON, fields sorted', () => {
    const input = { target: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }], temperature: 0.5, maxTokens: 100 };
    const json =
      '{"maxTokens":100,"messages":[{"content":"Hi","role":"user"}],"scope":"tenant-a","target":"gpt-4o-mini","temperature":0.5,"version":1}';
    expect(cacheKeyVersion).toBe(1);
    expect(createCacheKey({ scope: 'tenant-a', request: input })).toBe(`bm:v1:tenant-a:${sha256(json)}`);
  });

  it('refuses a toJSON that returns itself as a cycle, with a typed error, not a stack overflow', () => {
    const selfish: { toJSON(): unknown } = { toJSON: () => selfish };
    expect(() => stableStringify({ selfish })).toThrow(InvalidArgumentError);
  });
});
