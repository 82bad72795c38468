import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { FailedKeyAttempts } from './failed-key-attempts.js';

function limiter(options: { maxFailures?: number; windowMs?: number; maxAddresses?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const reached: string[] = [];
  let refused = 0;
  const attempts = new FailedKeyAttempts({
    maxFailures: options.maxFailures ?? 3,
    windowMs: options.windowMs ?? 60_000,
    maxAddresses: options.maxAddresses ?? 100,
    clock,
    onLimitReached: (address) => reached.push(address),
    onRefused: () => (refused += 1),
  });
  return { clock, attempts, reached, refusedCount: () => refused };
}

describe('FailedKeyAttempts', () => {
  it('refuses an address once it has failed maxFailures times in its window, until the window ends', () => {
    const { clock, attempts, reached, refusedCount } = limiter();
    for (let failure = 0; failure < 2; failure += 1) attempts.recordFailure('198.51.100.1');
    expect(attempts.retryAfterMs('198.51.100.1')).toBeUndefined();
    clock.advance(10_000);
    attempts.recordFailure('198.51.100.1');
    expect(reached).toEqual(['198.51.100.1']);
    // The window began at the first failure: 50 s of it are left.
    expect(attempts.retryAfterMs('198.51.100.1')).toBe(50_000);
    clock.advance(49_999);
    // Refusals do not lengthen it.
    expect(attempts.retryAfterMs('198.51.100.1')).toBe(1);
    expect(refusedCount()).toBe(2);
    clock.advance(1);
    expect(attempts.retryAfterMs('198.51.100.1')).toBeUndefined();
    expect(attempts.trackedAddressCount).toBe(0);
  });

  it('counts each address apart, an IPv6 one by its /64 and a mapped IPv4 one as IPv4', () => {
    const { attempts } = limiter({ maxFailures: 2 });
    attempts.recordFailure('2001:db8:1:2::1');
    attempts.recordFailure('2001:db8:1:2::ffff');
    attempts.recordFailure('::ffff:198.51.100.1');
    expect(attempts.retryAfterMs('2001:db8:1:2:a:b:c:d')).toBe(60_000);
    expect(attempts.retryAfterMs('2001:db8:1:3::1')).toBeUndefined();
    expect(attempts.retryAfterMs('198.51.100.1')).toBeUndefined();
    attempts.recordFailure('198.51.100.1');
    expect(attempts.retryAfterMs('::ffff:198.51.100.1')).toBe(60_000);
  });

  it('starts a new window, counting from one, once the last has ended', () => {
    const { clock, attempts, reached } = limiter({ maxFailures: 2 });
    attempts.recordFailure('198.51.100.1');
    clock.advance(60_000);
    attempts.recordFailure('198.51.100.1');
    expect(attempts.retryAfterMs('198.51.100.1')).toBeUndefined();
    attempts.recordFailure('198.51.100.1');
    expect(attempts.retryAfterMs('198.51.100.1')).toBe(60_000);
    expect(reached).toHaveLength(1);
  });

  it('tracks at most maxAddresses, forgetting the one whose window began first', () => {
    const { clock, attempts } = limiter({ maxFailures: 1, maxAddresses: 3 });
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
      attempts.recordFailure(address);
      clock.advance(1);
    }
    expect(attempts.trackedAddressCount).toBe(3);
    expect(attempts.retryAfterMs('10.0.0.1')).toBeUndefined();
    for (const address of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) expect(attempts.retryAfterMs(address)).toBeGreaterThan(0);
  });

  it('lets go of ended windows as failures come, so a quiet address is not held', () => {
    const { clock, attempts } = limiter();
    attempts.recordFailure('10.0.0.1');
    attempts.recordFailure('10.0.0.2');
    clock.advance(60_000);
    attempts.recordFailure('10.0.0.3');
    expect(attempts.trackedAddressCount).toBe(1);
  });
});
