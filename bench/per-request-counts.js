/**
 * What one request through a server costs in numbers the host's noise does not move: promises, timers,
 * immediates, ticks and listeners per request (async_hooks), bytes allocated per request (V8's sampling heap
 * profiler) and garbage collections, counted inside the server under a fixed number of requests. Not a target;
 * the tool session 18 measured the gateway's request path with (its CPU figure is the counted window's, with
 * the instruments' own cost in it: compare it between builds, not with the other benchmarks).
 *
 *   node bench/per-request-counts.js                         this checkout's gateway, whole answers
 *   node bench/per-request-counts.js --base ../other --stream  a built checkout's gateway, streams
 *   node bench/per-request-counts.js --server json-proxy      the undici JSON proxy reference (bare-proxy too)
 *   node bench/per-request-counts.js --top 30                 also the 30 functions that allocate most
 *   node bench/per-request-counts.js --stacks 4               also where async resources are made (4 frames)
 *   node bench/per-request-counts.js --otlp                   the gateway tracing, to an OTLP sink (lib/otlp-sink.js)
 *
 * Each server gets 3 s of load first, then two counted windows of --requests requests at --connections.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chatCompletionBody, loadChatCompletions } from './lib/chat-load.js';
import { startChildServer } from './lib/child-server.js';
import { openAiEnv, startOtlpSink, startUpstream } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '.' },
    server: { type: 'string', default: 'gateway' },
    stream: { type: 'boolean', default: false },
    requests: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '32' },
    top: { type: 'string', default: '0' },
    stacks: { type: 'string', default: '0' },
    otlp: { type: 'boolean', default: false },
  },
});
const hooksPath = fileURLToPath(new URL('./lib/per-request-hooks.cjs', import.meta.url));
const requests = Number(values.requests);
const connections = Number(values.connections);
const outputPath = join(mkdtempSync(join(tmpdir(), 'per-request-counts-')), 'counts');
const nodeOptions = ['--require', hooksPath];

/** Where a tracing gateway exports to (--otlp), stopped with the servers. */
let sink;

async function startServer(upstream) {
  const env = { BENCH_COUNTS_FILE: outputPath, BENCH_ASYNC_STACKS: values.stacks };
  if (values.otlp) {
    sink = await startOtlpSink();
    env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url;
  }
  if (values.server === 'gateway') {
    const servers = resolve(values.base, 'bench/lib/servers.js');
    const { startGateway } = await import(pathToFileURL(servers).href);
    const server = await startGateway({ providerEnv: { ...openAiEnv(upstream), ...env }, nodeOptions });
    return server;
  }
  const script = fileURLToPath(new URL(`./lib/${values.server}.js`, import.meta.url));
  if (!existsSync(script)) throw new Error(`no server ${values.server}: gateway, json-proxy or bare-proxy`);
  return startChildServer(script, { env: { PATH: process.env.PATH, BENCH_UPSTREAM_URL: upstream.url, ...env }, execArgv: nodeOptions });
}

const body = chatCompletionBody(values.stream);
/** `amountOrSeconds`: `{ amount }` requests or `{ duration }` seconds. */
const load = (server, amountOrSeconds) => loadChatCompletions(server, { body, connections, size: amountOrSeconds });

const sleep = (ms) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

async function window(server, kind) {
  process.kill(server.pid, 'SIGUSR2');
  await sleep(200);
  const done = await load(server, { amount: requests });
  // The log line and the metrics are written after the answer: let them run inside the window.
  await sleep(300);
  process.kill(server.pid, 'SIGUSR2');
  const path = `${outputPath}.${kind}.json`;
  for (let waited = 0; !existsSync(path); waited += 50) {
    if (waited > 20_000) throw new Error(`no ${kind} counts from the server`);
    await sleep(50);
  }
  await sleep(100);
  return { done, counts: JSON.parse(readFileSync(path, 'utf8')) };
}

const perRequest = (value, done) => Math.round((value / done) * 100) / 100;

const upstream = await startUpstream();
const server = await startServer(upstream);
try {
  await load(server, { duration: 3 });
  const schedule = await window(server, 'schedule');
  const heap = await window(server, 'heap');
  console.log(`${values.server} (${values.base})${values.otlp ? ', tracing to an OTLP sink' : ''}, ${values.stream ? 'streams' : 'whole answers'}, ${connections} connections, ${requests} requests a window`);
  console.log('  per request, async resources:');
  for (const [type, count] of Object.entries(schedule.counts.asyncTypes).sort((left, right) => right[1] - left[1])) {
    console.log(`    ${type.padEnd(28)} ${perRequest(count, schedule.done)}`);
  }
  const listeners = Object.entries(schedule.counts.listenerEvents).sort((left, right) => right[1] - left[1]);
  const listenerTotal = listeners.reduce((sum, [, count]) => sum + count, 0);
  console.log(`  per request, listeners added: ${perRequest(listenerTotal, schedule.done)} (${listeners.map(([name, count]) => `${name} ${perRequest(count, schedule.done)}`).join(', ')})`);
  const removals = Object.entries(schedule.counts.listenerRemovals).sort((left, right) => right[1] - left[1]);
  const removalTotal = removals.reduce((sum, [, count]) => sum + count, 0);
  console.log(`  per request, listeners removed: ${perRequest(removalTotal, schedule.done)} (${removals.map(([name, count]) => `${name} ${perRequest(count, schedule.done)}`).join(', ')})`);
  for (const [site, count] of schedule.counts.asyncSites ?? []) console.log(`    ${String(perRequest(count, schedule.done)).padStart(6)} ${site}`);
  const { counts } = heap;
  console.log(`  per request, bytes allocated: ${Math.round(counts.allocatedBytes / heap.done)}; CPU µs (instrumented): ${perRequest(counts.cpuMicros, heap.done)}`);
  console.log(`  garbage collections per 1,000 requests: ${Object.entries(counts.gcKinds).map(([kind, count]) => `kind ${kind}: ${perRequest(count * 1000, heap.done)}`).join(', ')}`);
  console.log('  bytes per request by script:');
  for (const [script, bytes] of counts.allocatedByScript.slice(0, 16)) console.log(`    ${String(Math.round(bytes / heap.done)).padStart(7)} ${script}`);
  const top = Number(values.top);
  if (top > 0) {
    console.log('  bytes per request by function:');
    for (const [name, bytes] of counts.allocatedByFunction.slice(0, top)) console.log(`    ${String(Math.round(bytes / heap.done)).padStart(7)} ${name}`);
  }
} finally {
  await server.stop();
  await upstream.stop();
  await sink?.stop();
}
