/**
 * Issue 8, secrets: canary API keys (each provider's, and the gateway's) sent through every path, failures
 * included, never come out anywhere a user or an operator can read: the gateway's responses and headers, its
 * log, /metrics, /health, the router's health status, errors as a logger would print them (cause chains
 * included), router events, the cache, the dashboard, the CLI. The upstream's error bodies quote the key the
 * request carried, as OpenAI's recorded 401 does ("Incorrect API key provided: DEADBEEF"): the provider test
 * server replays copies of the recorded error bodies with the canary in place of the recorded key.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheBackend, CacheEntry } from '../src/cache/cache-backend.js';
import { MemoryCacheBackend } from '../src/cache/memory-cache-backend.js';
import { defaultCatalog } from '../src/catalog.js';
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { BackupModelRouter, type RouterEvent } from '../src/index.js';
import { fixturesDirectoryEnv, type RecordedRequest, resolveFixturesDirectory } from '../src/testing/index.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

/** Keys nothing but their registration can recognise (no `sk-` or `gsk_` shape), and one that has the shape. */
const providerCanaries: Record<string, string> = {
  openai: 'sk-canary-Q7xK2mP9vR4tL8nW',
  groq: 'canary-groq-Zb3Hq8Lm2Vx6Tn',
  anthropic: 'canary-anthropic-Wd5Kp1Rs7Gy4',
  together: 'canary-together-Mf9Jc2Xh6Bq3',
  moonshot: 'canary-moonshot-Tv4Nz8Ld1Kw7',
  google: 'canary-google-Pe6Ry3Us9Ha2Cx',
};
const gatewayCanaries = ['canary-gateway-alpha-Yq2Wm7Ek4Rn9', 'canary-gateway-bravo-Hs8Dt3Fv6Lp1'] as const;
const everyCanary = [...Object.values(providerCanaries), ...gatewayCanaries];

/** Each provider's recorded key-refusal body, copied with the canary quoted in its message. */
const refusalFixtures: Record<string, { folder: string; name: string; body: (key: string) => string }> = {};
for (const provider of ['openai', 'groq', 'together', 'moonshot']) {
  refusalFixtures[provider] = {
    folder: provider,
    name: 'error-401-canary',
    // OpenAI's recorded 401, which quotes the key sent; the other three speak the same protocol.
    body: (key) => readRecorded('openai/error-401-invalid-api-key.json').replace('DEADBEEF', key),
  };
}
refusalFixtures.anthropic = {
  folder: 'anthropic',
  name: 'error-401-canary',
  body: (key) => readRecorded('anthropic/error-401-authentication.json').replace('invalid x-api-key', `invalid x-api-key: ${key}`),
};
refusalFixtures.google = {
  folder: 'gemini',
  name: 'error-400-canary',
  body: (key) => readRecorded('gemini/error-400-api-key-invalid.json').replaceAll('API key not valid.', `API key not valid: ${key}.`),
};

let recordedDirectory = '';
function readRecorded(path: string): string {
  return readFileSync(join(recordedDirectory, path), 'utf8');
}

/** A cache backend that keeps a copy of everything it is given, for the test to read. */
class RecordingCacheBackend implements CacheBackend {
  readonly #inner = new MemoryCacheBackend();
  readonly stored: { key: string; json: string }[] = [];
  get(key: string): Promise<CacheEntry | undefined> {
    return this.#inner.get(key);
  }
  set(key: string, value: CacheEntry, ttlSeconds: number): Promise<void> {
    this.stored.push({ key, json: JSON.stringify(value) });
    return this.#inner.set(key, value, ttlSeconds);
  }
  delete(key: string): Promise<void> {
    return this.#inner.delete(key);
  }
  clear(): Promise<void> {
    return this.#inner.clear();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

let fixturesCopy = '';
let harness: GatewayHarness;
let dashboard: Dashboard | undefined;
const env: Record<string, string | undefined> = {};
const cache = new RecordingCacheBackend();
const events: RouterEvent[] = [];
/** Every request the provider test server saw in this file, across resets. */
const upstream = new Map<number, RecordedRequest>();
/** Everything a user or operator could read, appended as the tests go. */
const seen: { where: string; text: string }[] = [];
const previousFixturesEnv = process.env[fixturesDirectoryEnv];

beforeAll(async () => {
  recordedDirectory = resolveFixturesDirectory();
  fixturesCopy = mkdtempSync(join(tmpdir(), 'backup-models-canary-fixtures-'));
  cpSync(recordedDirectory, fixturesCopy, { recursive: true });
  for (const [provider, fixture] of Object.entries(refusalFixtures)) {
    writeFileSync(join(fixturesCopy, fixture.folder, `${fixture.name}.json`), fixture.body(providerCanaries[provider]!));
  }
  process.env[fixturesDirectoryEnv] = fixturesCopy;
  harness = await startGatewayHarness({
    keys: gatewayCanaries,
    adminKeys: gatewayCanaries,
    routerOptions: { env, cacheBackend: cache, parallelAttempts: 1 },
  });
  Object.assign(env, harness.providers.environment());
  for (const definition of defaultCatalog) env[definition.apiKeyEnv] = providerCanaries[definition.id];
  harness.router.onEvent((event) => events.push(event));
  harness.providers.onRequest((request) => upstream.set(request.id, request));
  // The dashboard, attached as `backup-models serve` does, watches every call from here on.
  dashboard = attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, sampleIntervalMs: 50 });
});

afterAll(async () => {
  dashboard?.close();
  await harness?.close();
  if (previousFixturesEnv === undefined) delete process.env[fixturesDirectoryEnv];
  else process.env[fixturesDirectoryEnv] = previousFixturesEnv;
  if (fixturesCopy) rmSync(fixturesCopy, { recursive: true, force: true });
});

async function gatewayRequest(path: string, options: { key?: string; body?: unknown } = {}): Promise<Response> {
  const response = await fetch(`${harness.url}${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  seen.push({ where: `${path} -> ${response.status}`, text: `${JSON.stringify([...response.headers])}\n${text}` });
  return new Response(text, { status: response.status, headers: response.headers });
}

const chat = (model: string, content: string, stream = false, key: string = gatewayCanaries[0]) =>
  gatewayRequest('/v1/chat/completions', { key, body: { model, stream, messages: [{ role: 'user', content }] } });

const modelOf = (provider: string): string => `${provider}/${defaultCatalog.find((definition) => definition.id === provider)!.defaultModel}`;

function expectNoCanaryIn(texts: readonly { where: string; text: string }[]): void {
  for (const canary of everyCanary) {
    const core = canary.slice(-12);
    for (const { where, text } of texts) {
      expect(text.includes(core), `${canary} leaked in ${where}: ${text.slice(0, 400)}`).toBe(false);
    }
  }
}

describe('canary keys through every path, failures included', () => {
  it('two gateway keys with the same prompt never share a cache entry (before any key goes bad)', async () => {
    harness.providers.reset();
    const prompt = 'the same prompt from two keys';
    for (const key of gatewayCanaries) expect((await chat(modelOf('anthropic'), prompt, false, key)).status).toBe(200);
    expect((await chat(modelOf('anthropic'), prompt, false, gatewayCanaries[0])).status).toBe(200);
    expect(harness.providers.requests).toHaveLength(2);
    const entries = cache.stored.filter((entry) => entry.json.includes('Hello'));
    const keysForPrompt = new Set(cache.stored.slice(-2).map((entry) => entry.key));
    expect(keysForPrompt.size).toBe(2);
    expect(entries.length).toBeGreaterThan(0);
  });

  it.each(Object.keys(providerCanaries))('%s: answers, key refusals quoting the key, plain and streamed', async (provider) => {
    harness.providers.reset();
    expect((await chat(modelOf(provider), `hello ${provider}`)).status).toBe(200);
    expect((await chat(modelOf(provider), `hello ${provider} streamed`, true)).status).toBe(200);

    // The key goes bad: the provider's refusal quotes it, the router keeps the provider out.
    harness.providers.setBehavior(provider, { kind: 'error', fixture: refusalFixtures[provider]!.name });
    const refusedPlain = await chat(modelOf(provider), `refused ${provider}`);
    expect(refusedPlain.status).toBeGreaterThanOrEqual(400);
    const keptOut = await chat(modelOf(provider), `kept out ${provider}`, true);
    expect(keptOut.status).toBe(503);

    // The refusal really quoted the canary upstream: the test is not vacuous.
    const refused = harness.providers.requests.filter((request) => request.status === 401 || request.status === 400);
    expect(refused).toHaveLength(1);
    expect(refusalFixtures[provider]!.body(providerCanaries[provider]!)).toContain(providerCanaries[provider]);
  });

  it('a mid-stream error event that quotes the key ends the stream without it', async () => {
    harness.providers.reset();
    // The openai provider is cooled down by now: a fresh router on the same upstream, through the same gateway path.
    const router = new BackupModelRouter({ env, cacheEnabled: false, parallelAttempts: 1 });
    try {
      harness.providers.setBehavior('groq', { kind: 'error-event-after-events', events: 3, errorFixture: 'error-401-canary' });
      const stream = router.stream('mid-stream refusal', { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] });
      let text = '';
      const error = await (async () => {
        for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.text;
      })().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      seen.push({ where: 'mid-stream error (inspect)', text: inspect(error, { depth: 20 }) });
      seen.push({ where: 'mid-stream error (JSON)', text: JSON.stringify(error) });
    } finally {
      await router.close();
    }
  });

  it('errors as a logger prints them: message, JSON, and the whole cause chain', async () => {
    harness.providers.reset();
    const router = new BackupModelRouter({ env, cacheEnabled: false, parallelAttempts: 1 });
    const routerEvents: RouterEvent[] = [];
    router.onEvent((event) => routerEvents.push(event));
    try {
      for (const [provider, fixture] of Object.entries(refusalFixtures)) {
        harness.providers.setBehavior(provider, { kind: 'error', fixture: fixture.name });
        const error = await router.complete(`direct ${provider}`, { route: [{ provider, model: modelOf(provider).slice(provider.length + 1) }] }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(Error);
        seen.push({ where: `router error ${provider} (inspect)`, text: inspect(error, { depth: 20, showHidden: true }) });
        seen.push({ where: `router error ${provider} (JSON)`, text: JSON.stringify(error) });
        seen.push({ where: `router error ${provider} (stack)`, text: String((error as Error).stack) });
      }
      seen.push({ where: 'direct router events', text: JSON.stringify(routerEvents) });
      seen.push({ where: 'direct router health', text: JSON.stringify(router.getHealthStatus()) });
    } finally {
      await router.close();
    }
  });

  it('wrong gateway keys, near misses of the real ones, and no key', async () => {
    for (const key of [`${gatewayCanaries[0]}x`, gatewayCanaries[0].slice(0, -1), gatewayCanaries[1].toUpperCase(), '']) {
      const response = await chat(modelOf('openai'), 'who am I', false, key);
      expect(response.status).toBe(401);
    }
    expect((await gatewayRequest('/v1/models')).status).toBe(401);
  });

  it('upstream requests carry only their own provider key, never a gateway key', () => {
    expect(upstream.size).toBeGreaterThan(20);
    for (const request of upstream.values()) {
      const sent = JSON.stringify({ headers: request.headers, body: request.body, query: request.query });
      for (const [provider, canary] of Object.entries(providerCanaries)) {
        expect(sent.includes(canary)).toBe(provider === request.provider);
      }
      for (const gatewayKey of gatewayCanaries) expect(sent.includes(gatewayKey)).toBe(false);
    }
  });

  it('the CLI prints a key refusal quoting the key as one clear line, without the key', async () => {
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-401-canary' });
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      execFile(
        join('node_modules', '.bin', 'vite-node'),
        ['src/cli/main.ts', '--', 'chat', '--provider', 'openai', '--only', '--json', 'canary via the CLI'],
        { env: { ...process.env, ...env, [fixturesDirectoryEnv]: fixturesCopy }, timeout: 60_000 },
        (error, out, err) => resolve({ stdout: out, stderr: err, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0 }),
      );
    });
    seen.push({ where: 'CLI output', text: `${stdout}\n${stderr}` });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/authentication/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('the dashboard', () => {
  it('its page, state and event stream; its login refusing a wrong key; its session cookie is not the key', async () => {
    for (const path of ['/', '/dashboard/state']) await gatewayRequest(path, { key: gatewayCanaries[0] });
    const events = await fetch(`${harness.url}/dashboard/events`, { headers: { authorization: `Bearer ${gatewayCanaries[0]}` }, signal: AbortSignal.timeout(400) });
    expect(events.status).toBe(200);
    let streamed = '';
    try {
      for await (const chunk of events.body!) streamed += Buffer.from(chunk).toString('utf8');
    } catch {
      // The timeout ends the read: a few health samples and the snapshot were enough.
    }
    expect(streamed).toContain('event:');
    seen.push({ where: '/dashboard/events', text: streamed });

    const login = (key: string) =>
      fetch(`${harness.url}/dashboard/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key }).toString(),
      });
    const refused = await login(`${gatewayCanaries[1]}-wrong`);
    seen.push({ where: 'dashboard login refused', text: `${JSON.stringify([...refused.headers])}\n${await refused.text()}` });
    const accepted = await login(gatewayCanaries[1]);
    expect(accepted.status).toBe(303);
    const cookie = accepted.headers.get('set-cookie') ?? '';
    expect(cookie.length).toBeGreaterThan(0);
    seen.push({ where: 'dashboard session cookie', text: cookie });
    const signedOut = await fetch(`${harness.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: cookie.split(';')[0]! } });
    expect(signedOut.status).toBe(303);
    seen.push({ where: 'dashboard sign-out', text: `${JSON.stringify([...signedOut.headers])}\n${await signedOut.text()}` });
    const snapshot = dashboard?.state.snapshot();
    expect(JSON.stringify(snapshot)).toContain('anthropic');
    seen.push({ where: 'dashboard snapshot (in process)', text: JSON.stringify(snapshot) });
  });
});

describe('where the canaries must not be', () => {
  it('the health, metrics, models and dashboard endpoints; the router health status; events; the cache; the log; every response', async () => {
    for (const path of ['/health', '/metrics', '/v1/models', '/livez']) await gatewayRequest(path, { key: gatewayCanaries[0] });
    seen.push({ where: 'router.getHealthStatus()', text: JSON.stringify(harness.router.getHealthStatus()) });
    seen.push({ where: 'router events', text: JSON.stringify(events) });
    for (const entry of cache.stored) seen.push({ where: `cache entry ${entry.key}`, text: `${entry.key}\n${entry.json}` });
    seen.push({ where: 'gateway log', text: harness.logText() });
    // Not vacuous: the log and the responses saw the failures.
    expect(harness.logText()).toMatch(/authentication|invalid_api_key|provider_error|no_provider_available/);
    expect(seen.some((entry) => entry.where.startsWith('/v1/chat/completions -> 401'))).toBe(true);
    expect(cache.stored.length).toBeGreaterThan(0);
    expectNoCanaryIn(seen);
  });
});
