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
  it('carries a breaker state or a cooldown with its version, instance and time', () => {
    for (const update of [open, cooldown]) {
      const text = encodeStateEnvelope({ instanceId: 'a', publishedAtMs: 500, update });
      expect(JSON.parse(text)).toEqual({ v: 1, instanceId: 'a', publishedAtMs: 500, update });
      expect(decodeStateEnvelope(text)).toEqual({ v: 1, instanceId: 'a', publishedAtMs: 500, update });
    }
  });

  it('ignores another version and anything malformed', () => {
    const valid = { v: 1, instanceId: 'a', publishedAtMs: 500, update: open };
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, v: 2 }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, instanceId: 7 }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, publishedAtMs: 'now' }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { ...open, state: { name: 'open' } } }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { ...open, providerId: '' } }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { ...cooldown, cooldown: { untilMs: null } } }))).toBeUndefined();
    expect(decodeStateEnvelope(JSON.stringify({ ...valid, update: { kind: 'health', providerId: 'groq' } }))).toBeUndefined();
    expect(decodeStateEnvelope('{')).toBeUndefined();
  });
});
