import { describe, expect, it } from 'vitest';
import type { SharedProviderUpdate } from '../routing/provider-state-sync.js';
import { decodeStateEnvelope, encodeStateEnvelope } from './state-envelope.js';

const open: SharedProviderUpdate = {
  kind: 'breaker',
  providerId: 'groq',
  state: { name: 'open', openedAtMs: 1_000, reopenCount: 0, halfOpenAfterMs: 6_000 },
};
const cooldown: SharedProviderUpdate = { kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: 9_000, reason: 'rate_limit' } };

describe('state envelope', () => {
  it('carries a breaker state or a cooldown with its version, instance, time and place on Redis\'s clock', () => {
    const redisClock = { writtenAtMs: 700, offsetMs: 150 };
    for (const update of [open, cooldown]) {
      const text = encodeStateEnvelope({ instanceId: 'a', publishedAtMs: 500, update, redisClock });
      expect(JSON.parse(text)).toEqual({ v: 2, instanceId: 'a', publishedAtMs: 500, update, redisClock });
      expect(decodeStateEnvelope(text)).toEqual({ v: 2, instanceId: 'a', publishedAtMs: 500, update, redisClock });
    }
  });

  it('begins, unstamped, with the opening brace the write script puts its stamp after', () => {
    expect(encodeStateEnvelope({ instanceId: 'a', publishedAtMs: 500, update: open })).toMatch(/^\{"v":2,/);
  });

  it('reads no circuit state or cooldown whose times were not placed on Redis\'s clock; health figures need none', () => {
    expect(decodeStateEnvelope(encodeStateEnvelope({ instanceId: 'a', publishedAtMs: 500, update: open }))).toBeUndefined();
    expect(decodeStateEnvelope(encodeStateEnvelope({ instanceId: 'a', publishedAtMs: 500, update: cooldown }))).toBeUndefined();
    const health: SharedProviderUpdate = { kind: 'health', providerId: 'groq', figures: { instanceId: 'a', successRate: 1, latencyP50Ms: 80, sampleCount: 3 } };
    expect(decodeStateEnvelope(encodeStateEnvelope({ instanceId: 'a', publishedAtMs: 500, update: health }))).toEqual({ v: 2, instanceId: 'a', publishedAtMs: 500, update: health });
  });

  it('ignores another version and anything malformed', () => {
    const valid = { v: 2, instanceId: 'a', publishedAtMs: 500, update: open, redisClock: { writtenAtMs: 700, offsetMs: 150 } };
    expect(decodeStateEnvelope(JSON.stringify(valid))).toBeDefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, v: 1 }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, redisClock: { writtenAtMs: 700 } }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, instanceId: 7 }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, publishedAtMs: 'now' }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { ...open, state: { name: 'open' } } }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { ...open, providerId: '' } }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { ...cooldown, cooldown: { untilMs: null } } }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { kind: 'health', providerId: 'groq' } }))).toBeUndefined();
    expect(decodeStateEnvelope('{')).toBeUndefined();
  });
});
