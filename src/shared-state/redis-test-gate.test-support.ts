/**
 * What the shared-state tests need around a real Redis: the gate that decides whether they run, unique
 * prefixes, cleanup, waiting for readiness, and a private redis-server that a test may kill and restart.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { beforeAll, describe, it } from 'vitest';
import { createRedisClient } from './create-redis-client.js';
import { escapeGlob } from './shared-state-keys.js';

export const testRedisUrl = 'redis://127.0.0.1:6379';

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

/** Remove every key under `prefix` (SCAN and UNLINK). */
export async function deleteKeysUnder(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 1_000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export function waitUntilReady(client: Redis, timeoutMs = 5_000): Promise<void> {
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
