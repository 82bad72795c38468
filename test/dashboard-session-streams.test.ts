/**
 * A dashboard sign-out ends the event streams already open on that session, wherever they are: other tabs at
 * the instance that took it, and, with the shared state on Redis, streams at every other instance; and a
 * session's expiry ends its streams. Real gateways on loopback, streams read over HTTP as a browser's
 * EventSource reads them; a stream of another session, or of an admin key sent as a header, goes on receiving calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { MemorySessionRevocations } from '../src/sessions/memory-session-revocations.js';
import type { SessionRevocation, SessionRevocations } from '../src/sessions/session-revocations.js';
import { createRedisClient } from '../src/shared-state/create-redis-client.js';
import { createRedisSharedState } from '../src/shared-state/create-redis-shared-state.js';
import { RedisSessionRevocations } from '../src/shared-state/redis-session-revocations.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor, waitUntilReady } from '../src/shared-state/redis-test-gate.test-support.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';
import { openEventStream, type OpenEventStream } from './open-event-stream.js';

const [alphaKey] = gatewayKeys;
const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
/** Generous: a stream ends within milliseconds of the sign-out; this is only how long a failure takes to show. */
const waitOptions = { timeout: 5_000, interval: 20 };

interface Instance {
  readonly harness: GatewayHarness;
  readonly dashboard: Dashboard;
}

let closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function startInstance(options: { sessionRevocations?: SessionRevocations; clock?: ManualClock; sessionTtlMs?: number } = {}): Promise<Instance> {
  const harness = await startGatewayHarness({ adminKeys: gatewayKeys });
  const dashboard = attachDashboard({
    gateway: harness.gateway,
    router: harness.router,
    keys: harness.config.keyPolicies,
    ...(options.sessionRevocations ? { sessionRevocations: options.sessionRevocations } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sessionTtlMs !== undefined ? { sessionTtlMs: options.sessionTtlMs } : {}),
  });
  closers.push(async () => {
    dashboard.close();
    await harness.close();
  });
  return { harness, dashboard };
}

/** Sign in through the form; the `name=value` of the session cookie. */
async function signIn(instance: Instance, key: string): Promise<string> {
  const response = await fetch(`${instance.harness.url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
  });
  expect(response.status).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function signOut(instance: Instance, cookie: string): Promise<void> {
  const response = await fetch(`${instance.harness.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie } });
  expect(response.status).toBe(303);
}

async function openStream(instance: Instance, headers: Record<string, string>): Promise<OpenEventStream> {
  const stream = await openEventStream(`${instance.harness.url}/dashboard/events`, headers);
  closers.push(() => stream.close());
  expect(stream.status).toBe(200);
  return stream;
}

const callsShown = (stream: OpenEventStream): number => stream.text.split('event: call\n').length - 1;

/** A call through the gateway, and every stream in `live` shows it: they are still open and sent to. */
async function expectStillSentTo(instance: Instance, live: readonly OpenEventStream[]): Promise<void> {
  const before = live.map(callsShown);
  await instance.harness.client.chat.completions.create({ model: 'tier-1', messages: [{ role: 'user', content: 'a call' }] });
  await expect.poll(() => live.every((stream, index) => callsShown(stream) > before[index]!), waitOptions).toBe(true);
  expect(live.map((stream) => stream.ended)).toEqual(live.map(() => false));
}

async function eventsStatus(instance: Instance, cookie: string): Promise<number> {
  const response = await fetch(`${instance.harness.url}/dashboard/events`, { headers: { cookie } });
  await response.body?.cancel();
  return response.status;
}

describe('a dashboard sign-out and the event streams already open', () => {
  it('ends every open stream of the session signed out, at once, and no other', async () => {
    const a = await startInstance();
    const signedOut = await signIn(a, alphaKey);
    const other = await signIn(a, alphaKey);
    // Two tabs on the session that signs out; a tab on another session of the same key; a program with the key.
    const tabs = [await openStream(a, { cookie: signedOut }), await openStream(a, { cookie: signedOut })];
    const live = [await openStream(a, { cookie: other }), await openStream(a, { authorization: `Bearer ${alphaKey}` })];
    expect(a.dashboard.clientCount).toBe(4);

    await signOut(a, signedOut);
    await expect.poll(() => tabs.every((tab) => tab.ended), waitOptions).toBe(true);
    expect(a.dashboard.clientCount).toBe(2);
    await expectStillSentTo(a, live);
    // The ended tab reconnects, as EventSource does, and is refused: its page then goes to the sign-in form.
    expect(await eventsStatus(a, signedOut)).toBe(401);
  });

  it('ends a stream whose session was being checked when the sign-out came, once it is open', async () => {
    // The check answers late with what it found before the sign-out, as a Redis read in flight can while the
    // sign-out's message comes first: the stream was not yet listed when the revocation was told.
    const checks = new HeldChecks(new MemorySessionRevocations());
    const a = await startInstance({ sessionRevocations: checks });
    const signedOut = await signIn(a, alphaKey);
    const other = await signIn(a, alphaKey);
    const live = [await openStream(a, { cookie: other })];

    checks.holding = true;
    const opening = openStream(a, { cookie: signedOut });
    await expect.poll(() => checks.heldCount, waitOptions).toBe(1);
    checks.holding = false;
    await signOut(a, signedOut);
    checks.release();
    const late = await opening;
    await expect.poll(() => late.ended, waitOptions).toBe(true);
    await expectStillSentTo(a, live);
  });
});

/** Instances subscribed to the dashboard channel of `prefix`. */
async function waitForSubscribers(prefix: string, count: number): Promise<void> {
  const subscribers = async (): Promise<number> => ((await testRedis.client.pubsub('NUMSUB', `${prefix}:dashboard:v1`)) as [string, number])[1];
  await waitFor(async () => (await subscribers()) === count, { timeoutMs: 5_000, what: `${count} subscribers to the dashboard channel` });
}

describe('a dashboard session expiring while its event streams are open', () => {
  it('ends them at its expiry, not before, and not those of a later session', async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const a = await startInstance({ clock, sessionTtlMs: 60_000 });
    const expiring = await signIn(a, alphaKey);
    clock.advance(30_000);
    const later = await signIn(a, alphaKey);
    const tab = await openStream(a, { cookie: expiring });
    const live = [await openStream(a, { cookie: later }), await openStream(a, { authorization: `Bearer ${alphaKey}` })];

    clock.advance(29_999);
    await expectStillSentTo(a, [tab, ...live]);
    clock.advance(1);
    await expect.poll(() => tab.ended, waitOptions).toBe(true);
    await expectStillSentTo(a, live);
    expect(await eventsStatus(a, expiring)).toBe(401);
  });

  it("waits for a session longer than Node's longest timer in steps: a longer timer would fire at once, again and again", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    closers.push(() => void process.off('warning', onWarning));
    const a = await startInstance({ sessionTtlMs: 30 * 24 * 60 * 60_000 });
    const tab = await openStream(a, { cookie: await signIn(a, alphaKey) });
    await expectStillSentTo(a, [tab]);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});

describe('a dashboard sign-out between instances sharing Redis', () => {
  redis.it('ends the streams of that session at another instance, as serve composes it, and no other', async () => {
    const prefix = testRedis.prefix();
    const sharedStates = [0, 1].map(() => {
      const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 2_000 });
      closers.push(() => shared.close());
      return shared;
    });
    await waitFor(() => sharedStates.every((shared) => shared.isReady()), { timeoutMs: 5_000, what: 'the shared states to connect' });
    await waitForSubscribers(prefix, 2);
    const [a, b] = [await startInstance({ sessionRevocations: sharedStates[0]!.sessionRevocations }), await startInstance({ sessionRevocations: sharedStates[1]!.sessionRevocations })];
    const signedOut = await signIn(a, alphaKey);
    const other = await signIn(b, alphaKey);
    const tabs = [await openStream(b, { cookie: signedOut }), await openStream(a, { cookie: signedOut })];
    const live = [await openStream(b, { cookie: other }), await openStream(b, { authorization: `Bearer ${alphaKey}` })];

    await signOut(a, signedOut);
    await expect.poll(() => tabs.every((tab) => tab.ended), waitOptions).toBe(true);
    expect([a.dashboard.clientCount, b.dashboard.clientCount]).toEqual([0, 2]);
    await expectStillSentTo(b, live);
    expect(await eventsStatus(b, signedOut)).toBe(401);
  });

  redis.it('ends them when the instance subscribes again, after missing the sign-out while cut off', async () => {
    const prefix = testRedis.prefix();
    const revocationsOf = (subscriber?: ReturnType<typeof createRedisClient>): RedisSessionRevocations => {
      const revocations = new RedisSessionRevocations({ client: testRedis.client, prefix, operationTimeoutMs: 2_000, ...(subscriber ? { subscriber } : {}) });
      closers.push(() => revocations.close());
      return revocations;
    };
    const subscriber = createRedisClient({ url: testRedisUrl, role: 'subscriber' });
    closers.push(() => subscriber.disconnect(false));
    await waitUntilReady(subscriber);
    const a = await startInstance({ sessionRevocations: revocationsOf() });
    const b = await startInstance({ sessionRevocations: revocationsOf(subscriber) });
    await waitForSubscribers(prefix, 1);
    const signedOut = await signIn(a, alphaKey);
    const other = await signIn(a, alphaKey);
    const tab = await openStream(b, { cookie: signedOut });
    const live = [await openStream(b, { cookie: other })];

    subscriber.disconnect(false);
    await waitForSubscribers(prefix, 0);
    await signOut(a, signedOut);
    void subscriber.connect().catch(() => undefined);
    await expect.poll(() => tab.ended, waitOptions).toBe(true);
    await expectStillSentTo(b, live);
  });

  redis.it('ends them when its subscriber is back before its commands connection, after both were cut off', async () => {
    // B as serve composes it: a commands connection and a subscriber, which come back from an outage each in its own time.
    const prefix = testRedis.prefix();
    const client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
    const subscriber = createRedisClient({ url: testRedisUrl, role: 'subscriber' });
    closers.push(() => client.disconnect(false), () => subscriber.disconnect(false));
    await Promise.all([waitUntilReady(client), waitUntilReady(subscriber)]);
    const revocationsAtA = new RedisSessionRevocations({ client: testRedis.client, prefix, operationTimeoutMs: 2_000 });
    const revocationsAtB = new RedisSessionRevocations({ client, subscriber, prefix, operationTimeoutMs: 2_000 });
    closers.push(() => revocationsAtA.close(), () => revocationsAtB.close());
    const a = await startInstance({ sessionRevocations: revocationsAtA });
    const b = await startInstance({ sessionRevocations: revocationsAtB });
    await waitForSubscribers(prefix, 1);
    const signedOut = await signIn(a, alphaKey);
    const other = await signIn(a, alphaKey);
    const tab = await openStream(b, { cookie: signedOut });
    const live = [await openStream(b, { cookie: other })];

    subscriber.disconnect(false);
    client.disconnect(false);
    await waitForSubscribers(prefix, 0);
    await signOut(a, signedOut);
    // The subscriber is back first, while B cannot yet ask Redis. A ping on it is answered after its SUBSCRIBE
    // was: B has taken its subscription as made again by then.
    void subscriber.connect().catch(() => undefined);
    await waitForSubscribers(prefix, 1);
    await subscriber.ping();
    void client.connect().catch(() => undefined);
    await waitUntilReady(client);
    await expect.poll(() => tab.ended, waitOptions).toBe(true);
    await expectStillSentTo(b, live);
  });
});

/** Revocations whose checks, while `holding`, answer only when released: what a slow Redis does to a check in flight. */
class HeldChecks implements SessionRevocations {
  holding = false;
  readonly #inner: SessionRevocations;
  readonly #held: (() => void)[] = [];

  constructor(inner: SessionRevocations) {
    this.#inner = inner;
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const revoked = await this.#inner.isRevoked(sessionId);
    if (this.holding) await new Promise<void>((resolve) => this.#held.push(resolve));
    return revoked;
  }

  get heldCount(): number {
    return this.#held.length;
  }

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }

  revoke = (sessionId: string, expiresAtMs: number): Promise<void> => this.#inner.revoke(sessionId, expiresAtMs);
  onRevoked = (listener: (revocation: SessionRevocation) => void): (() => void) => this.#inner.onRevoked(listener);
}
