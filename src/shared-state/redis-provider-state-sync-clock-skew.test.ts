/**
 * RedisProviderStateSync between instances whose clocks disagree by minutes, on the real Redis: which circuit
 * state wins follows the real order of events, and an open period or a cooldown lasts, at every instance, the
 * time its publisher meant. Each instance has a manual clock of its own, set minutes off the real time.
 */
import { expect } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import type { SharedProviderUpdate } from '../routing/provider-state-sync.js';
import { createRedisSharedState, type RedisSharedState } from './create-redis-shared-state.js';
import { redisTestGate, testRedisUrl, uniquePrefix, waitFor } from './redis-test-gate.test-support.js';
import { useSharedStateInstances } from './shared-state-instances.test-support.js';

const redis = await redisTestGate();
let prefix: string;
const testRedis = useSharedStateInstances(redis, () => prefix);

const minutesOff = 5 * 60_000;

/** An instance on this test's prefix whose clock reads `skewMs` off the real time, and what it hears. */
async function instance(skewMs: number): Promise<{ shared: RedisSharedState; clock: ManualClock; received: SharedProviderUpdate[] }> {
  const clock = new ManualClock(Date.now() + skewMs);
  const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 1_000, clock });
  testRedis.closeAfterTest(shared);
  const received: SharedProviderUpdate[] = [];
  shared.stateSync.subscribe((update) => received.push(update));
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
  return { shared, clock, received };
}

async function waitForSubscribers(count: number): Promise<void> {
  await waitFor(
    async () => ((await testRedis.client.pubsub('NUMSUB', `${prefix}:state:v1`)) as [string, number])[1] >= count,
    { timeoutMs: 5_000, what: `${count} subscribers` },
  );
}

const breakerKey = (): string => `${prefix}:state:v1:{${prefix}}:breaker:groq`;
const closed: SharedProviderUpdate = { kind: 'breaker', providerId: 'groq', state: { name: 'closed' } };

function opening(clock: ManualClock): SharedProviderUpdate {
  const openedAtMs = clock.now();
  return { kind: 'breaker', providerId: 'groq', state: { name: 'open', openedAtMs, reopenCount: 0, halfOpenAfterMs: openedAtMs + 5_000 } };
}

/** How long from `clock`'s now until the end the update names: the open period's, or the cooldown's. */
function remainingMs(update: SharedProviderUpdate | undefined, clock: ManualClock): number {
  if (update?.kind === 'cooldown') return update.cooldown.untilMs - clock.now();
  if (update?.kind === 'breaker' && update.state.name === 'open') return update.state.halfOpenAfterMs - clock.now();
  throw new Error(`no open circuit or cooldown in ${JSON.stringify(update)}`);
}

redis.describe('RedisProviderStateSync between clocks minutes apart', () => {
  // The first event comes from the instance whose clock is later: by the publishers' clocks it is the newer one.
  for (const [case_, skews] of [
    ['the instance that opened runs minutes ahead', { first: minutesOff, second: 0 }],
    ['the instance that closed runs minutes behind', { first: 0, second: -minutesOff }],
  ] as const) {
    redis.it(`lets the later real event win: ${case_}`, async () => {
      prefix = uniquePrefix();
      const first = await instance(skews.first);
      const second = await instance(skews.second);
      await waitForSubscribers(2);

      first.shared.stateSync.publish(opening(first.clock));
      await waitFor(() => second.received.length === 1, { timeoutMs: 2_000, what: 'the second instance to hear of the opening' });
      // Both name the open period's probe lock alike: one probe for the cluster.
      const grants = await Promise.all([first.shared.stateSync.acquireProbe('groq', 30_000), second.shared.stateSync.acquireProbe('groq', 30_000)]);
      expect(grants.filter(Boolean)).toHaveLength(1);

      // Later in real time, whatever the clocks say, the second instance's probe closes the circuit.
      second.shared.stateSync.publish(closed);
      await waitFor(() => first.received.length === 1, { timeoutMs: 2_000, what: 'the first instance to hear of the closing' });
      expect(first.received).toEqual([closed]);
      const stored = JSON.parse((await testRedis.client.get(breakerKey())) ?? 'null');
      expect(stored).toMatchObject({ instanceId: second.shared.instanceId, update: closed });
    });
  }

  for (const [case_, skewMs] of [
    ['minutes ahead', minutesOff],
    ['minutes behind', -minutesOff],
  ] as const) {
    redis.it(`keeps a circuit opened by an instance whose clock runs ${case_} open for its intended 5 s at the others`, async () => {
      prefix = uniquePrefix();
      const skewed = await instance(skewMs);
      const other = await instance(0);
      await waitForSubscribers(2);

      skewed.shared.stateSync.publish(opening(skewed.clock));
      await waitFor(() => other.received.length === 1, { timeoutMs: 2_000, what: 'the other instance to hear of the opening' });
      expect(remainingMs(other.received[0], other.clock)).toBeGreaterThan(4_000);
      expect(remainingMs(other.received[0], other.clock)).toBeLessThanOrEqual(5_000);
    });

    redis.it(`keeps a cooldown set by an instance whose clock runs ${case_} for its intended 30 s at the others`, async () => {
      prefix = uniquePrefix();
      const skewed = await instance(skewMs);
      const other = await instance(0);
      await waitForSubscribers(2);

      skewed.shared.stateSync.publish({ kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: skewed.clock.now() + 30_000, reason: 'rate_limit' } });
      await waitFor(() => other.received.length === 1, { timeoutMs: 2_000, what: 'the other instance to hear of the cooldown' });
      expect(other.received[0]).toMatchObject({ kind: 'cooldown', providerId: 'openai', cooldown: { reason: 'rate_limit' } });
      expect(remainingMs(other.received[0], other.clock)).toBeGreaterThan(25_000);
      expect(remainingMs(other.received[0], other.clock)).toBeLessThanOrEqual(30_000);

      // An instance that starts later reads it from the key: 30 s less the (real) time since it was written.
      const late = await instance(0);
      await waitFor(() => late.received.length === 1, { timeoutMs: 5_000, what: 'the late instance to read the cooldown' });
      expect(remainingMs(late.received[0], late.clock)).toBeGreaterThan(25_000);
      expect(remainingMs(late.received[0], late.clock)).toBeLessThanOrEqual(30_000);
      expect(await testRedis.client.pttl(`${prefix}:state:v1:{${prefix}}:cooldown:openai`)).toBeGreaterThan(25_000);
    });
  }
});
