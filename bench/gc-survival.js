/**
 * What outlives a request in a server under load, read from V8's own account of each young-generation
 * collection (`--trace-gc-nvp`): the bytes that survived each scavenge, those copied on to the old generation
 * ("promoted": they had survived one before), the scavenge's pause, and per request the bytes promoted and the
 * milliseconds of scavenging. Figures a noisy host hardly moves (they count bytes, not time, but for the pause),
 * for what a change did to what the server keeps alive. Not a target.
 *
 *   node bench/gc-survival.js                          this checkout's gateway, whole answers
 *   node bench/gc-survival.js --base ../other          a built checkout's gateway
 *   node bench/gc-survival.js --server json-proxy      the undici JSON proxy reference (bare-proxy too)
 *   node bench/gc-survival.js --stream --requests 10000
 *
 * Each server gets --requests requests of warm-up, then --requests counted, at --connections.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chatCompletionBody, loadChatCompletions } from './lib/chat-load.js';
import { freePort, startChildServer, startPlainServer } from './lib/child-server.js';
import { printTable } from './lib/report.js';
import { openAiEnv, startUpstream } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '.' },
    server: { type: 'string', default: 'gateway' },
    stream: { type: 'boolean', default: false },
    requests: { type: 'string', default: '40000' },
    connections: { type: 'string', default: '32' },
  },
});
const requests = Number(values.requests);
const connections = Number(values.connections);
const directory = mkdtempSync(join(tmpdir(), 'gc-survival-'));
const tracePath = join(directory, 'trace-gc-nvp.txt');
const traceFlags = ['--trace-gc-nvp'];

async function startServer(upstream, stdout) {
  if (values.server === 'gateway') {
    const cliPath = resolve(values.base, 'dist/cli/main.js');
    const configPath = join(directory, 'gateway.yaml');
    writeFileSync(configPath, 'cache:\n  enabled: false\n');
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...openAiEnv(upstream) };
    const args = [...traceFlags, cliPath, 'serve', '--config', configPath, '--port', String(port)];
    return startPlainServer(process.execPath, args, { port, env, stdout });
  }
  const script = fileURLToPath(new URL(`./lib/${values.server}.js`, import.meta.url));
  return startChildServer(script, { env: { PATH: process.env.PATH, BENCH_UPSTREAM_URL: upstream.url }, execArgv: traceFlags, stdout });
}

const body = chatCompletionBody(values.stream);
const load = (server) => loadChatCompletions(server, { body, connections, size: { amount: requests } });

/** The scavenges' lines of the trace, from byte `from` on. */
function scavengesSince(from) {
  const text = readFileSync(tracePath, 'utf8').slice(from);
  const field = (line, name) => Number(new RegExp(` ${name}=([0-9.]+)`).exec(line)?.[1] ?? Number.NaN);
  return text
    .split('\n')
    .filter((line) => line.includes(' gc=s '))
    .map((line) => ({ pause: field(line, 'pause'), survived: field(line, 'new_space_survived'), promoted: field(line, 'promoted') }));
}

const upstream = await startUpstream();
const stdout = openSync(tracePath, 'w');
const server = await startServer(upstream, stdout);
try {
  await load(server);
  const from = statSync(tracePath).size;
  await load(server);
  await new Promise((resolvePromise) => setTimeout(resolvePromise, 200));
  const scavenges = scavengesSince(from);
  if (scavenges.length === 0) throw new Error('no scavenge in the counted window: raise --requests');
  const sum = (name) => scavenges.reduce((total, scavenge) => total + scavenge[name], 0);
  const label = values.server === 'gateway' ? `gateway (${values.base})` : values.server;
  printTable(
    `${label}, ${values.stream ? 'streams' : 'whole answers'}, ${requests} requests counted at ${connections} connections`,
    [
      { key: 'scavenges', label: 'scavenges' },
      { key: 'perThousand', label: 'a 1,000 requests' },
      { key: 'pauseMs', label: 'mean pause ms' },
      { key: 'survivedKb', label: 'survived KB each' },
      { key: 'promotedKb', label: 'promoted KB each' },
      { key: 'promotedBytes', label: 'promoted B a request' },
      { key: 'scavengingMicros', label: 'scavenging µs a request' },
    ],
    [
      {
        scavenges: scavenges.length,
        perThousand: (scavenges.length * 1000) / requests,
        pauseMs: sum('pause') / scavenges.length,
        survivedKb: Math.round(sum('survived') / scavenges.length / 1024),
        promotedKb: Math.round(sum('promoted') / scavenges.length / 1024),
        promotedBytes: Math.round(sum('promoted') / requests),
        scavengingMicros: (sum('pause') * 1000) / requests,
      },
    ],
  );
} finally {
  await server.stop();
  await upstream.stop();
  closeSync(stdout);
}
