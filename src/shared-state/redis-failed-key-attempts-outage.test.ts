/**
 * RedisFailedKeyAttempts when an instance loses Redis for a while: the failures it counted alone join the shared
 * count once it is back (once, however often it reconnects), a failure Redis held past the budget and counted
 * later is not sent again, and the refusals published while its subscriber was away are read back. Connections of the instance's own are cut and opened again on the shared
 * Redis; the pause runs on a redis-server of the test's own.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, expect } from 'vitest';
import type { SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { RedisFailedKeyAttempts } from './redis-failed-key-attempts.js';
import { PrivateRedisServer, redisTestGate, testRedisUrl, useTestRedis, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
const testRedis = useTestRedis(redis);
let closers: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});
let privateRedis: PrivateRedisServer | undefined;
afterAll(async () => privateRedis?.kill());

const limit = { maxFailures: 3, windowMs: 60_000 };

function connection(role: 'commands' | 'subscriber', url = testRedisUrl): RedisConnection {
  const opened = createRedisClient({ url, role, maxReconnectDelayMs: 100, ...(role === 'commands' ? { commandTimeoutMs: 200 } : {}) });
  closers.push(() => opened.disconnect(false));
  return opened;
}

/** An instance on `prefix` over the connections given, subscribed, and the refusals it heard. */
async function instance(
  prefix: string,
  connections: { client: RedisConnection; subscriber: RedisConnection },
): Promise<{ attempts: RedisFailedKeyAttempts; heard: SharedKeyAttemptRefusal[] }> {
  const attempts = new RedisFailedKeyAttempts({ ...connections, prefix, operationTimeoutMs: 200 });
  closers.push(() => attempts.close());
  const heard: SharedKeyAttemptRefusal[] = [];
  attempts.onRefusal((refusal) => heard.push(refusal));
  await Promise.all([waitUntilReady(connections.client), waitUntilReady(connections.subscriber)]);
  return { attempts, heard };
}

/** Wait until `count` subscribers listen for refusals on `prefix` at the Redis `client` talks to. */
async function waitForSubscribers(client: RedisConnection, prefix: string, count: number): Promise<void> {
  await waitFor(async () => Number(((await client.call('PUBSUB', 'NUMSUB', `${prefix}:key-attempts:v1`)) as unknown[])[1]) >= count, {
    timeoutMs: 5_000,
    what: `${count} subscribers to the refusals`,
  });
}

async function cut(opened: RedisConnection): Promise<void> {
  opened.disconnect(false);
  await waitFor(() => opened.status === 'end', { timeoutMs: 2_000, what: 'the connection to close' });
}

redis.describe('RedisFailedKeyAttempts, an instance cut off from Redis', () => {
  redis.it('adds the failures it counted alone to the shared count once back, refusing the address everywhere, once', async () => {
    const prefix = testRedis.prefix();
    const cutOffClient = connection('commands');
    const cutOff = await instance(prefix, { client: cutOffClient, subscriber: connection('subscriber') });
    const other = await instance(prefix, { client: testRedis.client, subscriber: connection('subscriber') });
    await waitForSubscribers(testRedis.client, prefix, 2);
    const address = '198.51.100.20';
    const key = `${prefix}:key-attempts:v1:failed:${address}`;
    await cut(cutOffClient);

    expect(await cutOff.attempts.recordFailure(address, limit)).toBeUndefined();
    expect(await cutOff.attempts.recordFailure(address, limit)).toBeUndefined();
    expect(await other.attempts.recordFailure(address, limit)).toMatchObject({ failures: 1 });

    await cutOffClient.connect();
    await waitFor(() => other.heard.length > 0, { timeoutMs: 5_000, what: 'the other instance to hear the refusal' });
    expect(other.heard).toHaveLength(1);
    expect(other.heard[0]!.address).toBe(address);
    expect(other.heard[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(other.heard[0]!.retryAfterMs).toBeLessThanOrEqual(limit.windowMs);
    expect(await testRedis.client.get(key)).toBe('3');
    const ttlMs = await testRedis.client.pttl(key);
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(limit.windowMs);

    // Another reconnection sends nothing again.
    await cut(cutOffClient);
    await cutOffClient.connect();
    await waitUntilReady(cutOffClient);
    // Read on the same connection, after anything the reconnection sent.
    expect(await cutOffClient.get(key)).toBe('3');
  });

  redis.it('does not send again a failure Redis held past the budget and counted later', async () => {
    privateRedis ??= await PrivateRedisServer.start();
    const prefix = testRedis.prefix();
    const client = connection('commands', privateRedis.url);
    const held = await instance(prefix, { client, subscriber: connection('subscriber', privateRedis.url) });
    const admin = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
    closers.push(async () => {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect(false);
    });
    const address = '198.51.100.21';
    const key = `${prefix}:key-attempts:v1:failed:${address}`;
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    // Past its budget behind the pause: counted alone here, and by Redis when the pause ends.
    expect(await held.attempts.recordFailure(address, limit)).toBeUndefined();
    await admin.call('CLIENT', 'UNPAUSE');
    await waitFor(async () => (await admin.get(key)) === '1', { timeoutMs: 2_000, what: 'the held failure to be counted' });
    // Redis answers again: anything counted alone and never sent would go now, on this connection.
    expect(await held.attempts.recordFailure('198.51.100.22', limit)).toMatchObject({ failures: 1 });
    expect(await client.get(key)).toBe('1');
  });

  redis.it('reads back, once subscribed again, the refusals published while its subscriber was cut off', async () => {
    const prefix = testRedis.prefix();
    const cutOffSubscriber = connection('subscriber');
    const cutOff = await instance(prefix, { client: testRedis.client, subscriber: cutOffSubscriber });
    const other = await instance(prefix, { client: testRedis.client, subscriber: connection('subscriber') });
    await waitForSubscribers(testRedis.client, prefix, 2);
    await cut(cutOffSubscriber);

    const address = '2001:db8:9:9::/64';
    for (let failure = 0; failure < limit.maxFailures; failure += 1) await other.attempts.recordFailure(address, limit);
    await waitFor(() => other.heard.length === 1, { timeoutMs: 5_000, what: 'the other instance to hear the refusal' });
    // Kept in Redis beside the message, until the refusal ends.
    await waitFor(async () => (await testRedis.client.zscore(`${prefix}:key-attempts:v1:refused`, address)) !== null, {
      timeoutMs: 2_000,
      what: 'the refusal to be kept',
    });
    expect(cutOff.heard).toEqual([]);

    await cutOffSubscriber.connect();
    await waitFor(() => cutOff.heard.length > 0, { timeoutMs: 5_000, what: 'the refusal to be read back' });
    expect(cutOff.heard).toHaveLength(1);
    expect(cutOff.heard[0]!.address).toBe(address);
    expect(cutOff.heard[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(cutOff.heard[0]!.retryAfterMs).toBeLessThanOrEqual(other.heard[0]!.retryAfterMs);
    const ttlMs = await testRedis.client.pttl(`${prefix}:key-attempts:v1:refused`);
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(limit.windowMs);

    // An instance started meanwhile reads it too, at its first subscription.
    const started = await instance(prefix, { client: testRedis.client, subscriber: connection('subscriber') });
    // Read when its listener came and at its first subscription: told twice, which changes nothing. Both readings
    // are awaited, so the late listener below comes after them (the subscription's reading, answered after the
    // listener's own under load, told the late listener too: it heard the refusal twice).
    await waitFor(() => started.heard.length === 2, { timeoutMs: 5_000, what: 'the new instance to read the refusal at its listener and its subscription' });
    expect(started.heard.map((refusal) => refusal.address)).toEqual([address, address]);
    // And a listener that comes after that reading is told too.
    const late: SharedKeyAttemptRefusal[] = [];
    started.attempts.onRefusal((refusal) => late.push(refusal));
    await waitFor(() => late.length > 0, { timeoutMs: 5_000, what: 'the late listener to be told the refusal' });
    expect(late.map((refusal) => refusal.address)).toEqual([address]);
  });

  redis.it('reads the refusals back once its commands connection is ready, when the subscriber came back first', async () => {
    const prefix = testRedis.prefix();
    const [cutOffClient, cutOffSubscriber] = [connection('commands'), connection('subscriber')];
    const cutOff = await instance(prefix, { client: cutOffClient, subscriber: cutOffSubscriber });
    const other = await instance(prefix, { client: testRedis.client, subscriber: connection('subscriber') });
    await waitForSubscribers(testRedis.client, prefix, 2);
    await Promise.all([cut(cutOffClient), cut(cutOffSubscriber)]);

    const address = '198.51.100.24';
    for (let failure = 0; failure < limit.maxFailures; failure += 1) await other.attempts.recordFailure(address, limit);
    await waitFor(async () => (await testRedis.client.zscore(`${prefix}:key-attempts:v1:refused`, address)) !== null, {
      timeoutMs: 2_000,
      what: 'the refusal to be kept',
    });
    await cutOffSubscriber.connect();
    await waitForSubscribers(testRedis.client, prefix, 2);
    expect(cutOff.heard).toEqual([]);
    await cutOffClient.connect();
    await waitFor(() => cutOff.heard.length > 0, { timeoutMs: 5_000, what: 'the refusal to be read back' });
    expect(cutOff.heard.map((refusal) => refusal.address)).toEqual([address]);
  });
});
