/**
 * Two gateway processes (`node dist/cli/main.js serve`) sharing one Redis through REDIS_URL, or a Redis
 * Cluster through REDIS_CLUSTER_NODES: an answer cached by one is a cache hit in the other, and the provider
 * is asked once; with gateway keys, a client's wrong keys count once across both. Each gateway's budget for a Redis
 * operation is one fit for a loaded CI host (`loadedHostRedisTimeoutMs`), not the 50 ms of a production default: at
 * load ~17 on two cores gateway two's cache read of the cluster case once took longer and missed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createRedisClient, type RedisConnection } from '../src/shared-state/create-redis-client.js';
import {
  deleteKeysUnder,
  loadedHostRedisTimeoutMs,
  PrivateRedisCluster,
  redisTestGate,
  testRedisUrl,
  uniquePrefix,
  waitFor,
  waitUntilReady,
} from '../src/shared-state/redis-test-gate.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';
import { buildCliIfStale, mainScript } from './built-cli.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
let providers: ProviderTestServer;
let client: RedisConnection;
let gateways: ChildProcess[] = [];
const prefix = uniquePrefix();


beforeAll(async () => {
  await buildCliIfStale();
  providers = await startProviderTestServer();
  if (redis.skip) return;
  client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: loadedHostRedisTimeoutMs });
  await waitUntilReady(client);
}, 180_000);
afterEach(async () => {
  await Promise.all(gateways.map(stop));
  gateways = [];
});
afterAll(async () => {
  await providers?.close();
  if (client) await deleteKeysUnder(client, prefix);
  client?.disconnect(false);
});

/**
 * A gateway process on a free port, with the providers' test environment and the shared Redis; resolves
 * with its URL once it listens and both its Redis connections logged that they are ready.
 */
async function startGateway(redisEnv: Record<string, string> = { REDIS_URL: testRedisUrl }): Promise<string> {
  const child = spawn(process.execPath, [mainScript, 'serve', '--port', '0'], {
    env: {
      PATH: process.env.PATH ?? '',
      ...providers.environment(),
      ...redisEnv,
      BACKUP_MODELS_REDIS_PREFIX: prefix,
      BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS: String(loadedHostRedisTimeoutMs),
    },
  });
  gateways.push(child);
  let stderr = '';
  let stdout = '';
  return new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      // The log (stderr, flushed every 250 ms) says when each of the two Redis connections is ready.
      const redisReady = stderr.match(/"msg":"redis ready"/g)?.length ?? 0;
      if (match && redisReady >= 2) resolve(match[1]!);
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function chat(url: string, content: string): Promise<{ cache: string | null; body: { choices: { message: { content: string } }[] } }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content }] }),
  });
  expect(response.status).toBe(200);
  return { cache: response.headers.get('x-backup-models-cache'), body: (await response.json()) as { choices: { message: { content: string } }[] } };
}

redis.describe('two gateway processes sharing one Redis', () => {
  redis.it('serves from gateway two the answer gateway one cached, with one upstream request', async () => {
    providers.setBehavior('groq', { kind: 'success', text: 'asked once, shared' });
    const [one, two] = await Promise.all([startGateway(), startGateway()]);
    const first = await chat(one, 'Shared across gateways?');
    const second = await chat(two, 'Shared across gateways?');
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.body.choices[0]!.message.content).toBe('asked once, shared');
    expect(providers.requests.filter((request) => request.route === 'chat')).toHaveLength(1);
  }, 60_000);
});

redis.describe('two gateway processes with keys sharing one Redis', () => {
  redis.it('refuses, at both, a client whose wrong keys spread over them reached the limit', async () => {
    const key = 'gateway-key-shared-0123456789';
    const environment = { REDIS_URL: testRedisUrl, BACKUP_MODELS_GATEWAY_KEYS: key };
    const [one, two] = await Promise.all([startGateway(environment), startGateway(environment)]);
    await waitFor(async () => Number(((await client.call('PUBSUB', 'NUMSUB', `${prefix}:key-attempts:v1`)) as unknown[])[1]) >= 2, {
      timeoutMs: 10_000,
      what: 'both gateways to listen for refusals',
    });
    const listModels = async (url: string, apiKey: string): Promise<number> => {
      const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
      await response.arrayBuffer();
      return response.status;
    };
    // The default limit, 20 a minute: ten wrong keys at each.
    for (let attempt = 0; attempt < 20; attempt += 1) expect(await listModels(attempt % 2 === 0 ? one! : two!, `wrong-key-${attempt}`)).toBe(401);
    expect(await listModels(two!, key)).toBe(429);
    await waitFor(async () => (await listModels(one!, key)) === 429, { timeoutMs: 10_000, what: 'gateway one to refuse the client too' });
  }, 60_000);
});

redis.describe('two gateway processes sharing one Redis Cluster', () => {
  redis.it('serves from gateway two the answer gateway one cached, through REDIS_CLUSTER_NODES', async () => {
    const cluster = await PrivateRedisCluster.start();
    try {
      providers.reset();
      providers.setBehavior('groq', { kind: 'success', text: 'asked once, shared by the cluster' });
      // Each gateway is told of one node only: it finds the others itself.
      const [one, two] = await Promise.all([
        startGateway({ REDIS_CLUSTER_NODES: cluster.nodeUrls[0]! }),
        startGateway({ REDIS_CLUSTER_NODES: ` ${cluster.nodeUrls[2]!} , ` }),
      ]);
      const first = await chat(one, 'Shared across a cluster?');
      const second = await chat(two, 'Shared across a cluster?');
      expect(first.cache).toBe('miss');
      expect(second.cache).toBe('hit');
      expect(second.body.choices[0]!.message.content).toBe('asked once, shared by the cluster');
      expect(providers.requests.filter((request) => request.route === 'chat')).toHaveLength(1);
    } finally {
      await Promise.all(gateways.map(stop));
      await cluster.stop();
    }
  }, 60_000);
});
