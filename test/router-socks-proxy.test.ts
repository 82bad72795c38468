/**
 * A SOCKS5 outbound proxy (`socks5://`, `socks5h://`) in `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY`, as curl reads
 * them (an SSH tunnel's `ssh -D`, a company's SOCKS gateway). Real HTTP through a real SOCKS5 server (the
 * `@pondwader/socks5-server` package: the protocol, RFC 1929's user name and password, rules refusing a destination)
 * to the provider test server. A proxy's credentials ride in its URL and never show in an error or the health output.
 */
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { createServer as createSocksServer, defaultConnectionHandler, type Socks5Server } from '@pondwader/socks5-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AllProvidersFailedError, BackupModelRouter, InvalidArgumentError } from '../src/index.js';
import { closedPort } from './closed-port.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
const { makeRouter } = harness;
const groqOnly = { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] };
/** Looks like no known key, so that only its never being quoted keeps it out of a message. */
const secret = 'Vh3KqT8wXz5Lm2RbNc7Pd4';

let socks: Socks5Server;
let socksPort: number;
/** The `address:port` of each connection the proxy was asked to make, as the client named it (a host name or an address). */
const destinations: string[] = [];
/** The tunnels the proxy holds open now (its side of each). */
const openTunnels = new Set<{ destroy(): void }>();
let refusedPort: number | undefined;

beforeAll(async () => {
  socks = createSocksServer();
  socks.setRulesetValidator((connection) => connection.destPort !== refusedPort);
  socks.setConnectionHandler((connection, sendStatus) => {
    destinations.push(`${connection.destAddress}:${connection.destPort}`);
    openTunnels.add(connection.socket);
    connection.socket.once('close', () => openTunnels.delete(connection.socket));
    return defaultConnectionHandler(connection, sendStatus);
  });
  // It takes a port, not 0.
  socksPort = await closedPort();
  await new Promise<void>((resolve) => socks.listen(socksPort, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const tunnel of openTunnels) tunnel.destroy();
  await new Promise((resolve) => socks.close(resolve));
});
beforeEach(() => {
  destinations.length = 0;
  socks.disableAuthHandler();
  refusedPort = undefined;
});

/** From now on the proxy takes these credentials only (a proxy with none set takes no credentials at all). */
function requireCredentials(username: string, password: string): void {
  socks.setAuthHandler((connection) => connection.username === username && connection.password === password);
}

function upstreamPort(): number {
  return Number(new URL(harness.server.url).port);
}

function groqRequests(): number {
  return harness.server.requests.filter((request) => request.provider === 'groq').length;
}

/** The server's environment with Groq's base URL naming the server `localhost`, not its address. */
function environmentByName(): Record<string, string> {
  const env = harness.server.environment();
  return { ...env, GROQ_BASE_URL: env.GROQ_BASE_URL!.replace('127.0.0.1', 'localhost') };
}

async function refusalOf(router: BackupModelRouter, prompt = 'Hi'): Promise<AllProvidersFailedError> {
  const error = await router.complete(prompt, groqOnly).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AllProvidersFailedError);
  return error as AllProvidersFailedError;
}

describe('a SOCKS5 proxy', () => {
  it('carries whole answers and streams to the provider, its host name resolved by the proxy (socks5h)', async () => {
    const router = makeRouter({ env: { ...environmentByName(), HTTP_PROXY: `socks5h://127.0.0.1:${socksPort}` } });
    const answer = await router.complete('Hi', groqOnly);
    expect(answer.provider).toBe('groq');
    expect(answer.content.length).toBeGreaterThan(0);
    let streamed = '';
    for await (const chunk of router.stream('Hi again', groqOnly)) if (chunk.type === 'text-delta') streamed += chunk.text;
    expect(streamed.length).toBeGreaterThan(0);
    expect(groqRequests()).toBe(2);
    // One tunnel or more (kept alive between the calls), each to the provider by the name in its base URL.
    expect(destinations.length).toBeGreaterThan(0);
    expect(new Set(destinations)).toEqual(new Set([`localhost:${upstreamPort()}`]));
  });

  it('is handed an address resolved here with socks5://, as curl does', async () => {
    const router = makeRouter({ env: { ...environmentByName(), HTTP_PROXY: `socks5://127.0.0.1:${socksPort}` } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(destinations).toEqual([`127.0.0.1:${upstreamPort()}`]);
  });

  it('serves from ALL_PROXY when the scheme has no variable of its own, and NO_PROXY still leaves a host direct', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), ALL_PROXY: `socks5h://127.0.0.1:${socksPort}` } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(destinations).toEqual([`127.0.0.1:${upstreamPort()}`]);
    destinations.length = 0;
    const direct = makeRouter({ env: { ...harness.server.environment(), all_proxy: `socks5h://127.0.0.1:${socksPort}`, NO_PROXY: '127.0.0.1' } });
    expect((await direct.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(destinations).toEqual([]);
  });

  it("lets the proxy's tunnels go when the router is closed", async () => {
    const router = new BackupModelRouter({ cacheEnabled: false, env: { ...harness.server.environment(), HTTP_PROXY: `socks5h://127.0.0.1:${socksPort}` } });
    await router.complete('Hi', groqOnly);
    expect(openTunnels.size).toBeGreaterThan(0);
    await router.close();
    await vi.waitFor(() => expect(openTunnels.size).toBe(0));
  });
});

describe('the health status', () => {
  it('names the SOCKS proxy without its credentials, ALL_PROXY behind the variable of the scheme', () => {
    const env = harness.server.environment();
    const proxies = { ALL_PROXY: `socks5h://team:${secret}@127.0.0.1:${socksPort}`, HTTPS_PROXY: 'http://other.internal:3128' };
    const router = makeRouter({ env: { ...env, ...proxies, ANTHROPIC_BASE_URL: env.ANTHROPIC_BASE_URL!.replace('http://', 'https://') } });
    const status = router.getHealthStatus();
    expect(status.groq!.outboundProxy).toBe(`socks5h://127.0.0.1:${socksPort}`);
    expect(status.anthropic!.outboundProxy).toBe('http://other.internal:3128/');
    expect(JSON.stringify(status)).not.toContain(secret);
  });
});

describe("a SOCKS5 proxy's credentials", () => {
  it('are sent as its user name and password (RFC 1929) from its URL, decoded', async () => {
    requireCredentials('team@corp', `${secret}:%`);
    const proxyUrl = `socks5h://team%40corp:${secret}%3A%25@127.0.0.1:${socksPort}`;
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: proxyUrl } });
    expect((await router.complete('Hi', groqOnly)).provider).toBe('groq');
    expect(destinations).toEqual([`127.0.0.1:${upstreamPort()}`]);
  });

  it('refused fail the provider as its configuration, never quoted, and leave its circuit closed', async () => {
    requireCredentials('team', 'the-right-one');
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `socks5h://team:${secret}@127.0.0.1:${socksPort}` } });
    // More refusals than open a circuit on failures of the provider's health (five in a row).
    for (let call = 0; call < 6; call += 1) {
      const error = await refusalOf(router, `Hi ${call}`);
      const [failure] = error.errors;
      expect(failure).toMatchObject({ provider: 'groq', reason: 'configuration' });
      expect(failure?.message).toMatch(/outbound SOCKS proxy refused its credentials/);
      for (const text of [error.message, JSON.stringify(error), String(failure), JSON.stringify(error.attempts), String(failure?.cause)]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(groqRequests()).toBe(0);
    expect(destinations).toEqual([]);
    expect(router.getHealthStatus().groq?.circuitState).toBe('closed');
  });

  it('missing, when the proxy asks for them, fail the provider as its configuration', async () => {
    requireCredentials('team', secret);
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `socks5h://127.0.0.1:${socksPort}` } });
    const [failure] = (await refusalOf(router)).errors;
    expect(failure).toMatchObject({ provider: 'groq', reason: 'configuration' });
    expect(failure?.message).toMatch(/outbound SOCKS proxy asked for credentials/);
    expect(groqRequests()).toBe(0);
  });
});

describe('what a SOCKS5 proxy will not carry', () => {
  it("a provider its rules forbid: the provider's configuration, its circuit left closed", async () => {
    refusedPort = upstreamPort();
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `socks5h://127.0.0.1:${socksPort}` } });
    for (let call = 0; call < 6; call += 1) {
      const [failure] = (await refusalOf(router, `Hi ${call}`)).errors;
      expect(failure).toMatchObject({ provider: 'groq', reason: 'configuration' });
      expect(failure?.message).toMatch(/outbound SOCKS proxy's rules forbid the provider's host/);
    }
    expect(groqRequests()).toBe(0);
    expect(router.getHealthStatus().groq?.circuitState).toBe('closed');
  });

  it("a provider it cannot reach: a network failure, counted against the provider's circuit", async () => {
    const env = { ...harness.server.environment(), HTTP_PROXY: `socks5h://127.0.0.1:${socksPort}`, GROQ_BASE_URL: `http://127.0.0.1:${await closedPort()}/openai/v1` };
    const router = makeRouter({ env });
    for (let call = 0; call < 5; call += 1) {
      const [failure] = (await refusalOf(router, `Hi ${call}`)).errors;
      expect(failure).toMatchObject({ provider: 'groq', reason: 'network' });
      expect(failure?.message).toMatch(/outbound SOCKS proxy could not reach the provider \(connection refused\)/);
    }
    expect(router.getHealthStatus().groq?.circuitState).toBe('open');
  });

  it('nothing, being down: a network failure, as a provider that cannot be reached is', async () => {
    const router = makeRouter({ env: { ...harness.server.environment(), HTTP_PROXY: `socks5h://team:${secret}@127.0.0.1:${await closedPort()}` } });
    const error = await refusalOf(router);
    expect(error.errors[0]).toMatchObject({ provider: 'groq', reason: 'network' });
    expect(error.errors[0]?.message).toMatch(/connection refused \(ECONNREFUSED\)/);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(groqRequests()).toBe(0);
  });
});

describe('a SOCKS5 proxy that takes the connection and never answers its handshake', () => {
  it('fails the attempt as a timeout within connectTimeoutMs, and lets the connection go', async () => {
    const held = new Set<Socket>();
    // It reads what it is sent (the client's greeting) and answers nothing.
    const silent = createTcpServer((socket) => {
      socket.resume();
      held.add(socket);
      socket.once('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `socks5h://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const router = makeRouter({ connectTimeoutMs: 300, env: { ...harness.server.environment(), HTTP_PROXY: proxyUrl } });
      const [failure] = (await refusalOf(router)).errors;
      expect(failure).toMatchObject({ provider: 'groq', reason: 'timeout' });
      expect(failure?.message).toMatch(/connecting timed out after 300 ms/);
      await vi.waitFor(() => expect(held.size).toBe(0));
      expect(groqRequests()).toBe(0);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('a SOCKS proxy variable the router cannot use', () => {
  it('is refused when the router is made: SOCKS4 or a bare socks://, naming the variable, never quoting it', () => {
    for (const [variable, value] of [
      ['ALL_PROXY', `socks4://team:${secret}@127.0.0.1:1080`],
      ['https_proxy', `socks://team:${secret}@127.0.0.1:1080`],
      ['HTTP_PROXY', `socks5://team:${secret}@127.0.0.1:1080/?token=${secret}`],
    ] as const) {
      let error: unknown;
      try {
        makeRouter({ env: { ...harness.server.environment(), [variable]: value } });
      } catch (caught) {
        error = caught;
      }
      expect(error, value).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(variable);
      expect((error as Error).message).toMatch(new RegExp(`^${variable} must be the URL of an http, https, socks5 or socks5h proxy`));
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
