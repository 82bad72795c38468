/**
 * `serve` reloading its configuration on SIGHUP, as an operator does it: `node dist/cli/main.js serve` as a child
 * process, its YAML file and envFile rewritten in a temporary directory, then `kill -HUP`. What a user checks: the new
 * gateway key is let in and the removed one refused, the new provider key is what the upstream receives, an invalid
 * file changes nothing, a stream in flight across the reload ends whole, a changed outbound proxy is the next
 * call's, a renewed TLS certificate is served, and no key (nor a proxy's password) reaches the log. And `serve` with
 * `tls`: HTTPS with the files it names.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import { startServeChild } from './serve-child.js';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect as connectTls } from 'node:tls';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTestGate, useTestRedis } from '../src/shared-state/redis-test-gate.test-support.js';
import { mainScript, useBuiltCliAndProviders } from './built-cli.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);


const providers = useBuiltCliAndProviders();

const oldKey = 'reload-old-gateway-key-0123456789';
const newKey = 'reload-new-gateway-key-9876543210';
const adminKey = 'reload-admin-gateway-key-5555555555';
const firstProviderKey = 'sk-reload-first-provider-key-111111';
const secondProviderKey = 'sk-reload-second-provider-key-22222';
const everySecret = [oldKey, newKey, adminKey, firstProviderKey, secondProviderKey];
const question = [{ role: 'user' as const, content: 'Say hello.' }];

/** A configuration directory: gateway.yaml naming gateway.env beside it. */
interface ConfigurationFiles {
  readonly configPath: string;
  write(options: {
    readonly gatewayKeys: readonly string[];
    readonly openAIKey: string;
    readonly extraYaml?: string;
    /** More NAME=value lines of the envFile. */
    readonly extraEnv?: string;
  }): void;
  writeYaml(text: string): void;
}

function configurationFiles(): ConfigurationFiles {
  const directory = mkdtempSync(join(tmpdir(), 'backup-models-reload-'));
  const configPath = join(directory, 'gateway.yaml');
  const writeYaml = (text: string): void => writeFileSync(configPath, text);
  return {
    configPath,
    writeYaml,
    write: ({ gatewayKeys, openAIKey, extraYaml = '', extraEnv = '' }) => {
      writeFileSync(join(directory, 'gateway.env'), `OPENAI_API_KEY=${openAIKey}\n${extraEnv}`);
      const keys = gatewayKeys.map((key, index) => `  - { name: caller-${index}, key: ${key} }`).join('\n');
      writeYaml(`envFile: gateway.env\nkeys:\n${keys}\n  - { name: ops, key: ${adminKey}, admin: true }\n${extraYaml}`);
    },
  };
}

interface Serving {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** SIGTERM; resolves with the exit code, once the process has exited (nothing it left open keeps it alive). */
  stop(): Promise<number | null>;
  stderr(): string;
  /** The log's lines so far whose message is `message`, parsed. */
  linesSaying(message: string): Record<string, unknown>[];
  client(apiKey: string): OpenAI;
}

const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

async function startServe(configPath: string, env: Readonly<Record<string, string>> = {}): Promise<Serving> {
  const serving = await startServeChild({ mainScript, args: ['--config', configPath], env: { ...providers().environment(), ...env } });
  const { child, url, exited } = serving;
  running.push(child);
  const lines = (): Record<string, unknown>[] =>
    serving
      .stderr()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    url,
    child,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    stderr: serving.stderr,
    linesSaying: (message) => lines().filter((line) => line.msg === message),
    client: (apiKey) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 15_000 }),
  };
}

/** SIGHUP, then wait for the log line that says how the reload went (the how-many-th such line). */
async function reload(serving: Serving, message: string, count = 1): Promise<Record<string, unknown>> {
  serving.child.kill('SIGHUP');
  await expect.poll(() => serving.linesSaying(message).length, { timeout: 10_000 }).toBe(count);
  return serving.linesSaying(message).at(-1)!;
}

const statusOf = (call: Promise<unknown>): Promise<number> =>
  call.then(
    () => 200,
    (error: unknown) => (error instanceof OpenAI.APIError ? (error.status ?? 0) : -1),
  );

const lastOpenAIAuthorization = (): string | undefined => providers().requests.filter((request) => request.provider === 'openai').at(-1)?.headers.authorization;

async function metricsText(serving: Serving): Promise<string> {
  const response = await fetch(`${serving.url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
  return response.text();
}

describe('serve on SIGHUP', () => {
  it('takes a new gateway key and a new provider key from the rewritten files, and refuses the removed key', async () => {
    const files = configurationFiles();
    files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey });
    const serving = await startServe(files.configPath);
    await serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question });
    expect(lastOpenAIAuthorization()).toBe(`Bearer ${firstProviderKey}`);

    // `port` changed too: the socket stays where it is, and the log says a restart is needed for it.
    files.write({ gatewayKeys: [newKey], openAIKey: secondProviderKey, extraYaml: 'port: 9\n' });
    expect(providers().openConnections).toBeGreaterThan(0);
    await reload(serving, 'configuration reloaded');
    expect(serving.linesSaying('configuration reloaded but for these settings, which only a restart changes: their values in use stay')).toMatchObject([
      { settings: ['port'] },
    ]);
    // Nothing was in flight: the replaced router is closed at once, and its pool's keep-alive connection with it
    // (left open, the pool would hold it for its 4 s keep-alive; the poll gives up after 2 s).
    await expect.poll(() => providers().openConnections, { timeout: 2_000 }).toBe(0);

    await serving.client(newKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question });
    expect(lastOpenAIAuthorization()).toBe(`Bearer ${secondProviderKey}`);
    expect(await statusOf(serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }))).toBe(401);
    expect(await metricsText(serving)).toMatch(/backup_models_config_reloads_total\{result="ok"\} 1/);
    // The replaced router was closed: nothing of it (a socket, a timer) keeps the process from exiting.
    expect(await serving.stop()).toBe(0);
    for (const secret of everySecret) expect(serving.stderr()).not.toContain(secret);
  });

  it('refuses an invalid file in one log line without a key, and keeps serving on the configuration in use', async () => {
    const files = configurationFiles();
    files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey });
    const serving = await startServe(files.configPath);

    // A key entry with a mistyped field holding the new key: refused, and the key never quoted.
    files.writeYaml(`envFile: gateway.env\nkeys:\n  - { name: caller, kye: ${newKey} }\n`);
    const refusal = await reload(serving, 'configuration reload refused: the gateway keeps serving on the configuration in use');
    expect(refusal).toMatchObject({ level: 50, error: expect.stringMatching(/keys\[0\]/) });
    files.writeYaml('envFile: gateway.env\nkeys: [\n');
    await reload(serving, 'configuration reload refused: the gateway keeps serving on the configuration in use', 2);

    expect(await statusOf(serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }))).toBe(200);
    expect(lastOpenAIAuthorization()).toBe(`Bearer ${firstProviderKey}`);
    expect(await statusOf(serving.client(newKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }))).toBe(401);
    const metrics = await metricsText(serving);
    expect(metrics).toMatch(/backup_models_config_reloads_total\{result="refused"\} 2/);
    expect(metrics).toMatch(/backup_models_config_last_reload_successful 0/);
    expect(serving.linesSaying('configuration reloaded')).toHaveLength(0);
    for (const secret of everySecret) expect(serving.stderr()).not.toContain(secret);
  });

  it('lets a stream in flight across the reload end whole on the configuration it began on', async () => {
    const files = configurationFiles();
    files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey });
    const serving = await startServe(files.configPath);
    providers().setBehavior('openai', { kind: 'success', text: 'A stream that outlives the configuration it began on.', chunkDelayMs: 150 });
    const stream = await serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    let text = '';
    const first = await iterator.next();
    text += first.done ? '' : (first.value.choices[0]?.delta.content ?? '');

    files.write({ gatewayKeys: [newKey], openAIKey: secondProviderKey });
    await reload(serving, 'configuration reloaded');
    expect(await statusOf(serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }))).toBe(401);

    for (let next = await iterator.next(); !next.done; next = await iterator.next()) text += next.value.choices[0]?.delta.content ?? '';
    expect(text).toBe('A stream that outlives the configuration it began on.');
    const streamed = providers().requests.find((request) => request.provider === 'openai' && request.stream);
    expect(streamed?.headers.authorization).toBe(`Bearer ${firstProviderKey}`);
  });

  redis.it('with shared state on Redis, keeps the cache, names REDIS_URL as needing a restart, and leaves no connection open', async () => {
    const files = configurationFiles();
    files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey });
    const redisEnv = { REDIS_URL: 'redis://127.0.0.1:6379', BACKUP_MODELS_REDIS_PREFIX: testRedis.prefix() };
    const serving = await startServe(files.configPath, redisEnv);
    // Both connections ready (the log says so), so the first answer is kept on Redis too.
    await expect.poll(() => serving.linesSaying('redis ready').length, { timeout: 10_000 }).toBe(2);
    const ask = () => serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }).withResponse();
    expect((await ask()).response.headers.get('x-backup-models-cache')).toBe('miss');

    // The same server under another spelling: a new REDIS_URL, which only a restart would connect to.
    files.write({ gatewayKeys: [oldKey, newKey], openAIKey: secondProviderKey, extraEnv: 'REDIS_URL=redis://127.0.0.1:6379/0\n' });
    await reload(serving, 'configuration reloaded');
    expect(serving.linesSaying('configuration reloaded but for these settings, which only a restart changes: their values in use stay')).toMatchObject([
      { settings: ['REDIS_URL'] },
    ]);
    expect((await ask()).response.headers.get('x-backup-models-cache')).toBe('hit');
    expect(await serving.stop()).toBe(0);
    for (const secret of everySecret) expect(serving.stderr()).not.toContain(secret);
  });

  /** The gateway's `/health` as the admin reads it. */
  async function healthText(url: string): Promise<string> {
    const response = await fetch(`${url}/health`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(200);
    return response.text();
  }

  it('takes an outbound proxy changed in the envFile: through the proxy before, around it after, its password never logged', async () => {
    const proxy = createProxy(createServer());
    const tunnels: string[] = [];
    proxy.on('connect', (request: IncomingMessage) => tunnels.push(request.url ?? ''));
    const proxyPassword = 'proxy-password-7Hk2Lq9Zr4';
    proxy.authenticate = (request) => request.headers['proxy-authorization'] === `Basic ${Buffer.from(`team:${proxyPassword}`).toString('base64')}`;
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyEnv = `HTTP_PROXY=http://team:${proxyPassword}@127.0.0.1:${(proxy.address() as AddressInfo).port}\n`;
      const files = configurationFiles();
      files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey, extraEnv: proxyEnv });
      const serving = await startServe(files.configPath);
      const proxyPort = (proxy.address() as AddressInfo).port;
      // The log's lines are written in batches: the one saying where it listens comes within a quarter second.
      await expect.poll(() => serving.linesSaying('gateway listening')[0]?.outboundProxy).toEqual({ httpProxy: `http://127.0.0.1:${proxyPort}/` });
      await serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question });
      expect(tunnels).toEqual([new URL(providers().url).host]);
      // /health names the proxy each provider is reached through, without its credentials.
      const healthThrough = await healthText(serving.url);
      expect(healthThrough).not.toContain(proxyPassword);
      expect(JSON.parse(healthThrough).openai.outboundProxy).toBe(`http://127.0.0.1:${proxyPort}/`);

      files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey, extraEnv: `${proxyEnv}NO_PROXY=127.0.0.1\n` });
      await reload(serving, 'configuration reloaded');
      // Another question: the first one's answer is in the gateway's cache.
      const another = [{ role: 'user' as const, content: 'Say hello again.' }];
      await serving.client(oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: another });
      expect(providers().requests.filter((request) => request.provider === 'openai')).toHaveLength(2);
      expect(tunnels).toHaveLength(1);
      const healthAround = await healthText(serving.url);
      expect(healthAround).not.toContain(proxyPassword);
      expect(JSON.parse(healthAround).openai.outboundProxy).toBeNull();
      expect(await serving.stop()).toBe(0);
      expect(serving.stderr()).not.toContain(proxyPassword);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('serve with tls', () => {
  const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
  const firstPair = { cert: fixture('localhost-cert.pem'), key: fixture('localhost-key.pem') };
  const renewedPair = { cert: fixture('renewed-localhost-cert.pem'), key: fixture('renewed-localhost-key.pem') };
  /** Both certificates are trusted: each test checks which one is served by its fingerprint. */
  const ca = [readFileSync(firstPair.cert), readFileSync(renewedPair.cert)];
  const tlsYaml = 'tls:\n  certFile: tls/chain.pem\n  keyFile: tls/key.pem\n';

  /** Put a pair where `tlsYaml` names it, relative to the configuration file. */
  function placePair(files: ConfigurationFiles, pair: { readonly cert: string; readonly key: string }): void {
    const directory = join(dirname(files.configPath), 'tls');
    mkdirSync(directory, { recursive: true });
    copyFileSync(pair.cert, join(directory, 'chain.pem'));
    copyFileSync(pair.key, join(directory, 'key.pem'));
  }

  /** The SHA-256 fingerprint of the certificate a new TLS connection to the gateway is served. */
  function servedFingerprint(url: string): Promise<string> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connectTls({ host: hostname, port: Number(port), servername: 'localhost', ca }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.end();
      });
      socket.once('error', reject);
    });
  }
  const fingerprintOf = (certificatePath: string): string => new X509Certificate(readFileSync(certificatePath)).fingerprint256;

  function httpsClient(url: string, apiKey: string): OpenAI {
    const dispatcher = new Agent({ connect: { ca } });
    const fetchTrusting = ((input: string, init?: object) => undiciFetch(input, { ...init, dispatcher })) as unknown as typeof fetch;
    return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 15_000, fetch: fetchTrusting });
  }

  it('serves HTTPS with the files tls names, relative to the configuration file: answers and streams, and no plain HTTP', async () => {
    const files = configurationFiles();
    placePair(files, firstPair);
    files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey, extraYaml: tlsYaml });
    const serving = await startServe(files.configPath);
    expect(serving.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await servedFingerprint(serving.url)).toBe(fingerprintOf(firstPair.cert));
    const client = httpsClient(serving.url, oldKey);
    const answer = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question });
    expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);
    let streamed = '';
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Stream it.' }], stream: true });
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed.length).toBeGreaterThan(0);
    // The dashboard's session cookie, set over HTTPS, is Secure: a browser never sends it over plain HTTP.
    const signIn = await undiciFetch(`${serving.url}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: adminKey }).toString(),
      dispatcher: new Agent({ connect: { ca } }),
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/^backup_models_dashboard=[^;]+;.*; Secure/);
    // A client speaking plain HTTP to the port gets no answer: nothing is served in the clear.
    const plain = await fetch(serving.url.replace('https:', 'http:') + '/health').then(
      (response) => response.status,
      () => 'no answer',
    );
    expect(plain).toBe('no answer');
    expect(await serving.stop()).toBe(0);
    const keyBody = readFileSync(firstPair.key, 'utf8').split('\n')[1]!;
    expect(serving.stderr()).not.toContain(keyBody);
  });

  it('serves a certificate renewed in place to new connections after SIGHUP; a bad one is refused, the one in use kept', async () => {
    const files = configurationFiles();
    placePair(files, firstPair);
    files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey, extraYaml: tlsYaml });
    const serving = await startServe(files.configPath);
    placePair(files, renewedPair);
    await reload(serving, 'configuration reloaded');
    expect(await servedFingerprint(serving.url)).toBe(fingerprintOf(renewedPair.cert));

    // The renewed certificate with the first key: no pair, so nothing of the reload is taken.
    copyFileSync(firstPair.key, join(dirname(files.configPath), 'tls', 'key.pem'));
    files.write({ gatewayKeys: [newKey], openAIKey: firstProviderKey, extraYaml: tlsYaml });
    const refusal = await reload(serving, 'configuration reload refused: the gateway keeps serving on the configuration in use');
    expect(refusal.error).toBe(
      'Gateway configuration: tls.certFile and tls.keyFile do not make a certificate and its private key: x509 certificate routines::key values mismatch.',
    );
    expect(await servedFingerprint(serving.url)).toBe(fingerprintOf(renewedPair.cert));
    expect(await statusOf(httpsClient(serving.url, oldKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }))).toBe(200);
    expect(await serving.stop()).toBe(0);
  });

  it('needs a restart to switch HTTPS off: a reload says so and keeps serving HTTPS', async () => {
    const files = configurationFiles();
    placePair(files, firstPair);
    files.write({ gatewayKeys: [oldKey], openAIKey: firstProviderKey, extraYaml: tlsYaml });
    const serving = await startServe(files.configPath);
    files.write({ gatewayKeys: [oldKey, newKey], openAIKey: firstProviderKey });
    await reload(serving, 'configuration reloaded');
    expect(serving.linesSaying('configuration reloaded but for these settings, which only a restart changes: their values in use stay')).toMatchObject([
      { settings: ['tls'] },
    ]);
    expect(await servedFingerprint(serving.url)).toBe(fingerprintOf(firstPair.cert));
    expect(await statusOf(httpsClient(serving.url, newKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }))).toBe(200);
    expect(await serving.stop()).toBe(0);
  });
});

