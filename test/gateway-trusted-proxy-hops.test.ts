/**
 * A gateway behind reverse proxies it counts rather than names (`trustedProxyHops`), over real HTTP, as
 * Express's `trust proxy: N` counts them: the socket's peer is the first hop, whatever its address, and the
 * client is the Nth entry from the right of X-Forwarded-For (or of Forwarded, with `clientAddressHeader:
 * forwarded`), the leftmost when there are fewer. The failed key attempts, the dashboard's sign-ins and each
 * call's log line count that client; the dashboard's session cookie is Secure by the `proto` of its Forwarded
 * element. No peer is warned of as untrusted; a header naming fewer hops than counted is warned of once. The
 * peers are distinct loopback addresses (127.0.0.x); the gateway's clock is a manual one.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { gatewayKeys, type GatewayHarness } from './gateway-harness.js';
import { type DashboardGatewayHarness, startDashboardGatewayHarness } from './dashboard-gateway-harness.js';
import type { LoopbackClients } from './loopback-clients.js';

const [key] = gatewayKeys;
const wrongKeys = ['wrong-key-guess-0000000001', 'wrong-key-guess-0000000002', 'wrong-key-guess-0000000003'];
const windowMs = 60_000;
/** The outer proxy (a load balancer), whose address the inner one appends; the inner one, the gateway's peer. */
const outerProxy = '127.0.0.80';
const proxy = '127.0.0.81';
const question = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };
const limitWarning = 'too many failed gateway key attempts: key attempts from this address are refused until its window ends';
const isUntrustedPeerWarning = (line: Record<string, unknown>): boolean => typeof line.msg === 'string' && line.msg.includes('not a trusted proxy');
const isShortHeaderWarning = (line: Record<string, unknown>): boolean => typeof line.msg === 'string' && line.msg.includes('fewer hops');

describe('behind two proxies, counted (trustedProxyHops: 2)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  let harness: GatewayHarness;
  let clients: LoopbackClients;

  let setup: DashboardGatewayHarness | undefined;
  beforeAll(async () => {
    setup = await startDashboardGatewayHarness({
      yamlText: `limits: { maxFailedKeyAttempts: 3, failedKeyAttemptWindowMs: ${windowMs} }\ntrustedProxyHops: 2\ncache: { enabled: false }\n`,
      adminKeys: [key],
      providerIds: ['openai'],
      gatewayOptions: { clock },
    });
    ({ harness, clients } = setup);
  });
  afterAll(() => setup?.close());
  beforeEach(() => harness.providers.reset());

  /** A chat completion from `peer` with `forwardedFor` as X-Forwarded-For; what it threw, or its answer. */
  const ask = (peer: string, apiKey: string, forwardedFor?: string) =>
    clients
      .openAIFrom(peer, apiKey, forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor })
      .chat.completions.create(question)
      .catch((caught: unknown) => caught);
  const lastCallLine = (): Record<string, unknown> | undefined => harness.logLines.filter((line) => line.id !== undefined).at(-1);

  it("limits two clients apart by the entry second from the right; what a client writes to its left is not read", async () => {
    for (const wrongKey of wrongKeys) expect(await ask(proxy, wrongKey, `198.51.100.1, ${outerProxy}`)).toBeInstanceOf(OpenAI.AuthenticationError);
    const refused = await ask(proxy, key, `198.51.100.1, ${outerProxy}`);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_failed_key_attempts' });
    // The same client whatever it writes to the left, and whichever hop is nearest: the count, not the address, decides.
    expect(await ask(proxy, key, `198.51.100.77, 198.51.100.1, ${outerProxy}`)).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask('127.0.0.82', key, '198.51.100.1, 203.0.113.9')).toBeInstanceOf(OpenAI.RateLimitError);
    expect(harness.providers.requests).toHaveLength(0);
    // Another client behind the same proxies is let in, and neither proxy was counted.
    expect(await ask(proxy, key, `198.51.100.2, ${outerProxy}`)).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.2' });
    expect(await ask(proxy, key, `${outerProxy}, ${proxy}`)).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: outerProxy });
    const limited = harness.logLines.filter((line) => line.msg === limitWarning).map((line) => line.clientAddress);
    expect(limited).toEqual(['198.51.100.1']);
    clock.advance(windowMs);
  });

  it('stops at an entry that is not an address, at the hop that handed it over; with no header, the peer', async () => {
    expect(await ask(proxy, key, `unknown, ${outerProxy}`)).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ clientAddress: outerProxy });
    expect(await ask(proxy, key, 'garbage')).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ clientAddress: proxy });
    // Before the count is reached too: the entry to its left, whatever it says, is not read.
    expect(await ask(proxy, key, '198.51.100.3, unknown')).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ clientAddress: proxy });
    // A health check from the proxy itself, with no header: its own address, and no warning.
    expect(await ask(proxy, key)).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ clientAddress: proxy });
    expect(harness.logLines.filter(isShortHeaderWarning)).toHaveLength(0);
  });

  it("counts the dashboard's wrong sign-ins against the same client as the API's", async () => {
    const signIn = (forwardedFor: string, presentedKey: string) => clients.signIn(proxy, presentedKey, { 'x-forwarded-for': forwardedFor });
    for (const wrongKey of wrongKeys) expect((await signIn(`198.51.100.6, ${outerProxy}`, wrongKey)).status).toBe(401);
    expect((await signIn(`198.51.100.6, ${outerProxy}`, key)).status).toBe(429);
    expect(await ask(proxy, key, `198.51.100.6, ${outerProxy}`)).toBeInstanceOf(OpenAI.RateLimitError);
    expect((await signIn(`198.51.100.7, ${outerProxy}`, key)).status).toBe(303);
    clock.advance(windowMs);
  });

  it('with fewer entries than hops, takes the leftmost (not the peer) and warns of it once; no peer is warned of as untrusted', async () => {
    expect(await ask(proxy, key, '198.51.100.8')).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.8' });
    expect(await ask('127.0.0.83', key, '198.51.100.9')).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.9' });
    const warnings = harness.logLines.filter(isShortHeaderWarning);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, peerAddress: proxy, trustedProxyHops: 2, headerHops: 1 });
    expect(warnings[0]!.msg).toMatch(/^requests come with fewer hops in X-Forwarded-For than trustedProxyHops counts/);
    expect(warnings[0]!.msg).toContain('BACKUP_MODELS_GATEWAY_TRUSTED_PROXY_HOPS');
    expect(harness.logLines.filter(isUntrustedPeerWarning)).toHaveLength(0);
    for (const secret of [key, ...wrongKeys]) expect(harness.logText()).not.toContain(secret);
  });
});

describe('behind one proxy that writes Forwarded, counted (trustedProxyHops: 1, clientAddressHeader: forwarded)', () => {
  let harness: GatewayHarness;
  let clients: LoopbackClients;

  let setup: DashboardGatewayHarness | undefined;
  beforeAll(async () => {
    setup = await startDashboardGatewayHarness({
      yamlText: 'limits: { maxFailedKeyAttempts: 3 }\ntrustedProxyHops: 1\nclientAddressHeader: forwarded\ncache: { enabled: false }\n',
      adminKeys: [key],
      providerIds: ['openai'],
    });
    ({ harness, clients } = setup);
  });
  afterAll(() => setup?.close());

  it("counts the client the rightmost element's for names, from any peer, and logs it; X-Forwarded-For is not read", async () => {
    const lastCallLine = (): Record<string, unknown> | undefined => harness.logLines.filter((line) => line.id !== undefined).at(-1);
    const ask = (headers: Record<string, string>) => clients.openAIFrom(proxy, key, headers).chat.completions.create(question);
    await ask({ forwarded: 'for=198.51.100.66, for="198.51.100.20:4711";proto=https', 'x-forwarded-for': '198.51.100.21' });
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.20' });
    for (const wrongKey of wrongKeys) {
      const failed = await clients.send('127.0.0.84', '/v1/models', { headers: { authorization: `Bearer ${wrongKey}`, forwarded: 'for=198.51.100.22' } });
      expect(failed.status).toBe(401);
    }
    const refused = await clients.send(proxy, '/v1/models', { headers: { authorization: `Bearer ${key}`, forwarded: 'for=198.51.100.66, for=198.51.100.22' } });
    expect(refused.status).toBe(429);
    // The peers that sent them were not counted.
    expect((await clients.send('127.0.0.84', '/v1/models', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect(harness.logLines.filter(isUntrustedPeerWarning)).toHaveLength(0);
  });

  it("marks the dashboard's session cookie Secure by the proto of the element the client is read from", async () => {
    const setCookie = async (headers: Record<string, string>): Promise<string> => {
      const sent = await clients.signIn(proxy, key, headers);
      expect(sent.status, JSON.stringify(headers)).toBe(303);
      return sent.headers.get('set-cookie') ?? '';
    };
    const secure = /HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/;
    expect(await setCookie({ forwarded: 'for=198.51.100.30;proto=https' })).toMatch(secure);
    expect(await setCookie({ forwarded: 'for=198.51.100.99;proto=http, for=198.51.100.30;proto=https' })).toMatch(secure);
    // What a client wrote to the left of the counted element, and X-Forwarded-Proto, are not read.
    expect(await setCookie({ forwarded: 'for=198.51.100.99;proto=https, for=198.51.100.30;proto=http' })).toMatch(/Max-Age=\d+$/);
    expect(await setCookie({ forwarded: 'for=198.51.100.30', 'x-forwarded-proto': 'https' })).toMatch(/Max-Age=\d+$/);
  });
});
