/**
 * `serve --workers`: several gateway processes on one port, as an operator runs it (`node dist/cli/main.js serve
 * --workers 2` as a child process, its shared state on the test Redis). What a user checks: calls are answered by
 * every worker on the one port, one cache for all; `/metrics` counts them all, whichever worker is scraped; a key's limit holds across
 * the workers, and so does a dashboard session and its sign-out; HTTPS, and a renewed certificate, from every worker;
 * a worker that dies is replaced, later each time while they keep dying, and calls go on; SIGHUP reaches every worker, and SIGTERM or a
 * terminal's Ctrl-C drains them all once; and what it refuses at start (no Redis, a bad count, a port in use).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { TLSSocket } from 'node:tls';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { redisTestGate, useTestRedis } from '../src/shared-state/redis-test-gate.test-support.js';
import { mainScript, runBuiltCli, useBuiltCliAndProviders } from './built-cli.js';
import { type ServeChild, startServeChild } from './serve-child.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const { it } = redis;

const providers = useBuiltCliAndProviders();

const callerKey = 'workers-caller-key-0123456789';
const otherCallerKey = 'workers-other-caller-key-987654';
const limitedKey = 'workers-limited-key-0123456789';
const adminKey = 'workers-admin-key-0123456789';
const question = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] };

function configurationFile(callers: readonly string[] = [callerKey]): { readonly path: string; write(callers: readonly string[]): void } {
  const path = join(mkdtempSync(join(tmpdir(), 'backup-models-workers-')), 'gateway.yaml');
  const write = (keys: readonly string[]): void => {
    const lines = keys.map((key, index) => `  - { name: caller-${index}, key: ${key} }`);
    lines.push(`  - { name: limited, key: ${limitedKey}, limits: { requestsPerMinute: 3 } }`, `  - { name: ops, key: ${adminKey}, admin: true }`);
    writeFileSync(path, `keys:\n${lines.join('\n')}\n`);
  };
  write(callers);
  return { path, write };
}

interface Workers extends ServeChild {
  /** The log's lines so far (the primary's and every worker's), parsed; those that are not JSON left out. */
  lines(message?: string): Record<string, unknown>[];
}

const running: ServeChild[] = [];
afterEach(() => {
  for (const serving of running.splice(0)) serving.child.kill('SIGKILL');
});

function redisEnvironment(): Record<string, string> {
  return { REDIS_URL: 'redis://127.0.0.1:6379', BACKUP_MODELS_REDIS_PREFIX: testRedis.prefix(), BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS: '10000' };
}

async function startWorkers(options: { readonly configPath: string; readonly detached?: boolean }): Promise<Workers> {
  const serving = await startServeChild({
    mainScript,
    args: ['--config', options.configPath, '--workers', '2'],
    env: { ...providers().environment(), ...redisEnvironment() },
    ...(options.detached ? { detached: true } : {}),
  });
  running.push(serving);
  const lines = (message?: string): Record<string, unknown>[] =>
    serving
      .stderr()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      })
      .filter((line) => message === undefined || line.msg === message);
  return { ...serving, lines };
}

/**
 * One request on a connection of its own, as many clients make them: the cluster hands each new connection to the
 * next worker, where a kept-alive connection would stay with one.
 */
function onNewConnection(
  url: string,
  options: {
    readonly key?: string;
    readonly path?: string;
    readonly body?: unknown;
    readonly method?: string;
    readonly headers?: Readonly<Record<string, string>>;
    /** Over HTTPS: the certificates trusted. */
    readonly ca?: readonly Buffer[];
  },
): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined>; fingerprint?: string }> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const send = url.startsWith('https:') ? httpsRequest : request;
    const outgoing = send(
      `${url}${options.path ?? '/v1/chat/completions'}`,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        agent: false,
        ...(options.ca ? { ca: [...options.ca], servername: 'localhost' } : {}),
        headers: {
          ...(options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        // The certificate the worker served, over HTTPS.
        const peer = response.socket instanceof TLSSocket ? response.socket.getPeerCertificate() : undefined;
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text, headers: response.headers, ...(peer ? { fingerprint: peer.fingerprint256 } : {}) }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function callsOnNewConnections(url: string, key: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) statuses.push((await onNewConnection(url, { key, body: question })).status);
  return statuses;
}

/** The workers (by their number) whose log lines say they answered a chat completion. */
function workersThatAnswered(serving: Workers): Set<unknown> {
  return new Set(serving.lines('chat.completions').map((line) => line.worker));
}

/** A worker's process id, from its `gateway listening` line (the log is written in batches, within 250 ms; a worker starts in a second or two). */
async function pidOfWorker(serving: Workers, worker: number): Promise<number> {
  const pidOf = (): unknown => serving.lines('gateway listening').find((line) => line.worker === worker)?.pid;
  await expect.poll(pidOf, { timeout: 15_000 }).toEqual(expect.any(Number));
  return pidOf() as number;
}

/** `name{labels} value` of a Prometheus exposition, as a number (undefined when absent). */
function sampleOf(exposition: string, sample: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

it('answers from both workers on one port, and /metrics counts every worker\'s requests whichever is scraped', async () => {
  const serving = await startWorkers({ configPath: configurationFile().path });
  expect(serving.stdout()).toMatch(/^backup-models gateway listening on http:\/\/127\.0\.0\.1:\d+ \(2 workers\)\n$/);
  await expect.poll(() => serving.lines('gateway listening').map((line) => line.worker).sort()).toEqual([1, 2]);

  expect(await callsOnNewConnections(serving.url, callerKey, 8)).toEqual(Array(8).fill(200));
  await expect.poll(() => workersThatAnswered(serving)).toEqual(new Set([1, 2]));
  // The same question eight times: the first worker's answer, cached on Redis, answers the rest at both workers.
  expect(providers().requests.filter((recorded) => recorded.provider === 'openai')).toHaveLength(1);

  // Two scrapes on new connections: one lands on each worker, and both count all eight.
  for (const scrape of [1, 2]) {
    const metrics = await onNewConnection(serving.url, { key: adminKey, path: '/metrics' });
    expect(metrics.status, `scrape ${scrape}`).toBe(200);
    expect(sampleOf(metrics.text, 'backup_models_gateway_requests_total{route="chat_completions",status="200"}')).toBe(8);
    expect(sampleOf(metrics.text, 'backup_models_attempts_total{provider="openai",outcome="success",reason="none"}')).toBe(1);
    expect(sampleOf(metrics.text, 'backup_models_cache_hits_total')).toBe(7);
    // Gauges are not summed: each worker's circuit is closed (0), and both read their configuration without a refusal.
    expect(sampleOf(metrics.text, 'backup_models_circuit_state{provider="openai"}')).toBe(0);
    expect(sampleOf(metrics.text, 'backup_models_config_last_reload_successful')).toBe(1);
    for (const secret of [callerKey, adminKey, limitedKey]) expect(metrics.text).not.toContain(secret);
  }
  serving.child.kill('SIGTERM');
  expect(await serving.exited).toBe(0);
}, 60_000);

it("holds a key's requests a minute across the workers, counted once on Redis", async () => {
  const serving = await startWorkers({ configPath: configurationFile().path });
  const statuses = await callsOnNewConnections(serving.url, limitedKey, 6);
  await expect.poll(() => workersThatAnswered(serving)).toEqual(new Set([1, 2]));
  expect(statuses.filter((status) => status === 200)).toHaveLength(3);
  expect(statuses.filter((status) => status === 429)).toHaveLength(3);
}, 60_000);

it('opens the dashboard at every worker with a session made at one, and ends it at every worker on a sign-out at one', async () => {
  const serving = await startWorkers({ configPath: configurationFile().path });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const signIn = await onNewConnection(serving.url, { path: '/dashboard/login', body: new URLSearchParams({ key: adminKey }).toString(), headers: form });
  expect(signIn.status).toBe(303);
  const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
  expect(cookie).toMatch(/^backup_models_dashboard=/);
  const stateStatuses = async (): Promise<number[]> => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await onNewConnection(serving.url, { path: '/dashboard/state', headers: { cookie } })).status);
    return statuses;
  };
  expect(await stateStatuses()).toEqual([200, 200, 200, 200]);
  const signOut = await onNewConnection(serving.url, { path: '/dashboard/logout', method: 'POST', headers: { cookie } });
  expect(signOut.status).toBe(303);
  // Heard by the other worker through Redis: neither honours the cookie now.
  await expect.poll(stateStatuses, { timeout: 10_000 }).toEqual([401, 401, 401, 401]);
}, 60_000);

it('serves HTTPS from every worker with tls, and the certificate renewed in place from every worker after SIGHUP', async () => {
  const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
  const first = { cert: fixture('localhost-cert.pem'), key: fixture('localhost-key.pem') };
  const renewed = { cert: fixture('renewed-localhost-cert.pem'), key: fixture('renewed-localhost-key.pem') };
  const ca = [readFileSync(first.cert), readFileSync(renewed.cert)];
  const fingerprintOf = (certificate: string): string => new X509Certificate(readFileSync(certificate)).fingerprint256;
  const file = configurationFile();
  const place = (pair: { readonly cert: string; readonly key: string }): void => {
    const directory = join(dirname(file.path), 'tls');
    mkdirSync(directory, { recursive: true });
    copyFileSync(pair.cert, join(directory, 'chain.pem'));
    copyFileSync(pair.key, join(directory, 'key.pem'));
  };
  place(first);
  writeFileSync(file.path, `${readFileSync(file.path, 'utf8')}tls:\n  certFile: tls/chain.pem\n  keyFile: tls/key.pem\n`);
  const serving = await startWorkers({ configPath: file.path });
  expect(serving.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const servedTwice = async (): Promise<{ statuses: number[]; fingerprints: Set<string | undefined> }> => {
    const answers = [];
    for (let index = 0; index < 4; index += 1) answers.push(await onNewConnection(serving.url, { key: callerKey, body: question, ca }));
    return { statuses: answers.map((answer) => answer.status), fingerprints: new Set(answers.map((answer) => answer.fingerprint)) };
  };
  expect(await servedTwice()).toEqual({ statuses: [200, 200, 200, 200], fingerprints: new Set([fingerprintOf(first.cert)]) });
  await expect.poll(() => workersThatAnswered(serving)).toEqual(new Set([1, 2]));

  place(renewed);
  serving.child.kill('SIGHUP');
  await expect.poll(() => serving.lines('configuration reloaded').map((line) => line.worker).sort(), { timeout: 10_000 }).toEqual([1, 2]);
  expect(await servedTwice()).toEqual({ statuses: [200, 200, 200, 200], fingerprints: new Set([fingerprintOf(renewed.cert)]) });
}, 60_000);

it('starts a worker in place of one that dies, waiting longer each time one dies soon after it began, and calls go on', async () => {
  const serving = await startWorkers({ configPath: configurationFile().path });
  // Three workers killed in a row, each soon after it listened (worker 1, then its replacement 3, then 4).
  const killed: number[] = [];
  for (const [worker, exits] of [[1, 1], [3, 2], [4, 3]] as const) {
    const pid = await pidOfWorker(serving, worker);
    process.kill(pid, 'SIGKILL');
    killed.push(pid);
    await expect.poll(() => serving.lines('gateway worker exited: starting another in its place').length, { timeout: 10_000 }).toBe(exits);
  }
  expect(serving.lines('gateway worker exited: starting another in its place')).toEqual([
    expect.objectContaining({ worker: 1, exitCode: null, signal: 'SIGKILL', restartInMs: 100 }),
    expect.objectContaining({ worker: 3, exitCode: null, signal: 'SIGKILL', restartInMs: 200 }),
    expect.objectContaining({ worker: 4, exitCode: null, signal: 'SIGKILL', restartInMs: 400 }),
  ]);
  await expect.poll(() => serving.lines('gateway listening').map((line) => line.worker).sort(), { timeout: 15_000 }).toEqual([1, 2, 3, 4, 5]);
  for (const pid of killed) expect(() => process.kill(pid, 0)).toThrow();

  expect(await callsOnNewConnections(serving.url, callerKey, 6)).toEqual(Array(6).fill(200));
  await expect.poll(() => workersThatAnswered(serving)).toContain(5);
  serving.child.kill('SIGTERM');
  expect(await serving.exited).toBe(0);
}, 60_000);

it('reads the configuration again in every worker on SIGHUP, and drains every worker on SIGTERM', async () => {
  const file = configurationFile([callerKey]);
  const serving = await startWorkers({ configPath: file.path });
  file.write([otherCallerKey]);
  serving.child.kill('SIGHUP');
  await expect.poll(() => serving.lines('configuration reloaded').map((line) => line.worker).sort(), { timeout: 10_000 }).toEqual([1, 2]);
  expect(await callsOnNewConnections(serving.url, otherCallerKey, 4)).toEqual(Array(4).fill(200));
  expect(await callsOnNewConnections(serving.url, callerKey, 4)).toEqual(Array(4).fill(401));

  serving.child.kill('SIGTERM');
  expect(await serving.exited).toBe(0);
  expect(serving.lines('draining').map((line) => line.worker).sort()).toEqual([1, 2]);
  // Each worker's, and last the primary's.
  expect(serving.lines('stopped').map((line) => line.worker ?? 'primary')).toEqual([expect.any(Number), expect.any(Number), 'primary']);
  for (const secret of [callerKey, otherCallerKey, adminKey]) expect(serving.stderr()).not.toContain(secret);
}, 60_000);

it("drains once on a terminal's Ctrl-C, which reaches the primary and every worker", async () => {
  const serving = await startWorkers({ configPath: configurationFile().path, detached: true });
  expect(await callsOnNewConnections(serving.url, callerKey, 2)).toEqual([200, 200]);
  process.kill(-(serving.child.pid as number), 'SIGINT');
  // A worker taking the primary's SIGTERM as a second signal would exit at once, 130, without draining.
  expect(await serving.exited).toBe(0);
  expect(serving.lines('draining')).toHaveLength(2);
  expect(serving.stderr()).not.toContain('interrupted');
}, 60_000);

it("answers a scrape 503 when a worker does not give its metrics, saying why", async () => {
  const serving = await startWorkers({ configPath: configurationFile().path });
  const second = await pidOfWorker(serving, 2);
  process.kill(second, 'SIGSTOP');
  // The next two connections go one to each worker: the stopped one's waits, the other's gathering times out.
  const scrapes = [onNewConnection(serving.url, { key: adminKey, path: '/metrics' }), onNewConnection(serving.url, { key: adminKey, path: '/metrics' })];
  try {
    const answered = await Promise.race(scrapes);
    expect(answered.status).toBe(503);
    expect(JSON.parse(answered.text)).toMatchObject({ error: { code: 'metrics_unavailable', message: expect.stringContaining('timed out') } });
  } finally {
    process.kill(second, 'SIGCONT');
    // The stopped worker's scrape, answered once it runs again.
    await Promise.allSettled(scrapes);
  }
}, 60_000);

it('refuses at start, exit code 2, workers without Redis or a count it cannot use; exit code 1 on a port in use', async () => {
  const { path } = configurationFile();
  const withoutRedis = await runBuiltCli(['serve', '--config', path, '--port', '0', '--workers', '2'], providers().environment());
  expect(withoutRedis.code).toBe(2);
  expect(withoutRedis.stderr).toContain('--workers 2 needs shared state on Redis (REDIS_URL or REDIS_CLUSTER_NODES)');
  expect(withoutRedis.stdout).toBe('');
  for (const secret of [callerKey, adminKey]) expect(withoutRedis.stderr).not.toContain(secret);

  const zero = await runBuiltCli(['serve', '--config', path, '--port', '0', '--workers', '0'], { ...providers().environment(), ...redisEnvironment() });
  expect(zero.code).toBe(2);
  expect(zero.stderr).toContain('--workers must be auto or a whole number from 1 to 64, not "0"');
  const fromVariable = await runBuiltCli(['serve', '--config', path, '--port', '0'], { ...providers().environment(), ...redisEnvironment(), BACKUP_MODELS_GATEWAY_WORKERS: 'many' });
  expect(fromVariable.code).toBe(2);
  expect(fromVariable.stderr).toContain('BACKUP_MODELS_GATEWAY_WORKERS must be auto or a whole number from 1 to 64, not "many"');

  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = (taken.address() as { port: number }).port;
    const portInUse = await runBuiltCli(['serve', '--config', path, '--port', String(port), '--workers', '2'], { ...providers().environment(), ...redisEnvironment() });
    expect(portInUse.code).toBe(1);
    expect(portInUse.stderr).toContain('EADDRINUSE');
    expect(portInUse.stdout).toBe('');
  } finally {
    taken.close();
  }
}, 60_000);
