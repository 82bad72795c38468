/**
 * A gateway behind a reverse proxy, over real HTTP: with `trustedProxies`, the failed key attempts of each
 * client behind the proxy count against the address the proxy names in X-Forwarded-For, not the proxy's, so
 * one client's wrong keys do not lock out the others; a peer that is not a trusted proxy is not believed
 * (it can neither escape the limit nor lock out the address it names); a malformed header is no error and
 * counts against the proxy; by default `Forwarded` is not read (test/gateway-forwarded-header.test.ts reads
 * it); the dashboard's sign-in counts the same client. A gateway with keys warns once of X-Forwarded-For from
 * a peer it does not trust. The "proxy" and the other peers are distinct loopback addresses (127.0.0.x); the
 * gateway's clock is a manual one.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dashboard } from '../src/dashboard/attach-dashboard.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';
import { type DashboardGatewayHarness, startDashboardGatewayHarness } from './dashboard-gateway-harness.js';
import { LoopbackClients } from './loopback-clients.js';

const [key] = gatewayKeys;
const wrongKeys = ['wrong-key-guess-0000000001', 'wrong-key-guess-0000000002', 'wrong-key-guess-0000000003'];
const windowMs = 60_000;
/** 127.0.0.20 to 127.0.0.23. */
const trustedRange = '127.0.0.20/30';
const proxy = '127.0.0.21';
const innerProxy = '127.0.0.22';
const untrustedPeer = '127.0.0.31';
const question = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };
const limitWarning = 'too many failed gateway key attempts: key attempts from this address are refused until its window ends';
const forwardingWarning = /^requests come with X-Forwarded-For from an address that is not a trusted proxy/;

function isForwardingWarning(line: Record<string, unknown>): boolean {
  return typeof line.msg === 'string' && forwardingWarning.test(line.msg);
}

describe('behind a trusted proxy', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  let harness: GatewayHarness;
  let dashboard: Dashboard;
  let clients: LoopbackClients;

  let setup: DashboardGatewayHarness | undefined;
  beforeAll(async () => {
    setup = await startDashboardGatewayHarness({
      yamlText: `limits: { maxFailedKeyAttempts: 3, failedKeyAttemptWindowMs: ${windowMs} }\ntrustedProxies: [${trustedRange}]\ncache: { enabled: false }\n`,
      adminKeys: [key],
      providerIds: ['openai'],
      gatewayOptions: { clock },
    });
    ({ harness, dashboard, clients } = setup);
  });
  afterAll(() => setup?.close());
  beforeEach(() => harness.providers.reset());

  /** A chat completion from `peer` with `forwardedFor` as X-Forwarded-For; what it threw, or its answer. */
  const ask = (peer: string, apiKey: string, forwardedFor?: string) =>
    clients
      .openAIFrom(peer, apiKey, forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor })
      .chat.completions.create(question)
      .catch((caught: unknown) => caught);

  async function failWithWrongKeys(peer: string, forwardedFor: string | readonly string[]): Promise<void> {
    for (const [index, wrongKey] of wrongKeys.entries()) {
      const forwarded = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor[index]!;
      expect(await ask(peer, wrongKey, forwarded), forwarded).toBeInstanceOf(OpenAI.AuthenticationError);
    }
  }

  it('limits two clients behind it apart: the second one\'s good key works while the first is refused', async () => {
    await failWithWrongKeys(proxy, '198.51.100.1');
    const refused = await ask(proxy, key, '198.51.100.1');
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_failed_key_attempts' });
    expect(harness.providers.requests).toHaveLength(0);

    const second = await ask(proxy, key, '198.51.100.2');
    expect(second).not.toBeInstanceOf(Error);
    expect((second as OpenAI.ChatCompletion).choices[0]?.message.content).toBeTruthy();
    // The proxy's own requests (a health check, no header) are its own address's, not refused either.
    expect(await ask(proxy, key)).not.toBeInstanceOf(Error);

    // The first client through two proxies is the same client; and what it writes itself, to the left of
    // what the proxy appended, is not read: it cannot escape as another address.
    expect(await ask(innerProxy, key, `198.51.100.1, ${proxy}`)).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(proxy, key, '198.51.100.77, 198.51.100.1')).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(proxy, key, '198.51.100.1:50123')).toBeInstanceOf(OpenAI.RateLimitError);
    expect(harness.providers.requests).toHaveLength(2);

    clock.advance(windowMs);
    expect(await ask(proxy, key, '198.51.100.1')).not.toBeInstanceOf(Error);
  });

  it('counts an IPv6 client behind it by its /64, however the proxy writes it', async () => {
    await failWithWrongKeys(proxy, ['2001:db8:1:2::1', '[2001:db8:1:2::99]:443', '2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd']);
    expect(await ask(proxy, key, '2001:db8:1:2::5')).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(proxy, key, '2001:db8:1:3::1')).not.toBeInstanceOf(Error);
    clock.advance(windowMs);
  });

  it("does not believe the X-Forwarded-For of a peer that is not a trusted proxy: it neither escapes the limit nor locks out the address it names", async () => {
    // A new address on every guess would be a new allowance, were the header believed.
    await failWithWrongKeys(untrustedPeer, ['198.51.100.11', '198.51.100.12', '198.51.100.13']);
    expect(await ask(untrustedPeer, key, '198.51.100.14')).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(untrustedPeer, key)).toBeInstanceOf(OpenAI.RateLimitError);
    // The addresses it named were never counted: their clients, behind the proxy, are let in.
    await failWithWrongKeys('127.0.0.32', '198.51.100.3');
    expect(await ask(proxy, key, '198.51.100.3')).not.toBeInstanceOf(Error);
    expect(await ask(proxy, key, '198.51.100.11')).not.toBeInstanceOf(Error);
    clock.advance(windowMs);
  });

  it('answers a malformed X-Forwarded-For without an error, counting it against the proxy that sent it', async () => {
    const malformedProxy = '127.0.0.23';
    await failWithWrongKeys(malformedProxy, ['unknown', 'garbage, , not-an-address', '999.1.1.1']);
    for (const malformed of ['', ',', '[2001:db8::1', '198.51.100.1:port', `${'9'.repeat(200)}`, '198.51.100.8, _hidden']) {
      const refused = await clients.send(malformedProxy, '/v1/models', { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': malformed } });
      expect(refused.status, JSON.stringify(malformed)).toBe(429);
    }
    // A client the proxy names properly is its own.
    expect(await ask(malformedProxy, key, '198.51.100.8')).not.toBeInstanceOf(Error);
    clock.advance(windowMs);
  });

  it('reads no Forwarded header (clientAddressHeader is x-forwarded-for by default): its clients count as the proxy', async () => {
    const forwardedProxy = '127.0.0.20';
    const forwarded = (address: string) => clients.openAIFrom(forwardedProxy, key, { forwarded: `for=${address}` }).chat.completions.create(question);
    for (const [index, wrongKey] of wrongKeys.entries()) {
      const failed = await clients.send(forwardedProxy, '/v1/models', { headers: { authorization: `Bearer ${wrongKey}`, forwarded: `for=198.51.100.2${index}` } });
      expect(failed.status).toBe(401);
    }
    await expect(forwarded('198.51.100.23')).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    // Beside X-Forwarded-For, Forwarded changes nothing.
    const callLines = (): Record<string, unknown>[] => harness.logLines.filter((line) => line.id !== undefined);
    const named = clients.openAIFrom(proxy, key, { forwarded: 'for=198.51.100.24', 'x-forwarded-for': '198.51.100.25' });
    expect(await named.chat.completions.create(question)).toBeTruthy();
    expect(callLines().at(-1)).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.25' });
    clock.advance(windowMs);
  });

  it('counts the dashboard\'s wrong sign-ins against the client the proxy names, with the API\'s', async () => {
    const signIn = (forwardedFor: string, presentedKey: string) => clients.signIn(proxy, presentedKey, { 'x-forwarded-for': forwardedFor });
    for (const wrongKey of wrongKeys) expect((await signIn('198.51.100.6', wrongKey)).status).toBe(401);
    expect((await signIn('198.51.100.6', key)).status).toBe(429);
    expect(await ask(proxy, key, '198.51.100.6')).toBeInstanceOf(OpenAI.RateLimitError);
    const headerKey = await clients.send(proxy, '/dashboard/state', { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': '198.51.100.6' } });
    expect(headerKey.status).toBe(429);
    expect((await signIn('198.51.100.7', key)).status).toBe(303);
    clock.advance(windowMs);
  });

  it("names the client in each call's log line: the one a trusted proxy names, else the peer; never a key", async () => {
    const callLines = (): Record<string, unknown>[] => harness.logLines.filter((line) => line.id !== undefined || line.msg === 'messages.count_tokens');
    const lastCallLine = (): Record<string, unknown> | undefined => callLines().at(-1);

    expect(await ask(proxy, key, '198.51.100.40')).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.40' });
    // Through two proxies, the first client that is not one.
    expect(await ask(innerProxy, key, `198.51.100.41, ${proxy}`)).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.41' });
    // A direct call: its peer. A peer that is not a trusted proxy: its own address, whatever its header says.
    expect(await ask('127.0.0.33', key)).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '127.0.0.33' });
    expect(await ask('127.0.0.34', key, '198.51.100.42')).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '127.0.0.34' });
    // A call refused before any upstream request (here an invalid body) has its line and its address too.
    const refused = await clients.send(proxy, '/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.43' },
      body: '{"model": "openai/gpt-4o-mini"}',
    });
    expect(refused.status).toBe(400);
    expect(lastCallLine()).toMatchObject({ outcome: 'rejected', clientAddress: '198.51.100.43' });
    // The Messages API's token count logs a line of its own.
    const counted = await clients.send(proxy, '/v1/messages/count_tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.44' },
      body: JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    expect(counted.status).toBe(200);
    expect(lastCallLine()).toMatchObject({ msg: 'messages.count_tokens', status: 200, clientAddress: '198.51.100.44' });
    expect(harness.logText()).not.toContain(key);
  });

  it("marks the dashboard's session cookie Secure by X-Forwarded-Proto, from any peer, as without trusted proxies; not by Forwarded", async () => {
    const setCookie = async (peer: string, headers: Record<string, string>): Promise<string> => {
      const sent = await clients.signIn(peer, key, headers);
      expect(sent.status, JSON.stringify(headers)).toBe(303);
      return sent.headers.get('set-cookie') ?? '';
    };
    const secure = /HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/;
    expect(await setCookie(proxy, { 'x-forwarded-proto': 'https' })).toMatch(secure);
    expect(await setCookie(proxy, { 'x-forwarded-proto': 'https', forwarded: 'for=198.51.100.8;proto=http' })).toMatch(secure);
    expect(await setCookie('127.0.0.35', { 'x-forwarded-proto': 'https' })).toMatch(secure);
    expect(await setCookie(proxy, { forwarded: 'for=198.51.100.8;proto=https' })).toMatch(/Max-Age=\d+$/);
    expect(await setCookie(proxy, {})).toMatch(/Max-Age=\d+$/);
  });

  it('names each client in the limit\'s warning, and warns once of the untrusted peer that sent X-Forwarded-For', () => {
    const limited = harness.logLines.filter((line) => line.msg === limitWarning).map((line) => line.clientAddress);
    expect(limited).toEqual(['198.51.100.1', '2001:db8:1:2::/64', untrustedPeer, '127.0.0.32', '127.0.0.23', '127.0.0.20', '198.51.100.6']);
    const warnings = harness.logLines.filter(isForwardingWarning);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, peerAddress: untrustedPeer, trustedProxies: 1 });
    for (const secret of [key, ...wrongKeys]) expect(harness.logText()).not.toContain(secret);
  });
});

describe('a gateway with keys that trusts no proxy', () => {
  let harness: GatewayHarness;
  let clients: LoopbackClients;

  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache: { enabled: false }\n', providerIds: ['openai'] });
    clients = new LoopbackClients(harness.url);
  });
  afterAll(async () => {
    await harness?.close();
    await clients?.close();
  });

  it('warns once, naming the setting, when X-Forwarded-For comes from a peer; not before', async () => {
    await clients.send('127.0.0.41', '/v1/models', { headers: { authorization: `Bearer ${key}` } });
    expect(harness.logLines.filter(isForwardingWarning)).toHaveLength(0);
    for (const peer of ['127.0.0.42', '127.0.0.43']) {
      const answered = await clients.send(peer, '/v1/models', { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': '198.51.100.1' } });
      expect(answered.status).toBe(200);
    }
    const warnings = harness.logLines.filter(isForwardingWarning);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, peerAddress: '127.0.0.42', trustedProxies: 0 });
    expect(warnings[0]!.msg).toContain('trustedProxies');
    expect(warnings[0]!.msg).toContain('BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES');
    expect(harness.logText()).not.toContain(key);
  });

  it('counts every client of a proxy it was not told of as the proxy', async () => {
    const proxyClients = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
    for (const [index, forwardedFor] of proxyClients.entries()) {
      const failed = await clients.send('127.0.0.44', '/v1/models', { headers: { authorization: `Bearer ${wrongKeys[index]}`, 'x-forwarded-for': forwardedFor } });
      expect(failed.status).toBe(401);
    }
    // Twenty by default: the count is the proxy's, whatever the header says.
    expect(harness.gateway.failedKeyAttempts.trackedAddressCount).toBe(1);
  });
});

describe('a gateway without keys', () => {
  it('says nothing of X-Forwarded-For: it listens on loopback only, and limits no key attempts', async () => {
    const harness = await startGatewayHarness({ keys: [], providerIds: ['openai'] });
    const clients = new LoopbackClients(harness.url);
    try {
      const answered = await clients.send('127.0.0.51', '/v1/models', { headers: { 'x-forwarded-for': '198.51.100.1' } });
      expect(answered.status).toBe(200);
      expect(harness.logLines.filter(isForwardingWarning)).toHaveLength(0);
    } finally {
      await harness.close();
      await clients.close();
    }
  });
});
