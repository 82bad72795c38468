/**
 * The servers the benchmarks put under load, each in its own process on 127.0.0.1: the local upstream,
 * the bare node:http proxy, our gateway exactly as a user runs it (`backup-models serve`), and Portkey's
 * gateway when it is installed.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChildServer, startPlainServer } from './child-server.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const cliPath = here('../../dist/cli/main.js');
/** Exact version checked to run on Node 20, on loopback, with no network. */
export const portkeyVersion = '1.15.2';
export const benchApiKey = 'bench-placeholder-key';

/** A minimal environment: no variable of the machine (no real key) reaches a server under test. */
function baseEnv() {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };
}

/** The local upstream; `BENCH_UPSTREAM_HEADERS=recorded` in the benchmark's environment reaches it (upstream-server.js). */
export function startUpstream(options = {}) {
  const headers = process.env.BENCH_UPSTREAM_HEADERS;
  return startChildServer(here('./upstream-server.js'), {
    env: {
      ...baseEnv(),
      ...(options.restDelayMs !== undefined ? { BENCH_STREAM_REST_DELAY_MS: String(options.restDelayMs) } : {}),
      ...(headers !== undefined ? { BENCH_UPSTREAM_HEADERS: headers } : {}),
    },
  });
}

export function startBareProxy(upstream, { workers = 1 } = {}) {
  return startChildServer(here('./bare-proxy.js'), { env: { ...baseEnv(), BENCH_UPSTREAM_URL: upstream.url, BENCH_WORKERS: String(workers) } });
}

/** An OTLP/HTTP receiver that keeps nothing (otlp-sink.js), for a gateway tracing: its URL is the gateway's OTEL_EXPORTER_OTLP_ENDPOINT. */
export function startOtlpSink() {
  return startChildServer(here('./otlp-sink.js'), { env: baseEnv() });
}

/** The reference of a hop that parses and re-serializes, with nothing else (json-proxy.js). */
export function startJsonProxy(upstream) {
  return startChildServer(here('./json-proxy.js'), { env: { ...baseEnv(), BENCH_UPSTREAM_URL: upstream.url } });
}

/** The tests' self-signed certificate for localhost (test/fixtures/tls): a gateway given `tls` serves HTTPS with it. */
const tlsYaml = `tls:\n  certFile: ${here('../../test/fixtures/tls/localhost-cert.pem')}\n  keyFile: ${here('../../test/fixtures/tls/localhost-key.pem')}\n`;

/**
 * `node dist/cli/main.js serve` with a YAML configuration and only the given provider variables.
 * `yaml` defaults to the cache off, so every request reaches the upstream. With `descriptorLimit`, a
 * shell raises the soft limit on open files first and then becomes the gateway (exec: same pid). With `tls`, it
 * serves HTTPS with the tests' localhost certificate (a client must not check it against a CA).
 */
export async function startGateway({ providerEnv, yaml = 'cache:\n  enabled: false\n', nodeOptions = [], descriptorLimit, tls = false, workers }) {
  if (!existsSync(cliPath)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const directory = mkdtempSync(join(tmpdir(), 'backup-models-bench-'));
  const configPath = join(directory, 'gateway.yaml');
  writeFileSync(configPath, tls ? `${yaml}${tlsYaml}` : yaml);
  const port = await freePort();
  const args = [...nodeOptions, cliPath, 'serve', '--config', configPath, '--port', String(port), ...(workers ? ['--workers', String(workers)] : [])];
  // Workers share their state on the local Redis (`serve` refuses workers without it), under a prefix of their own.
  const redisEnv = workers ? { REDIS_URL: 'redis://127.0.0.1:6379', BACKUP_MODELS_REDIS_PREFIX: `bench-workers-${process.pid}-${port}` } : {};
  const env = { ...baseEnv(), ...providerEnv, ...redisEnv };
  const readyOutput = workers ? { readyOutput: /listening on/ } : {};
  if (descriptorLimit !== undefined && Number.isInteger(descriptorLimit)) {
    const script = `ulimit -n ${descriptorLimit} && exec "$0" "$@"`;
    return startPlainServer('sh', ['-c', script, process.execPath, ...args], { port, env, scheme: tls ? 'https' : 'http' });
  }
  return startPlainServer(process.execPath, args, { port, env, scheme: tls ? 'https' : 'http', ...readyOutput });
}

/**
 * What the library benchmarks ask the router: OpenAI's chat completions model the gateway benchmarks name too
 * (`openai/gpt-4o-mini`), since the local upstream speaks chat completions only. The default tier's OpenAI model
 * (gpt-6-luna) is asked on the Responses API, which the upstream does not serve.
 */
export const chatCompletionsCall = Object.freeze({ preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' });

/**
 * A router of the build whose `dist/index.js` is at `distIndexUrl` (this checkout's or another's), as the library
 * benchmarks call it: cache off, one attempt, OpenAI's key and base URL pointing at `upstream`. `call` asks it once
 * and fails unless the upstream's answer came back.
 */
export async function benchRouterOf(distIndexUrl, upstream, prompt) {
  const { BackupModelRouter } = await import(distIndexUrl);
  const router = new BackupModelRouter({ cacheEnabled: false, parallelAttempts: 1, env: openAiEnv(upstream) });
  const call = async () => {
    const result = await router.complete(prompt, chatCompletionsCall);
    if (result.content !== 'SUCCESS') throw new Error('router call failed');
  };
  return { router, call };
}

/** The OpenAI variables pointing at the local upstream. */
export function openAiEnv(upstream) {
  return { OPENAI_API_KEY: benchApiKey, OPENAI_BASE_URL: `${upstream.url}/v1` };
}

/** Where Portkey's server script is, or why it cannot run. */
export function findPortkey() {
  const candidates = [
    process.env.BENCH_PORTKEY_DIR && join(process.env.BENCH_PORTKEY_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js'),
    here('../../node_modules/@portkey-ai/gateway/build/start-server.js'),
  ].filter(Boolean);
  const script = candidates.find((path) => existsSync(path));
  if (!script) return { reason: `@portkey-ai/gateway is not installed (npm i -D @portkey-ai/gateway@${portkeyVersion})` };
  return { script };
}

/**
 * Portkey's gateway (`start-server.js --headless`). It takes a port but no host, so a preloaded module
 * makes its listen() bind 127.0.0.1 instead of every interface.
 */
export async function startPortkey(script) {
  const port = await freePort();
  return startPlainServer(
    process.execPath,
    ['--import', here('./loopback-only.mjs'), script, `--port=${port}`, '--headless'],
    // production: no log UI and no log stream route, as a deployment would run it.
    { port, env: { ...baseEnv(), NODE_ENV: 'production' } },
  );
}

/** The headers Portkey needs to send a request to the local upstream as OpenAI. */
export function portkeyHeaders(upstream) {
  return {
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${upstream.url}/v1`,
    authorization: `Bearer ${benchApiKey}`,
  };
}
