import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import type { GatewayKeyPolicy } from '../gateway/gateway-keys-config.js';
import { DashboardAuth, dashboardCookieName, readCookie } from './dashboard-auth.js';

const key = 'gateway-key-dashboard-0123456789';
const adminKey: GatewayKeyPolicy = { key, name: 'ops', limits: undefined, admin: true };
const tenantKey = 'gateway-key-tenant-0123456789';
const tenant: GatewayKeyPolicy = { key: tenantKey, name: 'tenant', limits: undefined };

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

function tokenOf(login: Awaited<ReturnType<DashboardAuth['login']>>): string {
  if (login.outcome !== 'signed-in') throw new Error(`not signed in: ${login.outcome}`);
  return login.setCookie.split(';')[0]!.slice(`${dashboardCookieName}=`.length);
}

async function outcomeOf(auth: DashboardAuth, headers: Record<string, string>): Promise<string> {
  return (await auth.access(request(headers))).outcome;
}

describe('DashboardAuth', () => {
  it('is open when the gateway has no key, and offers no session', async () => {
    const auth = new DashboardAuth({ keys: [] });
    expect(auth.required).toBe(false);
    expect(await outcomeOf(auth, {})).toBe('allowed');
    expect(await auth.login('anything-at-all')).toEqual({ outcome: 'open' });
  });

  it('signs in with an admin key: an HttpOnly, SameSite=Strict cookie that is not the key', async () => {
    const auth = new DashboardAuth({ keys: [adminKey, tenant] });
    const login = await auth.login(key);
    expect(login.outcome).toBe('signed-in');
    const setCookie = login.outcome === 'signed-in' ? login.setCookie : '';
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookie).not.toContain(key);
    const token = tokenOf(login);
    expect(await outcomeOf(auth, { cookie: `other=1; ${dashboardCookieName}=${token}` })).toBe('allowed');
    expect(await outcomeOf(auth, {})).toBe('sign-in');
  });

  it('refuses a wrong, empty or spaced key, and a key sent any way but the form, Authorization or x-api-key', async () => {
    const auth = new DashboardAuth({ keys: [adminKey] });
    for (const wrong of ['', 'gateway-key-dashboard-012345678', `${key}x`, `${key} ${key}`]) expect(await auth.login(wrong)).toEqual({ outcome: 'wrong-key' });
    expect(await outcomeOf(auth, { cookie: `${dashboardCookieName}=${key}` })).toBe('sign-in');
    expect(await outcomeOf(auth, { authorization: `Bearer ${key}` })).toBe('allowed');
    expect(await outcomeOf(auth, { 'x-api-key': key })).toBe('allowed');
    expect(await outcomeOf(auth, { authorization: 'Bearer wrong-key-0000000000' })).toBe('sign-in');
  });

  it('opens to admin keys only: another valid key gets no session, and a 403 that names it, not its value', async () => {
    const auth = new DashboardAuth({ keys: [adminKey, tenant] });
    expect(await auth.login(tenantKey)).toEqual({ outcome: 'not-admin' });
    const access = await auth.access({ headers: { 'x-api-key': tenantKey }, method: 'GET', url: '/dashboard/state?x=1' } as unknown as IncomingMessage);
    expect(access.outcome).toBe('forbidden');
    const error = access.outcome === 'forbidden' ? access.error : undefined;
    expect(error).toMatchObject({ status: 403, code: 'admin_key_required' });
    expect(error?.message).toBe('GET /dashboard/state is for the gateway\'s operators and needs an admin gateway key; the key "tenant" is not one.');
    expect(await outcomeOf(auth, { authorization: `Bearer ${tenantKey}` })).toBe('forbidden');
  });

  it('with keys but no admin key, opens to no one, and says which setting makes one', async () => {
    const auth = new DashboardAuth({ keys: [key, tenant] });
    expect(auth.hasAdminKey).toBe(false);
    expect(await auth.login(key)).toEqual({ outcome: 'not-admin' });
    const access = await auth.access(request({ authorization: `Bearer ${key}` }));
    expect(access.outcome === 'forbidden' ? access.error.message : '').toMatch(/no key is one: set `admin: true` on a key .* BACKUP_MODELS_GATEWAY_ADMIN_KEYS/);
  });

  it('refuses a tampered or expired session, and one signed under admin keys this instance has not', async () => {
    const clock = new ManualClock(1_000_000);
    const auth = new DashboardAuth({ keys: [adminKey], clock, sessionTtlMs: 60_000 });
    const token = tokenOf(await auth.login(key));
    const [expiry, sessionId, signature] = token.split('.') as [string, string, string];
    const cookie = (value: string): Record<string, string> => ({ cookie: `${dashboardCookieName}=${value}` });
    expect(await outcomeOf(auth, cookie(token))).toBe('allowed');
    expect(await outcomeOf(auth, cookie(`${Number(expiry) + 10_000_000}.${sessionId}.${signature}`))).toBe('sign-in');
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'E' : 'A'}`;
    expect(await outcomeOf(auth, cookie(`${expiry}.${sessionId}.${flipped}`))).toBe('sign-in');
    expect(await outcomeOf(auth, cookie(`${expiry}.${sessionId}.${signature}x`))).toBe('sign-in');
    expect(await outcomeOf(auth, cookie(`${expiry}.${signature}`))).toBe('sign-in');
    // Another instance with the same admin key honours it; one without that admin key does not.
    expect(await outcomeOf(new DashboardAuth({ keys: [adminKey], clock }), cookie(token))).toBe('allowed');
    expect(await outcomeOf(new DashboardAuth({ keys: [{ ...adminKey, key: `${key}-rotated` }], clock }), cookie(token))).toBe('sign-in');
    expect(await outcomeOf(new DashboardAuth({ keys: [{ key, name: 'ops', limits: undefined }], clock }), cookie(token))).toBe('sign-in');
    clock.advance(60_000);
    expect(await outcomeOf(auth, cookie(token))).toBe('sign-in');
  });

  it('signs out: the session is refused from then on, even when its cookie is sent again', async () => {
    const auth = new DashboardAuth({ keys: [adminKey] });
    const token = tokenOf(await auth.login(key));
    const other = tokenOf(await auth.login(key));
    const headers = { cookie: `${dashboardCookieName}=${token}` };
    expect(await outcomeOf(auth, headers)).toBe('allowed');
    expect(await auth.logout(request(headers))).toBe(`${dashboardCookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    expect(await outcomeOf(auth, headers)).toBe('sign-in');
    // Another sign-in of the same key is its own session.
    expect(await outcomeOf(auth, { cookie: `${dashboardCookieName}=${other}` })).toBe('allowed');
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; b = two ;c=3', 'b')).toBe('two');
    expect(readCookie('a=1', 'b')).toBeUndefined();
    expect(readCookie(undefined, 'b')).toBeUndefined();
  });
});
