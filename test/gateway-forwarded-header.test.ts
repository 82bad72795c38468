/**
 * A gateway behind reverse proxies that write `Forwarded` (RFC 7239), over real HTTP: with
 * `clientAddressHeader: forwarded`, the failed key attempts of each client count against the address its
 * trusted proxy names in `for`, however it is written; what a client writes to the left of it is not read, and
 * `X-Forwarded-For` is not read at all (such proxies may pass a client's own on). The gateway warns of
 * `Forwarded`, not `X-Forwarded-For`, from a peer it does not trust. The dashboard's session cookie is Secure
 * by the `proto` of the element the client is read from, and `X-Forwarded-Proto` is not read. The "proxies" and
 * the other peers are distinct loopback addresses (127.0.0.x); the gateway's clock is a manual one.
 */
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
/** 127.0.0.60 to 127.0.0.63. */
const trustedRange = '127.0.0.60/30';
const proxy = '127.0.0.61';
const innerProxy = '127.0.0.62';
const forwardedForProxy = '127.0.0.63';
const untrustedPeer = '127.0.0.71';
const question = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };

describe('behind a trusted proxy that writes Forwarded', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  let harness: GatewayHarness;
  let dashboard: Dashboard;
  let clients: LoopbackClients;

  let setup: DashboardGatewayHarness | undefined;
  beforeAll(async () => {
    setup = await startDashboardGatewayHarness({
      yamlText:
        `limits: { maxFailedKeyAttempts: 3, failedKeyAttemptWindowMs: ${windowMs} }\n` +
        `trustedProxies: [${trustedRange}]\nclientAddressHeader: forwarded\ncache: { enabled: false }\n`,
      adminKeys: [key],
      providerIds: ['openai'],
      gatewayOptions: { clock },
    });
    ({ harness, dashboard, clients } = setup);
  });
  afterAll(() => setup?.close());
  beforeEach(() => harness.providers.reset());

  /** A chat completion from `peer` with `headers`; what it threw, or its answer. */
  const ask = (peer: string, apiKey: string, headers: Record<string, string> = {}) =>
    clients.openAIFrom(peer, apiKey, headers).chat.completions.create(question).catch((caught: unknown) => caught);

  async function failWithWrongKeys(peer: string, headers: readonly Record<string, string>[]): Promise<void> {
    for (const [index, wrongKey] of wrongKeys.entries()) {
      expect(await ask(peer, wrongKey, headers[index]), JSON.stringify(headers[index])).toBeInstanceOf(OpenAI.AuthenticationError);
    }
  }

  it('limits two clients behind it apart, by the for= the proxy wrote, however it wrote it', async () => {
    await failWithWrongKeys(proxy, [
      { forwarded: 'for=198.51.100.1' },
      { forwarded: 'for="198.51.100.1:50123";proto=http;by=127.0.0.61' },
      { forwarded: 'proto=https;For=198.51.100.1' },
    ]);
    const refused = await ask(proxy, key, { forwarded: 'for=198.51.100.1' });
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_failed_key_attempts' });
    expect(harness.providers.requests).toHaveLength(0);

    const second = await ask(proxy, key, { forwarded: 'for="198.51.100.2:5123"' });
    expect(second).not.toBeInstanceOf(Error);
    expect((second as OpenAI.ChatCompletion).choices[0]?.message.content).toBeTruthy();
    // The proxy's own requests (no header) are its own address's.
    expect(await ask(proxy, key)).not.toBeInstanceOf(Error);

    // Through two proxies the same client; what it writes itself, to the left of the proxy's element, is not
    // read, an unclosed quote included; nor is X-Forwarded-For, whatever it says.
    expect(await ask(innerProxy, key, { forwarded: `for=198.51.100.1, for=${proxy}` })).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(proxy, key, { forwarded: 'for=198.51.100.77, for=198.51.100.1' })).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(proxy, key, { forwarded: 'for="198.51.100.77, for=198.51.100.1' })).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(proxy, key, { forwarded: 'for=198.51.100.1', 'x-forwarded-for': '198.51.100.3' })).toBeInstanceOf(OpenAI.RateLimitError);
    expect(harness.providers.requests).toHaveLength(2);

    clock.advance(windowMs);
    expect(await ask(proxy, key, { forwarded: 'for=198.51.100.1' })).not.toBeInstanceOf(Error);
  });

  it('counts an IPv6 client by its /64, in brackets with or without a port', async () => {
    await failWithWrongKeys(proxy, [
      { forwarded: 'for="[2001:db8:1:2::1]"' },
      { forwarded: 'for="[2001:db8:1:2::99]:4711"' },
      { forwarded: 'for="[2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd]:_port"' },
    ]);
    expect(await ask(proxy, key, { forwarded: 'for="[2001:db8:1:2::5]"' })).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(proxy, key, { forwarded: 'for="[2001:db8:1:3::1]"' })).not.toBeInstanceOf(Error);
    clock.advance(windowMs);
  });

  it('counts every X-Forwarded-For client, and unknown and hidden ones, against the proxy that sent them', async () => {
    await failWithWrongKeys(forwardedForProxy, [{ 'x-forwarded-for': '198.51.100.11' }, { forwarded: 'for=unknown' }, { forwarded: 'for=_hidden' }]);
    expect(await ask(forwardedForProxy, key, { 'x-forwarded-for': '198.51.100.12' })).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask(forwardedForProxy, key)).toBeInstanceOf(OpenAI.RateLimitError);
    // The address X-Forwarded-For named was never counted.
    expect(await ask(proxy, key, { forwarded: 'for=198.51.100.11' })).not.toBeInstanceOf(Error);
    clock.advance(windowMs);
  });

  it("names the client in each call's log line: the one Forwarded names, else the proxy", async () => {
    const lastCallLine = (): Record<string, unknown> | undefined => harness.logLines.filter((line) => line.id !== undefined).at(-1);
    expect(await ask(proxy, key, { forwarded: 'for=198.51.100.40;proto=https', 'x-forwarded-for': '198.51.100.41' })).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: '198.51.100.40' });
    expect(await ask(proxy, key, { forwarded: 'for=unknown', 'x-forwarded-for': '198.51.100.41' })).not.toBeInstanceOf(Error);
    expect(lastCallLine()).toMatchObject({ outcome: 'success', clientAddress: proxy });
  });

  it('warns once of Forwarded from a peer that is not a trusted proxy, and not of X-Forwarded-For', async () => {
    const isForwardingWarning = (line: Record<string, unknown>): boolean => typeof line.msg === 'string' && line.msg.startsWith('requests come with');
    expect(await ask(untrustedPeer, key, { 'x-forwarded-for': '198.51.100.50' })).not.toBeInstanceOf(Error);
    expect(harness.logLines.filter(isForwardingWarning)).toHaveLength(0);
    expect(await ask(untrustedPeer, key, { forwarded: 'for=198.51.100.50' })).not.toBeInstanceOf(Error);
    const warnings = harness.logLines.filter(isForwardingWarning);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, peerAddress: untrustedPeer, trustedProxies: 1 });
    expect(warnings[0]!.msg).toMatch(/^requests come with Forwarded from an address that is not a trusted proxy/);
    for (const secret of [key, ...wrongKeys]) expect(harness.logText()).not.toContain(secret);
  });

  // After the warning's test: a sign-in from the untrusted peer here would be the warning it waits for.
  it("marks the dashboard's session cookie Secure by the proto= the outermost trusted proxy wrote, not by X-Forwarded-Proto", async () => {
    /** The Set-Cookie of a sign-in, or of a sign-out, from `peer` with `headers`. */
    const setCookie = async (peer: string, headers: Record<string, string>, signOut = false): Promise<string> => {
      const sent = signOut ? await clients.send(peer, '/dashboard/logout', { method: 'POST', headers }) : await clients.signIn(peer, key, headers);
      expect(sent.status, JSON.stringify(headers)).toBe(303);
      return sent.headers.get('set-cookie') ?? '';
    };
    const secure = /HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/;

    expect(await setCookie(proxy, { forwarded: 'for=198.51.100.30;proto=https' })).toMatch(secure);
    expect(await setCookie(proxy, { forwarded: 'for="198.51.100.30:5123";proto="HTTPS"' })).toMatch(secure);
    expect(await setCookie(proxy, { forwarded: 'for=198.51.100.30;proto=https' }, true)).toMatch(/Max-Age=0; Secure$/);
    // Through two proxies: what the outer one says of the client, not what the inner one says of the outer one.
    expect(await setCookie(innerProxy, { forwarded: `for=198.51.100.30;proto=https, for=${proxy};proto=http` })).toMatch(secure);

    const plain: Record<string, string>[] = [
      { forwarded: 'for=198.51.100.30;proto=http', 'x-forwarded-proto': 'https' },
      { forwarded: 'for=198.51.100.30', 'x-forwarded-proto': 'https' },
      { 'x-forwarded-proto': 'https' },
      { forwarded: `for=198.51.100.30;proto=http, for=${proxy};proto=https` },
      // What the client wrote to the left of its proxy's element.
      { forwarded: 'for=198.51.100.99;proto=https, for=198.51.100.30;proto=http' },
    ];
    for (const headers of plain) expect(await setCookie(proxy, headers), JSON.stringify(headers)).toMatch(/Max-Age=\d+$/);
    // A peer that is not a trusted proxy is not believed.
    expect(await setCookie(untrustedPeer, { forwarded: 'for=198.51.100.30;proto=https' })).toMatch(/Max-Age=\d+$/);
  });
});
