import { describe, expect, it } from 'vitest';
import { assertSafeBinding, callerMayCall, GatewayKeyVerifier, InsecureBindingError, isLoopbackHost } from './auth.js';

describe('GatewayKeyVerifier', () => {
  const verifier = new GatewayKeyVerifier(['first-gateway-key', 'second-gateway-key']);

  it('accepts each configured key and refuses others', () => {
    expect(verifier.verify('Bearer first-gateway-key')).toBeDefined();
    expect(verifier.verify('bearer second-gateway-key')).toBeDefined();
    expect(verifier.verify(undefined)).toBeUndefined();
    expect(verifier.verify('Bearer first-gateway-ke')).toBeUndefined();
    expect(verifier.verify('Bearer first-gateway-key-and-more')).toBeUndefined();
    expect(verifier.verify('Basic first-gateway-key')).toBeUndefined();
    expect(verifier.verify('first-gateway-key')).toBeUndefined();
  });

  it("takes Anthropic's x-api-key header when there is no Authorization, with the same scope as the Bearer form", () => {
    const viaHeader = verifier.verifyRequest({ 'x-api-key': 'second-gateway-key' });
    expect(viaHeader?.cacheScope).toBe(verifier.verify('Bearer second-gateway-key')?.cacheScope);
    expect(verifier.verifyRequest({ 'x-api-key': 'wrong-gateway-key' })).toBeUndefined();
    expect(verifier.verifyRequest({ 'x-api-key': '' })).toBeUndefined();
    expect(verifier.verifyRequest({})).toBeUndefined();
  });

  it('accepts a request whose Authorization or x-api-key carries a key: a client may send a foreign Bearer token beside the gateway key', () => {
    const first = verifier.verify('Bearer first-gateway-key')?.cacheScope;
    expect(verifier.verifyRequest({ authorization: 'Bearer some-other-service-token', 'x-api-key': 'first-gateway-key' })?.cacheScope).toBe(first);
    expect(verifier.verifyRequest({ authorization: 'Bearer first-gateway-key', 'x-api-key': 'wrong-gateway-key' })?.cacheScope).toBe(first);
    expect(verifier.verifyRequest({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'second-gateway-key' })).toBeDefined();
    // Both carry a key: the Authorization header's decides who calls.
    expect(verifier.verifyRequest({ authorization: 'Bearer second-gateway-key', 'x-api-key': 'first-gateway-key' })?.cacheScope).not.toBe(first);
    expect(verifier.verifyRequest({ authorization: 'Bearer wrong', 'x-api-key': 'also-wrong' })).toBeUndefined();
  });

  it('gives each key its own cache scope, which never contains the key', () => {
    const first = verifier.verify('Bearer first-gateway-key')!.cacheScope;
    const second = verifier.verify('Bearer second-gateway-key')!.cacheScope;
    expect(first).not.toBe(second);
    expect(first).not.toContain('first-gateway-key');
    expect(verifier.verify('Bearer first-gateway-key')!.cacheScope).toBe(first);
  });

  it('lets everyone in when no key is configured', () => {
    expect(new GatewayKeyVerifier([]).verify(undefined)).toBeDefined();
    expect(new GatewayKeyVerifier([]).required).toBe(false);
  });
});

describe('binding', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses beyond loopback without a key', () => {
    expect(() => assertSafeBinding({ host: '0.0.0.0', keys: [] })).toThrow(InsecureBindingError);
    expect(() => assertSafeBinding({ host: '0.0.0.0', keys: [] })).toThrow(/BACKUP_MODELS_GATEWAY_KEYS/);
    expect(() => assertSafeBinding({ host: '0.0.0.0', keys: ['a-long-gateway-key'] })).not.toThrow();
    expect(() => assertSafeBinding({ host: '127.0.0.1', keys: [] })).not.toThrow();
  });
});

describe('a key with a name and limits', () => {
  it('is named as configured, its quotas counted by a digest of the key, the same wherever the key is listed', () => {
    const billing = { key: 'billing-key-0123456789', name: 'billing', limits: { requestsPerMinute: 5 } };
    const caller = new GatewayKeyVerifier([billing]).verify('Bearer billing-key-0123456789');
    expect(caller).toMatchObject({ name: 'billing', limits: { requestsPerMinute: 5 } });
    expect(caller?.quotaId).toMatch(/^[0-9a-f]{32}$/);
    const reordered = new GatewayKeyVerifier(['other-key-0123456789', { ...billing, name: 'renamed' }]).verify('Bearer billing-key-0123456789');
    expect(reordered?.quotaId).toBe(caller?.quotaId);
    expect(caller?.quotaId).not.toBe(caller?.cacheScope.slice('gateway-key:'.length));
    expect(JSON.stringify(caller)).not.toContain('billing-key-0123456789');
  });
});

describe('callerMayCall', () => {
  it('lets a key without a list call anything, and one with a list only its names and provider/* patterns', () => {
    expect(callerMayCall({ cacheScope: 's' }, 'anthropic/claude-haiku-4-5-20251001')).toBe(true);
    const restricted = { cacheScope: 's', name: 'r', models: ['fast', 'openai/*'] };
    expect(['fast', 'openai/gpt-4o-mini', 'openai/o3-mini'].map((model) => callerMayCall(restricted, model))).toEqual([true, true, true]);
    expect(['faster', 'openai/', 'openai', 'anthropic/claude-haiku-4-5-20251001', 'gpt-4o-mini'].map((model) => callerMayCall(restricted, model))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
