/**
 * The instructions a server's main thread executes per request, counted by valgrind's callgrind: much the same figure
 * on a quiet host and a loaded one (it counts instructions, not time), where a throughput ratio on two shared cores
 * moves by tens of percent. Not a target. The gateway's runs fall in two groups (session 25: 342,000 to 346,000, and
 * 387,000 to 459,000 when V8 optimizes again during the counted load, its compiler threads run one at a time with the
 * main thread under valgrind): take the lowest of several runs, and compare builds run for run.
 *
 *   node bench/instructions-per-request.js                           this checkout's gateway, 32 connections
 *   node bench/instructions-per-request.js --server json-proxy       the undici JSON proxy reference (bare-proxy too)
 *   node bench/instructions-per-request.js --base ../other           a built checkout's gateway
 *   node bench/instructions-per-request.js --connections 1 --requests 2000 --stream
 *   node bench/instructions-per-request.js --otlp [--sampled 0.01]  the gateway tracing to an OTLP sink (lib/otlp-sink.js),
 *                                                                    every request's trace or that share of them
 *   node bench/instructions-per-request.js --redis                   the gateway with its state shared on the local Redis,
 *                                                                    as each worker of `serve --workers` runs
 *
 * The server runs under `valgrind --tool=callgrind --separate-threads=yes`, about 50 times slower than natively.
 * It gets --requests requests of warm-up, its counters are zeroed, it gets --requests more, and its counters are
 * dumped: the main thread's total divided by the requests is the figure. V8's helper threads are reported
 * apart and are not comparable with a native run: under valgrind they compile and mark far more per request
 * than they do natively, where /proc gives them well under 1% of the process's CPU time. Compare builds whose
 * difference is of one kind: a change that swaps native code for JavaScript is counted against here, its code
 * optimized later by compiler threads that valgrind slows too (session 22: the protobuf span exporter 979,266
 * instructions a request against JSON's 757,085, where natively, in compare-gateways.js --otlp, it took 0.87 and
 * 0.91 of JSON's CPU a request).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chatCompletionBody, loadChatCompletions } from './lib/chat-load.js';
import { freePort, startPlainServer } from './lib/child-server.js';
import { openAiEnv, startOtlpSink, startUpstream } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '.' },
    server: { type: 'string', default: 'gateway' },
    stream: { type: 'boolean', default: false },
    requests: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '32' },
    otlp: { type: 'boolean', default: false },
    redis: { type: 'boolean', default: false },
    sampled: { type: 'string' },
  },
});
const requests = Number(values.requests);
const connections = Number(values.connections);
const servers = ['gateway', 'json-proxy', 'bare-proxy'];
if (!servers.includes(values.server)) {
  console.error(`--server is one of ${servers.join(', ')}`);
  process.exit(2);
}
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('valgrind is not installed (apt-get install valgrind)');
  process.exit(2);
}
const directory = mkdtempSync(join(tmpdir(), 'instructions-'));
const outputPattern = join(directory, 'callgrind.%p');
const valgrindArgs = ['--tool=callgrind', '--separate-threads=yes', '--dump-instr=no', '--smc-check=all-non-file', `--callgrind-out-file=${outputPattern}`];

/** The gateway's tracing variables (--otlp, --sampled): OpenTelemetry's own, as a user sets them. */
function tracingEnv(sink) {
  if (sink === undefined) return {};
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  if (values.sampled !== undefined) Object.assign(env, { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: values.sampled });
  return env;
}

/** The server's command line and environment: the gateway as a user runs it, or a reference on a port given in advance. */
function serverCommand(upstream, port, sink) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...tracingEnv(sink) };
  if (values.server === 'gateway') {
    const cliPath = resolve(values.base, 'dist/cli/main.js');
    if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build that checkout first`);
    const configPath = join(directory, 'gateway.yaml');
    writeFileSync(configPath, 'cache:\n  enabled: false\n');
    const redisEnv = values.redis ? { REDIS_URL: 'redis://127.0.0.1:6379', BACKUP_MODELS_REDIS_PREFIX: `bench-instructions-${process.pid}` } : {};
    return { args: [cliPath, 'serve', '--config', configPath, '--port', String(port)], env: { ...env, ...openAiEnv(upstream), ...redisEnv } };
  }
  const script = fileURLToPath(new URL(`./lib/${values.server}.js`, import.meta.url));
  return { args: [script], env: { ...env, BENCH_UPSTREAM_URL: upstream.url, BENCH_PORT: String(port) } };
}

const body = chatCompletionBody(values.stream);
// A server under valgrind answers about 50 times slower: autocannon's 10 s per request would cut it at one connection.
const load = (server) => loadChatCompletions(server, { body, connections, size: { amount: requests }, timeout: 60 });

/** Thread number → instructions, from the files `--separate-threads` wrote for the last dump (`.1-NN`: part 1, thread NN). */
function instructionsByThread(pid) {
  const byThread = new Map();
  for (const name of readdirSync(directory)) {
    const match = new RegExp(`^callgrind\\.${pid}\\.1-(\\d+)$`).exec(name);
    if (!match) continue;
    const summary = /^summary: (\d+)$/m.exec(readFileSync(join(directory, name), 'utf8'));
    byThread.set(Number(match[1]), summary ? Number(summary[1]) : 0);
  }
  return byThread;
}

const upstream = await startUpstream();
const sink = values.otlp ? await startOtlpSink() : undefined;
let server;
try {
  const port = await freePort();
  const { args, env } = serverCommand(upstream, port, sink);
  server = await startPlainServer('valgrind', [...valgrindArgs, process.execPath, ...args], { port, env, startTimeoutMs: 180_000 });
  await load(server);
  execFileSync('callgrind_control', ['--zero', String(server.pid)], { stdio: 'ignore' });
  const counted = await load(server);
  execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
  const byThread = instructionsByThread(server.pid);
  const main = byThread.get(1);
  if (main === undefined) throw new Error(`no dump of the main thread in ${directory}`);
  let helpers = 0;
  for (const [thread, instructions] of byThread) if (thread !== 1) helpers += instructions;
  const tracing = values.otlp ? `, tracing${values.sampled !== undefined ? ` (sampled ${values.sampled})` : ''}` : '';
  const what = values.server === 'gateway' ? `gateway (${values.base})${tracing}${values.redis ? ', shared state on Redis' : ''}` : values.server;
  console.log(`${what}, ${values.stream ? 'streams' : 'whole answers'}, ${connections} connections, ${counted} requests counted after ${requests} of warm-up`);
  console.log(`  main thread: ${Math.round(main / counted).toLocaleString('en')} instructions a request`);
  console.log(`  V8's helper threads under valgrind (not comparable with a native run): ${Math.round(helpers / counted).toLocaleString('en')}`);
} finally {
  await server?.stop();
  await upstream.stop();
  await sink?.stop();
}
