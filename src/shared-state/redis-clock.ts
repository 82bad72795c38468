/**
 * Between instances, time is Redis's: no instance's clock is ever compared with another's, so a clock minutes
 * off neither wins over later events nor stretches or cuts short an open period or a cooldown.
 *
 * A publisher writes a state with its own clock's times. The write script reads Redis's `TIME` and stamps the
 * state with the difference between the two clocks as the write arrives (`RedisClockStamp.offsetMs`): a time
 * of the state plus that offset is the same moment on Redis's clock. The script orders writes by it (a circuit
 * by when it changed, a cooldown by when it ends). A reader takes a time back to its own clock through Redis's
 * clock now: what remains until a deadline on Redis's clock remains on its own. "Redis's clock now" is the
 * stamp's `writtenAtMs` for a message (heard as it is written) and `TIME`, read with the keys, for a key.
 * Only durations measured on one clock cross between instances; a write's own travel (a millisecond or so)
 * is the error.
 */

import type { BreakerState } from '../resilience/circuit-breaker.js';
import type { StoredProviderUpdate } from '../routing/provider-state-sync.js';
import type { RedisConnection } from './create-redis-client.js';
import type { StampedStateEnvelope } from './state-envelope.js';

/** When a circuit state was published, or when a cooldown ends, on Redis's clock: what decides which write wins. */
export function orderOnRedisClock(envelope: StampedStateEnvelope): number {
  const { update, redisClock } = envelope;
  return (update.kind === 'breaker' ? envelope.publishedAtMs : update.cooldown.untilMs) + redisClock.offsetMs;
}

/**
 * The envelope's update with its times on this instance's clock: read when Redis's clock said `redisNowMs`
 * and this instance's `localNowMs`.
 */
export function updateOnLocalClock(
  envelope: StampedStateEnvelope,
  clocks: { readonly redisNowMs: number; readonly localNowMs: number },
): StoredProviderUpdate {
  const shiftMs = envelope.redisClock.offsetMs - clocks.redisNowMs + clocks.localNowMs;
  const { update } = envelope;
  if (shiftMs === 0) return update;
  if (update.kind === 'cooldown') {
    return { kind: 'cooldown', providerId: update.providerId, cooldown: { untilMs: update.cooldown.untilMs + shiftMs, reason: update.cooldown.reason } };
  }
  return { kind: 'breaker', providerId: update.providerId, state: shiftBreakerState(update.state, shiftMs) };
}

function shiftBreakerState(state: BreakerState, shiftMs: number): BreakerState {
  switch (state.name) {
    case 'closed':
      return state;
    case 'open':
      return {
        name: 'open',
        openedAtMs: state.openedAtMs + shiftMs,
        reopenCount: state.reopenCount,
        halfOpenAfterMs: state.halfOpenAfterMs + shiftMs,
      };
    case 'half_open':
      return { name: 'half_open', reopenCount: state.reopenCount, probeStartedAtMs: state.probeStartedAtMs + shiftMs };
  }
}

/** Epoch ms from a `TIME` reply (`[seconds, microseconds]`), or undefined when it is not one. */
export function redisTimeMs(reply: unknown): number | undefined {
  if (!Array.isArray(reply) || reply.length !== 2) return undefined;
  const seconds = Number(reply[0]);
  const microseconds = Number(reply[1]);
  if (!Number.isInteger(seconds) || !Number.isInteger(microseconds)) return undefined;
  return seconds * 1_000 + Math.floor(microseconds / 1_000);
}

/** The values of `keys` (one MGET) and Redis's clock as it read them; undefined on an answer that is not that. */
export async function readWithRedisTime(
  client: RedisConnection,
  keys: readonly string[],
): Promise<{ redisNowMs: number; values: readonly unknown[] } | undefined> {
  const [time, values] = (await client.pipeline().time().mget(...keys).exec()) ?? [];
  const redisNowMs = time?.[0] === null ? redisTimeMs(time[1]) : undefined;
  if (redisNowMs === undefined || values?.[0] !== null || !Array.isArray(values[1])) return undefined;
  return { redisNowMs, values: values[1] };
}
