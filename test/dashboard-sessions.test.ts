/**
 * A dashboard session across gateway instances, as behind a load balancer: two (or three) real gateways with
 * the same key configuration, over HTTP. A session made at one is honoured at the others, and still expires,
 * can be tampered with at no instance, ends where its key is removed or no longer admin, and ends at every
 * instance when signed out (with the shared state's revocations on Redis).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import type { SessionRevocations } from '../src/sessions/session-revocations.js';
import { RedisSessionRevocations } from '../src/shared-state/redis-session-revocations.js';
import { redisTestGate, useTestRedis } from '../src/shared-state/redis-test-gate.test-support.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const [alphaKey, bravoKey] = gatewayKeys;
const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const sessionTtlMs = 60_000;

interface Instance {
  readonly url: string;
  /** The status of `GET /dashboard/state` with this cookie. */
  stateStatus(cookie: string): Promise<number>;
}

let clock: ManualClock;
let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function startInstance(options: { keys?: readonly string[]; adminKeys: readonly string[]; sessionRevocations?: SessionRevocations }): Promise<Instance> {
  const harness: GatewayHarness = await startGatewayHarness({ adminKeys: options.adminKeys, ...(options.keys ? { keys: options.keys } : {}) });
  const dashboard: Dashboard = attachDashboard({
    gateway: harness.gateway,
    router: harness.router,
    keys: harness.config.keyPolicies,
    clock,
    sessionTtlMs,
    ...(options.sessionRevocations ? { sessionRevocations: options.sessionRevocations } : {}),
  });
  closers.push(async () => {
    dashboard.close();
    await harness.close();
  });
  return {
    url: harness.url,
    stateStatus: async (cookie) => {
      const response = await fetch(`${harness.url}/dashboard/state`, { headers: { cookie } });
      await response.arrayBuffer();
      return response.status;
    },
  };
}

/** Sign in through the form; the `name=value` of the session cookie. */
async function signIn(instance: Instance, key: string): Promise<string> {
  const response = await fetch(`${instance.url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
  });
  expect(response.status).toBe(303);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie).toMatch(/^backup_models_dashboard=\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  return cookie;
}

async function signOut(instance: Instance, cookie: string): Promise<string | null> {
  const response = await fetch(`${instance.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie } });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie');
}

async function statuses(instances: readonly Instance[], cookie: string): Promise<number[]> {
  return Promise.all(instances.map((instance) => instance.stateStatus(cookie)));
}

describe('a dashboard session across gateway instances with the same keys', () => {
  it('made at one instance, opens the dashboard at another', async () => {
    clock = new ManualClock(1_800_000_000_000);
    const a = await startInstance({ adminKeys: gatewayKeys });
    const b = await startInstance({ adminKeys: gatewayKeys });
    const cookie = await signIn(a, alphaKey);
    expect(cookie).not.toContain(alphaKey);
    expect(await statuses([a, b], cookie)).toEqual([200, 200]);
    const page = await fetch(`${b.url}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign out');
  });

  it('expires at every instance at its expiry', async () => {
    clock = new ManualClock(1_800_000_000_000);
    const a = await startInstance({ adminKeys: gatewayKeys });
    const b = await startInstance({ adminKeys: gatewayKeys });
    const cookie = await signIn(a, alphaKey);
    clock.advance(sessionTtlMs - 1);
    expect(await statuses([a, b], cookie)).toEqual([200, 200]);
    clock.advance(1);
    expect(await statuses([a, b], cookie)).toEqual([401, 401]);
  });

  it('refuses a tampered cookie at every instance, and one signed under an admin key they do not have', async () => {
    clock = new ManualClock(1_800_000_000_000);
    const a = await startInstance({ adminKeys: gatewayKeys });
    const b = await startInstance({ adminKeys: gatewayKeys });
    const elsewhere = await startInstance({ keys: ['an-admin-key-of-another-gateway-42'], adminKeys: ['an-admin-key-of-another-gateway-42'] });
    const cookie = await signIn(a, alphaKey);
    const other = await signIn(a, bravoKey);
    expect(await statuses([a, b], cookie)).toEqual([200, 200]);
    const [name, value] = cookie.split('=') as [string, string];
    const [expiry, sessionId, signature] = value.split('.') as [string, string, string];
    const [, otherSessionId, otherSignature] = other.split('=')[1]!.split('.') as [string, string, string];
    const flippedSignature = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'E' : 'A'}`;
    const tampered = [
      `${Number(expiry) + sessionTtlMs}.${sessionId}.${signature}`, // a longer session
      `${expiry}.${otherSessionId}.${signature}`, // another session's id under this signature
      `${expiry}.${sessionId}.${otherSignature}`, // another session's signature
      `${expiry}.${sessionId}.${flippedSignature}`,
      `${expiry}.${signature}`, // the form of the per-process cookies before
      (await signIn(elsewhere, 'an-admin-key-of-another-gateway-42')).split('=')[1]!,
    ];
    for (const forged of tampered) expect(await statuses([a, b], `${name}=${forged}`)).toEqual([401, 401]);
  });

  it('is refused where its key was removed from the configuration or is no longer admin, and honoured where it is', async () => {
    clock = new ManualClock(1_800_000_000_000);
    const a = await startInstance({ adminKeys: gatewayKeys });
    const removed = await startInstance({ keys: [bravoKey], adminKeys: [bravoKey] });
    const demoted = await startInstance({ keys: gatewayKeys, adminKeys: [bravoKey] });
    const alphaSession = await signIn(a, alphaKey);
    const bravoSession = await signIn(a, bravoKey);
    expect(await statuses([removed, demoted], bravoSession)).toEqual([200, 200]);
    expect(await statuses([a, removed, demoted], alphaSession)).toEqual([200, 401, 401]);
  });

  it('signs out: the cookie sent again is refused where it was signed out, and a second session goes on', async () => {
    clock = new ManualClock(1_800_000_000_000);
    const a = await startInstance({ adminKeys: gatewayKeys });
    const cookie = await signIn(a, alphaKey);
    const second = await signIn(a, alphaKey);
    expect(await a.stateStatus(cookie)).toBe(200);
    expect(await signOut(a, cookie)).toBe('backup_models_dashboard=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    expect(await a.stateStatus(cookie)).toBe(401);
    expect(await a.stateStatus(second)).toBe(200);
  });

  it('refuses a sign-out posted from another site: the cookie is kept and the session goes on', async () => {
    // Found by a review: SameSite kept the cookie out, but the answer still cleared it (a nuisance sign-out).
    clock = new ManualClock(1_800_000_000_000);
    const a = await startInstance({ adminKeys: gatewayKeys });
    const cookie = await signIn(a, alphaKey);
    const response = await fetch(`${a.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: 'https://elsewhere.example' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await a.stateStatus(cookie)).toBe(200);
  });

  it('signs in under a clock that reads fractions of a millisecond, and refuses a session length that is no length', async () => {
    // Found by a review: the expiry went into the cookie as `1800000000000.5`, which no instance could read back,
    // so the browser was signed in and at once asked to sign in again, forever.
    clock = new ManualClock(1_800_000_000_000.5);
    const a = await startInstance({ adminKeys: gatewayKeys });
    const cookie = await signIn(a, alphaKey);
    expect(await a.stateStatus(cookie)).toBe(200);

    const harness = await startGatewayHarness({ adminKeys: gatewayKeys });
    closers.push(() => harness.close());
    for (const badTtlMs of [0, -1, 1_000.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, sessionTtlMs: badTtlMs })).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', argument: 'sessionTtlMs' }),
      );
    }
  });

  redis.it('with shared state on Redis, signs out at every instance', async () => {
    clock = new ManualClock(1_800_000_000_000);
    const prefix = testRedis.prefix();
    const revocationsOf = (): RedisSessionRevocations => {
      const revocations = new RedisSessionRevocations({ client: testRedis.client, prefix, clock, operationTimeoutMs: 2_000 });
      closers.push(() => Promise.resolve(revocations.close()));
      return revocations;
    };
    const a = await startInstance({ adminKeys: gatewayKeys, sessionRevocations: revocationsOf() });
    const b = await startInstance({ adminKeys: gatewayKeys, sessionRevocations: revocationsOf() });
    const cookie = await signIn(a, alphaKey);
    const second = await signIn(b, alphaKey);
    expect(await statuses([a, b], cookie)).toEqual([200, 200]);
    await signOut(b, cookie);
    expect(await statuses([a, b], cookie)).toEqual([401, 401]);
    expect(await statuses([a, b], second)).toEqual([200, 200]);
    // Redis holds the session's id, never the cookie or a key.
    const stored = await testRedis.client.keys(`${prefix}:*`);
    expect(stored).toEqual([`${prefix}:dashboard:v1:revoked:${cookie.split('.')[1]}`]);
    const ttlMs = await testRedis.client.pttl(stored[0]!);
    expect(ttlMs).toBeGreaterThan(sessionTtlMs);
  });
});
