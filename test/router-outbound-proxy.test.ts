/**
 * The outbound proxy: `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` from the router's environment, read when it is made,
 * as curl and undici read them. Real HTTP through a real proxy (the `proxy` package, "an HTTP proxy written with
 * Node.js": CONNECT tunnels, `Proxy-Authorization`) to the provider test server. A proxy's credentials ride in its
 * URL and never show in an error.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AllProvidersFailedError, BackupModelRouter, InvalidArgumentError } from '../src/index.js';
import { closedPort } from './closed-port.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
const { makeRouter } = harness;
const groqOnly = { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] };
/** Looks like no known key, so that only its never being quoted keeps it out of a message. */
const secret = 'Pq7ZxW2mTn4Rk9VbLs3Hd6';

let proxy: ProxyServer;
let proxyAddress: string;
/** The `host:port` of each tunnel the proxy was asked to open (CONNECT), whether it opened it or not. */
const tunnels: string[] = [];

beforeAll(async () => {
  proxy = createProxy(createServer());
  proxy.on('connect', (request: IncomingMessage) => tunnels.push(request.url ?? ''));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyAddress = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});
beforeEach(() => {
  tunnels.length = 0;
  proxy.authenticate = undefined;
});

function upstreamHost(): string {
  return new URL(harness.server.url).host;
}

function groqRequests(): number {
  return harness.server.requests.filter((request) => request.provider === 'groq').length;
}

/** The error making a router with this environment throws, or undefined when it was made. */
function constructorRefusalOf(env: Record<string, string>): unknown {
  try {
    makeRouter({ env: { ...harness.server.environment(), ...env } });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('HTTP_PROXY', () => {
  it('carries every provider request through a CONNECT tunnel to the provider, whole answers and streams alike', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `http://${proxyAddress}` } });
    const answer = await router.complete('Hi', groqOnly);
    expect(answer.provider).toBe('groq');
    expect(answer.content.length).toBeGreaterThan(0);
    let streamed = '';
    for await (const chunk of router.stream('Hi again', groqOnly)) if (chunk.type === 'text-delta') streamed += chunk.text;
    expect(streamed.length).toBeGreaterThan(0);
    expect(groqRequests()).toBe(2);
    // One tunnel or more (kept alive between the calls), each to the provider and nowhere else.
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set([upstreamHost()]));
  });

  it('is read in lower case first, as curl reads it; a blank value is unset', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), http_proxy: `http://${proxyAddress}`, HTTP_PROXY: 'ftp://ignored' } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(tunnels).toEqual([upstreamHost()]);
    tunnels.length = 0;
    const direct = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: '  ', HTTPS_PROXY: '' } });
    expect((await direct.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(tunnels).toEqual([]);
  });

  it('leaves alone the hosts NO_PROXY names: they are reached directly', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `http://${proxyAddress}`, NO_PROXY: 'example.com, 127.0.0.1' } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(groqRequests()).toBe(1);
    expect(tunnels).toEqual([]);
  });

  it('leaves alone an address in a CIDR range NO_PROXY names, as a Kubernetes cluster lists its pods and services', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `http://${proxyAddress}`, NO_PROXY: '.svc,10.0.0.0/8,127.0.0.0/8' } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(groqRequests()).toBe(1);
    expect(tunnels).toEqual([]);
  });

  it('is not HTTPS_PROXY: a proxy for https URLs leaves an http base URL direct', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), HTTPS_PROXY: `http://${proxyAddress}` } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(tunnels).toEqual([]);
  });

  it("lets the proxy's sockets go when the router is closed", async () => {
    const router = new BackupModelRouter({ cacheEnabled: false, env: { ...harness.server.environment(), HTTP_PROXY: `http://${proxyAddress}` } });
    await router.complete('Hi', groqOnly);
    const open = await new Promise<number>((resolve) => proxy.getConnections((_error, count) => resolve(count)));
    expect(open).toBeGreaterThan(0);
    await router.close();
    await vi.waitFor(async () => {
      const count = await new Promise<number>((resolve) => proxy.getConnections((_error, connections) => resolve(connections)));
      expect(count).toBe(0);
    });
  });
});

describe('the health status', () => {
  it("names the proxy each provider is reached through, without its credentials, and none for a host NO_PROXY names", async () => {
    const env = harness.server.environment();
    // OpenAI by another name for the same server, which NO_PROXY names: direct, while the others go through the proxy.
    const openAiBaseUrl = env.OPENAI_BASE_URL!.replace('127.0.0.1', 'localhost');
    const router = makeRouter({ env: { ...env, OPENAI_BASE_URL: openAiBaseUrl, HTTP_PROXY: `http://team:${secret}@${proxyAddress}`, NO_PROXY: 'localhost' } });
    const status = router.getHealthStatus();
    expect(status.groq!.outboundProxy).toBe(`http://${proxyAddress}/`);
    expect(status.anthropic!.outboundProxy).toBe(`http://${proxyAddress}/`);
    expect(status.openai!.outboundProxy).toBeNull();
    expect(JSON.stringify(status)).not.toContain(secret);
    // What it says is where the calls go.
    await router.complete('Hi', { route: [{ provider: 'openai', model: 'gpt-4o-mini' }] });
    expect(tunnels).toEqual([]);
    await router.complete('Hi', groqOnly);
    expect(tunnels).toEqual([upstreamHost()]);
  });

  it('names none without a proxy, nor for an http base URL when only HTTPS_PROXY is set', () => {
    const direct = makeRouter();
    expect(Object.values(direct.getHealthStatus()).map((status) => status.outboundProxy)).toEqual(direct.providers.map(() => null));
    const httpsOnly = makeRouter({ env: { ...harness.server.environment(), HTTPS_PROXY: `http://${proxyAddress}` } });
    expect(Object.values(httpsOnly.getHealthStatus()).every((status) => status.outboundProxy === null)).toBe(true);
  });
});

describe("a proxy's credentials", () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('are sent as Proxy-Authorization from the user name and password of its URL', async () => {
    proxy.authenticate = (request) => request.headers['proxy-authorization'] === basic('team', secret);
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `http://team:${secret}@${proxyAddress}` } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(tunnels).toEqual([upstreamHost()]);
  });

  it('refused (407) fail the provider as its configuration, never quoted, and leave its circuit closed', async () => {
    proxy.authenticate = (request) => request.headers['proxy-authorization'] === basic('team', 'the-right-one');
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `http://team:${secret}@${proxyAddress}` } });
    // More refusals than open a circuit on failures of the provider's health (five in a row).
    for (let call = 0; call < 6; call += 1) {
      const error = await router.complete(`Hi ${call}`, groqOnly).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AllProvidersFailedError);
      const [failure] = (error as AllProvidersFailedError).errors;
      expect(failure).toMatchObject({ provider: 'groq', reason: 'configuration' });
      expect(failure?.message).toMatch(/outbound proxy asked for credentials \(407\)/);
      for (const text of [(error as Error).message, JSON.stringify(error), String(failure), JSON.stringify((error as AllProvidersFailedError).attempts)]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(Buffer.from(`team:${secret}`).toString('base64'));
      }
    }
    expect(groqRequests()).toBe(0);
    expect(router.getHealthStatus().groq?.circuitState).toBe('closed');
  });
});

describe('what cannot be reached', () => {
  it('a proxy: the attempt fails as a network failure, as a provider that cannot be reached does', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `http://127.0.0.1:${await closedPort()}` } });
    const error = await router.complete('Hi', groqOnly).catch((caught: unknown) => caught);
    expect((error as AllProvidersFailedError).errors[0]).toMatchObject({ provider: 'groq', reason: 'network' });
    expect((error as AllProvidersFailedError).errors[0]?.message).toMatch(/connection refused/);
    expect(groqRequests()).toBe(0);
  });

  it("a provider behind the proxy (its tunnel refused, 500): a network failure, counted against the provider's circuit", async () => {
    const env = { ...harness.server.environment(), HTTP_PROXY: `http://${proxyAddress}`, GROQ_BASE_URL: `http://127.0.0.1:${await closedPort()}/openai/v1` };
    const router = makeRouter({ env });
    for (let call = 0; call < 5; call += 1) {
      const error = await router.complete(`Hi ${call}`, groqOnly).catch((caught: unknown) => caught);
      const [failure] = (error as AllProvidersFailedError).errors;
      expect(failure).toMatchObject({ provider: 'groq', reason: 'network' });
      expect(failure?.message).toMatch(/outbound proxy could not open a tunnel to the provider \(500\)/);
    }
    expect(router.getHealthStatus().groq?.circuitState).toBe('open');
  });
});

describe('a bad proxy variable', () => {
  function badProxyUrls(): [string, string][] {
    return [
      ['another scheme', `ftp://team:${secret}@${proxyAddress}`],
      ['a query', `http://${proxyAddress}/?token=${secret}`],
      ['a fragment', `http://${proxyAddress}/#${secret}`],
      ['a space inside', `http://${proxyAddress} ${secret}`],
      ['no host', `http://:${secret}@/`],
    ];
  }

  it('is refused when the router is made: an InvalidArgumentError naming the variable, never quoting its value', () => {
    for (const variable of ['HTTPS_PROXY', 'http_proxy']) {
      for (const [label, value] of badProxyUrls()) {
        const error = constructorRefusalOf({ [variable]: value });
        expect(error, label).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).argument, label).toBe(variable);
        expect((error as Error).message, label).toMatch(new RegExp(`^${variable} must be the URL of an http, https, socks5 or socks5h proxy`));
        expect((error as Error).message, label).not.toContain(secret);
      }
    }
    expect(harness.server.requests).toHaveLength(0);
  });

  it('takes a proxy without a scheme as an http proxy, as curl does', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `${proxyAddress}\n` } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(tunnels).toEqual([upstreamHost()]);
  });
});
