import { afterAll } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { describeSessionRevocations } from '../sessions/session-revocations.case.js';
import { redisTestGate, useTestRedis } from './redis-test-gate.test-support.js';
import { RedisSessionRevocations } from './redis-session-revocations.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const opened: RedisSessionRevocations[] = [];
afterAll(() => opened.forEach((revocations) => revocations.close()));

redis.describe('on Redis', () => {
  // Two instances on one prefix: what one revokes, the other refuses.
  describeSessionRevocations(
    'Redis, revoked at one instance and read at another',
    (clock) => {
      const prefix = testRedis.prefix();
      const options = { client: testRedis.client, prefix, clock, operationTimeoutMs: 2_000 };
      const writer = new RedisSessionRevocations(options);
      const reader = new RedisSessionRevocations(options);
      opened.push(writer, reader);
      return {
        revoke: (sessionId, expiresAtMs) => writer.revoke(sessionId, expiresAtMs),
        isRevoked: (sessionId) => reader.isRevoked(sessionId),
        onRevoked: (listener) => writer.onRevoked(listener),
      };
    },
    () => new ManualClock(1_000_000),
  );
});
