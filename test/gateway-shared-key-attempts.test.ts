/**
 * Failed key attempts across two gateway instances sharing Redis, as behind a load balancer, over real HTTP:
 * failures an address spreads over both reach the limit at their sum and are refused at both (429 with
 * Retry-After); a request from an address with no failure issues no Redis command (seen on Redis's MONITOR);
 * an IPv6 client counts by its /64 and Redis holds no key; with Redis gone, each instance counts alone again.
 * Clients come from distinct loopback addresses (127.0.0.x).
 */
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { attachDashboard } from '../src/dashboard/attach-dashboard.js';
import { FailedKeyAttempts } from '../src/gateway/failed-key-attempts.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { RedisFailedKeyAttempts } from '../src/shared-state/redis-failed-key-attempts.js';
import { createRedisSharedState, type RedisSharedState } from '../src/shared-state/create-redis-shared-state.js';
import { createRedisClient, type RedisConnection } from '../src/shared-state/create-redis-client.js';
import {
  PrivateRedisServer,
  redisTestGate,
  testRedisUrl,
  useTestRedis,
  waitFor,
} from '../src/shared-state/redis-test-gate.test-support.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';
import { LoopbackClients } from './loopback-clients.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
const testRedis = useTestRedis(redis);
const [key] = gatewayKeys;
const wrongKeys = ['wrong-key-guess-0000000001', 'wrong-key-guess-0000000002', 'wrong-key-guess-0000000003', 'wrong-key-guess-0000000004'];
const windowMs = 60_000;
const maxFailures = 4;
const question = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };
const yamlText = `limits: { maxFailedKeyAttempts: ${maxFailures}, failedKeyAttemptWindowMs: ${windowMs} }\ntrustedProxies: [127.0.0.1]\ncache: { enabled: false }\n`;

interface Instance {
  readonly harness: GatewayHarness;
  readonly shared: RedisSharedState;
  readonly clients: LoopbackClients;
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

/** A gateway (with its dashboard) whose failed key attempts are shared on `url` under `prefix`, subscribed. */
async function startInstance(url: string, prefix: string): Promise<Instance> {
  const shared = createRedisSharedState({ url, prefix, operationTimeoutMs: 2_000, maxReconnectDelayMs: 100 });
  const harness = await startGatewayHarness({ yamlText, adminKeys: [key], providerIds: ['openai'], gatewayOptions: { sharedFailedKeyAttempts: shared.failedKeyAttempts } });
  const dashboard = attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, sampleIntervalMs: 100 });
  const clients = new LoopbackClients(harness.url);
  closers.push(async () => {
    dashboard.close();
    await harness.close();
    await clients.close();
    await shared.close();
  });
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
  return { harness, shared, clients };
}

/** Wait until `count` subscribers listen for refusals on `prefix` at the Redis `client` talks to. */
async function waitForSubscribers(client: RedisConnection, prefix: string, count: number): Promise<void> {
  await waitFor(async () => Number(((await client.call('PUBSUB', 'NUMSUB', `${prefix}:key-attempts:v1`)) as unknown[])[1]) >= count, {
    timeoutMs: 5_000,
    what: `${count} subscribers to the refusals`,
  });
}

async function failWithWrongKey(instance: Instance, address: string, wrongKey: string, headers: Record<string, string> = {}): Promise<void> {
  const error = await instance.clients.openAIFrom(address, wrongKey, headers).chat.completions.create(question).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
}

async function signInWithWrongKey(instance: Instance, address: string, wrongKey: string): Promise<void> {
  const body = new URLSearchParams({ key: wrongKey }).toString();
  const answer = await instance.clients.send(address, '/dashboard/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  expect(answer.status).toBe(401);
}

/** `GET /v1/models` from `address` with the right key: its status and Retry-After. */
async function listModels(instance: Instance, address: string): Promise<{ status: number; retryAfter: string | null; code?: string }> {
  const answer = await instance.clients.send(address, '/v1/models', { headers: { authorization: `Bearer ${key}` } });
  const code = answer.status === 429 ? (JSON.parse(answer.text) as { error: { code: string } }).error.code : undefined;
  return { status: answer.status, retryAfter: answer.headers.get('retry-after'), ...(code !== undefined ? { code } : {}) };
}

redis.describe('two gateway instances sharing failed key attempts on Redis', () => {
  let a: Instance;
  let b: Instance;
  let prefix: string;
  let monitor: Redis | undefined;
  const monitorBase = new Redis(testRedisUrl, { lazyConnect: true });
  afterAll(() => {
    monitor?.disconnect();
    monitorBase.disconnect();
  });

  beforeAll(async () => {
    monitor = await monitorBase.monitor();
  });

  const startBoth = async (): Promise<void> => {
    prefix = testRedis.prefix();
    a = await startInstance(testRedisUrl, prefix);
    b = await startInstance(testRedisUrl, prefix);
    await waitForSubscribers(testRedis.client, prefix, 2);
  };

  redis.it('refuses an address at both once the failures it spread over them reach the limit, with Retry-After', async () => {
    await startBoth();
    const address = '127.0.0.41';
    await failWithWrongKey(a, address, wrongKeys[0]!);
    await failWithWrongKey(b, address, wrongKeys[1]!);
    await failWithWrongKey(a, address, wrongKeys[2]!);
    // Three failures in all: neither refuses yet.
    expect((await listModels(a, address)).status).toBe(200);
    expect((await listModels(b, address)).status).toBe(200);
    // The fourth, a wrong sign-in at B's dashboard: B counted it in Redis before answering, so B refuses at once.
    await signInWithWrongKey(b, address, wrongKeys[3]!);
    const atB = await listModels(b, address);
    expect(atB).toMatchObject({ status: 429, code: 'too_many_failed_key_attempts' });
    expect(Number(atB.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(atB.retryAfter)).toBeLessThanOrEqual(windowMs / 1000);

    // A counted two of them itself, and hears of the refusal from Redis.
    await waitFor(() => a.harness.gateway.failedKeyAttempts.retryAfterMs(address) !== undefined, { timeoutMs: 5_000, what: 'A to hear of the refusal' });
    const atA = await listModels(a, address);
    expect(atA).toMatchObject({ status: 429, code: 'too_many_failed_key_attempts' });
    expect(Number(atA.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(atA.retryAfter)).toBeLessThanOrEqual(windowMs / 1000);
    const refusedCall = await a.clients.openAIFrom(address, key).chat.completions.create(question).catch((caught: unknown) => caught);
    expect(refusedCall).toBeInstanceOf(OpenAI.RateLimitError);
    expect(a.harness.providers.requests).toHaveLength(0);

    // Another address is refused by neither; one warning across the instances names the address.
    expect((await listModels(a, '127.0.0.42')).status).toBe(200);
    expect((await listModels(b, '127.0.0.42')).status).toBe(200);
    const warnings = [...a.harness.logLines, ...b.harness.logLines].filter((line) => line.clientAddress === address);
    expect(warnings).toHaveLength(1);
  });

  redis.it('issues no Redis command for a request from an address with no failure, while others have some', async () => {
    await startBoth();
    const clean = '127.0.0.44';
    // Every command on this test's keys that counts a failure or names the clean address (a script's own
    // commands show too: MONITOR lists them after the EVAL).
    const seen: string[][] = [];
    const onCommand = (_time: string, args: string[]): void => {
      if (args.some((arg) => arg.includes(prefix) && (arg.includes('key-attempts') || arg.includes(clean)))) seen.push(args);
    };
    monitor!.on('monitor', onCommand);
    try {
      const counted = (address: string): string[][] =>
        seen.filter((args) => args[0]?.toLowerCase() === 'eval' && args.some((arg) => arg.endsWith(`:failed:${address}`)));
      // Both instances track an address, so each request's address is worked out and looked up.
      await failWithWrongKey(a, '127.0.0.43', wrongKeys[0]!);
      await failWithWrongKey(b, '127.0.0.43', wrongKeys[1]!);
      await waitFor(() => counted('127.0.0.43').length === 2, { timeoutMs: 5_000, what: 'MONITOR to show the two failures counted' });

      for (const instance of [a, b]) {
        expect((await listModels(instance, clean)).status).toBe(200);
        await instance.clients.openAIFrom(clean, key).chat.completions.create(question);
        expect((await instance.clients.send(clean, '/livez')).status).toBe(200);
      }
      // A failure after them at each instance: its command follows on the same connection anything sent for them.
      await failWithWrongKey(a, '127.0.0.45', wrongKeys[2]!);
      await failWithWrongKey(b, '127.0.0.45', wrongKeys[3]!);
      await waitFor(() => counted('127.0.0.45').length === 2, { timeoutMs: 5_000, what: 'MONITOR to show the later failures counted' });
      expect(seen.filter((args) => args.some((arg) => arg.includes(clean)))).toEqual([]);
      // The four failures' counts and nothing else counted (an instance's start-up read of the kept refusals, a
      // script too, may land after MONITOR began under load: it names no address and counts nothing).
      expect(seen.filter((args) => args[0]?.toLowerCase() === 'eval' && args.some((arg) => arg.includes(':failed:')))).toHaveLength(4);
    } finally {
      monitor!.off('monitor', onCommand);
    }
  });

  redis.it('counts an IPv6 client by its /64, and keeps no key in Redis', async () => {
    await startBoth();
    // The peer, 127.0.0.1, is a trusted proxy: the client is the address it names.
    await failWithWrongKey(a, '127.0.0.1', wrongKeys[0]!, { 'x-forwarded-for': '2001:db8:7:8::1234' });
    await failWithWrongKey(b, '127.0.0.1', wrongKeys[1]!, { 'x-forwarded-for': '2001:db8:7:8:ffff::1' });
    const stored = (await testRedis.client.keys(`${prefix}:*`)).sort();
    const count = `${prefix}:key-attempts:v1:failed:2001:db8:7:8::/64`;
    // The count, and beside it its failures' operation ids (which make a count sent again count once).
    expect(stored).toEqual([`${prefix}:key-attempts:v1:failed-once:2001:db8:7:8::/64{${count}}`, count]);
    expect(await testRedis.client.get(count)).toBe('2');
    for (const each of stored) {
      const ttlMs = await testRedis.client.pttl(each);
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(windowMs);
    }
  });
});

redis.describe('the refusals an instance hears from Redis', () => {
  redis.it('are kept for at most maxFailedKeyAttemptAddresses addresses, each until its window ends', async () => {
    const prefix = testRedis.prefix();
    const sharedOf = (): RedisFailedKeyAttempts => {
      const subscriber = createRedisClient({ url: testRedisUrl, role: 'subscriber' });
      const shared = new RedisFailedKeyAttempts({ client: testRedis.client, subscriber, prefix, operationTimeoutMs: 2_000 });
      closers.push(async () => {
        shared.close();
        subscriber.disconnect(false);
      });
      return shared;
    };
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
    const options = { maxFailures: 1, windowMs, maxAddresses: 2, clock };
    const failing = new FailedKeyAttempts({ ...options, shared: sharedOf() });
    const hearing = new FailedKeyAttempts({ ...options, shared: sharedOf() });
    closers.push(async () => {
      failing.close();
      hearing.close();
    });
    await waitForSubscribers(testRedis.client, prefix, 2);
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) await failing.recordFailure(address);
    await waitFor(() => hearing.retryAfterMs('198.51.100.3') !== undefined, { timeoutMs: 5_000, what: 'the last refusal to be heard' });
    // The first heard is forgotten for the third.
    expect(hearing.trackedAddressCount).toBe(2);
    expect(hearing.retryAfterMs('198.51.100.1')).toBeUndefined();
    expect(hearing.retryAfterMs('198.51.100.2')).toBeGreaterThan(0);
    clock.advance(windowMs);
    expect(hearing.retryAfterMs('198.51.100.2')).toBeUndefined();
    expect(hearing.retryAfterMs('198.51.100.3')).toBeUndefined();
    expect(hearing.trackedAddressCount).toBe(0);
  });
});

redis.describe('with Redis gone', () => {
  let server: PrivateRedisServer | undefined;
  afterAll(async () => server?.kill());

  redis.it('each instance counts alone: an address is still refused after its failures there, and no other is', async () => {
    server = await PrivateRedisServer.start();
    const probe = createRedisClient({ url: server.url, role: 'commands', commandTimeoutMs: 2_000 });
    closers.push(async () => probe.disconnect(false));
    const prefix = 'bm-test-gone';
    const a = await startInstance(server.url, prefix);
    const b = await startInstance(server.url, prefix);
    await waitForSubscribers(probe, prefix, 2);
    const address = '127.0.0.46';
    await failWithWrongKey(a, address, wrongKeys[0]!);
    await failWithWrongKey(b, address, wrongKeys[1]!);
    await server.kill();
    await waitFor(() => !a.shared.isReady() && !b.shared.isReady(), { timeoutMs: 5_000, what: 'both instances to lose Redis' });

    // A counts its own failures: one before Redis went, three after, and refuses at the fourth.
    for (const wrongKey of wrongKeys.slice(0, 3)) await failWithWrongKey(a, address, wrongKey);
    const refused = await listModels(a, address);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_failed_key_attempts' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    // B saw one of them: the address may still try there, as may any other address at either.
    expect((await listModels(b, address)).status).toBe(200);
    expect((await listModels(a, '127.0.0.47')).status).toBe(200);
    expect((await listModels(b, '127.0.0.47')).status).toBe(200);
  });
});
