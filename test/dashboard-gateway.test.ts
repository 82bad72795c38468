/**
 * The dashboard served by a gateway with keys, over HTTP as a browser and a program reach it: the login form,
 * the session cookie, the event stream, what is never served (a key, a key in a URL), and a drain that does
 * not wait on open event streams.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const [key, otherKey] = gatewayKeys;

/** Read an event stream until `until` holds for the text so far, or the stream ends. */
function readEvents(url: string, options: { headers?: Record<string, string>; until: (text: string) => boolean }): Promise<{ status: number; contentType: string | undefined; text: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: options.headers ?? {} }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      const done = (ended: boolean): void => {
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], text, ended });
        request.destroy();
      };
      response.on('data', (chunk: string) => {
        text += chunk;
        if (options.until(text)) done(false);
      });
      response.on('end', () => done(true));
    });
    request.on('error', reject);
    request.end();
  });
}

function cookieFrom(response: Response): string {
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] ?? '';
}

async function signIn(url: string, presentedKey: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ key: presentedKey }).toString(),
  });
}

describe('the dashboard behind gateway keys', () => {
  let harness: GatewayHarness;
  let dashboard: Dashboard;

  beforeEach(async () => {
    // Admin keys: only they open the dashboard (test/gateway-admin-keys.test.ts has the others refused).
    harness = await startGatewayHarness({ adminKeys: gatewayKeys });
    dashboard = attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, sampleIntervalMs: 100 });
  });

  afterEach(async () => {
    dashboard.close();
    await harness.close();
  });

  it('shows the login form, not the dashboard, to a browser without a session', async () => {
    const response = await fetch(`${harness.url}/`);
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('<form class="login" method="post" action="/dashboard/login">');
    expect(html).not.toContain('/dashboard/app.js');
    const events = await fetch(`${harness.url}/dashboard/events`);
    expect(events.status).toBe(401);
    expect((await fetch(`${harness.url}/dashboard/state`)).status).toBe(401);
  });

  it('signs in with a gateway key through the form, then serves the page and the event stream to the cookie', async () => {
    const wrong = await signIn(harness.url, 'not-a-gateway-key-000');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That key was not accepted.');
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const signedIn = await signIn(harness.url, otherKey);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/');
    const cookie = cookieFrom(signedIn);
    expect(cookie).not.toContain(otherKey);
    expect(signedIn.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);

    const page = await fetch(`${harness.url}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/dashboard/app.js" defer></script>');
    expect(html).toContain('Sign out');

    await harness.client.chat.completions.create({ model: 'tier-1', messages: [{ role: 'user', content: 'a prompt the dashboard never shows' }] });
    const stream = await readEvents(`${harness.url}/dashboard/events`, { headers: { cookie }, until: (text) => text.includes('event: health') });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
    expect(stream.text).toMatch(/^retry: 1000\n\nevent: snapshot\ndata: \{/);
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(stream.text)![1]!) as { recentCalls: { provider: string }[] };
    expect(snapshot.recentCalls).toHaveLength(1);
    for (const secret of [key, otherKey, 'a prompt the dashboard never shows', 'test-key-']) expect(stream.text).not.toContain(secret);
  });

  it('pushes each call to the pages open, and again to a page opened after the last one closed', async () => {
    const headers = { authorization: `Bearer ${key}` };
    const ask = (content: string) => harness.client.chat.completions.create({ model: 'tier-1', messages: [{ role: 'user', content }] });
    const first = readEvents(`${harness.url}/dashboard/events`, { headers, until: (text) => text.includes('event: call') });
    await expect.poll(() => dashboard.clientCount).toBe(1);
    await ask('first');
    expect((await first).text).toContain('event: call');
    await expect.poll(() => dashboard.clientCount).toBe(0);

    await ask('second, while no page is open');
    const second = readEvents(`${harness.url}/dashboard/events`, { headers, until: (text) => text.includes('event: call') });
    await expect.poll(() => dashboard.clientCount).toBe(1);
    await ask('third');
    const { text } = await second;
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(text)![1]!) as { recentCalls: { outcome: string }[] };
    expect(snapshot.recentCalls.map((call) => call.outcome)).toEqual(['success', 'success']);
    const call = JSON.parse(/event: call\ndata: (.*)\n/.exec(text)![1]!) as { call: { outcome: string }; totals: { calls: number } };
    expect(call.call.outcome).toBe('success');
    expect(call.totals.calls).toBe(3);
  });

  it('takes Authorization: Bearer from programs, but never a key in the URL', async () => {
    const state = await fetch(`${harness.url}/dashboard/state`, { headers: { authorization: `Bearer ${key}` } });
    expect(state.status).toBe(200);
    expect((await state.json()) as object).toHaveProperty('providers');
    expect((await fetch(`${harness.url}/dashboard/state?key=${key}`)).status).toBe(401);
    expect((await fetch(`${harness.url}/?key=${key}`)).status).toBe(401);
  });

  it('refuses a sign-in posted from another site, and the cookie opens the dashboard only, not the API', async () => {
    const crossSite = await signIn(harness.url, key, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(401);
    const cookie = cookieFrom(await signIn(harness.url, key, { origin: harness.url }));
    expect(cookie).toMatch(/^backup_models_dashboard=\d+\./);
    expect((await fetch(`${harness.url}/v1/models`, { headers: { cookie } })).status).toBe(401);
    const signedOut = await fetch(`${harness.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie } });
    expect(signedOut.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('marks the session cookie Secure when the page came over HTTPS (through a TLS proxy), and only then', async () => {
    const overProxy = await signIn(harness.url, key, { 'x-forwarded-proto': 'https' });
    expect(overProxy.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const signedOut = await fetch(`${harness.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    expect(signedOut.headers.get('set-cookie')).toMatch(/Max-Age=0; Secure$/);
    // Plain HTTP (a gateway on loopback): a Secure cookie would never come back, so none is set.
    expect((await signIn(harness.url, key)).headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it('refuses an oversized sign-in body', async () => {
    const response = await signIn(harness.url, 'x'.repeat(5000));
    expect(response.status).toBe(413);
  });

  it('serves its script and stylesheet without a key: they hold no data', async () => {
    const script = await fetch(`${harness.url}/dashboard/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("new EventSource('/dashboard/events')");
    const style = await fetch(`${harness.url}/dashboard/app.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('ends its event streams when the gateway drains, so the drain does not wait on them', async () => {
    const stream = readEvents(`${harness.url}/dashboard/events`, { headers: { authorization: `Bearer ${key}` }, until: () => false });
    await expect.poll(() => dashboard.clientCount).toBe(1);
    const startedAtMs = Date.now();
    await harness.gateway.drain({ timeoutMs: 10_000 });
    expect(Date.now() - startedAtMs).toBeLessThan(2_000);
    expect((await stream).ended).toBe(true);
  });
});
