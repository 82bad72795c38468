import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { DashboardAuth, dashboardCookieName, readCookie } from './dashboard-auth.js';

const key = 'gateway-key-dashboard-0123456789';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

function tokenOf(setCookie: string): string {
  return setCookie.split(';')[0]!.slice(`${dashboardCookieName}=`.length);
}

describe('DashboardAuth', () => {
  it('is open when the gateway has no key, and offers no session', () => {
    const auth = new DashboardAuth({ keys: [] });
    expect(auth.required).toBe(false);
    expect(auth.isAuthorized(request({}))).toBe(true);
    expect(auth.login('anything-at-all')).toBeUndefined();
  });

  it('signs in with a gateway key: an HttpOnly, SameSite=Strict cookie that is not the key', () => {
    const auth = new DashboardAuth({ keys: [key] });
    const setCookie = auth.login(key);
    expect(setCookie).toBeDefined();
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookie).not.toContain(key);
    const token = tokenOf(setCookie!);
    expect(auth.isAuthorized(request({ cookie: `other=1; ${dashboardCookieName}=${token}` }))).toBe(true);
    expect(auth.isAuthorized(request({}))).toBe(false);
  });

  it('refuses a wrong, empty or spaced key, and a key sent any way but the form or Authorization', () => {
    const auth = new DashboardAuth({ keys: [key] });
    for (const wrong of ['', 'gateway-key-dashboard-012345678', `${key}x`, `${key} ${key}`]) expect(auth.login(wrong)).toBeUndefined();
    expect(auth.isAuthorized(request({ cookie: `${dashboardCookieName}=${key}` }))).toBe(false);
    expect(auth.isAuthorized(request({ authorization: `Bearer ${key}` }))).toBe(true);
    expect(auth.isAuthorized(request({ authorization: 'Bearer wrong-key-0000000000' }))).toBe(false);
  });

  it('refuses a tampered or expired session, and one signed by another process', () => {
    const clock = new ManualClock(1_000_000);
    const auth = new DashboardAuth({ keys: [key], clock, sessionTtlMs: 60_000 });
    const token = tokenOf(auth.login(key)!);
    const [expiry, signature] = token.split('.') as [string, string];
    const cookie = (value: string): IncomingMessage => request({ cookie: `${dashboardCookieName}=${value}` });
    expect(auth.isAuthorized(cookie(token))).toBe(true);
    expect(auth.isAuthorized(cookie(`${Number(expiry) + 10_000_000}.${signature}`))).toBe(false);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(auth.isAuthorized(cookie(`${expiry}.${flipped}`))).toBe(false);
    expect(auth.isAuthorized(cookie(`${expiry}.${signature}x`))).toBe(false);
    expect(new DashboardAuth({ keys: [key], clock }).isAuthorized(cookie(token))).toBe(false);
    clock.advance(60_000);
    expect(auth.isAuthorized(cookie(token))).toBe(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; b = two ;c=3', 'b')).toBe('two');
    expect(readCookie('a=1', 'b')).toBeUndefined();
    expect(readCookie(undefined, 'b')).toBeUndefined();
  });
});
