/**
 * Failed key attempts per client address, over real HTTP against a gateway with keys and its dashboard: past
 * `limits.maxFailedKeyAttempts` failures (a missing or unknown key, a wrong dashboard sign-in) within the
 * window, the address's key attempts get a 429 with Retry-After in the shape of the API called, before its
 * key is compared (the right key included) and with no upstream call; another address is unaffected, and
 * successes neither count nor clear the count. Clients come from distinct loopback addresses (127.0.0.x);
 * the gateway's clock is a manual one.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dashboard } from '../src/dashboard/attach-dashboard.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { gatewayKeys, type GatewayHarness } from './gateway-harness.js';
import { type DashboardGatewayHarness, startDashboardGatewayHarness } from './dashboard-gateway-harness.js';
import type { LoopbackClients } from './loopback-clients.js';

const [key] = gatewayKeys;
const wrongKeys = ['wrong-key-guess-0000000001', 'wrong-key-guess-0000000002', 'wrong-key-guess-0000000003'];
const windowMs = 60_000;
const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
let harness: GatewayHarness;
let dashboard: Dashboard;
let clients: LoopbackClients;

let setup: DashboardGatewayHarness | undefined;
beforeAll(async () => {
  setup = await startDashboardGatewayHarness({
    yamlText: `limits: { maxFailedKeyAttempts: 3, failedKeyAttemptWindowMs: ${windowMs} }\ncache: { enabled: false }\n`,
    adminKeys: [key],
    providerIds: ['openai'],
    gatewayOptions: { clock },
  });
  ({ harness, dashboard, clients } = setup);
});
afterAll(() => setup?.close());
beforeEach(() => harness.providers.reset());

const openAIFrom = (address: string, apiKey: string) => clients.openAIFrom(address, apiKey);
const anthropicFrom = (address: string, apiKey: string) => clients.anthropicFrom(address, apiKey);
const send = (address: string, path: string, init?: Parameters<LoopbackClients['send']>[2]) => clients.send(address, path, init);

const question = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };

async function failWithWrongKeys(address: string, count = 3): Promise<void> {
  for (const wrongKey of wrongKeys.slice(0, count)) {
    const error = await openAIFrom(address, wrongKey).chat.completions.create(question).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  }
}

describe('an address past its failed key attempts', () => {
  it('is refused with a 429 and Retry-After, its right key not even compared, until its window ends; another address is not', async () => {
    await failWithWrongKeys('127.0.0.11');
    const refused = await openAIFrom('127.0.0.11', key).chat.completions.create(question).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_failed_key_attempts', type: 'rate_limit_error' });
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('60');
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).headers.get('x-request-id')).toMatch(/^req_/);
    expect(harness.providers.requests).toHaveLength(0);

    const fromElsewhere = await openAIFrom('127.0.0.12', key).chat.completions.create(question);
    expect(fromElsewhere.choices[0]?.message.content).toBeTruthy();

    clock.advance(windowMs - 1_000);
    const stillRefused = await send('127.0.0.11', '/v1/models', { headers: { authorization: `Bearer ${key}` } });
    expect(stillRefused.status).toBe(429);
    expect(stillRefused.headers.get('retry-after')).toBe('1');
    clock.advance(1_000);
    const answered = await openAIFrom('127.0.0.11', key).chat.completions.create(question);
    expect(answered.choices[0]?.message.content).toBeTruthy();
  });

  it('counts a missing key, and answers an Anthropic client in its own shape with its request-id', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const missing = await send('127.0.0.13', '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: '{}' });
      expect(missing.status).toBe(401);
    }
    const refused = await anthropicFrom('127.0.0.13', key)
      .messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'Hello' }] })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    const error = refused as InstanceType<typeof Anthropic.RateLimitError>;
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('Too many failed gateway key attempts') } });
    expect(error.requestID).toMatch(/^req_/);
    expect(error.headers.get('retry-after')).toBe('60');
    expect(harness.providers.requests).toHaveLength(0);
    clock.advance(windowMs);
  });

  it('is not reached by successes, nor is its count cleared by them: a valid key does not buy more guesses', async () => {
    const client = openAIFrom('127.0.0.14', key);
    for (let call = 0; call < 5; call += 1) await client.chat.completions.create(question);
    await failWithWrongKeys('127.0.0.14', 2);
    await client.chat.completions.create(question);
    await client.models.list();
    await failWithWrongKeys('127.0.0.14', 1);
    expect((await send('127.0.0.14', '/v1/models', { headers: { authorization: `Bearer ${key}` } })).status).toBe(429);
    clock.advance(windowMs);
  });
});

describe('the dashboard sign-in', () => {
  const signIn = (address: string, presentedKey: string) =>
    send(address, '/dashboard/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key: presentedKey }).toString() });

  it('counts wrong keys against the address, shares its allowance with the API, and lets a session through', async () => {
    const signedIn = await signIn('127.0.0.15', key);
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;

    for (const wrongKey of wrongKeys.slice(0, 2)) expect((await signIn('127.0.0.15', wrongKey)).status).toBe(401);
    // A wrong key in a header at the dashboard's data counts too: the third failure.
    expect((await send('127.0.0.15', '/dashboard/state', { headers: { 'x-api-key': wrongKeys[2]! } })).status).toBe(401);

    const page = await signIn('127.0.0.15', key);
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe('60');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.text).toContain('Too many keys from this address were not accepted');
    const data = await send('127.0.0.15', '/dashboard/state', { headers: { authorization: `Bearer ${key}` } });
    expect(data.status).toBe(429);
    expect(JSON.parse(data.text)).toMatchObject({ error: { type: 'rate_limit_error', code: 'too_many_failed_key_attempts' } });
    const api = await openAIFrom('127.0.0.15', key).chat.completions.create(question).catch((caught: unknown) => caught);
    expect(api).toBeInstanceOf(OpenAI.RateLimitError);

    // The session it holds is no key: the page still opens to it.
    expect((await send('127.0.0.15', '/', { headers: { cookie } })).status).toBe(200);
    // A page that asks for no key is not refused either: the login form.
    expect((await send('127.0.0.15', '/')).status).toBe(401);
    expect((await signIn('127.0.0.16', key)).status).toBe(303);
    clock.advance(windowMs);
    expect((await signIn('127.0.0.15', key)).status).toBe(303);
  });

  it('does not count a form posted from another site: a page cannot lock its visitors out', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const posted = await send('127.0.0.17', '/dashboard/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: new URLSearchParams({ key: wrongKeys[0]! }).toString(),
      });
      expect(posted.status).toBe(401);
    }
    expect((await signIn('127.0.0.17', key)).status).toBe(303);
  });
});

describe('what the refusals leave behind', () => {
  it('a counter in the metrics and one warning per window naming the address, never a key', async () => {
    const metrics = await send('127.0.0.18', '/metrics', { headers: { authorization: `Bearer ${key}` } });
    expect(metrics.status).toBe(200);
    const refusals = Number(/^backup_models_gateway_key_attempts_refused_total (\d+)$/m.exec(metrics.text)?.[1]);
    // 127.0.0.11 twice, .13 once, .14 once, .15 three times.
    expect(refusals).toBe(7);
    const warnings = harness.logLines.filter((line) => line.msg === 'too many failed gateway key attempts: key attempts from this address are refused until its window ends');
    expect(warnings.map((line) => line.clientAddress)).toEqual(['127.0.0.11', '127.0.0.13', '127.0.0.14', '127.0.0.15']);
    expect(warnings[0]).toMatchObject({ level: 40, failedKeyAttempts: 3, windowMs });
    for (const secret of [key, ...wrongKeys]) {
      expect(harness.logText()).not.toContain(secret);
      expect(metrics.text).not.toContain(secret);
    }
  });
});
