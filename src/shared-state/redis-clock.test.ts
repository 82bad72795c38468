import { describe, expect, it } from 'vitest';
import { orderOnRedisClock, redisTimeMs, updateOnLocalClock } from './redis-clock.js';
import type { StampedStateEnvelope } from './state-envelope.js';

/** Published at 1_000 on a clock 60 s behind Redis's; written when Redis's clock read 61_010. */
function envelope(update: StampedStateEnvelope['update']): StampedStateEnvelope {
  return { v: 2, instanceId: 'a', publishedAtMs: 1_000, update, redisClock: { writtenAtMs: 61_010, offsetMs: 60_000 } };
}

const open = envelope({ kind: 'breaker', providerId: 'groq', state: { name: 'open', openedAtMs: 1_000, reopenCount: 1, halfOpenAfterMs: 6_000 } });
const cooldown = envelope({ kind: 'cooldown', providerId: 'groq', cooldown: { untilMs: 31_000, reason: 'rate_limit' } });

describe('Redis clock', () => {
  it('orders a circuit state by when it was published, a cooldown by when it ends, on Redis\'s clock', () => {
    expect(orderOnRedisClock(open)).toBe(61_000);
    expect(orderOnRedisClock(cooldown)).toBe(91_000);
  });

  it('gives a reader what remains of each time on its own clock, whatever its clock says', () => {
    // A reader whose clock reads 500_000 when Redis's reads 61_010 (a message, heard as it is written).
    expect(updateOnLocalClock(open, { redisNowMs: 61_010, localNowMs: 500_000 })).toEqual({
      kind: 'breaker',
      providerId: 'groq',
      state: { name: 'open', openedAtMs: 499_990, reopenCount: 1, halfOpenAfterMs: 504_990 },
    });
    // Read from the key 20 s after the write: 20 s of the cooldown's 30 are gone.
    expect(updateOnLocalClock(cooldown, { redisNowMs: 81_010, localNowMs: 7 })).toEqual({
      kind: 'cooldown',
      providerId: 'groq',
      cooldown: { untilMs: 9_997, reason: 'rate_limit' },
    });
    const halfOpen = envelope({ kind: 'breaker', providerId: 'groq', state: { name: 'half_open', reopenCount: 0, probeStartedAtMs: 2_000 } });
    expect(updateOnLocalClock(halfOpen, { redisNowMs: 61_010, localNowMs: 2_010 })).toEqual({
      kind: 'breaker',
      providerId: 'groq',
      state: { name: 'half_open', reopenCount: 0, probeStartedAtMs: 3_000 },
    });
    const closed = envelope({ kind: 'breaker', providerId: 'groq', state: { name: 'closed' } });
    expect(updateOnLocalClock(closed, { redisNowMs: 61_010, localNowMs: 9 })).toEqual(closed.update);
  });

  it('reads a TIME reply, and nothing else', () => {
    expect(redisTimeMs(['1700000000', '123456'])).toBe(1_700_000_000_123);
    expect(redisTimeMs(['1700000000'])).toBeUndefined();
    expect(redisTimeMs(['soon', '1'])).toBeUndefined();
    expect(redisTimeMs(null)).toBeUndefined();
  });
});
