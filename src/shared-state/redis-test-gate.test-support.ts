/**
 * What the shared-state tests need around a real Redis: the gate that decides whether they run, unique
 * prefixes, cleanup, waiting for readiness, and a private redis-server that a test may kill and restart.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { scanKeys } from './scan-keys.js';
import { escapeGlob } from './shared-state-keys.js';

export const testRedisUrl = 'redis://127.0.0.1:6379';

/**
 * The time, in ms, a test gives each Redis command whose speed it does not test: its own reads, and the shared state
 * of the gateways it starts (`BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS`). On an idle host one takes well under a
 * millisecond; a loaded CI host stalls a process far longer (at load ~17 on two cores, a gateway's cache read missed
 * its 50 ms and a test's own command its 2 s). Longer only makes a broken test slower to fail: each such wait has a
 * deadline of its own. A test of what happens past a budget sets that budget itself.
 */
export const loadedHostRedisTimeoutMs = 10_000;

export interface RedisTestGate {
  /** True when the tests must not run: no Redis, outside CI. */
  readonly skip: boolean;
  /** `it`, skipped when `skip`. */
  readonly it: typeof it;
  /** `describe`, skipped when `skip` (for shared suites written with plain `it`). */
  readonly describe: typeof describe;
}

/**
 * Decides whether the Redis tests of a file run.
 * Why a skip is allowed here: these tests need a real Redis (the brief forbids a fake one). On a user's
 * machine without Redis they say plainly that they did not run; in CI (CI set) Redis is required (`.ci/run`
 * starts it), so the tests run anyway and the file fails loudly in `beforeAll`.
 */
export async function redisTestGate(options: { needsRedisServerBinary?: boolean } = {}): Promise<RedisTestGate> {
  const reachable = await isRedisReachable(testRedisUrl);
  const binary = options.needsRedisServerBinary !== true || hasRedisServerBinary();
  const missing = !reachable
    ? 'Redis not reachable on 127.0.0.1:6379'
    : !binary
      ? 'redis-server not found on PATH (these tests start and kill their own)'
      : undefined;
  const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
  beforeAll(() => {
    if (missing !== undefined && inCi) throw new Error(`${missing}, and CI requires it (.ci/run starts Redis).`);
  });
  const skip = missing !== undefined && !inCi;
  if (skip) console.warn(`${missing}: shared-state tests did not run`);
  // Skipped only outside CI and without Redis (see the doc comment above for why).
  return { skip, it: it.skipIf(skip) as typeof it, describe: describe.skipIf(skip) as typeof describe };
}

export interface TestRedis {
  /** A commands connection to the test Redis, open from `beforeAll` to `afterAll` (unset when skipped). */
  readonly client: RedisConnection;
  /** A prefix of the test's own (`uniquePrefix()` unless given), its keys deleted after the file's tests. */
  prefix(base?: string): string;
}

/** The test Redis for a file's tests: one connection, and every prefix they used cleaned up after them. */
export function useTestRedis(redis: RedisTestGate): TestRedis {
  let client: RedisConnection | undefined;
  const prefixes: string[] = [];
  beforeAll(async () => {
    if (redis.skip) return;
    client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
    await waitUntilReady(client);
  });
  afterAll(async () => {
    if (!client) return;
    for (const prefix of prefixes) await deleteKeysUnder(client, prefix);
    client.disconnect(false);
  });
  return {
    get client(): RedisConnection {
      if (!client) throw new Error('The test Redis is not connected (used outside a test, or the tests are skipped).');
      return client;
    },
    prefix: (base = uniquePrefix()) => {
      prefixes.push(base);
      return base;
    },
  };
}

export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function isRedisReachable(url: string): Promise<boolean> {
  const client = createRedisClient({ url, role: 'commands', commandTimeoutMs: 1_000, maxReconnectDelayMs: 100 });
  try {
    return await waitUntilReady(client, 1_500).then(
      async () => (await client.ping()) === 'PONG',
      () => false,
    );
  } finally {
    client.disconnect(false);
  }
}

/** A prefix no other test uses: `bm-test-<random>`. */
export function uniquePrefix(): string {
  return `bm-test-${randomBytes(6).toString('hex')}`;
}

/** Remove every key under `prefix` (SCAN and UNLINK, node by node on a cluster). */
export async function deleteKeysUnder(client: RedisConnection, prefix: string): Promise<void> {
  await scanKeys(client, { pattern: `${escapeGlob(prefix)}:*`, batchSize: 1_000 }, async (node, keys) => {
    await Promise.all(keys.map((key) => node.unlink(key)));
  });
}

export function waitUntilReady(client: RedisConnection, timeoutMs = 5_000): Promise<void> {
  return waitFor(() => client.status === 'ready', { timeoutMs, what: 'the Redis connection to be ready' });
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; what: string; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/** A redis-server of the test's own, on its own port, that the test may kill and start again. */
export class PrivateRedisServer {
  readonly port: number;
  #process: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<PrivateRedisServer> {
    const server = new PrivateRedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: 'ignore' },
    );
    this.#process = child;
    await waitFor(() => isRedisReachable(this.url), { timeoutMs: 10_000, what: `redis-server on port ${this.port}`, intervalMs: 50 });
  }

  /** SIGKILL: no goodbye to the clients, as a crash. */
  async kill(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A Redis Cluster of the test's own: `masters` redis-server processes in cluster mode (no replicas), their
 * slots assigned by `redis-cli --cluster create`. Each node also takes its port + 10000 for the cluster bus.
 */
export class PrivateRedisCluster {
  readonly ports: readonly number[];
  readonly #processes: ChildProcess[];
  readonly #directory: string;

  private constructor(ports: readonly number[], processes: ChildProcess[], directory: string) {
    this.ports = ports;
    this.#processes = processes;
    this.#directory = directory;
  }

  static async start(options: { masters?: number } = {}): Promise<PrivateRedisCluster> {
    const directory = mkdtempSync(join(tmpdir(), 'backup-models-cluster-'));
    const ports: number[] = [];
    while (ports.length < (options.masters ?? 3)) {
      const port = await freePort();
      if (port < 55_000 && !ports.includes(port) && (await isPortFree(port + 10_000))) ports.push(port);
    }
    const processes = ports.map((port) =>
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        { cwd: directory, stdio: 'ignore' },
      ),
    );
    const cluster = new PrivateRedisCluster(ports, processes, directory);
    for (const url of cluster.nodeUrls) {
      await waitFor(() => isRedisReachable(url), { timeoutMs: 10_000, what: `the cluster node ${url}`, intervalMs: 50 });
    }
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (create.status !== 0) {
      await cluster.stop();
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    }
    await waitFor(() => ports.every((port) => clusterStateOk(port)), { timeoutMs: 10_000, what: 'the cluster to be ok', intervalMs: 100 });
    return cluster;
  }

  get nodeUrls(): string[] {
    return this.ports.map((port) => `redis://127.0.0.1:${port}`);
  }

  /** How many keys each node holds, in port order. */
  keysPerNode(): number[] {
    return this.ports.map((port) => Number(spawnSync('redis-cli', ['-p', String(port), 'DBSIZE'], { encoding: 'utf8' }).stdout.trim()));
  }

  /** SIGKILL one node, as a crash: its slots have no other owner (no replicas), so the cluster is down for them. */
  async killNode(index: number): Promise<void> {
    const child = this.#processes[index];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#processes.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(this.#directory, { recursive: true, force: true });
  }
}

function clusterStateOk(port: number): boolean {
  const info = spawnSync('redis-cli', ['-p', String(port), 'CLUSTER', 'INFO'], { encoding: 'utf8' });
  return info.status === 0 && info.stdout.includes('cluster_state:ok');
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
