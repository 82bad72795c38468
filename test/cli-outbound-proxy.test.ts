/**
 * An https provider behind an outbound proxy, as in a company's network: `backup-models chat` (a child process) with
 * `HTTPS_PROXY`, the provider at an https base URL (a TLS front with a certificate for localhost, before the provider
 * test server), reached through the proxy's CONNECT tunnel (the `proxy` package) with TLS ending at the provider.
 * The certificate is trusted through `NODE_EXTRA_CA_CERTS`, as a company's own CA is; without it the handshake
 * fails, which shows the proxy did not end TLS itself. A proxy spoken to over TLS (`https://`) is tested the same way,
 * and so is a SOCKS5 proxy (`ALL_PROXY=socks5h://`, the `@pondwader/socks5-server` package), TLS to the provider
 * starting inside its tunnel.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createServer as createSocksServer, defaultConnectionHandler, type Socks5Server } from '@pondwader/socks5-server';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';
import { type BuiltCliRun, buildCliIfStale, runBuiltCli } from './built-cli.js';
import { closedPort } from './closed-port.js';

const certificatePath = fileURLToPath(new URL('./fixtures/tls/localhost-cert.pem', import.meta.url));
const keyPath = fileURLToPath(new URL('./fixtures/tls/localhost-key.pem', import.meta.url));

let providers: ProviderTestServer;
let tlsFront: TlsServer;
let proxy: ProxyServer;
/** The same proxy spoken to over TLS (an https:// proxy URL), with the localhost certificate. */
let httpsProxy: ProxyServer;
const tunnels: string[] = [];
let socks: Socks5Server;
let socksPort: number;

beforeAll(async () => {
  await buildCliIfStale();
  providers = await startProviderTestServer();
  const providerPort = Number(new URL(providers.url).port);
  // TLS ends here, and the bytes go on to the provider test server as they are.
  tlsFront = createTlsServer({ key: readFileSync(keyPath), cert: readFileSync(certificatePath) }, (socket) => {
    const upstream = connect(providerPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => tlsFront.listen(0, '127.0.0.1', resolve));
  proxy = createProxy(createServer());
  httpsProxy = createProxy(createHttpsServer({ key: readFileSync(keyPath), cert: readFileSync(certificatePath) }));
  for (const server of [proxy, httpsProxy]) {
    server.on('connect', (request: IncomingMessage) => tunnels.push(request.url ?? ''));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  socks = createSocksServer().setConnectionHandler((connection, sendStatus) => {
    tunnels.push(`socks5 ${connection.destAddress}:${connection.destPort}`);
    return defaultConnectionHandler(connection, sendStatus);
  });
  // The SOCKS server takes a port, not 0.
  socksPort = await closedPort();
  await new Promise<void>((resolve) => socks.listen(socksPort, '127.0.0.1', resolve));
}, 180_000);
afterAll(async () => {
  for (const server of [proxy, httpsProxy]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  await new Promise((resolve) => socks?.close(resolve));
  await new Promise((resolve) => tlsFront?.close(resolve));
  await providers?.close();
});

function chat(extraEnv: Readonly<Record<string, string>>): Promise<BuiltCliRun> {
  return runCli(['chat', 'Hi', '--provider', 'groq', '--only'], extraEnv);
}

function runCli(args: readonly string[], extraEnv: Readonly<Record<string, string>>): Promise<BuiltCliRun> {
  const tlsPort = (tlsFront.address() as AddressInfo).port;
  return runBuiltCli(args, {
    GROQ_API_KEY: 'test-key-groq',
    GROQ_BASE_URL: `https://localhost:${tlsPort}/groq/openai/v1`,
    HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    ...extraEnv,
  });
}

it('reaches an https provider through the CONNECT tunnel of HTTPS_PROXY, TLS ending at the provider', async () => {
  tunnels.length = 0;
  const result = await chat({ NODE_EXTRA_CA_CERTS: certificatePath });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trim().length).toBeGreaterThan(0);
  expect(tunnels).toEqual([`localhost:${(tlsFront.address() as AddressInfo).port}`]);
  const [request] = providers.requests.filter((recorded) => recorded.provider === 'groq');
  expect(request?.headers.authorization).toBe('Bearer test-key-groq');
});

it('speaks TLS to an https:// proxy too, and inside its tunnel TLS to the provider', async () => {
  tunnels.length = 0;
  const result = await chat({ NODE_EXTRA_CA_CERTS: certificatePath, HTTPS_PROXY: `https://localhost:${(httpsProxy.address() as AddressInfo).port}` });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trim().length).toBeGreaterThan(0);
  expect(tunnels).toEqual([`localhost:${(tlsFront.address() as AddressInfo).port}`]);
});

it('reaches an https provider through a SOCKS5 proxy in ALL_PROXY, TLS starting inside its tunnel', async () => {
  tunnels.length = 0;
  const socksProxy = { HTTPS_PROXY: '', ALL_PROXY: `socks5h://127.0.0.1:${socksPort}` };
  const result = await chat({ NODE_EXTRA_CA_CERTS: certificatePath, ...socksProxy });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trim().length).toBeGreaterThan(0);
  expect(tunnels).toEqual([`socks5 localhost:${(tlsFront.address() as AddressInfo).port}`]);
  // The certificate not trusted, the handshake with the provider fails: the proxy only carried the bytes.
  tunnels.length = 0;
  const untrusted = await chat(socksProxy);
  expect(untrusted.code).toBe(1);
  expect(untrusted.stderr).toMatch(/All providers failed: groq \(network: the TLS handshake failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\)/);
  expect(tunnels).toHaveLength(1);
});

it('fails the TLS handshake with a certificate the process does not trust: the proxy only carries the bytes', async () => {
  tunnels.length = 0;
  const before = providers.requests.length;
  const result = await chat({});
  expect(result.code).toBe(1);
  // The one difference from the test above is the certificate's trust: the handshake with the provider failed.
  expect(result.stderr).toMatch(/All providers failed: groq \(network: the TLS handshake failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\)/);
  expect(tunnels).toHaveLength(1);
  expect(providers.requests.length).toBe(before);
});

it('health names the proxy each provider is reached through, and reaches the provider through it', async () => {
  tunnels.length = 0;
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
  const table = await runCli(['health'], { NODE_EXTRA_CA_CERTS: certificatePath });
  expect(table.code, table.stderr).toBe(0);
  const [header, ...lines] = table.stdout.trim().split('\n');
  expect(header).toMatch(/^PROVIDER\s+KEY\s+REACHABLE\s+CIRCUIT\s+LATENCY\s+PROXY\s+DETAIL$/);
  expect(lines.find((line) => line.startsWith('groq '))).toMatch(new RegExp(`^groq\\s+set\\s+yes\\s+closed\\s+\\d+ ms\\s+${proxyUrl.replaceAll('.', '\\.')}`));
  expect(tunnels).toEqual([`localhost:${(tlsFront.address() as AddressInfo).port}`]);
  const json = await runCli(['health', '--json'], { NODE_EXTRA_CA_CERTS: certificatePath, NO_PROXY: 'api.openai.com' });
  const rows = JSON.parse(json.stdout) as { provider: string; outboundProxy: string | null }[];
  // Every provider's default base URL is https, so behind HTTPS_PROXY but for the one NO_PROXY names.
  expect(Object.fromEntries(rows.map((row) => [row.provider, row.outboundProxy]))).toMatchObject({ groq: proxyUrl, anthropic: proxyUrl, openai: null });
});
