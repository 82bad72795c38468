/**
 * A dashboard sign-out while the shared Redis cannot take it, over real HTTP against two real gateway instances
 * sharing a redis-server of the test's own (`serve`'s wiring: the shared state's `sessionRevocations`):
 * refused, as a full Redis refuses writes (`maxmemory` reached with `noeviction`: OOM, the connection up all
 * along), the sign-out holds at once where it was made, and at the other instance as soon as Redis takes writes
 * again; held, as `CLIENT PAUSE ... WRITE` holds writes, it lands when the pause ends.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { attachDashboard } from '../src/dashboard/attach-dashboard.js';
import { createRedisClient, type RedisConnection } from '../src/shared-state/create-redis-client.js';
import { createRedisSharedState } from '../src/shared-state/create-redis-shared-state.js';
import { PrivateRedisServer, redisTestGate, waitFor, waitUntilReady } from '../src/shared-state/redis-test-gate.test-support.js';
import { gatewayKeys, startGatewayHarness } from './gateway-harness.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
const [adminKey] = gatewayKeys;
let server: PrivateRedisServer;
let admin: RedisConnection;
let closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (redis.skip) return;
  server = await PrivateRedisServer.start();
  admin = createRedisClient({ url: server.url, role: 'commands', commandTimeoutMs: 2_000 });
  await waitUntilReady(admin);
}, 30_000);
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
  if (!redis.skip) await admin.config('SET', 'maxmemory', '0');
});
afterAll(async () => {
  admin?.disconnect(false);
  await server?.kill();
});

interface Instance {
  readonly url: string;
  /** The status of `GET /dashboard/state` with this cookie. */
  stateStatus(cookie: string): Promise<number>;
}

/** A gateway and its dashboard, their sign-outs on the shared state as `serve` wires them. */
async function startInstance(prefix: string): Promise<Instance> {
  const shared = createRedisSharedState({ url: server.url, prefix, operationTimeoutMs: 200, maxReconnectDelayMs: 100 });
  const harness = await startGatewayHarness({ adminKeys: gatewayKeys, providerIds: ['openai'] });
  const dashboard = attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, sessionRevocations: shared.sessionRevocations });
  closers.push(async () => {
    dashboard.close();
    await harness.close();
    await shared.close();
  });
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
  return {
    url: harness.url,
    stateStatus: async (cookie) => {
      const response = await fetch(`${harness.url}/dashboard/state`, { headers: { cookie } });
      await response.arrayBuffer();
      return response.status;
    },
  };
}

async function signIn(instance: Instance): Promise<string> {
  const response = await fetch(`${instance.url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: adminKey }).toString(),
  });
  expect(response.status).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function signOut(instance: Instance, cookie: string): Promise<void> {
  const response = await fetch(`${instance.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie } });
  expect(response.status).toBe(303);
}

redis.describe('a dashboard sign-out the shared Redis cannot take at once', () => {
  redis.it('refused (Redis out of memory): holds where it was made, and at the other instance once Redis takes writes again', async () => {
    const prefix = 'bm-test-refused';
    const a = await startInstance(prefix);
    const b = await startInstance(prefix);
    const cookie = await signIn(a);
    expect([await a.stateStatus(cookie), await b.stateStatus(cookie)]).toEqual([200, 200]);

    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    await signOut(b, cookie);
    expect(await b.stateStatus(cookie)).toBe(401);
    // Redis refused it: A does not know yet.
    expect(await a.stateStatus(cookie)).toBe(200);
    expect(await admin.exists(`${prefix}:dashboard:v1:revoked:${cookie.split('.')[1]}`)).toBe(0);

    await admin.config('SET', 'maxmemory', '0');
    await waitFor(async () => (await a.stateStatus(cookie)) === 401, { timeoutMs: 15_000, what: 'A to refuse the session signed out at B' });
    expect(await b.stateStatus(cookie)).toBe(401);
  });

  redis.it('held (CLIENT PAUSE WRITE): lands when the pause ends, and the other instance refuses the session', async () => {
    const prefix = 'bm-test-paused';
    const a = await startInstance(prefix);
    const b = await startInstance(prefix);
    const cookie = await signIn(a);
    await admin.call('CLIENT', 'PAUSE', '1000', 'WRITE');
    // Past B's 200 ms budget: B answers the sign-out, and its write waits in Redis for the pause to end.
    await signOut(b, cookie);
    expect(await b.stateStatus(cookie)).toBe(401);
    await waitFor(async () => (await a.stateStatus(cookie)) === 401, { timeoutMs: 15_000, what: 'A to refuse the session signed out at B' });
  });
});
