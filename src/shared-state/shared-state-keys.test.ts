import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { escapeGlob, sharedStateKeys } from './shared-state-keys.js';

describe('sharedStateKeys', () => {
  it('puts every key under the prefix, with a version per family, and the state keys under one hash tag', () => {
    const keys = sharedStateKeys('acme');
    expect(keys.cacheEntry('bm:v1:default:abc')).toBe('acme:cache:v1:bm:v1:default:abc');
    expect(keys.cacheChannel).toBe('acme:cache:v1');
    expect(keys.stateChannel).toBe('acme:state:v1');
    expect(keys.breaker('groq')).toBe('acme:state:v1:{acme}:breaker:groq');
    expect(keys.cooldown('groq')).toBe('acme:state:v1:{acme}:cooldown:groq');
    expect(keys.probeLock('groq', 1_700_000_000_000)).toBe('acme:state:v1:{acme}:probe:groq:1700000000000');
    expect(keys.healthCheckTurn).toBe('acme:state:v1:{acme}:health-check-turn');
    expect(keys.statePattern).toBe('acme:state:v1:{acme}:*');
    expect(keys.quotaRequests('billing', 200)).toBe('acme:quota:v1:{acme}:requests:billing:200');
    expect(keys.quotaRequestsSent('billing', 200)).toBe('acme:quota:v1:{acme}:requests-sent:billing:200');
    expect(keys.quotaRequestsOnce('billing', 200)).toBe('acme:quota:v1:{acme}:requests-once:billing:200');
    expect(keys.revokedSession('AAAAAAAAAAAAAAAAAAAAAA')).toBe('acme:dashboard:v1:revoked:AAAAAAAAAAAAAAAAAAAAAA');
    expect(keys.sessionRevocationChannel).toBe('acme:dashboard:v1');
    expect(keys.failedKeyAttempts('2001:db8:1:2::/64')).toBe('acme:key-attempts:v1:failed:2001:db8:1:2::/64');
    // In the failed key's slot on a cluster: tagged with its name, or with the prefix's own tag when it has one.
    expect(keys.failedKeyAttemptsOnce('198.51.100.7')).toBe('acme:key-attempts:v1:failed-once:198.51.100.7{acme:key-attempts:v1:failed:198.51.100.7}');
    expect(sharedStateKeys('team{t}').failedKeyAttemptsOnce('198.51.100.7')).toBe('team{t}:key-attempts:v1:failed-once:198.51.100.7');
    expect(keys.keyAttemptsChannel).toBe('acme:key-attempts:v1');
    expect(keys.keyAttemptRefusals).toBe('acme:key-attempts:v1:refused');
    expect(sharedStateKeys().breaker('groq')).toBe('backup-models:state:v1:{backup-models}:breaker:groq');
  });

  it('reads provider ids back from state keys only', () => {
    const keys = sharedStateKeys('acme');
    expect(keys.parseStateKey('acme:state:v1:{acme}:breaker:groq')).toEqual({ kind: 'breaker', providerId: 'groq' });
    expect(keys.parseStateKey('acme:state:v1:{acme}:cooldown:my:custom')).toEqual({ kind: 'cooldown', providerId: 'my:custom' });
    expect(keys.parseStateKey('acme:state:v1:{acme}:probe:groq:1')).toBeUndefined();
    expect(keys.parseStateKey('other:state:v1:{other}:breaker:groq')).toBeUndefined();
    // The layout before the hash tag: not read.
    expect(keys.parseStateKey('acme:state:v1:breaker:groq')).toBeUndefined();
  });

  it('escapes glob characters of the prefix in SCAN patterns', () => {
    expect(escapeGlob('a*b?[c]\\d')).toBe('a\\*b\\?\\[c\\]\\\\d');
    expect(sharedStateKeys('te*st').cachePattern).toBe('te\\*st:cache:v1:*');
  });

  it('refuses an empty prefix', () => {
    expect(() => sharedStateKeys('')).toThrow(InvalidArgumentError);
  });
});
